#include "crypto/signature.h"

#include <botan/auto_rng.h>
#include <botan/dsa.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto_test_support.h"

namespace ak::crypto {
namespace {

constexpr const char* kServerHostKey = "iff-md5-512/server/ntpkey_RSAhost_servername.4004702989";
constexpr const char* kClientHostKey = "iff-md5-512/client/ntpkey_RSAhost_clientname.4004702989";

Status<CryptoError> verify_ef(const Botan::Public_Key& key, Digest d, const test::Ef& ef) {
  return verify_value(key, d, ef.timestamp(), ef.filestamp(), ef.value(), ef.signature());
}

// The digest the server's status word names (ASSOC response, packet 2).
Digest status_word_digest(const std::vector<test::Packet>& ps) {
  const auto nid = test::frame(ps, 2).efs.at(0).filestamp() >> 16;
  return digest_from_nid(nid).value_or(Digest::SHA512);
}

bool openssl_verifies(const Botan::Public_Key& key, const char* md, wire::ByteView msg, wire::ByteView sig) {
  const auto spki = key.subject_public_key();
  const unsigned char* p = spki.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = pkey && EVP_DigestVerifyInit(ctx, nullptr, EVP_get_digestbyname(md), nullptr, pkey) == 1 &&
                  EVP_DigestVerify(ctx, sig.data(), sig.size(), msg.data(), msg.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

TEST(Signature, SignedOctetsAreStampsLengthAndValueWithoutPadding) {
  const std::uint8_t value[] = {1, 2, 3};
  EXPECT_EQ(wire::to_hex(signed_octets(0x11223344, 0x55667788, value)), "112233445566778800000003010203");
}

TEST(Signature, EverySignedServerResponseOfTheIffSessionVerifies) {
  const auto ps = test::packets("iff-md5-512");
  const auto server = test::load_private_key(kServerHostKey, "server_password");
  const Digest d = status_word_digest(ps);
  EXPECT_EQ(d, Digest::MD5);
  // CERT 4, IFF 6, COOK 8, SIGN 16, LEAP 18.
  for (std::size_t n : {4u, 6u, 8u, 16u, 18u}) {
    const auto& ef = test::frame(ps, n).efs.at(0);
    EXPECT_EQ(ef.sl(), 64u) << n;
    const auto r = verify_ef(*server, d, ef);
    EXPECT_TRUE(r.ok()) << "packet " << n << ": " << (r.ok() ? "" : message(r.error()));
  }
}

TEST(Signature, SignRequestIsSignedWithTheClientKey) {
  const auto ps = test::packets("iff-md5-512");
  const auto client = test::load_private_key(kClientHostKey, "client_password");
  const auto server = test::load_private_key(kServerHostKey, "server_password");
  const auto& ef = test::frame(ps, 15).efs.at(0);
  EXPECT_TRUE(verify_ef(*client, Digest::MD5, ef).ok());
  EXPECT_EQ(verify_ef(*server, Digest::MD5, ef).error(), CryptoError::SignatureNotVerified);
}

TEST(Signature, Sha1CertificateHostsSignWithSha1) {
  const auto ps = test::packets("gq-sha1-1024");
  const Digest d = status_word_digest(ps);
  EXPECT_EQ(d, Digest::SHA1);
  const auto server =
      test::load_private_key("gq-sha1-1024/server/ntpkey_RSAhost_servername.4004702991", "server_password");
  const auto& cert = test::frame(ps, 4).efs.at(0);
  EXPECT_EQ(cert.sl(), 128u);
  EXPECT_TRUE(verify_ef(*server, d, cert).ok());
  EXPECT_EQ(verify_ef(*server, Digest::MD5, cert).error(), CryptoError::SignatureNotVerified);
  for (std::size_t n = 6; n <= 20; n += 2)
    EXPECT_TRUE(verify_ef(*server, d, test::frame(ps, n).efs.at(0)).ok()) << n;
}

TEST(Signature, AFlippedBitAnywhereFailsToVerify) {
  const auto ps = test::packets("iff-md5-512");
  const auto server = test::load_private_key(kServerHostKey, "server_password");
  const auto& ef = test::frame(ps, 8).efs.at(0);
  wire::Bytes value(ef.value().begin(), ef.value().end());
  value[0] ^= 0x80;
  EXPECT_EQ(verify_value(*server, Digest::MD5, ef.timestamp(), ef.filestamp(), value, ef.signature()).error(),
            CryptoError::SignatureNotVerified);
  EXPECT_EQ(verify_value(*server, Digest::MD5, ef.timestamp() + 1, ef.filestamp(), ef.value(), ef.signature())
                .error(),
            CryptoError::SignatureNotVerified);
  wire::Bytes sig(ef.signature().begin(), ef.signature().end());
  sig[63] ^= 0x01;
  EXPECT_EQ(verify_value(*server, Digest::MD5, ef.timestamp(), ef.filestamp(), ef.value(), sig).error(),
            CryptoError::SignatureNotVerified);
}

TEST(Signature, SignatureLengthMustEqualTheKeySize) {
  const auto ps = test::packets("iff-md5-512");
  const auto server = test::load_private_key(kServerHostKey, "server_password");
  const auto& ef = test::frame(ps, 8).efs.at(0);
  EXPECT_EQ(signature_size(*server), 64u);
  wire::Bytes longer(ef.signature().begin(), ef.signature().end());
  longer.insert(longer.begin(), 0);
  EXPECT_EQ(verify_value(*server, Digest::MD5, ef.timestamp(), ef.filestamp(), ef.value(), longer).error(),
            CryptoError::BadSignatureLength);
  EXPECT_EQ(
      verify_value(*server, Digest::MD5, ef.timestamp(), ef.filestamp(), ef.value(), ef.signature().first(63))
          .error(),
      CryptoError::BadSignatureLength);
  EXPECT_EQ(xevnt_code(CryptoError::BadSignatureLength), xevnt::kSgl);
}

TEST(Signature, SignatureAboveTheModulusIsNotVerified) {
  // CVE-2009-0021: OpenSSL once returned -1 (taken as success) here.
  const auto ps = test::packets("iff-md5-512");
  const auto server = test::load_private_key(kServerHostKey, "server_password");
  const auto& ef = test::frame(ps, 8).efs.at(0);
  const wire::Bytes ff(64, 0xff);
  EXPECT_EQ(verify_value(*server, Digest::MD5, ef.timestamp(), ef.filestamp(), ef.value(), ff).error(),
            CryptoError::SignatureNotVerified);
}

TEST(Signature, ResigningACapturedValueReproducesNtpdsSignature) {
  // PKCS#1 v1.5 is deterministic: the same key, digest and octets give the
  // same signature as the server's (packet 8, COOK response).
  const auto ps = test::packets("iff-md5-512");
  const auto server = test::load_private_key(kServerHostKey, "server_password");
  const auto& ef = test::frame(ps, 8).efs.at(0);
  Botan::AutoSeeded_RNG rng;
  const auto sig = sign_value(*server, Digest::MD5, ef.timestamp(), ef.filestamp(), ef.value(), rng);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(*sig, wire::Bytes(ef.signature().begin(), ef.signature().end()));
}

TEST(Signature, KeptSignerGivesTheSameSignaturesAsOneShotSigning) {
  const auto ps = test::packets("iff-md5-512");
  const auto server = test::load_private_key(kServerHostKey, "server_password");
  Botan::AutoSeeded_RNG rng;
  auto signer = ValueSigner::create(*server, Digest::MD5, rng);
  ASSERT_TRUE(signer.ok());
  for (std::size_t n : {4u, 6u, 8u, 16u, 18u}) {
    const auto& ef = test::frame(ps, n).efs.at(0);
    const auto sig = signer->sign(ef.timestamp(), ef.filestamp(), ef.value());
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(*sig, wire::Bytes(ef.signature().begin(), ef.signature().end())) << n;
  }
  const auto dsa =
      test::load_private_key("iff-md5-512/server/ntpkey_IFFkey_servername.4004702989", "server_password");
  EXPECT_EQ(ValueSigner::create(*dsa, Digest::MD5, rng).error(), CryptoError::DigestNotUsableWithKey);
}

TEST(Signature, OpenSslVerifiesOurRsaSignatures) {
  Botan::AutoSeeded_RNG rng;
  for (std::size_t bits : {512u, 1024u}) {
    const auto key = test::make_rsa_key(rng, bits);
    for (auto [d, name] :
         {std::pair{Digest::MD5, "MD5"}, {Digest::SHA1, "SHA1"}, {Digest::SHA256, "SHA256"}}) {
      const std::uint8_t value[] = {'a', 'b', 'c', 0, 1};
      const auto sig = sign_value(*key, d, 4004702991u, 4004702989u, value, rng);
      ASSERT_TRUE(sig.ok());
      EXPECT_EQ(sig->size(), bits / 8);
      EXPECT_TRUE(verify_value(*key, d, 4004702991u, 4004702989u, value, *sig).ok());
      EXPECT_TRUE(openssl_verifies(*key, name, signed_octets(4004702991u, 4004702989u, value), *sig)) << name;
    }
  }
}

TEST(Signature, DsaSignaturesAreDerAndMustHaveTheMaximumLength) {
  // ntpd requires sl == EVP_PKEY_size; a DER Dss-Sig-Value is often shorter,
  // so DSA sign keys fail intermittently against ntpd (digest §3.6).
  const auto dsa =
      test::load_private_key("iff-md5-512/server/ntpkey_IFFkey_servername.4004702989", "server_password");
  ASSERT_TRUE(signature_key_type(*dsa) == SignatureKeyType::DSA);
  EXPECT_EQ(signature_size(*dsa), 48u);  // q is 160 bits: 2 + 2 * (2 + 21)
  Botan::AutoSeeded_RNG rng;
  const std::uint8_t value[] = {9, 9, 9};
  for (int i = 0; i < 16; ++i) {
    const auto sig = sign_value(*dsa, Digest::SHA1, 1, 0, value, rng);
    ASSERT_TRUE(sig.ok());
    ASSERT_EQ((*sig)[0], 0x30);
    const auto r = verify_value(*dsa, Digest::SHA1, 1, 0, value, *sig);
    if (sig->size() == 48)
      EXPECT_TRUE(r.ok());
    else
      EXPECT_EQ(r.error(), CryptoError::BadSignatureLength);
  }
  EXPECT_EQ(sign_value(*dsa, Digest::MD5, 1, 0, value, rng).error(), CryptoError::DigestNotUsableWithKey);
}

}  // namespace
}  // namespace ak::crypto
