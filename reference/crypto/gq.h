// GQ (Guillou-Quisquater) identification: RFC 5906 Appendix F, with ntpd's
// encodings (autokey-protocol.md §5.8, §7.3).
//
//   client  r uniform in [1, n-1], sent in octets(n) octets         (gq_challenge)
//   server  k uniform in [1, n-1], gcd(k, n) = 1; y = k·u^r mod n;
//           x = k^b mod n; sends DER SEQUENCE{INTEGER y, INTEGER bighash(x)}
//                                                                  (gq_respond)
//   client  z = y^b · v^r mod n, accepts iff bighash(z) matches    (gq_verify)
//
// It works because v = (u^-1)^b, so y^b·v^r = k^b·(u^b·v)^r = k^b.
//
// This is the intended mathematics. ntpd 4.2.8p15 computes something else
// (digest §7.3 "4.2.8p15 defect": it uses b where u belongs and 1 where b
// belongs), so GQ does not interoperate with p15; gq_shows_p15_defect()
// recognises such a response so a caller can say why it failed.
//
// As for IFF, the nonce is uniform whatever the challenge field (security-
// history NEW-2: ntpd sizes it by the challenge, leaking u).
#pragma once

#include "crypto/identity_errors.h"
#include "crypto/identity_params.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace ak::crypto {

// Client: a fresh challenge field for these parameters (needs n).
wire::Bytes gq_challenge(Botan::RandomNumberGenerator& rng, const GqParams& params);

// Server: the response value to a challenge field. Needs n, b and u.
// Errors: MissingPrivateValue, BadParameters, KeyOutOfRange,
// ChallengeWrongLength, ChallengeOutOfRange.
Result<wire::Bytes, IdentityError> gq_respond(const GqParams& params, wire::ByteView challenge,
                                              Botan::RandomNumberGenerator& rng);

// Client: whether `response` proves knowledge of u for its own challenge.
// Needs n, b and v (v from the trusted certificate's subjectKeyIdentifier,
// digest §7.3). Errors as iff_verify.
Status<IdentityError> gq_verify(const GqParams& params, wire::ByteView challenge, wire::ByteView response);

// Diagnostic: whether a well-formed response is what ntpd 4.2.8p15's
// defective arithmetic produces, y = k·b^r mod n with bighash(k) as the second
// INTEGER (digest §7.3). Needs n and b. A response that fails gq_verify but
// passes this one came from a p15 server. Errors: BadParameters, Challenge*,
// ResponseNotDer, ResponseTrailingBytes, ResponseOutOfRange.
Result<bool, IdentityError> gq_shows_p15_defect(const GqParams& params, wire::ByteView challenge,
                                                wire::ByteView response);

// v = (u^-1)^b mod n from u. Errors: MissingPrivateValue, BadParameters,
// KeyOutOfRange (u not invertible mod n).
Result<Botan::BigInt, IdentityError> gq_public_value(const GqParams& params);

}  // namespace ak::crypto
