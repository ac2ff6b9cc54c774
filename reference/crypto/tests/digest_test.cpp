#include "crypto/digest.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <string>

namespace ak::crypto {
namespace {

constexpr Digest kAll[] = {Digest::MD5,    Digest::SHA1,   Digest::SHA224,   Digest::SHA256,
                           Digest::SHA384, Digest::SHA512, Digest::RIPEMD160};

std::string hex_of(Digest d, const std::string& text) {
  return wire::to_hex(
      hash(d, wire::ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
}

TEST(Digest, StatusWordNidsOfTheFixturesNameTheirDigests) {
  // iff-md5-512 packet 2 (0x00080023) and gq-sha1-1024 packet 2 (0x00410043).
  EXPECT_EQ(digest_from_nid(0x00080023u >> 16), Digest::MD5);
  EXPECT_EQ(digest_from_nid(0x00410043u >> 16), Digest::SHA1);
  EXPECT_EQ(digest_from_nid(668), Digest::SHA256);
  EXPECT_EQ(digest_from_nid(113), Digest::SHA1);
  EXPECT_EQ(digest_from_nid(119), Digest::RIPEMD160);
}

TEST(Digest, PlainDigestNidsAreAcceptedToo) {
  EXPECT_EQ(digest_from_nid(4), Digest::MD5);
  EXPECT_EQ(digest_from_nid(64), Digest::SHA1);
  EXPECT_EQ(digest_from_nid(672), Digest::SHA256);
}

TEST(Digest, UnknownNidsAreRejected) {
  EXPECT_FALSE(digest_from_nid(0).has_value());
  EXPECT_FALSE(digest_from_nid(0xffff).has_value());
  EXPECT_FALSE(digest_from_nid(6).has_value());  // rsaEncryption: no digest
}

TEST(Digest, EveryNidAgreesWithOpenSsl) {
  for (Digest d : kAll) {
    const EVP_MD* md = EVP_get_digestbynid(static_cast<int>(digest_nid(d)));
    ASSERT_NE(md, nullptr) << short_name(d);
    EXPECT_EQ(static_cast<std::size_t>(EVP_MD_get_size(md)), digest_size(d)) << short_name(d);
    EXPECT_EQ(EVP_MD_get_type(md), static_cast<int>(digest_nid(d))) << short_name(d);
    for (SignatureKeyType k : {SignatureKeyType::RSA, SignatureKeyType::DSA}) {
      const auto sig = signature_nid(k, d);
      if (!sig) continue;
      // OpenSSL resolves an RSA signature NID to the same digest (what ntpd's
      // EVP_get_digestbynid does with the status word). OpenSSL 3 no longer
      // resolves the DSA ones, so an ntpd linked with it rejects DSA-signed
      // certificates (XEVNT_MD); the mapping is kept for older peers.
      const EVP_MD* via_sig = EVP_get_digestbynid(static_cast<int>(*sig));
      if (k == SignatureKeyType::RSA) {
        ASSERT_NE(via_sig, nullptr) << *sig;
        EXPECT_EQ(EVP_MD_get_type(via_sig), static_cast<int>(digest_nid(d))) << *sig;
      }
      // And the OID we write into certificates is the one OpenSSL knows by that NID.
      const auto oid = signature_algorithm_oid(k, d);
      ASSERT_TRUE(oid.has_value());
      EXPECT_EQ(OBJ_txt2nid(oid->c_str()), static_cast<int>(*sig)) << *oid;
      const auto back = signature_algorithm_from_oid(*oid);
      ASSERT_TRUE(back.has_value());
      EXPECT_EQ(back->nid, *sig);
      EXPECT_EQ(back->digest, d);
      EXPECT_EQ(back->key, k);
    }
  }
}

TEST(Digest, DsaHasNoMd5SignatureAlgorithm) {
  EXPECT_FALSE(signature_nid(SignatureKeyType::DSA, Digest::MD5).has_value());
  EXPECT_FALSE(signature_algorithm_oid(SignatureKeyType::DSA, Digest::MD5).has_value());
}

TEST(Digest, HashesMatchTheStandardTestVectors) {
  EXPECT_EQ(hex_of(Digest::MD5, "abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex_of(Digest::SHA1, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex_of(Digest::SHA256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of(Digest::RIPEMD160, "abc"), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  for (Digest d : kAll) EXPECT_EQ(hash(d, {}).size(), digest_size(d)) << short_name(d);
}

TEST(Digest, BotanNameForSha1IsSha160) { EXPECT_STREQ(botan_name(Digest::SHA1), "SHA-160"); }

}  // namespace
}  // namespace ak::crypto
