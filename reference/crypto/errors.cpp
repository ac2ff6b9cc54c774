#include "crypto/errors.h"

namespace ak::crypto {

const char* message(CryptoError e) {
  switch (e) {
    case CryptoError::BadKey:
      return "malformed or unsupported key";
    case CryptoError::PublicKeyNotRsa:
      return "public key is not an RSA key";
    case CryptoError::RsaPublicKeyNotDer:
      return "value is not a DER PKCS#1 RSAPublicKey";
    case CryptoError::RsaKeyTooLarge:
      return "RSA modulus or public exponent too large";
    case CryptoError::UnsupportedDigest:
      return "unsupported digest or signature algorithm";
    case CryptoError::DigestNotUsableWithKey:
      return "digest cannot be used with this key type";
    case CryptoError::BadSignatureLength:
      return "signature length differs from the key's signature size";
    case CryptoError::SignatureNotVerified:
      return "signature not verified";
    case CryptoError::SigningFailed:
      return "signing failed";
    case CryptoError::CookieKeyTooSmall:
      return "RSA key too small to encrypt a cookie";
    case CryptoError::CookieDecryptFailed:
      return "cookie decryption failed";
    case CryptoError::CookieWrongLength:
      return "decrypted cookie is not 4 octets";
    case CryptoError::CertNotDer:
      return "certificate is not a single DER X.509 certificate";
    case CryptoError::CertNoCommonName:
      return "certificate name has no common name";
    case CryptoError::CertMultipleCommonNames:
      return "certificate name has more than one common name";
    case CryptoError::CertNameNotCnOnly:
      return "certificate name has attributes besides the common name";
    case CryptoError::CertNameNotHostOrHostAtGroup:
      return "certificate common name is not host or host@group";
    case CryptoError::CertBadPublicKey:
      return "certificate public key missing or unsupported";
    case CryptoError::CertBadValidity:
      return "certificate notBefore is after notAfter";
    case CryptoError::CertNotBeforeFilestamp:
      return "certificate notBefore is earlier than its filestamp";
    case CryptoError::CertNotYetValid:
      return "certificate not yet valid";
    case CryptoError::CertExpired:
      return "certificate expired";
    case CryptoError::CertSelfSignatureInvalid:
      return "self-signed certificate does not verify with its own key";
    case CryptoError::CertNotSelfSigned:
      return "certificate is not self-signed";
    case CryptoError::CertEncodeFailed:
      return "certificate could not be built";
  }
  return "unknown crypto error";
}

std::uint16_t xevnt_code(CryptoError e) {
  switch (e) {
    case CryptoError::BadKey:
    case CryptoError::PublicKeyNotRsa:
    case CryptoError::RsaPublicKeyNotDer:
    case CryptoError::RsaKeyTooLarge:
    case CryptoError::CertBadPublicKey:
      return xevnt::kPub;
    case CryptoError::UnsupportedDigest:
    case CryptoError::DigestNotUsableWithKey:
      return xevnt::kMd;
    case CryptoError::BadSignatureLength:
      return xevnt::kSgl;
    case CryptoError::SignatureNotVerified:
    case CryptoError::SigningFailed:
      return xevnt::kSig;
    case CryptoError::CookieKeyTooSmall:
    case CryptoError::CookieDecryptFailed:
    case CryptoError::CookieWrongLength:
      return xevnt::kCky;
    case CryptoError::CertNotDer:
    case CryptoError::CertNoCommonName:
    case CryptoError::CertMultipleCommonNames:
    case CryptoError::CertNameNotCnOnly:
    case CryptoError::CertNameNotHostOrHostAtGroup:
    case CryptoError::CertBadValidity:
    case CryptoError::CertNotBeforeFilestamp:
    case CryptoError::CertNotSelfSigned:
    case CryptoError::CertEncodeFailed:
      return xevnt::kCrt;
    case CryptoError::CertNotYetValid:
    case CryptoError::CertExpired:
      return xevnt::kPer;
    case CryptoError::CertSelfSignatureInvalid:
      return xevnt::kVfy;
  }
  return xevnt::kErr;
}

}  // namespace ak::crypto
