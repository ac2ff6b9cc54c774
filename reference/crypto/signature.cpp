#include "crypto/signature.h"

#include <botan/dsa.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include <string>

#include "crypto/fuzzing.h"

namespace ak::crypto {

namespace {

// The Botan padding/encoding name for a key type and digest; nullopt when no
// such signature algorithm exists (OpenSSL has no DSA-with-MD5 or -RIPEMD160).
std::optional<std::string> emsa(SignatureKeyType key, Digest d) {
  if (!signature_nid(key, d)) return std::nullopt;
  const std::string h = botan_name(d);
  return key == SignatureKeyType::RSA ? "EMSA3(" + h + ")" : "EMSA1(" + h + ")";
}

Botan::Signature_Format format(SignatureKeyType key) {
  // DSA signatures travel as a DER SEQUENCE{r, s} (digest §3.6).
  return key == SignatureKeyType::DSA ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
}

// Length of a DER TLV with `content` octets of content.
std::size_t der_length(std::size_t content) {
  std::size_t len_octets = 1;
  if (content >= 128) {
    for (std::size_t c = content; c > 0; c >>= 8) ++len_octets;
  }
  return 1 + len_octets + content;
}

}  // namespace

std::optional<SignatureKeyType> signature_key_type(const Botan::Public_Key& key) {
  if (const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key)) {
    if (rsa->get_n().bits() > kMaxModulusBits || rsa->get_e().bits() > kMaxRsaExponentBits)
      return std::nullopt;
    return SignatureKeyType::RSA;
  }
  if (const auto* dsa = dynamic_cast<const Botan::DSA_PublicKey*>(&key)) {
    if (dsa->group_p().bits() > kMaxModulusBits || dsa->group_q().bits() > kMaxModulusBits)
      return std::nullopt;
    return SignatureKeyType::DSA;
  }
  return std::nullopt;
}

Status<CryptoError> check_public_key(const Botan::Public_Key& key) {
  if (!signature_key_type(key)) return Err{CryptoError::BadKey};
  return Ok{};
}

std::size_t signature_size(const Botan::Public_Key& key) {
  if (const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key)) return rsa->get_n().bytes();
  if (const auto* dsa = dynamic_cast<const Botan::DSA_PublicKey*>(&key)) {
    // OpenSSL's DSA_size: two INTEGERs of |q| octets plus a possible leading
    // zero, in a SEQUENCE.
    const std::size_t integer = der_length(dsa->group_q().bytes() + 1);
    return der_length(2 * integer);
  }
  return 0;
}

wire::Bytes signed_octets(std::uint32_t timestamp, std::uint32_t filestamp, wire::ByteView value) {
  wire::Writer w;
  w.u32(timestamp).u32(filestamp).u32(static_cast<std::uint32_t>(value.size())).bytes(value);
  return w.take();
}

Result<wire::Bytes, CryptoError> sign_message(const Botan::Private_Key& key, Digest d, wire::ByteView message,
                                              Botan::RandomNumberGenerator& rng) {
  const auto type = signature_key_type(key);
  if (!type) return Err{CryptoError::BadKey};
  const auto padding = emsa(*type, d);
  if (!padding) return Err{CryptoError::DigestNotUsableWithKey};
  try {
    Botan::PK_Signer signer(key, rng, *padding, format(*type));
    const auto sig = signer.sign_message(message.data(), message.size(), rng);
    return wire::Bytes(sig.begin(), sig.end());
  } catch (const std::exception&) {
    return Err{CryptoError::SigningFailed};
  }
}

namespace {

Status<CryptoError> verify_message_checked(const Botan::Public_Key& key, Digest d, wire::ByteView message,
                                           wire::ByteView signature) {
  const auto type = signature_key_type(key);
  if (!type) return Err{CryptoError::BadKey};
  const auto padding = emsa(*type, d);
  if (!padding) return Err{CryptoError::DigestNotUsableWithKey};
  // Digest §3.8 check 12: sl must equal EVP_PKEY_size exactly (XEVNT_SGL).
  if (signature.size() != signature_size(key)) return Err{CryptoError::BadSignatureLength};
  try {
    Botan::PK_Verifier verifier(key, *padding, format(*type));
    if (verifier.verify_message(message.data(), message.size(), signature.data(), signature.size()))
      return Ok{};
  } catch (const std::exception&) {
    // A malformed signature (e.g. >= the modulus, CVE-2009-0021) is simply
    // not verified.
  }
  return Err{CryptoError::SignatureNotVerified};
}

}  // namespace

Status<CryptoError> verify_message(const Botan::Public_Key& key, Digest d, wire::ByteView message,
                                   wire::ByteView signature) {
  auto verified = verify_message_checked(key, d, message, signature);
#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
  if (fuzzing::unsafe_no_crypto()) return Ok{};  // fuzz builds only (crypto/fuzzing.h)
#endif
  return verified;
}

Result<wire::Bytes, CryptoError> sign_value(const Botan::Private_Key& key, Digest d, std::uint32_t timestamp,
                                            std::uint32_t filestamp, wire::ByteView value,
                                            Botan::RandomNumberGenerator& rng) {
  return sign_message(key, d, signed_octets(timestamp, filestamp, value), rng);
}

Status<CryptoError> verify_value(const Botan::Public_Key& key, Digest d, std::uint32_t timestamp,
                                 std::uint32_t filestamp, wire::ByteView value, wire::ByteView signature) {
  return verify_message(key, d, signed_octets(timestamp, filestamp, value), signature);
}

Result<ValueSigner, CryptoError> ValueSigner::create(const Botan::Private_Key& key, Digest d,
                                                     Botan::RandomNumberGenerator& rng) {
  const auto type = signature_key_type(key);
  if (!type) return Err{CryptoError::BadKey};
  const auto padding = emsa(*type, d);
  if (!padding) return Err{CryptoError::DigestNotUsableWithKey};
  try {
    return ValueSigner(std::make_unique<Botan::PK_Signer>(key, rng, *padding, format(*type)), d, rng);
  } catch (const std::exception&) {
    return Err{CryptoError::SigningFailed};
  }
}

ValueSigner::ValueSigner(std::unique_ptr<Botan::PK_Signer> signer, Digest d,
                         Botan::RandomNumberGenerator& rng)
    : signer_(std::move(signer)), digest_(d), rng_(&rng) {}
ValueSigner::ValueSigner(ValueSigner&&) noexcept = default;
ValueSigner& ValueSigner::operator=(ValueSigner&&) noexcept = default;
ValueSigner::~ValueSigner() = default;

Result<wire::Bytes, CryptoError> ValueSigner::sign(std::uint32_t timestamp, std::uint32_t filestamp,
                                                   wire::ByteView value) {
  const wire::Bytes message = signed_octets(timestamp, filestamp, value);
  try {
    const auto sig = signer_->sign_message(message.data(), message.size(), *rng_);
    return wire::Bytes(sig.begin(), sig.end());
  } catch (const std::exception&) {
    return Err{CryptoError::SigningFailed};
  }
}

}  // namespace ak::crypto
