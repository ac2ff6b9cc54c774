#include "crypto/identity_encoding.h"

#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/rng.h>

#include <algorithm>
#include <exception>

namespace ak::crypto {

std::size_t challenge_length(const Botan::BigInt& modulus) { return modulus.bytes(); }

wire::Bytes make_challenge(Botan::RandomNumberGenerator& rng, const Botan::BigInt& modulus) {
  // random_integer draws from [min, max): r in [1, modulus - 1].
  const Botan::BigInt r = Botan::BigInt::random_integer(rng, 1, modulus);
  wire::Bytes field(challenge_length(modulus));
  Botan::BigInt::encode_1363(field.data(), field.size(), r);
  return field;
}

Result<Botan::BigInt, IdentityError> parse_challenge(wire::ByteView field, const Botan::BigInt& modulus) {
  if (modulus <= 1) return Err{IdentityError::BadParameters};
  if (field.size() != challenge_length(modulus)) return Err{IdentityError::ChallengeWrongLength};
  Botan::BigInt r(field.data(), field.size());
  if (r.is_zero() || r >= modulus) return Err{IdentityError::ChallengeOutOfRange};
  return r;
}

wire::Bytes encode_integer_sequence(const std::vector<Botan::BigInt>& values) {
  wire::Bytes out;
  Botan::DER_Encoder enc(out);
  enc.start_cons(Botan::SEQUENCE);
  for (const auto& v : values) enc.encode(v);
  enc.end_cons();
  return out;
}

Result<std::vector<Botan::BigInt>, IdentityError> decode_integer_sequence(wire::ByteView der,
                                                                         std::size_t count) {
  std::vector<Botan::BigInt> values(count);
  bool trailing = false;
  try {
    Botan::BER_Decoder outer(der.data(), der.size());
    Botan::BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
    for (auto& v : values) seq.decode(v);
    seq.end_cons();  // throws if the SEQUENCE holds more than `count` items
    trailing = outer.more_items();
  } catch (const std::exception&) {
    // Botan reports every malformed encoding by exception; none crosses this
    // parse boundary.
    return Err{IdentityError::ResponseNotDer};
  }
  if (trailing) return Err{IdentityError::ResponseTrailingBytes};
  // BER_Decoder is lenient (long-form lengths, leading zero octets, indefinite
  // length). The canonical encoding of what was read must be the input itself.
  wire::Bytes canonical;
  try {
    canonical = encode_integer_sequence(values);
  } catch (const std::exception&) {
    return Err{IdentityError::ResponseNotDer};
  }
  if (!std::equal(canonical.begin(), canonical.end(), der.begin(), der.end()))
    return Err{IdentityError::ResponseNotDer};
  return values;
}

}  // namespace ak::crypto
