#include "crypto/mv.h"

#include <botan/numthry.h>
#include <botan/rng.h>

#include <exception>

#include "crypto/fuzzing.h"
#include "crypto/identity_encoding.h"

namespace ak::crypto {

namespace {

bool in_group(const Botan::BigInt& x, const Botan::BigInt& p) { return x > 0 && x < p; }

}  // namespace

wire::Bytes mv_challenge(Botan::RandomNumberGenerator& rng, const MvParams& params) {
  return make_challenge(rng, params.p);
}

Result<wire::Bytes, IdentityError> mv_respond(const MvParams& params, wire::ByteView challenge,
                                              Botan::RandomNumberGenerator& rng) {
  if (!params.E || !params.gbar || !params.ghat) return Err{IdentityError::MissingPrivateValue};
  const Botan::BigInt& p = params.p;
  const Botan::BigInt& q = params.q;
  if (p <= 3 || q <= 1 || q >= p) return Err{IdentityError::BadParameters};
  if (!in_group(*params.E, p) || !in_group(*params.gbar, p) || !in_group(*params.ghat, p))
    return Err{IdentityError::KeyOutOfRange};
  AK_TRY(const Botan::BigInt r, parse_challenge(challenge, p));
  try {
    // Digest §7.4: k must be a unit mod q, or a revoked client's factor could
    // vanish from the exponent. Uniform, never sized by the challenge.
    Botan::BigInt k;
    do {
      k = Botan::BigInt::random_integer(rng, 1, q);
    } while (Botan::gcd(k, q) != 1);
    const Botan::BigInt y = (Botan::power_mod(*params.E, k, p) * r) % p;
    const Botan::BigInt a = Botan::power_mod(*params.gbar, k, p);
    const Botan::BigInt c = Botan::power_mod(*params.ghat, k, p);
    return encode_integer_sequence({y, a, c});
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
}

namespace {

Status<IdentityError> mv_verify_checked(const MvParams& params, wire::ByteView challenge, wire::ByteView response) {
  if (!params.xbar || !params.xhat) return Err{IdentityError::MissingPublicValue};
  const Botan::BigInt& p = params.p;
  if (p <= 3 || p.is_even()) return Err{IdentityError::BadParameters};
  if (params.xbar->is_negative() || params.xhat->is_negative()) return Err{IdentityError::BadParameters};
  AK_TRY(const Botan::BigInt r, parse_challenge(challenge, p));
  AK_TRY(const std::vector<Botan::BigInt> values, decode_integer_sequence(response, 3));
  const Botan::BigInt& y = values[0];
  const Botan::BigInt& a = values[1];
  const Botan::BigInt& c = values[2];
  const Botan::BigInt p_minus_1 = p - 1;
  if (!in_group(y, p) || !in_group(a, p) || !in_group(c, p)) return Err{IdentityError::ResponseOutOfRange};
  // Elements of order 1 or 2 make a^xhat·c^xbar known without the keys.
  if (a == 1 || c == 1 || a == p_minus_1 || c == p_minus_1) return Err{IdentityError::ResponseOutOfRange};
  try {
    // RFC 5906 Appendix G: a^xhat · c^xbar · y = (gbar^xhat·ghat^xbar·E)^k · r = r.
    const Botan::BigInt z =
        (((Botan::power_mod(a, *params.xhat, p) * Botan::power_mod(c, *params.xbar, p)) % p) * y) % p;
    if (z != r) return Err{IdentityError::ProofRejected};
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
  return Ok{};
}

}  // namespace

Status<IdentityError> mv_verify(const MvParams& params, wire::ByteView challenge, wire::ByteView response) {
  auto verified = mv_verify_checked(params, challenge, response);
#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
  if (fuzzing::unsafe_no_crypto()) return Ok{};  // fuzz builds only (crypto/fuzzing.h)
#endif
  return verified;
}

}  // namespace ak::crypto
