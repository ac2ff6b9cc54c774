#include "crypto/gq.h"

#include <botan/numthry.h>
#include <botan/rng.h>

#include <exception>

#include "crypto/bighash.h"
#include "crypto/fuzzing.h"
#include "crypto/identity_encoding.h"

namespace ak::crypto {

namespace {

// Shape checks that keep every modular operation defined; validate_gq does
// the rest once at load time.
bool usable(const GqParams& params) { return params.n > 2 && params.n.is_odd() && params.b > 0; }

const Botan::BigInt& hash_bound() {
  static const Botan::BigInt bound = Botan::BigInt::power_of_2(128);
  return bound;
}

struct Decoded {
  Botan::BigInt r, y, hash;
};

// The common front half of gq_verify and gq_shows_p15_defect.
Result<Decoded, IdentityError> decode(const GqParams& params, wire::ByteView challenge,
                                      wire::ByteView response) {
  AK_TRY(Botan::BigInt r, parse_challenge(challenge, params.n));
  AK_TRY(std::vector<Botan::BigInt> values, decode_integer_sequence(response, 2));
  Decoded d{std::move(r), std::move(values[0]), std::move(values[1])};
  // y = k·u^r with k and u units: never 0.
  if (d.y <= 0 || d.y >= params.n) return Err{IdentityError::ResponseOutOfRange};
  if (d.hash.is_negative() || d.hash >= hash_bound()) return Err{IdentityError::ResponseOutOfRange};
  return d;
}

}  // namespace

wire::Bytes gq_challenge(Botan::RandomNumberGenerator& rng, const GqParams& params) {
  return make_challenge(rng, params.n);
}

Result<wire::Bytes, IdentityError> gq_respond(const GqParams& params, wire::ByteView challenge,
                                              Botan::RandomNumberGenerator& rng) {
  if (!params.u) return Err{IdentityError::MissingPrivateValue};
  if (!usable(params)) return Err{IdentityError::BadParameters};
  const Botan::BigInt& u = *params.u;
  if (u <= 0 || u >= params.n) return Err{IdentityError::KeyOutOfRange};
  AK_TRY(const Botan::BigInt r, parse_challenge(challenge, params.n));
  try {
    // security-history NEW-2: k uniform in Z_n*, never sized by the
    // challenge. A k sharing a factor with n would be a factor of n: retry
    // (it does not happen for a properly generated n).
    Botan::BigInt k;
    do {
#ifndef AK_MUTANT_NONCE_SIZED_BY_CHALLENGE
      k = Botan::BigInt::random_integer(rng, 1, params.n);
#else
      // MUTANT (docs/mutants.md): k has as many bits as the challenge value.
      k = Botan::BigInt::random_integer(rng, 1, Botan::BigInt::power_of_2(r.bits()));
#endif
    } while (Botan::gcd(k, params.n) != 1);
    const Botan::BigInt y = (k * Botan::power_mod(u, r, params.n)) % params.n;
    const Botan::BigInt x = Botan::power_mod(k, params.b, params.n);
    return encode_integer_sequence({y, bighash(x)});
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
}

namespace {

Status<IdentityError> gq_verify_checked(const GqParams& params, wire::ByteView challenge, wire::ByteView response) {
  if (!params.v) return Err{IdentityError::MissingPublicValue};
  if (!usable(params)) return Err{IdentityError::BadParameters};
  const Botan::BigInt& v = *params.v;
  if (v <= 0 || v >= params.n) return Err{IdentityError::BadParameters};
  AK_TRY(const Decoded d, decode(params, challenge, response));
  try {
    // RFC 5906 Appendix F: z = y^b · v^r = k^b.
    const Botan::BigInt z =
        (Botan::power_mod(d.y, params.b, params.n) * Botan::power_mod(v, d.r, params.n)) % params.n;
    if (bighash(z) != d.hash) return Err{IdentityError::ProofRejected};
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
  return Ok{};
}

}  // namespace

Status<IdentityError> gq_verify(const GqParams& params, wire::ByteView challenge, wire::ByteView response) {
  auto verified = gq_verify_checked(params, challenge, response);
#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
  if (fuzzing::unsafe_no_crypto()) return Ok{};  // fuzz builds only (crypto/fuzzing.h)
#endif
  return verified;
}

Result<bool, IdentityError> gq_shows_p15_defect(const GqParams& params, wire::ByteView challenge,
                                                wire::ByteView response) {
  if (!usable(params)) return Err{IdentityError::BadParameters};
  AK_TRY(const Decoded d, decode(params, challenge, response));
  try {
    // Digest §7.3: p15 sends y = k·b^r and hashes k itself, so
    // k = y·(b^-1)^r. inverse_mod gives 0 when b is not a unit.
    const Botan::BigInt b_inv = Botan::inverse_mod(params.b, params.n);
    if (b_inv.is_zero()) return false;
    const Botan::BigInt k = (d.y * Botan::power_mod(b_inv, d.r, params.n)) % params.n;
    return bighash(k) == d.hash;
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
}

Result<Botan::BigInt, IdentityError> gq_public_value(const GqParams& params) {
  if (!params.u) return Err{IdentityError::MissingPrivateValue};
  if (!usable(params)) return Err{IdentityError::BadParameters};
  const Botan::BigInt& u = *params.u;
  if (u <= 0 || u >= params.n) return Err{IdentityError::KeyOutOfRange};
  try {
    const Botan::BigInt u_inv = Botan::inverse_mod(u, params.n);
    if (u_inv.is_zero()) return Err{IdentityError::KeyOutOfRange};
    return Botan::power_mod(u_inv, params.b, params.n);
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
}

}  // namespace ak::crypto
