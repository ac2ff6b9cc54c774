// The built autokey-keygen program: the seed HOWTO's commands run verbatim
// (program name substituted) in scratch directories, and the real openssl
// binary as an independent reader of every file we write.
#include <botan/numthry.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "crypto/certificate.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/keys_dir.h"
#include "keygen/tests/test_util.h"

namespace ak::keygen {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

const std::string kProgram = AK_KEYGEN_BINARY;
const std::string kOpenssl = AK_OPENSSL_BINARY;
// Unix seconds of the fixtures' filestamp 4004702989.
constexpr std::int64_t kNow = testing::kNow;

struct Ran {
  int rc = -1;
  std::string out;
};

// Runs a shell command line, returning its exit status and stdout.
Ran sh(const std::string& cmd) {
  Ran r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `autokey-keygen <args>` in dir, as machine `host` at kNow + offset. The
// args are a shell fragment, exactly as an operator types them.
Ran keygen(const fs::path& dir, const std::string& host, const std::string& args, std::int64_t offset = 0) {
  return sh("cd '" + dir.string() + "' && AUTOKEY_KEYGEN_HOST=" + host +
            " AUTOKEY_KEYGEN_NOW=" + std::to_string(kNow + offset) + " '" + kProgram + "' " + args +
            " 2>>keygen.stderr.log");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The PEM blocks of a file, each with its own BEGIN/END lines.
std::vector<std::string> pem_blocks(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = text.find("-----BEGIN ", at)) != std::string::npos) {
    const auto end_label = text.find("-----END ", at);
    if (end_label == std::string::npos) break;
    const auto end = text.find('\n', end_label);
    out.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end + 1 - at));
    at = end_label + 1;
  }
  return out;
}

// openssl reads every PEM block of every stamped file in dir: certificates
// with x509, keys with pkey (trying the passwords given).
void expect_openssl_reads_everything(const fs::path& dir, const std::vector<std::string>& passwords) {
  int checked = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (fs::is_symlink(e.symlink_status())) continue;
    const std::string name = e.path().filename().string();
    if (name.rfind("ntpkey_", 0) != 0 && name.find(".txt") == std::string::npos) continue;
    const auto blocks = pem_blocks(slurp(e.path()));
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      const auto tmp = dir / (".block" + std::to_string(i) + ".pem");
      { std::ofstream(tmp) << blocks[i]; }
      bool ok = false;
      if (blocks[i].find("BEGIN CERTIFICATE") != std::string::npos) {
        ok = sh("'" + kOpenssl + "' x509 -in '" + tmp.string() + "' -noout 2>/dev/null").rc == 0;
      } else if (blocks[i].find("BEGIN ENCRYPTED") != std::string::npos) {
        for (const auto& pw : passwords)
          ok = ok || sh("'" + kOpenssl + "' pkey -in '" + tmp.string() + "' -passin pass:" + pw +
                        " -noout 2>/dev/null")
                             .rc == 0;
      } else {
        ok = sh("'" + kOpenssl + "' pkey -in '" + tmp.string() + "' -passin pass:none -noout 2>/dev/null").rc == 0;
      }
      EXPECT_TRUE(ok) << name << " block " << i;
      ++checked;
      fs::remove(tmp);
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(KeygenProgram, HelpPrintsUsageAndExitsZero) {
  ScratchDir dir("help");
  const auto r = keygen(dir.path(), "h", "--help");
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("Usage:"), std::string::npos);
  EXPECT_EQ(dir.names(), (std::set<std::string>{"keygen.stderr.log"}));
}

TEST(KeygenProgram, UnknownOptionsAndImpossibleSizesExitNonZeroAndWriteNothing) {
  ScratchDir dir("bad");
  for (const char* args : {"-X", "--frobnicate", "-T -m 256", "-I -b 100", "-V 0", "-S foo", "-c RSA-MD2", "-p"}) {
    const auto r = keygen(dir.path(), "h", args);
    EXPECT_EQ(r.rc, kExitOptionError) << args;
  }
  EXPECT_EQ(dir.names(), (std::set<std::string>{"keygen.stderr.log"}));
  const auto log = slurp(dir.path() / "keygen.stderr.log");
  EXPECT_NE(log.find("unknown option (see --help): -X"), std::string::npos);
  EXPECT_NE(log.find("-m (host/sign key modulus) must be 512..2048 bits"), std::string::npos);
}

// The seed HOWTO (shared/seed), with modern default sizes: the commands as
// written, on a server "servername" and a client "clientname".
TEST(KeygenProgram, SeedHowtoLeavesExactlyTheExpectedFilesAndLinks) {
  ScratchDir server("seed_server");
  ScratchDir client("seed_client");
  const std::string fs_text = "4004702989";

  // Server step 2 and 3.
  ASSERT_EQ(keygen(server.path(), "servername", "-T -I -p server_password").rc, 0);
  ASSERT_EQ(keygen(server.path(), "servername", "-e -p server_password > ntpkey_iffpar_servername", 60).rc, 0);
  EXPECT_EQ(server.names(), (std::set<std::string>{
                                "keygen.stderr.log", "ntpkey_RSAhost_servername." + fs_text,
                                "ntpkey_IFFkey_servername." + fs_text, "ntpkey_RSA-SHA256cert_servername." + fs_text,
                                "ntpkey_host_servername", "ntpkey_iffkey_servername", "ntpkey_cert_servername",
                                "ntpkey_iffpar_servername"}));
  const std::string par = slurp(server.path() / "ntpkey_iffpar_servername");
  // "The complete suggested name for this file is shown on its first line."
  ASSERT_EQ(par.rfind("# ntpkey_iffpar_servername." + fs_text + "\n", 0), 0u);
  const auto log = slurp(server.path() / "keygen.stderr.log");
  EXPECT_NE(log.find("Note: modern defaults"), std::string::npos);
  EXPECT_EQ(log.find("PRIVATE KEY"), std::string::npos);

  // Client steps 2-4, the links made exactly as the HOWTO says.
  ASSERT_EQ(keygen(client.path(), "clientname", "-p server_password", 120).rc, 0);
  const std::string client_fs = "4004703109";
  { std::ofstream(client.path() / ("ntpkey_iffpar_servername." + fs_text)) << par; }
  ASSERT_EQ(sh("cd '" + client.path().string() + "' && ln -s ntpkey_iffpar_servername." + fs_text +
               " ntpkey_iff_servername && ln -s ntpkey_host_clientname ntpkey_iff_clientname")
                .rc,
            0);
  EXPECT_EQ(client.names(), (std::set<std::string>{
                                "keygen.stderr.log", "ntpkey_RSAhost_clientname." + client_fs,
                                "ntpkey_RSA-SHA256cert_clientname." + client_fs, "ntpkey_host_clientname",
                                "ntpkey_cert_clientname", "ntpkey_iffpar_servername." + fs_text,
                                "ntpkey_iff_servername", "ntpkey_iff_clientname"}));

  // Both directories load as our daemon loads them, and the parameters fit.
  auto s = keys::load_keys_dir({server.path(), "servername", "", "server_password"});
  ASSERT_TRUE(s.ok()) << keys::describe(s.error());
  ASSERT_TRUE(s.value().iff_key);
  EXPECT_EQ(s.value().host.value->get_n().bits(), 2048u);
  EXPECT_EQ(s.value().iff_key->value.p.bits(), 2048u);
  EXPECT_EQ(s.value().iff_key->value.q.bits(), 256u);
  auto c = keys::load_keys_dir({client.path(), "clientname", "servername", "server_password"});
  ASSERT_TRUE(c.ok()) << keys::describe(c.error());
  ASSERT_TRUE(c.value().iff_par);
  EXPECT_EQ(c.value().iff_par->filestamp, s.value().iff_key->filestamp);  // IFF needs equal stamps
  const auto& srv = s.value().iff_key->value;
  const auto& cli = c.value().iff_par->value;
  ASSERT_TRUE(cli.v);
  EXPECT_EQ((Botan::power_mod(cli.g, *srv.b, cli.p) * *cli.v) % cli.p, 1);

  auto cert = crypto::parse_certificate(s.value().certificate.der);
  ASSERT_TRUE(cert.ok());
  EXPECT_TRUE(cert.value().trusted);  // kept through the -e run
  EXPECT_EQ(cert.value().subject, "servername");

  expect_openssl_reads_everything(server.path(), {"server_password"});
  expect_openssl_reads_everything(client.path(), {"server_password"});
}

TEST(KeygenProgram, OpensslReadsEveryFileAndExportOfEveryScheme) {
  ScratchDir dir("openssl");
  const auto r = keygen(dir.path(), "alice",
                        "-T -I -G -V 2 -S RSA -b 256 -m 512 -c RSA-SHA1 -p pw -s alice@grp -e -q pw2 > exports.txt");
  ASSERT_EQ(r.rc, 0) << slurp(dir.path() / "keygen.stderr.log");
  const auto exports = slurp(dir.path() / "exports.txt");
  for (const char* header : {"# ntpkey_gqpar_grp.", "# ntpkey_gqkey_grp.", "# ntpkey_iffpar_grp.",
                             "# ntpkey_iffkey_grp.", "# ntpkey_mvpar_grp.", "# ntpkey_mvkey_grp."})
    EXPECT_NE(exports.find(header), std::string::npos) << header;
  EXPECT_EQ(pem_blocks(exports).size(), 6u);
  EXPECT_EQ(pem_blocks(slurp(dir.path() / "ntpkey_mvta_alice")).size(), 4u);
  expect_openssl_reads_everything(dir.path(), {"pw", "pw2"});

  // The certificate as openssl prints it: ntp-keygen's extensions.
  const auto text = sh("'" + kOpenssl + "' x509 -in '" + (dir.path() / "ntpkey_cert_alice").string() +
                       "' -noout -text 2>/dev/null");
  ASSERT_EQ(text.rc, 0);
  for (const char* want : {"Serial Number: 4004702989", "sha1WithRSAEncryption", "CN = alice@grp",
                           "X509v3 Basic Constraints: critical", "CA:TRUE", "Digital Signature, Certificate Sign",
                           "X509v3 Subject Key Identifier", "Trust Root"})
    EXPECT_NE(text.out.find(want), std::string::npos) << want;
  // openssl sees the IFF client file's public value (the traditional layout).
  const auto blocks = pem_blocks(exports);
  const auto tmp = dir.path() / "iffpar.pem";
  { std::ofstream(tmp) << blocks.at(2); }
  const auto dsa = sh("'" + kOpenssl + "' pkey -in '" + tmp.string() + "' -noout -text 2>/dev/null");
  EXPECT_NE(dsa.out.find("priv: 1 (0x1)"), std::string::npos);
}

TEST(KeygenProgram, KeyFilesAreOwnerOnly) {
  ScratchDir dir("modes");
  ASSERT_EQ(keygen(dir.path(), "h", "-I -b 256 -m 512 -p pw").rc, 0);
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (fs::is_symlink(e.symlink_status())) continue;
    const auto name = e.path().filename().string();
    if (name.rfind("ntpkey_", 0) != 0) continue;
    EXPECT_EQ(fs::status(e.path()).permissions() & fs::perms::mask,
              fs::perms::owner_read | fs::perms::owner_write)
        << name;
  }
}

}  // namespace
}  // namespace ak::keygen
