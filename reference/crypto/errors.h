// Typed errors of the crypto layer: one enumerator per rule that can fail,
// each with a message and the ntpd XEVNT_* code a caller reports for it
// (autokey-protocol.md §1.6; those codes are internal to ntpd, never on the
// wire). The crypto layer keeps its own copy of the code values so that it
// does not depend on the wire layer's message errors.
#pragma once

#include <cstdint>

namespace ak::crypto {

// ntpd's internal event codes, XEVNT_CMD(n) = 0x100 | n (digest §1.6).
namespace xevnt {
inline constexpr std::uint16_t kOk = 0x100;
inline constexpr std::uint16_t kLen = 0x101;  // bad field format or length
inline constexpr std::uint16_t kTsp = 0x102;  // bad timestamp
inline constexpr std::uint16_t kFsp = 0x103;  // bad filestamp
inline constexpr std::uint16_t kPub = 0x104;  // bad or missing public key
inline constexpr std::uint16_t kMd = 0x105;   // unsupported digest type
inline constexpr std::uint16_t kKey = 0x106;  // unsupported identity type
inline constexpr std::uint16_t kSgl = 0x107;  // bad signature length
inline constexpr std::uint16_t kSig = 0x108;  // signature not verified
inline constexpr std::uint16_t kVfy = 0x109;  // certificate not verified
inline constexpr std::uint16_t kPer = 0x10A;  // host certificate expired
inline constexpr std::uint16_t kCky = 0x10B;  // bad or missing cookie
inline constexpr std::uint16_t kDat = 0x10C;  // bad or missing leap seconds
inline constexpr std::uint16_t kCrt = 0x10D;  // bad or missing certificate
inline constexpr std::uint16_t kId = 0x10E;   // bad or missing group key
inline constexpr std::uint16_t kErr = 0x10F;  // protocol error
}  // namespace xevnt

enum class CryptoError : std::uint8_t {
  // Keys
  BadKey,              // a key is malformed, of the wrong type, or out of bounds
  PublicKeyNotRsa,     // an RSAPublicKey was asked of a non-RSA key
  RsaPublicKeyNotDer,  // a COOK request value is not a DER PKCS#1 RSAPublicKey
  RsaKeyTooLarge,      // modulus or exponent beyond what we agree to work with
  // Digests and signatures
  UnsupportedDigest,       // NID / OID names no digest we support
  DigestNotUsableWithKey,  // e.g. DSA with MD5: no such signature algorithm
  BadSignatureLength,      // sl != the verification key's signature size
  SignatureNotVerified,    // the signature does not verify
  SigningFailed,           // the signer refused (key type, Botan error)
  // Cookies
  CookieKeyTooSmall,    // modulus cannot hold an OAEP-padded 4-octet cookie
  CookieDecryptFailed,  // OAEP decryption failed
  CookieWrongLength,    // decryption gave other than 4 octets
  // Certificates
  CertNotDer,                    // not one DER Certificate (or trailing octets)
  CertNoCommonName,              // subject or issuer without a CN
  CertMultipleCommonNames,       // subject or issuer with two or more CNs
  CertNameNotCnOnly,             // subject or issuer with attributes besides the CN
  CertNameNotHostOrHostAtGroup,  // CN is not "host" or "host@group"
  CertBadPublicKey,              // subject public key missing, unreadable or unsupported
  CertBadValidity,               // notBefore > notAfter
  CertNotBeforeFilestamp,        // notBefore earlier than the file's filestamp
  CertNotYetValid,               // now < notBefore
  CertExpired,                   // now > notAfter
  CertSelfSignatureInvalid,      // subject == issuer, but its own key does not verify it
  CertNotSelfSigned,             // a self-signed certificate was required
  CertEncodeFailed,              // building a certificate failed
};

// A one-line human description (never includes key material).
const char* message(CryptoError e);
// The ntpd XEVNT_* code a caller reports for this error.
std::uint16_t xevnt_code(CryptoError e);

}  // namespace ak::crypto
