// Generating and validating the parameters of the identity schemes (RFC 5906
// Appendices E-G; how ntp-keygen lays them out in files:
// autokey-operator-surface.md §1.8). Used by the key generator and by
// whoever loads parameter files.
//
// Generation takes sizes the caller has checked; it throws
// std::invalid_argument for sizes no group can have (a programming error,
// not a parse failure). Validation returns a typed error.
#pragma once

#include <botan/bigint.h>

#include <cstddef>
#include <vector>

#include "crypto/identity_errors.h"
#include "crypto/identity_params.h"
#include "wire/result.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace ak::crypto {

// IFF: p of `pbits` bits, prime q of `qbits` bits dividing p-1, g of order q,
// group key b uniform in [1, q-1], v = g^(q-b). Botan's DL_Group refuses
// p < 1024 bits, so smaller groups (ntp-keygen -b 512 as in the fixtures) are
// built the same way by hand (deps-probe §3.5).
// Needs 16 <= qbits and qbits + 2 <= pbits.
IffParams generate_iff(Botan::RandomNumberGenerator& rng, std::size_t pbits, std::size_t qbits = 160);

// GQ: n the product of two random primes (exactly `nbits` bits; the factors
// are discarded), group key b coprime to phi(n) so that b-th roots are unique,
// server key u uniform in Z_n*, v = (u^-1)^b. Needs nbits >= 64.
GqParams generate_gq(Botan::RandomNumberGenerator& rng, std::size_t nbits);

// MV: what the trusted authority hands out.
struct MvKeys {
  MvParams server;                // p, q, E, gbar, ghat
  std::vector<MvParams> clients;  // p, q, xbar, xhat; clients[j] is ntp-keygen's client j+1
  std::vector<bool> revoked;      // revoked[j]: clients[j] cannot verify the server
  // The authority's own values (ntp-keygen's first block: p, q, g, A, b).
  Botan::BigInt g, A, b;
  // The prime factors of q; factor j+1 belongs to client j, factor 0 to
  // nobody. ntp-keygen does not keep them.
  std::vector<Botan::BigInt> factors;
};

// MV with `clients` client keys, the ones listed in `revoked` (indices into
// MvKeys::clients) revoked (ntp-keygen always revokes its last client).
// q is the product of clients+1 distinct primes of about qbits/(clients+1)
// bits and has exactly qbits bits; p = 2q+1 prime, g of order q. Client j owns factor s_j; the server's
// enabling key s is the product of the factors of the clients not revoked,
// E = A^s, gbar = g^s, ghat = g^(s·b). Each client key satisfies
// a + xhat + b·xbar ≡ 0 modulo every factor but its own, and not modulo its
// own, so gbar^xhat·ghat^xbar·E = g^(s·(a + xhat + b·xbar)) is 1 exactly when
// s holds the client's factor. (A construction in the spirit of RFC 5906
// Appendix G, not ntp-keygen's: no interoperable MV file exists to match.)
// Note that p-1 is smooth by construction, so discrete logarithms mod p are
// easy (security-history §2.3): MV is for compatibility, not for security.
// Needs clients >= 1, qbits/(clients+1) >= 16, every revoked index < clients.
MvKeys generate_mv(Botan::RandomNumberGenerator& rng, std::size_t qbits, std::size_t clients,
                   const std::vector<std::size_t>& revoked);

// IFF: p and q prime, q | p-1, 1 < g < p with g^q ≡ 1; if present, b in
// [1, q-1], v in [1, p-1] with v^q ≡ 1, and g^b·v ≡ 1 when both are.
Status<IdentityError> validate_iff_group(const IffParams& params, Botan::RandomNumberGenerator& rng);

// GQ: n an odd composite, b in [2, n-1]; if present, u and v units mod n,
// and u^b·v ≡ 1 when both are.
Status<IdentityError> validate_gq(const GqParams& params, Botan::RandomNumberGenerator& rng);

// MV: p prime; if q > 1 (a client file from ntp-keygen has q = 1), p = 2q+1;
// E, gbar, ghat in [2, p-2]; xbar, xhat in [0, q-1] (or [0, p-1] if q = 1).
Status<IdentityError> validate_mv(const MvParams& params, Botan::RandomNumberGenerator& rng);

}  // namespace ak::crypto
