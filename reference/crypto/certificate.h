// X.509 certificates as Autokey uses them (RFC 5906 §11 and §13.3;
// autokey-protocol.md §8): parse, verify, build ntp-keygen-identical
// self-signed certificates, and issue certificates for the SIGN exchange.
//
// Names are CN-only: exactly one attribute, the common name, which is
// `host` or `host@group`. ntpd takes whatever follows the first "CN=" of
// OpenSSL's one-line name (security-history NEW-6), so a name without a CN,
// with two CNs or with further attributes is rejected here instead.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crypto/digest.h"
#include "crypto/errors.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace Botan {
class Public_Key;
class Private_Key;
class RandomNumberGenerator;
class X509_Certificate;
}  // namespace Botan

namespace ak::crypto {

// NTP era-0 seconds = Unix seconds + this.
inline constexpr std::int64_t kNtpUnixOffset = 2208988800;
inline std::uint32_t ntp_seconds_from_unix(std::int64_t unix_seconds) {
  return static_cast<std::uint32_t>(unix_seconds + kNtpUnixOffset);
}
inline std::int64_t unix_from_ntp_seconds(std::uint32_t ntp_seconds) {
  return static_cast<std::int64_t>(ntp_seconds) - kNtpUnixOffset;
}

// Extended key usages ntpd recognises (digest §8.1).
inline constexpr const char* kTrustRootOid = "1.3.6.1.5.5.7.48.1.11";  // "Trust Root"
inline constexpr const char* kPrivateOid = "1.3.6.1.4";                // "Private"
// Validity ntpd gives the certificates it signs (YEAR, digest §8.6).
inline constexpr std::int64_t kSignedCertificateLifetime = 31536000;
// Longest name accepted: ntpd copies names into a 257-octet buffer (§1.1).
inline constexpr std::size_t kMaxNameLength = 255;

struct Certificate {
  wire::Bytes der;            // the whole certificate, as received
  std::uint32_t version = 0;  // 3 for v3
  std::string subject;        // CN text, "host" or "host@group"
  std::string issuer;
  wire::Bytes serial;                       // big-endian magnitude
  std::optional<std::uint64_t> serial_u64;  // when it fits
  std::int64_t not_before = 0;              // Unix seconds
  std::int64_t not_after = 0;
  SignatureAlgorithm signature{};  // key type, digest, NID (status word)
  std::shared_ptr<Botan::Public_Key> public_key;
  wire::Bytes public_key_info;                // DER SubjectPublicKeyInfo
  bool trusted = false;                       // EKU is exactly {trustRoot}
  bool private_cert = false;                  // EKU is exactly {Private}
  std::optional<wire::Bytes> subject_key_id;  // GQ public key octets, if the extension is present
  bool self_signed = false;                   // subject == issuer (its signature verified by the parser)
  std::shared_ptr<const Botan::X509_Certificate> botan;

  std::uint32_t not_before_ntp() const { return ntp_seconds_from_unix(not_before); }
  std::uint32_t not_after_ntp() const { return ntp_seconds_from_unix(not_after); }
};

// Everything except the Botan objects (keys compare via public_key_info).
bool same_certificate(const Certificate& a, const Certificate& b);

// The host part of "host@group" (the whole name if there is no '@'), and
// the group part ("" if none).
std::string name_host(const std::string& name);
std::string name_group(const std::string& name);
// The name rule: 1..255 printable ASCII characters without spaces, at most
// one '@', with non-empty host and group parts.
bool valid_name(const std::string& name);

// Digest §8.2 steps 1-4: DER decode; CN-only subject and issuer; supported
// signature algorithm; RSA or DSA public key within bounds; notBefore <=
// notAfter; EKU and SKI flags; a self-signed certificate must verify with its
// own key. Never throws.
Result<Certificate, CryptoError> parse_certificate(wire::ByteView der);

// Digest §8.2 step 5: notBefore must not precede the filestamp (NTP seconds)
// of the file or EF it came with. Error: CertNotBeforeFilestamp.
Status<CryptoError> check_filestamp(const Certificate& cert, std::uint32_t filestamp);
// notBefore <= now <= notAfter. Errors: CertNotYetValid, CertExpired (XEVNT_PER).
Status<CryptoError> check_valid_at(const Certificate& cert, std::int64_t now_unix);

// The child's signature verifies with the issuer's public key (digest §8.5
// step 3; names are not compared, as in ntpd's trail walk).
bool verify_issued_by(const Certificate& child, const Certificate& issuer);
// issuer.notBefore <= child.notBefore <= issuer.notAfter (digest §8.5).
bool validity_nested(const Certificate& child, const Certificate& issuer);

// The fields of a certificate ntp-keygen writes (digest §8.1).
struct CertificateFields {
  std::string subject;          // "host" or "host@group"
  std::string issuer;           // == subject for a self-signed certificate
  std::uint64_t serial = 0;     // ntp-keygen: NTP seconds of generation
  std::int64_t not_before = 0;  // Unix seconds
  std::int64_t not_after = 0;
  Digest digest = Digest::MD5;                // with the signer's key type, the signature algorithm
  bool trusted = false;                       // EKU {trustRoot} (ntp-keygen -T)
  bool private_cert = false;                  // EKU {Private} (ntp-keygen -P)
  std::optional<wire::Bytes> subject_key_id;  // GQ public key (ntp-keygen with GQ keys)
};

// Builds a v3 certificate octet for octet as ntp-keygen does: names as one
// UTF8String CN, UTCTime validity (before 2050), extensions basicConstraints
// (critical, CA:TRUE), keyUsage (digitalSignature, keyCertSign), then
// subjectKeyIdentifier and extendedKeyUsage when asked for. The result is
// parsed back with parse_certificate. Errors: CertNameNotHostOrHostAtGroup,
// DigestNotUsableWithKey, BadKey, CertEncodeFailed, and parse errors.
Result<Certificate, CryptoError> make_certificate(const CertificateFields& fields,
                                                  const Botan::Public_Key& subject_key,
                                                  const Botan::Private_Key& signer,
                                                  Botan::RandomNumberGenerator& rng);

// The SIGN exchange (digest §8.6): a certificate for the requester's
// self-signed certificate, issued by `issuer_name` with `issuer_key` and
// `issuer_digest`: version, subject name, public key and all extensions
// copied in order from the request; serial given (ntpd: its NTP seconds);
// validity now .. now + 365 days. The request's own signature is not checked.
Result<Certificate, CryptoError> sign_certificate(const Certificate& request,
                                                  const Botan::Private_Key& issuer_key, Digest issuer_digest,
                                                  const std::string& issuer_name, std::uint64_t serial,
                                                  std::int64_t now_unix, Botan::RandomNumberGenerator& rng);

}  // namespace ak::crypto
