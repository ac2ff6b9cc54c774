// The encodings the three identity schemes share (autokey-protocol.md §7.1):
// the challenge r travels as an unsigned big-endian integer in a field as
// long as the modulus, the response as a DER SEQUENCE of INTEGERs.
#pragma once

#include <botan/bigint.h>

#include <cstddef>
#include <vector>

#include "crypto/identity_errors.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace ak::crypto {

// Octets of the challenge field for a modulus (q for IFF, n for GQ, p for MV).
std::size_t challenge_length(const Botan::BigInt& modulus);

// A fresh challenge: r uniform in [1, modulus-1], big-endian, left-padded with
// zeros to challenge_length(modulus). ntpd writes r left-aligned and leaves
// the tail unset when r is short (digest §7.1 quirk); we pad on the left so
// the value the server reads is the value we keep.
wire::Bytes make_challenge(Botan::RandomNumberGenerator& rng, const Botan::BigInt& modulus);

// The challenge r in a received field. Refused: a field of any length other
// than challenge_length(modulus) (XEVNT_LEN), r = 0 or r >= modulus. A fixed
// length keeps a client from choosing tiny values (security-history NEW-2).
Result<Botan::BigInt, IdentityError> parse_challenge(wire::ByteView field, const Botan::BigInt& modulus);

// DER SEQUENCE{INTEGER...} of non-negative integers.
wire::Bytes encode_integer_sequence(const std::vector<Botan::BigInt>& values);

// Exactly `count` INTEGERs in one DER SEQUENCE filling all of `der`. Strict:
// BER-only forms (non-minimal lengths or integers, indefinite length) are
// ResponseNotDer, octets after the SEQUENCE ResponseTrailingBytes. Integers
// may come back negative; callers range-check them.
Result<std::vector<Botan::BigInt>, IdentityError> decode_integer_sequence(wire::ByteView der,
                                                                         std::size_t count);

}  // namespace ak::crypto
