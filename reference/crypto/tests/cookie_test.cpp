#include "crypto/cookie.h"

#include <botan/auto_rng.h>
#include <botan/der_enc.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/signature.h"
#include "crypto_test_support.h"

namespace ak::crypto {
namespace {

constexpr const char* kClientHostKey = "iff-md5-512/client/ntpkey_RSAhost_clientname.4004702989";

// OpenSSL decrypts with RSA_PKCS1_OAEP_PADDING, as ntpd does.
std::optional<wire::Bytes> openssl_oaep_decrypt(const Botan::RSA_PrivateKey& key, wire::ByteView ct) {
  const auto pkcs8 = key.private_key_info();
  const unsigned char* p = pkcs8.data();
  EVP_PKEY* pkey = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(pkcs8.size()));
  if (!pkey) return std::nullopt;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pkey, nullptr);
  std::optional<wire::Bytes> out;
  size_t len = 0;
  if (EVP_PKEY_decrypt_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
      EVP_PKEY_decrypt(ctx, nullptr, &len, ct.data(), ct.size()) == 1) {
    wire::Bytes buf(len);
    if (EVP_PKEY_decrypt(ctx, buf.data(), &len, ct.data(), ct.size()) == 1) {
      buf.resize(len);
      out = buf;
    }
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return out;
}

TEST(Cookie, ClientHostKeyDecryptsTheCapturedCookie) {
  // iff-md5-512 packet 8: the COOK response value decrypts to 8a c8 a2 0a.
  const auto ps = test::packets("iff-md5-512");
  const auto& p8 = test::frame(ps, 8);
  ASSERT_EQ(p8.efs.size(), 1u);
  ASSERT_EQ(p8.efs[0].code(), 3);
  ASSERT_EQ(p8.efs[0].vl(), 64u);
  const auto key = test::load_private_key(kClientHostKey, "client_password");
  Botan::AutoSeeded_RNG rng;
  const auto cookie = decrypt_cookie(p8.efs[0].value(), *key, rng);
  ASSERT_TRUE(cookie.ok()) << message(cookie.error());
  EXPECT_EQ(*cookie, 0x8ac8a20au);
}

TEST(Cookie, CookRequestValueIsTheDerRsaPublicKeyOfTheClientHostKey) {
  // iff-md5-512 packet 7: 74-octet DER RSAPublicKey.
  const auto ps = test::packets("iff-md5-512");
  const auto& p7 = test::frame(ps, 7);
  ASSERT_EQ(p7.efs.size(), 1u);
  const auto value = p7.efs[0].value();
  EXPECT_EQ(value.size(), 74u);
  const auto key = test::load_private_key(kClientHostKey, "client_password");
  const auto der = encode_rsa_public_key(*key);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(*der, wire::Bytes(value.begin(), value.end()));
  const auto decoded = decode_rsa_public_key(value);
  ASSERT_TRUE(decoded.ok()) << message(decoded.error());
  EXPECT_EQ(*encode_rsa_public_key(**decoded), *der);
}

TEST(Cookie, RoundTripsWithFreshKeysAndOpenSslAgrees) {
  Botan::AutoSeeded_RNG rng;
  for (std::size_t bits : {512u, 2048u}) {
    const auto key = test::make_rsa_key(rng, bits);
    const auto der = encode_rsa_public_key(*key);
    ASSERT_TRUE(der.ok());
    const auto ct = encrypt_cookie(0xdeadbeef, *der, rng);
    ASSERT_TRUE(ct.ok()) << message(ct.error());
    EXPECT_EQ(ct->size(), bits / 8);
    const auto back = decrypt_cookie(*ct, *key, rng);
    ASSERT_TRUE(back.ok()) << message(back.error());
    EXPECT_EQ(*back, 0xdeadbeefu);
    const auto theirs = openssl_oaep_decrypt(*key, *ct);
    ASSERT_TRUE(theirs.has_value()) << bits;
    EXPECT_EQ(wire::to_hex(*theirs), "deadbeef");
  }
}

TEST(Cookie, CiphertextForAnotherKeyOrAFlippedBitIsRejected) {
  Botan::AutoSeeded_RNG rng;
  const auto a = test::make_rsa_key(rng, 512);
  const auto b = test::make_rsa_key(rng, 512);
  auto ct = encrypt_cookie(42, *a, rng);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(decrypt_cookie(*ct, *b, rng).error(), CryptoError::CookieDecryptFailed);
  (*ct)[10] ^= 0x40;
  EXPECT_EQ(decrypt_cookie(*ct, *a, rng).error(), CryptoError::CookieDecryptFailed);
  EXPECT_EQ(decrypt_cookie({}, *a, rng).error(), CryptoError::CookieDecryptFailed);
}

TEST(Cookie, PlaintextOtherThanFourOctetsIsRejected) {
  Botan::AutoSeeded_RNG rng;
  const auto key = test::make_rsa_key(rng, 512);
  Botan::PK_Encryptor_EME enc(*key, rng, "OAEP(SHA-160)");
  for (std::size_t n : {0u, 3u, 5u, 8u}) {
    const wire::Bytes plain(n, 0x11);
    const auto ct = enc.encrypt(plain, rng);
    EXPECT_EQ(decrypt_cookie(wire::Bytes(ct.begin(), ct.end()), *key, rng).error(),
              CryptoError::CookieWrongLength)
        << n;
  }
}

TEST(Cookie, MalformedPublicKeysAreRejected) {
  Botan::AutoSeeded_RNG rng;
  const auto key = test::make_rsa_key(rng, 512);
  const auto der = *encode_rsa_public_key(*key);
  // Trailing octet.
  auto longer = der;
  longer.push_back(0);
  EXPECT_EQ(decode_rsa_public_key(longer).error(), CryptoError::RsaPublicKeyNotDer);
  // Truncated.
  EXPECT_EQ(decode_rsa_public_key(wire::ByteView(der).first(der.size() - 1)).error(),
            CryptoError::RsaPublicKeyNotDer);
  EXPECT_EQ(decode_rsa_public_key({}).error(), CryptoError::RsaPublicKeyNotDer);
  // SubjectPublicKeyInfo is not what the COOK request carries.
  EXPECT_EQ(decode_rsa_public_key(key->subject_public_key()).error(), CryptoError::RsaPublicKeyNotDer);
  // Long-form length where the short form fits: BER, not DER.
  wire::Bytes ber = {0x30, 0x81, static_cast<std::uint8_t>(der[1])};
  ber.insert(ber.end(), der.begin() + 2, der.end());
  ASSERT_LT(der[1], 0x80);
  EXPECT_EQ(decode_rsa_public_key(ber).error(), CryptoError::RsaPublicKeyNotDer);
  // Even modulus, exponent 1.
  wire::Bytes even;
  Botan::DER_Encoder(even)
      .start_cons(Botan::SEQUENCE)
      .encode(key->get_n() + 1)
      .encode(key->get_e())
      .end_cons();
  EXPECT_EQ(decode_rsa_public_key(even).error(), CryptoError::BadKey);
  wire::Bytes e1;
  Botan::DER_Encoder(e1).start_cons(Botan::SEQUENCE).encode(key->get_n()).encode(Botan::BigInt(1)).end_cons();
  EXPECT_EQ(decode_rsa_public_key(e1).error(), CryptoError::BadKey);
  // Oversized modulus.
  wire::Bytes huge;
  Botan::BigInt big = Botan::BigInt::power_of_2(kMaxModulusBits) + 1;
  Botan::DER_Encoder(huge).start_cons(Botan::SEQUENCE).encode(big).encode(key->get_e()).end_cons();
  EXPECT_EQ(decode_rsa_public_key(huge).error(), CryptoError::RsaKeyTooLarge);
}

TEST(Cookie, OnlyRsaKeysCanCarryCookies) {
  // The server's IFF key file holds a DSA key.
  const auto dsa =
      test::load_private_key("iff-md5-512/server/ntpkey_IFFkey_servername.4004702989", "server_password");
  Botan::AutoSeeded_RNG rng;
  EXPECT_EQ(encode_rsa_public_key(*dsa).error(), CryptoError::PublicKeyNotRsa);
  EXPECT_EQ(encrypt_cookie(1, *dsa, rng).error(), CryptoError::PublicKeyNotRsa);
  EXPECT_EQ(decrypt_cookie(wire::Bytes(64, 1), *dsa, rng).error(), CryptoError::PublicKeyNotRsa);
  EXPECT_EQ(xevnt_code(CryptoError::CookieDecryptFailed), xevnt::kCky);
  EXPECT_EQ(xevnt_code(CryptoError::PublicKeyNotRsa), xevnt::kPub);
}

}  // namespace
}  // namespace ak::crypto
