// IFF (Schnorr) identification: RFC 5906 Appendix E, with ntpd's encodings
// (autokey-protocol.md §5.7, §7.2).
//
//   client  r uniform in [1, q-1], sent in octets(q) octets        (iff_challenge)
//   server  k uniform in [1, q-1]; y = k + b·r mod q; x = g^k mod p;
//           sends DER SEQUENCE{INTEGER y, INTEGER bighash(x)}       (iff_respond)
//   client  z = g^y · v^r mod p, accepts iff bighash(z) matches   (iff_verify)
//
// It works because v = g^(q-b) = g^-b, so g^y·v^r = g^(k + br - br) = g^k.
//
// Deliberate difference from ntpd 4.2.8p15 (security-history NEW-2): ntpd
// draws k with as many bits as the received challenge field, so a 1-octet
// challenge gives k < 256 and one response reveals b. Here k is uniform in
// [1, q-1] whatever the challenge, and a field of any length but octets(q)
// is refused.
#pragma once

#include "crypto/identity_errors.h"
#include "crypto/identity_params.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace ak::crypto {

// Client: a fresh challenge field for these parameters (needs q).
wire::Bytes iff_challenge(Botan::RandomNumberGenerator& rng, const IffParams& params);

// Server: the response value to a challenge field. Needs p, q, g and b.
// Errors: MissingPrivateValue, BadParameters, ChallengeWrongLength,
// ChallengeOutOfRange.
Result<wire::Bytes, IdentityError> iff_respond(const IffParams& params, wire::ByteView challenge,
                                               Botan::RandomNumberGenerator& rng);

// Client: whether `response` proves knowledge of b for the challenge this
// client sent. Needs p, q, g and v. Errors: MissingPublicValue,
// BadParameters, Challenge* (own challenge malformed), ResponseNotDer,
// ResponseTrailingBytes, ResponseOutOfRange (y not in [0, q-1] or hash not
// in [0, 2^128)), ProofRejected.
Status<IdentityError> iff_verify(const IffParams& params, wire::ByteView challenge,
                                 wire::ByteView response);

// v = g^(q-b) mod p from b: what a server whose PKCS#8 file lost v (digest
// §7.2, OpenSSL 3) gives its clients. Errors: MissingPrivateValue,
// BadParameters, KeyOutOfRange (b not in [1, q-1]).
Result<Botan::BigInt, IdentityError> iff_public_value(const IffParams& params);

}  // namespace ak::crypto
