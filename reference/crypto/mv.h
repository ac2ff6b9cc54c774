// MV (Mu-Varadharajan) identification: RFC 5906 Appendix G, with ntpd's
// encodings (autokey-protocol.md §5.9, §7.4).
//
// p = 2q + 1 prime. The trusted authority gives the server E, gbar, ghat and
// each client j its xbar_j, xhat_j such that gbar^xhat_j · ghat^xbar_j · E ≡ 1
// (mod p) for every client it has not revoked (generate_mv, group_gen.h).
//
//   client  r uniform in [1, p-1], sent in octets(p) octets         (mv_challenge)
//   server  k uniform in [1, q-1] with gcd(k, q) = 1; y = E^k·r mod p;
//           a = gbar^k mod p; c = ghat^k mod p;
//           sends DER SEQUENCE{INTEGER y, INTEGER a, INTEGER c}     (mv_respond)
//           (ntpd writes it with i2d_DSAparams, the same octets)
//   client  z = a^xhat · c^xbar · y mod p, accepts iff z == r      (mv_verify)
//
// There is no hash: the client recovers r exactly.
#pragma once

#include "crypto/identity_errors.h"
#include "crypto/identity_params.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace ak::crypto {

// Client: a fresh challenge field for these parameters (needs p).
wire::Bytes mv_challenge(Botan::RandomNumberGenerator& rng, const MvParams& params);

// Server: the response value to a challenge field. Needs p, q, E, gbar, ghat.
// Errors: MissingPrivateValue, BadParameters, ChallengeWrongLength,
// ChallengeOutOfRange.
Result<wire::Bytes, IdentityError> mv_respond(const MvParams& params, wire::ByteView challenge,
                                              Botan::RandomNumberGenerator& rng);

// Client: whether `response` proves the server holds keys the authority
// issued for a group this client still belongs to. Needs p, xbar and xhat (q
// is not used: ntp-keygen's client files carry q = 1, digest §7.4).
// Errors: MissingPublicValue, BadParameters, Challenge*, ResponseNotDer,
// ResponseTrailingBytes, ResponseOutOfRange (a value not in [1, p-1], or a or
// c of order 1 or 2, i.e. 1 or p-1: with a = c = 1 and y = r anyone would
// pass), ProofRejected.
Status<IdentityError> mv_verify(const MvParams& params, wire::ByteView challenge, wire::ByteView response);

}  // namespace ak::crypto
