#include "crypto/iff.h"

#include <botan/dl_group.h>
#include <botan/numthry.h>
#include <botan/rng.h>

#include <exception>
#include <memory>
#include <mutex>
#include <vector>

#include "crypto/bighash.h"
#include "crypto/fuzzing.h"
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

// Botan's per-group set-up (Montgomery parameters for p, a reducer for q, a
// fixed-base table for g) costs more than the exponentiation it serves, and
// Botan::power_mod redoes it on every call (docs/performance.md §4.1). A host
// proves or verifies with one or two parameter sets for its whole life, so
// the last few groups are kept. They are found by value, never by address,
// so an IffParams that changed or was freed can never pick up another
// group's tables. The parameters are the host's own (its key files), not a
// peer's, and the cache is bounded anyway. nullptr: use the generic path
// (Montgomery arithmetic needs an odd p; Botan refused the group).
constexpr std::size_t kPreparedGroups = 4;

std::shared_ptr<const Botan::DL_Group> prepared_group(const IffParams& params) {
  if (params.p.is_even()) return nullptr;
  // Never destroyed: the groups' BigInts live in Botan's allocator pool, a
  // static that may be torn down first at exit.
  static auto* mutex = new std::mutex;
  static auto* groups = new std::vector<std::shared_ptr<const Botan::DL_Group>>;
  const std::lock_guard<std::mutex> lock(*mutex);
  for (const auto& grp : *groups)
    if (grp->get_p() == params.p && grp->get_q() == params.q && grp->get_g() == params.g) return grp;
  std::shared_ptr<const Botan::DL_Group> grp;
  try {
    grp = std::make_shared<const Botan::DL_Group>(params.p, params.q, params.g);
  } catch (const std::exception&) {
    return nullptr;
  }
  if (groups->size() >= kPreparedGroups) groups->erase(groups->begin());
  groups->push_back(grp);
  return grp;
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
#ifndef AK_MUTANT_NONCE_SIZED_BY_CHALLENGE
    const Botan::BigInt k = Botan::BigInt::random_integer(rng, 1, params.q);
#else
    // MUTANT (docs/mutants.md): k has as many bits as the challenge value.
    const Botan::BigInt k = Botan::BigInt::random_integer(rng, 1, Botan::BigInt::power_of_2(r.bits()));
#endif
    const Botan::BigInt y = (k + b * r) % params.q;
    // k is secret: power_g_p is Botan's constant-time fixed-base path (the
    // one its DSA signing uses for the nonce), as power_mod is.
    const auto grp = prepared_group(params);
    const Botan::BigInt x =
        grp ? grp->power_g_p(k, params.q.bits()) : Botan::power_mod(params.g, k, params.p);
    return encode_integer_sequence({y, bighash(x)});
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
}

namespace {

Status<IdentityError> iff_verify_checked(const IffParams& params, wire::ByteView challenge,
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
    // y and r are public, so one variable-time simultaneous exponentiation
    // will do (Botan's DSA verification does the same).
    const auto grp = prepared_group(params);
    const Botan::BigInt z =
        grp ? grp->multi_exponentiate(y, v, r)
            : (Botan::power_mod(params.g, y, params.p) * Botan::power_mod(v, r, params.p)) % params.p;
    if (bighash(z) != hash) return Err{IdentityError::ProofRejected};
  } catch (const std::exception&) {
    return Err{IdentityError::BadParameters};
  }
  return Ok{};
}

}  // namespace

Status<IdentityError> iff_verify(const IffParams& params, wire::ByteView challenge,
                                 wire::ByteView response) {
  auto verified = iff_verify_checked(params, challenge, response);
#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
  if (fuzzing::unsafe_no_crypto()) return Ok{};  // fuzz builds only (crypto/fuzzing.h)
#endif
  return verified;
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
