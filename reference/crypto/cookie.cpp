#include "crypto/cookie.h"

#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include "crypto/signature.h"

namespace ak::crypto {

namespace {

// OpenSSL's RSA_PKCS1_OAEP_PADDING: OAEP with SHA-1 for both the label hash
// and MGF1, empty label (digest §6.6; verified against iff-md5-512 packet 8).
constexpr const char* kCookiePadding = "OAEP(SHA-160)";

}  // namespace

Result<wire::Bytes, CryptoError> encode_rsa_public_key(const Botan::Public_Key& key) {
  const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key);
  if (rsa == nullptr) return Err{CryptoError::PublicKeyNotRsa};
  wire::Bytes out;
  Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).encode(rsa->get_n()).encode(rsa->get_e()).end_cons();
  return out;
}

Result<std::shared_ptr<Botan::Public_Key>, CryptoError> decode_rsa_public_key(wire::ByteView der) {
  Botan::BigInt n, e;
  try {
    Botan::BER_Decoder outer(der.data(), der.size());
    outer.start_cons(Botan::SEQUENCE).decode(n).decode(e).end_cons();
    outer.verify_end();
  } catch (const std::exception&) {
    return Err{CryptoError::RsaPublicKeyNotDer};
  }
  if (n.bits() > kMaxModulusBits || e.bits() > kMaxRsaExponentBits) return Err{CryptoError::RsaKeyTooLarge};
  if (n.is_negative() || n.is_even() || n < 3 || e.is_negative() || e.is_even() || e < 3 || e >= n)
    return Err{CryptoError::BadKey};
  auto key = std::make_shared<Botan::RSA_PublicKey>(n, e);
  // BER allows several encodings of one value; insist on the one DER form so
  // that a value round-trips (and equal keys compare equal as octets).
  auto reencoded = encode_rsa_public_key(*key);
  if (!reencoded.ok() || *reencoded != wire::Bytes(der.begin(), der.end()))
    return Err{CryptoError::RsaPublicKeyNotDer};
  return std::shared_ptr<Botan::Public_Key>(std::move(key));
}

Result<wire::Bytes, CryptoError> encrypt_cookie(std::uint32_t cookie, const Botan::Public_Key& key,
                                                Botan::RandomNumberGenerator& rng) {
  if (dynamic_cast<const Botan::RSA_PublicKey*>(&key) == nullptr) return Err{CryptoError::PublicKeyNotRsa};
  wire::Writer plain;
  plain.u32(cookie);
  try {
    Botan::PK_Encryptor_EME enc(key, rng, kCookiePadding);
    if (enc.maximum_input_size() < plain.size()) return Err{CryptoError::CookieKeyTooSmall};
    const auto ct = enc.encrypt(plain.data().data(), plain.size(), rng);
    return wire::Bytes(ct.begin(), ct.end());
  } catch (const std::exception&) {
    return Err{CryptoError::CookieKeyTooSmall};
  }
}

Result<wire::Bytes, CryptoError> encrypt_cookie(std::uint32_t cookie, wire::ByteView rsa_public_key_der,
                                                Botan::RandomNumberGenerator& rng) {
  AK_TRY(auto key, decode_rsa_public_key(rsa_public_key_der));
  return encrypt_cookie(cookie, *key, rng);
}

Result<std::uint32_t, CryptoError> decrypt_cookie(wire::ByteView ciphertext,
                                                  const Botan::Private_Key& host_key,
                                                  Botan::RandomNumberGenerator& rng) {
  if (dynamic_cast<const Botan::RSA_PublicKey*>(&host_key) == nullptr)
    return Err{CryptoError::PublicKeyNotRsa};
  Botan::secure_vector<std::uint8_t> plain;
  try {
    Botan::PK_Decryptor_EME dec(host_key, rng, kCookiePadding);
    plain = dec.decrypt(ciphertext.data(), ciphertext.size());
  } catch (const std::exception&) {
    return Err{CryptoError::CookieDecryptFailed};
  }
  // Digest §6.6: exactly 4 octets, read big-endian.
  if (plain.size() != 4) return Err{CryptoError::CookieWrongLength};
  return (std::uint32_t{plain[0]} << 24) | (std::uint32_t{plain[1]} << 16) | (std::uint32_t{plain[2]} << 8) |
         std::uint32_t{plain[3]};
}

}  // namespace ak::crypto
