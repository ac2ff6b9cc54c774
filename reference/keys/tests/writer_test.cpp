// Writers: read -> write -> read round trips, file modes, links, and the
// real openssl binary as an independent reader of what we write.
#include "keys/writer.h"

#include <botan/auto_rng.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "keys/file_name.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/private_key.h"
#include "testing/fixtures.h"

namespace ak::keys {
namespace {

namespace fs = std::filesystem;

constexpr std::time_t kWhen = 1795800589;  // 2026-11-26, the fixtures' day

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ak_keys_writer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes "# name\n# ctime\n\n" + pem under `name` and reads it back.
  KeyFile write_and_read(const std::string& name, const std::string& pem) {
    const auto w = write_file_atomic(dir_ / name, header_text(name, kWhen) + pem);
    EXPECT_TRUE(w.ok());
    auto f = read_key_file(dir_ / name);
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : message(f.error()));
    return f.ok() ? std::move(f).value() : KeyFile{};
  }

  static KeyFile fixture_file(const std::string& rel) {
    auto f = read_key_file(ak::testing::fixture(rel));
    EXPECT_TRUE(f.ok()) << rel;
    return f.ok() ? std::move(f).value() : KeyFile{};
  }

  fs::path dir_;
  Botan::AutoSeeded_RNG rng_;
};

// Runs a shell command, returning its exit status and stdout.
std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!p) return {-1, out};
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// The hex digits of the "label:" section of `openssl ... -text` output.
std::string openssl_field_hex(const std::string& text, const std::string& label) {
  const auto at = text.find("\n" + label + ":");
  if (at == std::string::npos) return {};
  std::string hex;
  std::size_t i = at + label.size() + 2;
  // The section continues with indented lines.
  while (i < text.size()) {
    const auto nl = text.find('\n', i);
    const std::string line = text.substr(i, nl == std::string::npos ? std::string::npos : nl - i);
    if (!hex.empty() && !line.empty() && line[0] != ' ') break;
    for (char c : line)
      if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  return hex;
}

TEST(KeyFileHeader, IsNameLineCtimeLineAndEmptyLine) {
  const std::string h = header_text("ntpkey_RSAhost_x.4004702989", kWhen);
  const auto second = h.find('\n') + 1;
  EXPECT_EQ(h.substr(0, second), "# ntpkey_RSAhost_x.4004702989\n");
  EXPECT_EQ(h.substr(h.size() - 2), "\n\n");
  // ctime(3): "Www Mmm dd hh:mm:ss yyyy", 24 characters.
  EXPECT_EQ(h.size() - second, 2 + 24 + 2u);
  EXPECT_EQ(ctime_text(kWhen).size(), 24u);
}

TEST_F(WriterTest, EncryptedHostKeyRoundTripsAndIsMode0600) {
  const auto key = load_host_key(fixture_file("iff-md5-512/server/ntpkey_host_servername"),
                                 "server_password");
  ASSERT_TRUE(key.ok());
  const auto pem = pem_pkcs8_encrypted(**key, "pw2", rng_);
  ASSERT_TRUE(pem.ok());
  const std::string name = "ntpkey_RSAhost_servername.4004702989";
  const auto f = write_and_read(name, *pem);
  EXPECT_EQ(f.filestamp, 4004702989u);
  EXPECT_EQ(f.blocks.at(0).label, "ENCRYPTED PRIVATE KEY");
  const auto back = load_host_key(f, "pw2");
  ASSERT_TRUE(back.ok()) << message(back.error());
  EXPECT_EQ((*back)->get_n(), (*key)->get_n());
  EXPECT_EQ((*back)->get_d(), (*key)->get_d());
  EXPECT_EQ(load_host_key(f, "server_password").error(), KeyError::WrongPassword);

  struct stat st {};
  ASSERT_EQ(::stat((dir_ / name).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(WriterTest, PlainPkcs8HostKeyRoundTrips) {
  const auto key = load_host_key(fixture_file("tc-md5-512/client/ntpkey_host_clientname"),
                                 "client_password");
  ASSERT_TRUE(key.ok());
  const auto pem = pem_pkcs8(**key);
  ASSERT_TRUE(pem.ok());
  const auto f = write_and_read("ntpkey_RSAhost_clientname.4004703181", *pem);
  const auto back = load_host_key(f, "");
  ASSERT_TRUE(back.ok()) << message(back.error());
  EXPECT_EQ((*back)->get_n(), (*key)->get_n());
}

TEST_F(WriterTest, OpensslReadsOurEncryptedPkcs8WithNtpKeygensAlgorithms) {
  const auto key = load_host_key(fixture_file("iff-md5-512/client/ntpkey_host_clientname"),
                                 "client_password");
  ASSERT_TRUE(key.ok());
  const auto pem = pem_pkcs8_encrypted(**key, "pw2", rng_);
  ASSERT_TRUE(pem.ok());
  const auto path = dir_ / "ntpkey_RSAhost_clientname.4004702989";
  ASSERT_TRUE(write_file_atomic(path, header_text(path.filename().string(), kWhen) + *pem).ok());
  EXPECT_EQ(run("openssl pkey -in '" + path.string() + "' -passin pass:pw2 -noout").first, 0);
  EXPECT_NE(run("openssl pkey -in '" + path.string() + "' -passin pass:wrong -noout").first, 0);
  // PBES2 / PBKDF2-HMAC-SHA256 / 2048 iterations / des-ede3-cbc (operator-surface §1.10).
  const auto [rc, dump] = run("sed '1,3d' '" + path.string() + "' | openssl asn1parse");
  ASSERT_EQ(rc, 0);
  EXPECT_NE(dump.find("PBES2"), std::string::npos);
  EXPECT_NE(dump.find("PBKDF2"), std::string::npos);
  EXPECT_NE(dump.find("hmacWithSHA256"), std::string::npos);
  EXPECT_NE(dump.find("des-ede3-cbc"), std::string::npos);
  EXPECT_NE(dump.find(":0800"), std::string::npos);  // INTEGER 2048
}

TEST_F(WriterTest, IffServerKeyRoundTripsAsEncryptedPkcs8) {
  const auto iff = load_iff(fixture_file("iff-md5-512/server/ntpkey_iffkey_servername"),
                            "server_password");
  ASSERT_TRUE(iff.ok());
  const auto pem = pem_dsa_slots(iff_server_slots(*iff), Container::Pkcs8Encrypted, "pw", rng_);
  ASSERT_TRUE(pem.ok());
  const auto back = load_iff(write_and_read("ntpkey_IFFkey_servername.4004702989", *pem), "pw");
  ASSERT_TRUE(back.ok()) << message(back.error());
  EXPECT_EQ(back->b, iff->b);
  EXPECT_EQ(back->v, iff->v);
  EXPECT_EQ(back->p, iff->p);
}

TEST_F(WriterTest, IffClientParametersKeepVInTheTraditionalLayout) {
  const auto server = load_iff(fixture_file("iff-md5-512/server/ntpkey_iffkey_servername"),
                               "server_password");
  ASSERT_TRUE(server.ok());
  const auto pem = pem_dsa_slots(iff_client_slots(*server), Container::Traditional, "", rng_);
  ASSERT_TRUE(pem.ok());
  const std::string name = "ntpkey_iffpar_servername.4004702989";
  const auto f = write_and_read(name, *pem);
  EXPECT_EQ(f.blocks.at(0).label, "DSA PRIVATE KEY");
  const auto back = load_iff(f, "");
  ASSERT_TRUE(back.ok()) << message(back.error());
  EXPECT_FALSE(back->b);
  EXPECT_EQ(back->v, server->v);
  // Byte for byte what the fixture's hand-rebuilt client file holds.
  EXPECT_EQ(f.blocks.at(0).der,
            fixture_file("iff-md5-512/client/ntpkey_iffpar_servername").blocks.at(0).der);

  // The same parameters as PKCS#8 lose v, exactly like ntp-keygen -e.
  const auto lost = pem_dsa_slots(iff_client_slots(*server), Container::Pkcs8, "", rng_);
  ASSERT_TRUE(lost.ok());
  EXPECT_EQ(load_iff(write_and_read("lost.1", *lost), "").error(), KeyError::IffPublicValueLost);
}

TEST_F(WriterTest, OpensslReadsOurTraditionalIffParametersWithTheIntendedPublicValue) {
  const auto server = load_iff(fixture_file("iff-md5-512/server/ntpkey_iffkey_servername"),
                               "server_password");
  ASSERT_TRUE(server.ok());
  const auto pem = pem_dsa_slots(iff_client_slots(*server), Container::Traditional, "", rng_);
  ASSERT_TRUE(pem.ok());
  const auto path = dir_ / "ntpkey_iffpar_servername.4004702989";
  ASSERT_TRUE(write_file_atomic(path, header_text(path.filename().string(), kWhen) + *pem).ok());
  const auto [rc, text] = run("openssl dsa -in '" + path.string() + "' -text -noout");
  ASSERT_EQ(rc, 0);
  // openssl prints a leading 00 when the top bit is set; compare numerically.
  const std::string got = openssl_field_hex(text, "pub");
  ASSERT_FALSE(got.empty()) << text;
  EXPECT_EQ(Botan::BigInt("0x" + got), *server->v);
  // Small values are printed inline: "priv: 1 (0x1)".
  EXPECT_NE(text.find("\npriv: 1 (0x1)\n"), std::string::npos) << text;
}

TEST_F(WriterTest, GqContainersRoundTripInEveryLayout) {
  const auto server = load_gq(fixture_file("gq-sha1-1024/server/ntpkey_gqkey_servername"),
                              "server_password");
  ASSERT_TRUE(server.ok());
  for (Container c : {Container::Pkcs8Encrypted, Container::Pkcs8, Container::Traditional}) {
    const auto pem = pem_rsa_slots(gq_server_slots(*server), c, "pw", rng_);
    ASSERT_TRUE(pem.ok());
    const auto back = load_gq(write_and_read("ntpkey_GQkey_servername.4004702991", *pem), "pw");
    ASSERT_TRUE(back.ok()) << message(back.error());
    EXPECT_EQ(back->n, server->n);
    EXPECT_EQ(back->b, server->b);
    EXPECT_EQ(back->u, server->u);
    EXPECT_EQ(back->v, server->v);
  }
  // The client export: exactly the bytes ntp-keygen -e wrote.
  const auto pem = pem_rsa_slots(gq_client_slots(*server), Container::Pkcs8, "", rng_);
  ASSERT_TRUE(pem.ok());
  const auto f = write_and_read("ntpkey_gqpar_servername.4004702991", *pem);
  EXPECT_EQ(f.blocks.at(0).der, fixture_file("gq-sha1-1024/exported_par.txt").blocks.at(0).der);
}

TEST_F(WriterTest, MvKeysRoundTripOnlyInTheTraditionalLayout) {
  // A toy group with p = 2q + 1 (autokey-protocol.md §7.4); the loader checks
  // shape, not the MV relation, so small numbers exercise the container.
  crypto::MvParams server;
  server.p = 23;
  server.q = 11;
  server.E = 2;
  server.gbar = 3;
  server.ghat = 4;
  auto pem = pem_dsa_slots(mv_server_slots(server), Container::Traditional, "", rng_);
  ASSERT_TRUE(pem.ok());
  auto back = load_mv(write_and_read("ntpkey_mvkey_g.1", *pem), "");
  ASSERT_TRUE(back.ok()) << message(back.error());
  EXPECT_EQ(back->E, server.E);
  EXPECT_EQ(back->gbar, server.gbar);
  EXPECT_EQ(back->ghat, server.ghat);
  EXPECT_FALSE(back->xbar);

  crypto::MvParams client;
  client.p = 23;
  client.q = 1;
  client.xbar = 5;
  client.xhat = 6;
  pem = pem_dsa_slots(mv_client_slots(client), Container::Traditional, "", rng_);
  ASSERT_TRUE(pem.ok());
  back = load_mv(write_and_read("ntpkey_mvpar_g.1", *pem), "");
  ASSERT_TRUE(back.ok()) << message(back.error());
  EXPECT_EQ(back->xbar, client.xbar);
  EXPECT_EQ(back->xhat, client.xhat);
  EXPECT_FALSE(back->gbar);

  // PKCS#8 drops ghat, as with ntp-keygen under OpenSSL 3.
  pem = pem_dsa_slots(mv_server_slots(server), Container::Pkcs8Encrypted, "pw", rng_);
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(load_mv(write_and_read("ntpkey_mvkey_g.2", *pem), "pw").error(),
            KeyError::MvPublicValueLost);
}

TEST_F(WriterTest, CertificateRoundTrips) {
  const auto cert = load_certificate(fixture_file("iff-md5-512/server/ntpkey_cert_servername"));
  ASSERT_TRUE(cert.ok());
  const auto f = write_and_read("ntpkey_RSA-MD5cert_servername.4004702989",
                                pem_certificate(cert->der));
  const auto back = load_certificate(f);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->der, cert->der);
  EXPECT_EQ(back->filestamp, 4004702989u);
}

TEST_F(WriterTest, AtomicWriteReplacesTheFileAndHonoursTheMode) {
  const auto p = dir_ / "f";
  ASSERT_TRUE(write_file_atomic(p, "one", fs::perms(0644)).ok());
  ASSERT_TRUE(write_file_atomic(p, "two").ok());
  std::ifstream in(p);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "two");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  EXPECT_EQ(write_file_atomic(dir_ / "missing" / "f", "x").error(), KeyError::WriteFailed);
}

TEST_F(WriterTest, LinkIsReplacedAndResolves) {
  const auto cert = load_certificate(fixture_file("iff-md5-512/server/ntpkey_cert_servername"));
  ASSERT_TRUE(cert.ok());
  write_and_read("ntpkey_RSA-MD5cert_s.1", pem_certificate(cert->der));
  write_and_read("ntpkey_RSA-MD5cert_s.2", pem_certificate(cert->der));
  ASSERT_TRUE(write_link(dir_, "ntpkey_cert_s", "ntpkey_RSA-MD5cert_s.1").ok());
  ASSERT_TRUE(write_link(dir_, "ntpkey_cert_s", "ntpkey_RSA-MD5cert_s.2").ok());
  EXPECT_EQ(fs::read_symlink(dir_ / "ntpkey_cert_s"), "ntpkey_RSA-MD5cert_s.2");
  const auto f = read_key_file(dir_ / "ntpkey_cert_s");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->file_name, "ntpkey_RSA-MD5cert_s.2");
  EXPECT_EQ(write_link(dir_, "a/b", "c").error(), KeyError::BadFileName);
}

TEST(TraditionalEncryption, IsRefusedWithAConversionHint) {
  const auto f = parse_key_file_text(
      "# ntpkey_RSAhost_old.3595475023\n-----BEGIN RSA PRIVATE KEY-----\n"
      "Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-CBC,0011223344556677\n\nMAMCAQE=\n"
      "-----END RSA PRIVATE KEY-----\n");
  ASSERT_TRUE(f.ok());
  const auto k = load_host_key(*f, "pw");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error(), KeyError::UnsupportedTraditionalEncryption);
  EXPECT_NE(std::string(message(k.error())).find("openssl pkcs8 -topk8"), std::string::npos);
}

}  // namespace
}  // namespace ak::keys
