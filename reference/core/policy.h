// Cryptographic policy: which keys, digests and identity groups this host
// accepts, for its own credentials (server setup) and for what peers send
// (client verification). One check per rule, each failure naming its rule.
//
// Two profiles:
//   compat    the default; interoperates with ntp-keygen 4.2.8p15's defaults
//             (RSA-512 host keys, md5WithRSA certificates, 512-bit identity
//             groups). Floors only against the absurd.
//   hardened  security-history.md §4 property 12 and 11 (beyond RFC 5906):
//             RSA >= 2048 bits, no RSA e = 3, no MD5 or SHA-1 signatures,
//             identity moduli >= 2048 bits and IFF/MV subgroups >= 256 bits.
//             A hardened host does not interoperate with default p15 keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/certificate.h"
#include "crypto/digest.h"
#include "crypto/identity_params.h"
#include "wire/result.h"

namespace Botan {
class Public_Key;
}

namespace ak::core {

enum class PolicyProfile : std::uint8_t { Compat, Hardened };

// One enumerator per rule a policy can refuse.
enum class PolicyRule : std::uint8_t {
  KeyTypeNotAllowed,              // neither RSA nor DSA (or unreadable)
  RsaModulusTooSmall,             // RSA modulus below the profile's floor
  RsaExponentThree,               // RSA public exponent 3 (hardened)
  DsaPrimeTooSmall,               // DSA p below the profile's floor
  Md5SignatureNotAllowed,         // md5WithRSA certificate / MD5 signature NID (hardened)
  Sha1SignatureNotAllowed,        // sha1WithRSA / dsaWithSHA1 (hardened)
  UnknownSignatureDigest,         // a status-word NID naming no digest we know (XEVNT_MD)
  IdentityModulusTooSmall,        // IFF/MV p or GQ n below the floor
  IdentitySubgroupTooSmall,       // IFF/MV q below the floor
};

// A sentence naming the rule and the floor ("RSA modulus smaller than the
// policy allows (hardened: 2048 bits)"). Never contains key material.
const char* message(PolicyRule rule);
// The enumerator's spelling, for logs and test output.
std::string_view name(PolicyRule rule);
// The ntpd XEVNT_* code (crypto/errors.h xevnt::) a peer-facing caller
// reports: key rules XEVNT_PUB, digest rules XEVNT_MD, identity rules XEVNT_ID.
std::uint16_t xevnt_code(PolicyRule rule);

struct Policy {
  PolicyProfile profile = PolicyProfile::Compat;
  std::size_t min_rsa_bits = 512;
  std::size_t min_dsa_bits = 512;
  bool allow_rsa_e3 = true;
  bool allow_md5 = true;
  bool allow_sha1 = true;
  std::size_t min_identity_modulus_bits = 256;
  std::size_t min_identity_subgroup_bits = 128;

  static Policy compat();
  static Policy hardened();
  static Policy of(PolicyProfile profile);

  // "compat" / "hardened".
  std::string_view profile_name() const;
};

// A public key (host key, sign key, certificate key, COOK request key).
Status<PolicyRule> check_public_key(const Policy& policy, const Botan::Public_Key& key);
// A signature digest (own sign digest, digest of a received certificate).
Status<PolicyRule> check_signature_digest(const Policy& policy, crypto::Digest digest);
// The signature NID of a received status word (digest §4; security-history
// §1.2 row 26): UnknownSignatureDigest, or the digest rules above.
Status<PolicyRule> check_signature_nid(const Policy& policy, std::uint32_t nid);
// A certificate: its signature digest, then its public key.
Status<PolicyRule> check_certificate(const Policy& policy, const crypto::Certificate& cert);
// Identity groups: IFF p and q, GQ n, MV p and q. Client parameter files are
// checked the same way as server key files.
Status<PolicyRule> check_identity(const Policy& policy, const crypto::IffParams& params);
Status<PolicyRule> check_identity(const Policy& policy, const crypto::GqParams& params);
Status<PolicyRule> check_identity(const Policy& policy, const crypto::MvParams& params);

}  // namespace ak::core
