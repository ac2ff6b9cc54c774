#include "crypto/iff.h"

#include <botan/numthry.h>
#include <botan/rng.h>

#include <exception>

#include "crypto/bighash.h"
#include "crypto/identity_encoding.h"

namespace ak::crypto {

namespace {

// Cheap shape checks that keep every modular operation well defined. Full
// validation (primality, q | p-1, order of g) is validate_iff_group's job,
// done once when the parameters are loaded.
bool usable_group(const IffParams& params) {
  return params.p > 2 && params.q > 1 && params.q < params.p && params.g > 1 && params.g < params.p;
}

// The bighash range: an MD5 digest read as an integer.
const Botan::BigInt& hash_bound() {
  static const Botan::BigInt bound = Botan::BigInt::power_of_2(128);
  return bound;
}

}  // namespace

wire::Bytes iff_challenge(Botan::RandomNumberGenerator& rng, const IffParams& params) {
  return make_challenge(rng, params.q);
}

Result<wire::Bytes, IdentityError> iff_respond(const IffParams& params, wire::ByteView challenge,
                                               Botan::RandomNumberGenerator& rng) {
  if (!params.b) return Err{IdentityError::MissingPrivateValue};
  if (!usable_group(params)) return Err{IdentityError::BadParameters};
  const Botan::BigInt& b = *params.b;
  if (b.is_zero() || b.is_negative() || b >= params.q) return Err{IdentityError::KeyOutOfRange};
  AK_TRY(const Botan::BigInt r, parse_challenge(challenge, params.q));
  try {
    // security-history NEW-2: the nonce is uniform in [1, q-1], never sized
    // by the challenge.
    const Botan::BigInt k = Botan::BigInt::random_integer(rng, 1, params.q);
    const Botan::BigInt y = (k + b * r) % params.q;
    const Botan::BigInt x = Botan::power_mod(params.g, k, params.p);
    return encode_integer_sequence({y, bighash(x)});
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
}

Status<IdentityError> iff_verify(const IffParams& params, wire::ByteView challenge,
                                 wire::ByteView response) {
  if (!params.v) return Err{IdentityError::MissingPublicValue};
  if (!usable_group(params)) return Err{IdentityError::BadParameters};
  const Botan::BigInt& v = *params.v;
  if (v <= 0 || v >= params.p) return Err{IdentityError::BadParameters};
  AK_TRY(const Botan::BigInt r, parse_challenge(challenge, params.q));
  AK_TRY(const std::vector<Botan::BigInt> values, decode_integer_sequence(response, 2));
  const Botan::BigInt& y = values[0];
  const Botan::BigInt& hash = values[1];
  if (y.is_negative() || y >= params.q) return Err{IdentityError::ResponseOutOfRange};
  if (hash.is_negative() || hash >= hash_bound()) return Err{IdentityError::ResponseOutOfRange};
  try {
    // RFC 5906 Appendix E: z = g^y · v^r = g^k.
    const Botan::BigInt z =
        (Botan::power_mod(params.g, y, params.p) * Botan::power_mod(v, r, params.p)) % params.p;
    if (bighash(z) != hash) return Err{IdentityError::ProofRejected};
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
  return Ok{};
}

Result<Botan::BigInt, IdentityError> iff_public_value(const IffParams& params) {
  if (!params.b) return Err{IdentityError::MissingPrivateValue};
  if (!usable_group(params)) return Err{IdentityError::BadParameters};
  const Botan::BigInt& b = *params.b;
  if (b.is_zero() || b.is_negative() || b >= params.q) return Err{IdentityError::KeyOutOfRange};
  try {
    return Botan::power_mod(params.g, params.q - b, params.p);
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
}

}  // namespace ak::crypto
