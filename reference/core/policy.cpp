#include "core/policy.h"

#include <botan/pk_keys.h>
#include <botan/rsa.h>

#include "crypto/errors.h"

namespace ak::core {

const char* message(PolicyRule rule) {
  switch (rule) {
    case PolicyRule::KeyTypeNotAllowed:
      return "public key is neither RSA nor DSA";
    case PolicyRule::RsaModulusTooSmall:
      return "RSA modulus smaller than the policy allows (compat: 512 bits, hardened: 2048 bits)";
    case PolicyRule::RsaExponentThree:
      return "RSA public exponent 3 is refused by the policy (hardened)";
    case PolicyRule::DsaPrimeTooSmall:
      return "DSA prime smaller than the policy allows (compat: 512 bits, hardened: 2048 bits)";
    case PolicyRule::Md5SignatureNotAllowed:
      return "MD5 signatures are refused by the policy (hardened)";
    case PolicyRule::Sha1SignatureNotAllowed:
      return "SHA-1 signatures are refused by the policy (hardened)";
    case PolicyRule::UnknownSignatureDigest:
      return "signature NID names no known digest";
    case PolicyRule::IdentityModulusTooSmall:
      return "identity group modulus smaller than the policy allows (compat: 256 bits, hardened: 2048 bits)";
    case PolicyRule::IdentitySubgroupTooSmall:
      return "identity subgroup order q smaller than the policy allows (compat: 128 bits, hardened: 256 bits)";
  }
  return "unknown policy rule";
}

std::string_view name(PolicyRule rule) {
  switch (rule) {
    case PolicyRule::KeyTypeNotAllowed: return "KeyTypeNotAllowed";
    case PolicyRule::RsaModulusTooSmall: return "RsaModulusTooSmall";
    case PolicyRule::RsaExponentThree: return "RsaExponentThree";
    case PolicyRule::DsaPrimeTooSmall: return "DsaPrimeTooSmall";
    case PolicyRule::Md5SignatureNotAllowed: return "Md5SignatureNotAllowed";
    case PolicyRule::Sha1SignatureNotAllowed: return "Sha1SignatureNotAllowed";
    case PolicyRule::UnknownSignatureDigest: return "UnknownSignatureDigest";
    case PolicyRule::IdentityModulusTooSmall: return "IdentityModulusTooSmall";
    case PolicyRule::IdentitySubgroupTooSmall: return "IdentitySubgroupTooSmall";
  }
  return "?";
}

std::uint16_t xevnt_code(PolicyRule rule) {
  switch (rule) {
    case PolicyRule::KeyTypeNotAllowed:
    case PolicyRule::RsaModulusTooSmall:
    case PolicyRule::RsaExponentThree:
    case PolicyRule::DsaPrimeTooSmall:
      return crypto::xevnt::kPub;
    case PolicyRule::Md5SignatureNotAllowed:
    case PolicyRule::Sha1SignatureNotAllowed:
    case PolicyRule::UnknownSignatureDigest:
      return crypto::xevnt::kMd;
    case PolicyRule::IdentityModulusTooSmall:
    case PolicyRule::IdentitySubgroupTooSmall:
      return crypto::xevnt::kId;
  }
  return crypto::xevnt::kErr;
}

Policy Policy::compat() { return Policy{}; }

Policy Policy::hardened() {
  Policy p;
  p.profile = PolicyProfile::Hardened;
  // security-history.md §4 property 12 (beyond RFC 5906): RSA >= 2048, no
  // e = 3, no MD5 or SHA-1 signatures.
  p.min_rsa_bits = 2048;
  p.min_dsa_bits = 2048;
  p.allow_rsa_e3 = false;
  p.allow_md5 = false;
  p.allow_sha1 = false;
  // Property 11: identity groups that resist discrete logarithms today.
  p.min_identity_modulus_bits = 2048;
  p.min_identity_subgroup_bits = 256;
  return p;
}

Policy Policy::of(PolicyProfile profile) {
  return profile == PolicyProfile::Hardened ? hardened() : compat();
}

std::string_view Policy::profile_name() const {
  return profile == PolicyProfile::Hardened ? "hardened" : "compat";
}

Status<PolicyRule> check_public_key(const Policy& policy, const Botan::Public_Key& key) {
  const std::string algo = key.algo_name();
  if (algo == "RSA") {
    const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key);
    if (rsa == nullptr) return Err{PolicyRule::KeyTypeNotAllowed};
    if (rsa->get_n().bits() < policy.min_rsa_bits) return Err{PolicyRule::RsaModulusTooSmall};
    if (!policy.allow_rsa_e3 && rsa->get_e() == 3) return Err{PolicyRule::RsaExponentThree};
    return Ok{};
  }
  if (algo == "DSA") {
    if (key.key_length() < policy.min_dsa_bits) return Err{PolicyRule::DsaPrimeTooSmall};
    return Ok{};
  }
  return Err{PolicyRule::KeyTypeNotAllowed};
}

Status<PolicyRule> check_signature_digest(const Policy& policy, crypto::Digest digest) {
  if (digest == crypto::Digest::MD5 && !policy.allow_md5) return Err{PolicyRule::Md5SignatureNotAllowed};
  if (digest == crypto::Digest::SHA1 && !policy.allow_sha1) return Err{PolicyRule::Sha1SignatureNotAllowed};
  return Ok{};
}

Status<PolicyRule> check_signature_nid(const Policy& policy, std::uint32_t nid) {
  const auto digest = crypto::digest_from_nid(nid);
  if (!digest) return Err{PolicyRule::UnknownSignatureDigest};
  return check_signature_digest(policy, *digest);
}

Status<PolicyRule> check_certificate(const Policy& policy, const crypto::Certificate& cert) {
  if (auto st = check_signature_digest(policy, cert.signature.digest); !st) return st;
  if (!cert.public_key) return Err{PolicyRule::KeyTypeNotAllowed};
  return check_public_key(policy, *cert.public_key);
}

namespace {
Status<PolicyRule> check_group(const Policy& policy, const Botan::BigInt& modulus, const Botan::BigInt* subgroup) {
  if (modulus.bits() < policy.min_identity_modulus_bits) return Err{PolicyRule::IdentityModulusTooSmall};
  if (subgroup != nullptr && subgroup->bits() < policy.min_identity_subgroup_bits)
    return Err{PolicyRule::IdentitySubgroupTooSmall};
  return Ok{};
}
}  // namespace

Status<PolicyRule> check_identity(const Policy& policy, const crypto::IffParams& params) {
  return check_group(policy, params.p, &params.q);
}

Status<PolicyRule> check_identity(const Policy& policy, const crypto::GqParams& params) {
  return check_group(policy, params.n, nullptr);
}

Status<PolicyRule> check_identity(const Policy& policy, const crypto::MvParams& params) {
  // ntp-keygen's MV client files carry q = 1 (digest §7.4): the client never
  // uses q, and the group size is fixed by p = 2q + 1 on the server side.
  const bool client_file = params.q <= 1;
  return check_group(policy, params.p, client_file ? nullptr : &params.q);
}

}  // namespace ak::core
