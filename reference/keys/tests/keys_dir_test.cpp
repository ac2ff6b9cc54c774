#include "keys/keys_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "keys/writer.h"
#include "testing/fixtures.h"

namespace ak::keys {
namespace {

namespace fs = std::filesystem;

TEST(KeysDir, IffServerFindsHostKeyCertificateAndIffKey) {
  const auto r = load_keys_dir({ak::testing::fixture("iff-md5-512/server"), "servername", "",
                                "server_password"});
  ASSERT_TRUE(r.ok()) << describe(r.error());
  EXPECT_EQ(r->host.filestamp, 4004702989u);
  EXPECT_EQ(r->host.file_name, "ntpkey_RSAhost_servername.4004702989");
  EXPECT_FALSE(r->sign);
  EXPECT_EQ(&r->sign_key(), r->host.value.get());
  EXPECT_EQ(r->certificate.filestamp, 4004702989u);
  ASSERT_TRUE(r->iff_key);
  EXPECT_TRUE(r->iff_key->value.b);
  EXPECT_EQ(r->iff_key->filestamp, 4004702989u);
  EXPECT_FALSE(r->gq_key);
  EXPECT_FALSE(r->mv_key);
  EXPECT_FALSE(r->iff_par);
}

TEST(KeysDir, IffClientFindsItsParametersByGroupName) {
  const auto r = load_keys_dir({ak::testing::fixture("iff-md5-512/client"), "clientname",
                                "servername", "client_password"});
  ASSERT_TRUE(r.ok()) << describe(r.error());
  ASSERT_TRUE(r->iff_par);
  EXPECT_TRUE(r->iff_par->value.v);
  EXPECT_FALSE(r->iff_par->value.b);
  EXPECT_EQ(r->iff_par->filestamp, 4004702989u);
  EXPECT_FALSE(r->iff_key);
}

TEST(KeysDir, GqClientFindsItsParameters) {
  const auto r = load_keys_dir({ak::testing::fixture("gq-sha1-1024/client"), "clientname",
                                "servername", "client_password"});
  ASSERT_TRUE(r.ok()) << describe(r.error());
  ASSERT_TRUE(r->gq_par);
  EXPECT_FALSE(r->gq_par->value.u);
  EXPECT_EQ(r->gq_par->filestamp, 4004702991u);
}

TEST(KeysDir, ReportListsWhatWasFoundWithoutSecrets) {
  const auto r = load_keys_dir({ak::testing::fixture("gq-sha1-1024/server"), "servername", "",
                                "server_password"});
  ASSERT_TRUE(r.ok()) << describe(r.error());
  const std::string report = describe(r->found);
  EXPECT_NE(report.find("host key  ntpkey_host_servername -> ntpkey_RSAhost_servername.4004702991"
                        "  fs 4004702991  RSA 1024 bits"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("GQ server key  ntpkey_gqkey_servername -> "
                        "ntpkey_GQkey_servername.4004702991"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("sign key  ntpkey_sign_servername  absent"), std::string::npos) << report;
  EXPECT_EQ(report.find("server_password"), std::string::npos);
  ASSERT_TRUE(r->gq_key);
  EXPECT_EQ(report.find(r->gq_key->value.u->to_hex_string()), std::string::npos);
}

TEST(KeysDir, WrongPasswordNamesTheFileThatFailed) {
  const auto r = load_keys_dir({ak::testing::fixture("iff-md5-512/server"), "servername", "",
                                "client_password"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, KeyError::WrongPassword);
  EXPECT_EQ(r.error().role, KeyRole::Host);
  EXPECT_EQ(r.error().name, "ntpkey_host_servername");
  EXPECT_NE(describe(r.error()).find("wrong password"), std::string::npos);
}

TEST(KeysDir, MissingHostKeyIsAnError) {
  const auto r = load_keys_dir({ak::testing::fixture("iff-md5-512/server"), "nosuchhost", "",
                                "server_password"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, KeyError::FileNotFound);
  EXPECT_EQ(r.error().name, "ntpkey_host_nosuchhost");
}

TEST(KeysDir, OpenSsl3IffExportAsClientParametersIsAnError) {
  const fs::path dir = fs::temp_directory_path() / ("ak_keys_dir_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path client = ak::testing::fixture("iff-md5-512/client");
  for (const char* f : {"ntpkey_RSAhost_clientname.4004702989", "ntpkey_RSA-MD5cert_clientname.4004702989"})
    fs::copy_file(client / f, dir / f);
  ASSERT_TRUE(write_link(dir, "ntpkey_host_clientname", "ntpkey_RSAhost_clientname.4004702989").ok());
  ASSERT_TRUE(write_link(dir, "ntpkey_cert_clientname", "ntpkey_RSA-MD5cert_clientname.4004702989").ok());
  // The 4.2.5-era client name, holding what ntp-keygen -e printed.
  fs::copy_file(ak::testing::fixture("iff-md5-512/exported_par.txt"), dir / "ntpkey_iff_servername");
  const auto r = load_keys_dir({dir, "clientname", "servername", "client_password"});
  fs::remove_all(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, KeyError::IffPublicValueLost);
  EXPECT_EQ(r.error().name, "ntpkey_iff_servername");
}

}  // namespace
}  // namespace ak::keys
