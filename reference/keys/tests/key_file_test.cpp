#include "keys/key_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "keys/file_name.h"
#include "testing/fixtures.h"

namespace ak::keys {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCert =
    "# ntpkey_RSA-MD5cert_x.4004702989\n# Thu Nov 26 17:29:49 2026\n\n"
    "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";

TEST(KeyFileText, ReadsHeaderNameFilestampCtimeAndBlock) {
  const auto f = parse_key_file_text(kCert);
  ASSERT_TRUE(f.ok()) << message(f.error());
  EXPECT_EQ(f->header_name, "ntpkey_RSA-MD5cert_x.4004702989");
  EXPECT_EQ(f->filestamp, 4004702989u);
  EXPECT_EQ(f->ctime_line, "Thu Nov 26 17:29:49 2026");
  ASSERT_EQ(f->blocks.size(), 1u);
  EXPECT_EQ(f->blocks[0].label, "CERTIFICATE");
  EXPECT_EQ(f->blocks[0].der.size(), 5u);
  EXPECT_EQ(f->blocks[0].text.substr(0, 27), "-----BEGIN CERTIFICATE-----");
}

TEST(KeyFileText, FilestampIsTheNumberAfterTheLastDotOfLineOne) {
  const auto f = parse_key_file_text(
      "# ntpkey_host_a.b.c.17\n-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->filestamp, 17u);
  EXPECT_TRUE(f->ctime_line.empty());
}

TEST(KeyFileText, RefusesMissingHeaderAndBadFilestamps) {
  EXPECT_EQ(parse_key_file_text("").error(), KeyError::NoHeader);
  EXPECT_EQ(parse_key_file_text("-----BEGIN CERTIFICATE-----\n").error(), KeyError::NoHeader);
  EXPECT_EQ(parse_key_file_text("# no dot here\n").error(), KeyError::BadFilestamp);
  EXPECT_EQ(parse_key_file_text("# name.\n").error(), KeyError::BadFilestamp);
  EXPECT_EQ(parse_key_file_text("# name.4294967296\n").error(), KeyError::BadFilestamp);
  EXPECT_EQ(parse_key_file_text("# name.12ab\n").error(), KeyError::BadFilestamp);
}

TEST(KeyFileText, RefusesDamagedPem) {
  EXPECT_EQ(parse_key_file_text("# n.1\n# t\n\nno pem\n").error(), KeyError::NoPemBlock);
  EXPECT_EQ(parse_key_file_text("# n.1\n-----BEGIN CERTIFICATE-----\nMAMCAQE=\n").error(),
            KeyError::MalformedPem);
  EXPECT_EQ(parse_key_file_text(
                "# n.1\n-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n")
                .error(),
            KeyError::MalformedPem);
  EXPECT_EQ(parse_key_file_text(
                "# n.1\n-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
                .error(),
            KeyError::MalformedPem);
}

TEST(KeyFileText, KeepsTraditionalEncryptionHeaders) {
  const auto f = parse_key_file_text(
      "# n.1\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
      "DEK-Info: DES-CBC,0011223344556677\n\nMAMCAQE=\n-----END RSA PRIVATE KEY-----\n");
  ASSERT_TRUE(f.ok()) << message(f.error());
  ASSERT_EQ(f->blocks[0].headers.size(), 2u);
  EXPECT_EQ(f->blocks[0].headers[0].first, "Proc-Type");
  EXPECT_EQ(f->blocks[0].headers[1].second, "DES-CBC,0011223344556677");
}

TEST(KeyFileText, RefusesOversizedInput) {
  const std::string big(kMaxKeyFileSize + 1, '#');
  EXPECT_EQ(parse_key_file_text(big).error(), KeyError::FileTooLarge);
}

TEST(KeyFileText, RecognisesLinkFileContent) {
  EXPECT_TRUE(is_link_file_text("ntpkey_RSAhost_servername.4004702989"));
  EXPECT_TRUE(is_link_file_text("ntpkey_RSAhost_servername.4004702989\n"));
  EXPECT_FALSE(is_link_file_text("../etc/passwd"));
  EXPECT_FALSE(is_link_file_text("two words"));
  EXPECT_FALSE(is_link_file_text(kCert));
}

TEST(KeyFileRead, FollowsFixtureLinkFilesToTheStampedFile) {
  const auto f = read_key_file(ak::testing::fixture("iff-md5-512/server/ntpkey_host_servername"));
  ASSERT_TRUE(f.ok()) << message(f.error());
  EXPECT_EQ(f->file_name, "ntpkey_RSAhost_servername.4004702989");
  EXPECT_EQ(f->header_name, "ntpkey_RSAhost_servername.4004702989");
  EXPECT_EQ(f->filestamp, 4004702989u);
  EXPECT_EQ(f->blocks.at(0).label, "ENCRYPTED PRIVATE KEY");
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ak_keys_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void put(const std::string& name, std::string_view text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  fs::path dir_;
};

using KeyFileLinks = TempDir;

TEST_F(KeyFileLinks, FollowsRealSymlinksAndLinkFilesTogether) {
  put("ntpkey_RSA-MD5cert_x.4004702989", kCert);
  put("ntpkey_mid_x", "ntpkey_RSA-MD5cert_x.4004702989\n");
  fs::create_symlink("ntpkey_mid_x", dir_ / "ntpkey_cert_x");
  const auto f = read_key_file(dir_ / "ntpkey_cert_x");
  ASSERT_TRUE(f.ok()) << message(f.error());
  EXPECT_EQ(f->file_name, "ntpkey_RSA-MD5cert_x.4004702989");
}

TEST_F(KeyFileLinks, StopsAtALinkLoop) {
  put("a", "b");
  put("b", "a");
  EXPECT_EQ(read_key_file(dir_ / "a").error(), KeyError::LinkLoop);
  fs::create_symlink("s2", dir_ / "s1");
  fs::create_symlink("s1", dir_ / "s2");
  EXPECT_EQ(read_key_file(dir_ / "s1").error(), KeyError::LinkLoop);
}

TEST_F(KeyFileLinks, DanglingLinkIsFileNotFound) {
  put("ntpkey_host_x", "ntpkey_RSAhost_x.1");
  EXPECT_EQ(read_key_file(dir_ / "ntpkey_host_x").error(), KeyError::FileNotFound);
  EXPECT_EQ(read_key_file(dir_ / "nothing").error(), KeyError::FileNotFound);
}

TEST_F(KeyFileLinks, DirectoryIsNotAKeyFile) {
  fs::create_directories(dir_ / "d");
  EXPECT_EQ(read_key_file(dir_ / "d").error(), KeyError::NotRegularFile);
}

TEST_F(KeyFileLinks, RefusesFilesLargerThanTheLimit) {
  put("big", std::string(kMaxKeyFileSize + 10, '#'));
  EXPECT_EQ(read_key_file(dir_ / "big").error(), KeyError::FileTooLarge);
}

}  // namespace
}  // namespace ak::keys
