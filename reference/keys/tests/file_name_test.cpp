#include "keys/file_name.h"

#include <gtest/gtest.h>

namespace ak::keys {
namespace {

TEST(KeyFileName, ParsesHostKeyNameWithFilestamp) {
  const auto n = parse_key_file_name("ntpkey_RSAhost_servername.4004702989");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->type, FileType::RsaHost);
  EXPECT_EQ(n->owner, "servername");
  EXPECT_EQ(n->filestamp, 4004702989u);
}

TEST(KeyFileName, ParsesCertificateDigestFromTheType) {
  const auto n = parse_key_file_name("ntpkey_RSA-SHA256cert_alice.4004703241");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->type, FileType::Certificate);
  EXPECT_EQ(n->digest, "RSA-SHA256");
  EXPECT_EQ(format_key_file_name(*n), "ntpkey_RSA-SHA256cert_alice.4004703241");
}

TEST(KeyFileName, OwnerMayContainDots) {
  const auto n = parse_key_file_name("ntpkey_IFFkey_ntp.example.org.4004702989");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->owner, "ntp.example.org");
}

TEST(KeyFileName, EveryTypeRoundTrips) {
  for (const char* t : {"RSAhost", "RSAsign", "DSAsign", "RSA-MD5cert", "IFFkey", "GQkey", "MVta",
                        "MD5key", "iffpar", "gqpar", "mvpar", "iffkey", "gqkey", "mvkey"}) {
    const std::string name = std::string("ntpkey_") + t + "_grp.1";
    const auto n = parse_key_file_name(name);
    ASSERT_TRUE(n) << name;
    EXPECT_EQ(format_key_file_name(*n), name);
  }
}

TEST(KeyFileName, RefusesNamesWithoutAValidFilestamp) {
  EXPECT_FALSE(parse_key_file_name("ntpkey_RSAhost_servername"));
  EXPECT_FALSE(parse_key_file_name("ntpkey_RSAhost_servername.12x"));
  EXPECT_FALSE(parse_key_file_name("ntpkey_RSAhost_servername.4294967296"));
  EXPECT_FALSE(parse_key_file_name("ntpkey_RSAhost_.4004702989"));
  EXPECT_FALSE(parse_key_file_name("ntpkey_Bogus_servername.4004702989"));
  EXPECT_FALSE(parse_key_file_name("ntpkey_cert_servername.4004702989"));  // bare "cert"
  EXPECT_FALSE(parse_key_file_name("other_RSAhost_servername.1"));
}

TEST(LinkName, ParsesEveryRoleNtpdOpens) {
  const std::pair<const char*, LinkRole> cases[] = {
      {"ntpkey_host_h", LinkRole::Host},     {"ntpkey_sign_h", LinkRole::Sign},
      {"ntpkey_cert_h", LinkRole::Cert},     {"ntpkey_iffkey_g", LinkRole::IffKey},
      {"ntpkey_gqkey_g", LinkRole::GqKey},   {"ntpkey_mvkey_g", LinkRole::MvKey},
      {"ntpkey_iffpar_g", LinkRole::IffPar}, {"ntpkey_gqpar_g", LinkRole::GqPar},
      {"ntpkey_mvpar_g", LinkRole::MvPar},   {"ntpkey_iff_g", LinkRole::Iff},
      {"ntpkey_gq_g", LinkRole::Gq},         {"ntpkey_mv_g", LinkRole::Mv},
  };
  for (const auto& [text, role] : cases) {
    const auto l = parse_link_name(text);
    ASSERT_TRUE(l) << text;
    EXPECT_EQ(l->role, role);
    EXPECT_EQ(format_link_name(l->role, l->owner), text);
  }
}

TEST(LinkName, HostNameWithDotsIsStillALink) {
  const auto l = parse_link_name("ntpkey_host_ntp.example.org");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->owner, "ntp.example.org");
}

TEST(LinkName, StampedExportIsAFileNotALink) {
  EXPECT_FALSE(parse_link_name("ntpkey_iffkey_grp.4004702989"));
  EXPECT_TRUE(parse_key_file_name("ntpkey_iffkey_grp.4004702989"));
}

TEST(LinkName, RefusesPathSeparatorsInTheOwner) {
  EXPECT_FALSE(parse_link_name("ntpkey_host_../etc"));
  EXPECT_FALSE(parse_link_name("ntpkey_host_"));
}

}  // namespace
}  // namespace ak::keys
