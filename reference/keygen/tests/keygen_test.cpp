// The generation run, in process: names, modes, links, certificate fields,
// identity parameters and exports, read back with reference/keys and
// reference/crypto, and compared with the real ntp-keygen files.
#include "keygen/keygen.h"

#include <botan/auto_rng.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "crypto/certificate.h"
#include "crypto/group_gen.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/keys_dir.h"
#include "keys/private_key.h"
#include "keys/writer.h"
#include "keygen/tests/test_util.h"
#include "testing/fixtures.h"

namespace ak::keygen {
namespace {

using testing::kNow;
using testing::run_in;
using testing::ScratchDir;
namespace fs = std::filesystem;

constexpr std::uint32_t kFs = 4004702989u;  // NTP seconds of kNow
const std::vector<std::string> kLegacyServer = {"-T", "-I", "-m", "512", "-b", "512", "-c", "RSA-MD5",
                                                "-p", "server_password", "-i", "servername"};

crypto::Certificate parse_cert_file(const fs::path& path) {
  auto f = keys::read_key_file(path);
  EXPECT_TRUE(f.ok());
  auto cf = keys::load_certificate(f.value());
  EXPECT_TRUE(cf.ok());
  auto c = crypto::parse_certificate(cf.value().der);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : crypto::message(c.error()));
  return c.value();
}

fs::perms mode_of(const fs::path& p) { return fs::status(p).permissions() & fs::perms::mask; }

TEST(KeygenRun, TrustedIffRunWritesNtpKeygenNamesLinksAndModes) {
  ScratchDir dir("names");
  const auto r = run_in(dir.path(), "servername", kLegacyServer);
  ASSERT_TRUE(r.result.ok()) << describe(r.result.error());
  EXPECT_EQ(r.result.value().filestamp, kFs);  // operator-surface §1.3: NTP seconds of now
  const std::set<std::string> expected = {
      "ntpkey_RSAhost_servername.4004702989", "ntpkey_IFFkey_servername.4004702989",
      "ntpkey_RSA-MD5cert_servername.4004702989", "ntpkey_host_servername",
      "ntpkey_iffkey_servername", "ntpkey_cert_servername"};
  EXPECT_EQ(dir.names(), expected);
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_host_servername"), "ntpkey_RSAhost_servername.4004702989");
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_iffkey_servername"), "ntpkey_IFFkey_servername.4004702989");
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_cert_servername"), "ntpkey_RSA-MD5cert_servername.4004702989");
  for (const auto& n : expected) {
    if (n.find('.') != std::string::npos) {
      EXPECT_EQ(mode_of(dir.path() / n), fs::perms::owner_read | fs::perms::owner_write) << n;
    }
  }
  EXPECT_TRUE(r.out.empty());  // nothing on stdout without -e/-q
  EXPECT_NE(r.err.find("ntpkey_host_servername->ntpkey_RSAhost_servername.4004702989"), std::string::npos);
  EXPECT_NE(r.err.find("Warning: 512-bit"), std::string::npos);
  EXPECT_EQ(r.err.find("PRIVATE KEY"), std::string::npos);
}

TEST(KeygenRun, HeadersCarryTheFileNameAndCtimeLikeNtpKeygen) {
  ScratchDir dir("header");
  ASSERT_TRUE(run_in(dir.path(), "servername", kLegacyServer).result.ok());
  auto f = keys::read_key_file(dir.path() / "ntpkey_host_servername");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().header_name, "ntpkey_RSAhost_servername.4004702989");
  EXPECT_EQ(f.value().filestamp, kFs);
  EXPECT_EQ(f.value().ctime_line, keys::ctime_text(kNow));
  ASSERT_EQ(f.value().blocks.size(), 1u);
  EXPECT_EQ(f.value().blocks[0].label, "ENCRYPTED PRIVATE KEY");
}

TEST(KeygenRun, OurDaemonLoadsTheServerDirectory) {
  ScratchDir dir("load");
  ASSERT_TRUE(run_in(dir.path(), "servername", kLegacyServer).result.ok());
  auto k = keys::load_keys_dir({dir.path(), "servername", "servername", "server_password"});
  ASSERT_TRUE(k.ok()) << keys::describe(k.error());
  EXPECT_EQ(k.value().host.value->get_n().bits(), 512u);
  EXPECT_EQ(k.value().host.filestamp, kFs);
  ASSERT_TRUE(k.value().iff_key);
  EXPECT_TRUE(k.value().iff_key->value.b);
  EXPECT_EQ(k.value().iff_key->filestamp, kFs);
}

TEST(KeygenRun, CertificateHasNtpKeygenFieldsAndTheFixturesSize) {
  ScratchDir dir("cert");
  ASSERT_TRUE(run_in(dir.path(), "servername", kLegacyServer).result.ok());
  const auto ours = parse_cert_file(dir.path() / "ntpkey_cert_servername");
  const auto real = parse_cert_file(ak::testing::fixture("iff-md5-512/server/ntpkey_cert_servername"));
  EXPECT_EQ(ours.version, 3u);
  EXPECT_EQ(ours.subject, "servername@servername");
  EXPECT_EQ(ours.issuer, ours.subject);
  EXPECT_EQ(ours.serial_u64, std::optional<std::uint64_t>(kFs));  // serial = filestamp
  EXPECT_EQ(ours.not_before, kNow);
  EXPECT_EQ(ours.not_after - ours.not_before, 365 * 86400);
  EXPECT_TRUE(ours.trusted);
  EXPECT_FALSE(ours.private_cert);
  EXPECT_TRUE(ours.self_signed);
  EXPECT_EQ(ours.signature.nid, real.signature.nid);  // md5WithRSAEncryption
  EXPECT_EQ(ours.trusted, real.trusted);
  EXPECT_EQ(ours.subject, real.subject);
  // Same key size, names, serial length, extensions and order: the DER has
  // the real ntp-keygen certificate's length octet for octet.
  EXPECT_EQ(ours.der.size(), real.der.size());
  EXPECT_TRUE(crypto::check_filestamp(ours, kFs).ok());
}

TEST(KeygenRun, ClientCertificateWithoutTrustMatchesTheFixtureClientSize) {
  ScratchDir dir("client");
  ASSERT_TRUE(run_in(dir.path(), "clientname",
                     {"-m", "512", "-c", "RSA-MD5", "-p", "client_password", "-i", "servername"})
                  .result.ok());
  const auto ours = parse_cert_file(dir.path() / "ntpkey_cert_clientname");
  const auto real = parse_cert_file(ak::testing::fixture("iff-md5-512/client/ntpkey_cert_clientname"));
  EXPECT_FALSE(ours.trusted);
  EXPECT_EQ(ours.subject, "clientname@servername");
  EXPECT_EQ(ours.subject, real.subject);
  EXPECT_EQ(ours.der.size(), real.der.size());
}

TEST(KeygenRun, ExportedIffParametersKeepThePublicValue) {
  ScratchDir dir("iffexport");
  ASSERT_TRUE(run_in(dir.path(), "servername", kLegacyServer).result.ok());
  // The seed's step 3, a later run: loads the keys, exports, keeps the stamp.
  const auto r = run_in(dir.path(), "servername", {"-e", "-q", "pw2", "-p", "server_password", "-i", "servername"}, 60);
  ASSERT_TRUE(r.result.ok()) << describe(r.result.error());
  EXPECT_NE(r.err.find("Writing IFF parameters ntpkey_iffpar_servername.4004702989 to stdout"), std::string::npos);

  auto server_file = keys::read_key_file(dir.path() / "ntpkey_iffkey_servername");
  ASSERT_TRUE(server_file.ok());
  auto server = keys::load_iff(server_file.value(), "server_password");
  ASSERT_TRUE(server.ok());

  // stdout holds two files: iffpar (plain) then iffkey (encrypted with pw2).
  const std::string& out = r.out;
  const auto second = out.find("# ntpkey_iffkey_servername.4004702989");
  ASSERT_NE(second, std::string::npos);
  auto par = keys::parse_key_file_text(std::string_view(out).substr(0, second));
  ASSERT_TRUE(par.ok());
  EXPECT_EQ(par.value().header_name, "ntpkey_iffpar_servername.4004702989");
  EXPECT_EQ(par.value().blocks.at(0).label, "DSA PRIVATE KEY");
  auto client = keys::load_iff(par.value(), "");
  ASSERT_TRUE(client.ok()) << keys::message(client.error());
  EXPECT_FALSE(client.value().b);
  ASSERT_TRUE(client.value().v);
  EXPECT_EQ(*client.value().v, *server.value().v);
  EXPECT_EQ(client.value().p, server.value().p);
  EXPECT_EQ((Botan::power_mod(client.value().g, *server.value().b, client.value().p) * *client.value().v) %
                client.value().p,
            1);

  auto key = keys::parse_key_file_text(std::string_view(out).substr(second));
  ASSERT_TRUE(key.ok());
  EXPECT_FALSE(keys::load_iff(key.value(), "server_password").ok());
  auto decrypted = keys::load_iff(key.value(), "pw2");
  ASSERT_TRUE(decrypted.ok());
  EXPECT_EQ(decrypted.value().b, server.value().b);

  // The certificate was renewed under the same stamp and kept its trust.
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_cert_servername"), "ntpkey_RSA-MD5cert_servername.4004702989");
  const auto cert = parse_cert_file(dir.path() / "ntpkey_cert_servername");
  EXPECT_TRUE(cert.trusted);
  EXPECT_EQ(cert.serial_u64, std::optional<std::uint64_t>(kFs + 60));
  EXPECT_EQ(cert.signature.digest, crypto::Digest::MD5);  // the old certificate's scheme
}

TEST(KeygenRun, ExportFindsTheKeyItMadeWhenHostAndGroupDiffer) {
  // ntp-keygen links ntpkey_iffkey_<host> but looks for ntpkey_iffkey_<group>
  // and silently exports nothing (operator-surface §1.2); this looks for both.
  ScratchDir dir("hostgroup");
  ASSERT_TRUE(run_in(dir.path(), "vm", {"-I", "-b", "512", "-m", "512", "-p", "pw", "-s", "srv", "-i", "grp"})
                  .result.ok());
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_iffkey_srv"), "ntpkey_IFFkey_grp.4004702989");
  const auto r = run_in(dir.path(), "vm", {"-e", "-p", "pw", "-s", "srv", "-i", "grp"}, 10);
  ASSERT_TRUE(r.result.ok());
  auto par = keys::parse_key_file_text(r.out);
  ASSERT_TRUE(par.ok());
  EXPECT_EQ(par.value().header_name, "ntpkey_iffpar_grp.4004702989");
  EXPECT_TRUE(keys::load_iff(par.value(), "").ok());
  const auto cert = parse_cert_file(dir.path() / "ntpkey_cert_srv");
  EXPECT_EQ(cert.subject, "srv@grp");
}

TEST(KeygenRun, GeneratedIffGroupPassesGroupValidation) {
  ScratchDir dir("iffgroup");
  ASSERT_TRUE(run_in(dir.path(), "h", {"-I", "-b", "512", "-m", "512", "-p", "pw"}).result.ok());
  auto f = keys::read_key_file(dir.path() / "ntpkey_iffkey_h");
  ASSERT_TRUE(f.ok());
  auto p = keys::load_iff(f.value(), "pw");
  ASSERT_TRUE(p.ok());
  Botan::AutoSeeded_RNG rng;
  const auto& g = p.value();
  EXPECT_TRUE(Botan::is_prime(g.p, rng, 64));
  EXPECT_TRUE(Botan::is_prime(g.q, rng, 64));
  EXPECT_EQ((g.p - 1) % g.q, 0);
  EXPECT_GT(g.g, 1);
  EXPECT_EQ(Botan::power_mod(g.g, g.q, g.p), 1);
  EXPECT_EQ(g.p.bits(), 512u);
  EXPECT_EQ(g.q.bits(), 160u);
  EXPECT_TRUE(crypto::validate_iff_group(g, rng).ok());
}

TEST(KeygenRun, GqKeyGoesIntoTheCertificateAndTheExport) {
  ScratchDir dir("gq");
  const auto r = run_in(dir.path(), "h", {"-T", "-G", "-b", "512", "-m", "512", "-p", "pw", "-e"});
  ASSERT_TRUE(r.result.ok()) << describe(r.result.error());
  auto f = keys::read_key_file(dir.path() / "ntpkey_gqkey_h");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().file_name, "ntpkey_GQkey_h.4004702989");
  auto server = keys::load_gq(f.value(), "pw");
  ASSERT_TRUE(server.ok());
  Botan::AutoSeeded_RNG rng;
  EXPECT_TRUE(crypto::validate_gq(server.value(), rng).ok());
  EXPECT_EQ(server.value().n.bits(), 512u);
  const auto cert = parse_cert_file(dir.path() / "ntpkey_cert_h");
  ASSERT_TRUE(cert.subject_key_id);
  EXPECT_EQ(*cert.subject_key_id, Botan::BigInt::encode(*server.value().v));

  auto par = keys::parse_key_file_text(r.out);
  ASSERT_TRUE(par.ok());
  EXPECT_EQ(par.value().header_name, "ntpkey_gqpar_h.4004702989");
  EXPECT_EQ(par.value().blocks.at(0).label, "PRIVATE KEY");  // the layout ntpd's GQ client reads
  auto client = keys::load_gq(par.value(), "");
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client.value().n, server.value().n);
  EXPECT_EQ(client.value().b, server.value().b);
  EXPECT_FALSE(client.value().u);

  // A later run loads the GQ key: the same export, and the certificate keeps v.
  const auto later = run_in(dir.path(), "h", {"-p", "pw", "-e"}, 30);
  ASSERT_TRUE(later.result.ok());
  auto par2 = keys::parse_key_file_text(later.out);
  ASSERT_TRUE(par2.ok());
  auto client2 = keys::load_gq(par2.value(), "");
  ASSERT_TRUE(client2.ok());
  EXPECT_EQ(client2.value().n, server.value().n);
  EXPECT_EQ(par2.value().filestamp, f.value().filestamp);
  const auto cert2 = parse_cert_file(dir.path() / "ntpkey_cert_h");
  ASSERT_TRUE(cert2.subject_key_id);
  EXPECT_EQ(*cert2.subject_key_id, Botan::BigInt::encode(*server.value().v));
}

TEST(KeygenRun, MvBundleHoldsTwoPlusNBlocksAndTheExportsKeepPublicValues) {
  ScratchDir dir("mv");
  const auto r = run_in(dir.path(), "h", {"-V", "3", "-b", "256", "-m", "512", "-p", "pw", "-e", "-q", "pw2"});
  ASSERT_TRUE(r.result.ok()) << describe(r.result.error());
  EXPECT_NE(r.err.find("Revoke key 3"), std::string::npos);
  auto f = keys::read_key_file(dir.path() / "ntpkey_mvta_h");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().blocks.size(), 5u);  // authority, server, 3 clients
  for (const auto& b : f.value().blocks) EXPECT_TRUE(keys::decode_key_block(b, "pw").ok());

  const auto second = r.out.find("# ntpkey_mvkey_h.");
  ASSERT_NE(second, std::string::npos);
  auto par = keys::parse_key_file_text(std::string_view(r.out).substr(0, second));
  auto key = keys::parse_key_file_text(std::string_view(r.out).substr(second));
  ASSERT_TRUE(par.ok() && key.ok());
  auto client = keys::load_mv(par.value(), "");
  auto server = keys::load_mv(key.value(), "");
  ASSERT_TRUE(client.ok()) << keys::message(client.error());
  ASSERT_TRUE(server.ok()) << keys::message(server.error());
  EXPECT_TRUE(client.value().xhat && client.value().xbar);
  EXPECT_TRUE(server.value().ghat && server.value().gbar && server.value().E);
  Botan::AutoSeeded_RNG rng;
  EXPECT_TRUE(crypto::validate_mv(client.value(), rng).ok());
  EXPECT_TRUE(crypto::validate_mv(server.value(), rng).ok());
  EXPECT_TRUE(Botan::is_prime(server.value().p, rng, 64));
  EXPECT_EQ(server.value().p, 2 * server.value().q + 1);
  // Client 1 is not revoked: gbar^xhat * ghat^xbar * E = 1 (mod p).
  const auto& s = server.value();
  const auto& c = client.value();
  EXPECT_EQ((Botan::power_mod(*s.gbar, *c.xhat, s.p) * Botan::power_mod(*s.ghat, *c.xbar, s.p) % s.p * *s.E) % s.p, 1);
}

TEST(KeygenRun, RoundTripReadWriteReadKeepsEveryKey) {
  ScratchDir dir("roundtrip");
  ASSERT_TRUE(run_in(dir.path(), "h", {"-I", "-G", "-b", "512", "-m", "512", "-p", "pw"}).result.ok());
  Botan::AutoSeeded_RNG rng;
  // host key
  auto hf = keys::read_key_file(dir.path() / "ntpkey_host_h");
  ASSERT_TRUE(hf.ok());
  auto host = keys::load_host_key(hf.value(), "pw");
  ASSERT_TRUE(host.ok());
  auto pem = keys::pem_pkcs8_encrypted(*host.value(), "pw", rng);
  ASSERT_TRUE(pem.ok());
  auto again = keys::parse_key_file_text(keys::header_text("ntpkey_RSAhost_h.1", kNow) + pem.value());
  ASSERT_TRUE(again.ok());
  auto host2 = keys::load_host_key(again.value(), "pw");
  ASSERT_TRUE(host2.ok());
  EXPECT_EQ(host2.value()->get_n(), host.value()->get_n());
  EXPECT_EQ(host2.value()->get_d(), host.value()->get_d());
  // IFF server key
  auto iff_file = keys::read_key_file(dir.path() / "ntpkey_iffkey_h");
  ASSERT_TRUE(iff_file.ok());
  auto iff = keys::load_iff(iff_file.value(), "pw");
  ASSERT_TRUE(iff.ok());
  auto iff_pem = keys::pem_dsa_slots(keys::iff_server_slots(iff.value()), keys::Container::Pkcs8Encrypted, "pw", rng);
  ASSERT_TRUE(iff_pem.ok());
  auto iff_again = keys::parse_key_file_text(keys::header_text("ntpkey_IFFkey_h.1", kNow) + iff_pem.value());
  ASSERT_TRUE(iff_again.ok());
  auto iff2 = keys::load_iff(iff_again.value(), "pw");
  ASSERT_TRUE(iff2.ok());
  EXPECT_EQ(iff2.value().b, iff.value().b);
  EXPECT_EQ(iff2.value().v, iff.value().v);
  // GQ server key
  auto gq_file = keys::read_key_file(dir.path() / "ntpkey_gqkey_h");
  ASSERT_TRUE(gq_file.ok());
  auto gq = keys::load_gq(gq_file.value(), "pw");
  ASSERT_TRUE(gq.ok());
  auto gq_pem = keys::pem_rsa_slots(keys::gq_server_slots(gq.value()), keys::Container::Pkcs8Encrypted, "pw", rng);
  ASSERT_TRUE(gq_pem.ok());
  auto gq_again = keys::parse_key_file_text(keys::header_text("ntpkey_GQkey_h.1", kNow) + gq_pem.value());
  ASSERT_TRUE(gq_again.ok());
  auto gq2 = keys::load_gq(gq_again.value(), "pw");
  ASSERT_TRUE(gq2.ok());
  EXPECT_EQ(gq2.value().u, gq.value().u);
  EXPECT_EQ(gq2.value().v, gq.value().v);
}

TEST(KeygenRun, WrongPasswordOnAnExistingKeyFailsAndWritesNothing) {
  ScratchDir dir("wrongpw");
  ASSERT_TRUE(run_in(dir.path(), "h", {"-m", "512", "-p", "right"}).result.ok());
  const auto before = dir.names();
  const auto r = run_in(dir.path(), "h", {"-I", "-b", "512", "-p", "wrong"}, 5);
  ASSERT_FALSE(r.result.ok());
  EXPECT_EQ(r.result.error().error, KeygenError::CorruptKeyFile);
  EXPECT_EQ(r.err.find("wrong"), std::string::npos);  // the password is not echoed
  EXPECT_EQ(dir.names(), before);
}

TEST(KeygenRun, AFailedWriteLeavesNoNewFilesBehind) {
  ScratchDir dir("rollback");
  // A regular file where the certificate link goes: the commit fails at the
  // links and must remove the key files it had already written.
  { std::ofstream(dir.path() / "ntpkey_cert_h") << "operator's file\n"; }
  const auto before = dir.names();
  const auto r = run_in(dir.path(), "h", {"-T", "-I", "-b", "512", "-m", "512", "-p", "pw"});
  ASSERT_FALSE(r.result.ok());
  EXPECT_EQ(r.result.error().error, KeygenError::WriteFailed);
  EXPECT_EQ(dir.names(), before);
  std::ifstream in(dir.path() / "ntpkey_cert_h");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "operator's file\n");
}

TEST(KeygenRun, SymmetricKeyFileHasTwentyKeysAndTheNtpKeysLink) {
  ScratchDir dir("md5");
  const auto r = run_in(dir.path(), "h", {"-M", "-s", "alice@grp"});
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(dir.names(), (std::set<std::string>{"ntpkey_MD5key_grp.4004702989", "ntp.keys"}));
  std::ifstream in(dir.path() / "ntp.keys");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "# ntpkey_MD5key_grp.4004702989");
  std::getline(in, line);
  std::getline(in, line);
  EXPECT_TRUE(line.empty());
  int md5 = 0, sha1 = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    int id = 0;
    std::string type, key, hash;
    ls >> id >> type >> key >> hash;
    EXPECT_EQ(hash, "#");
    if (type == "MD5") {
      ++md5;
      EXPECT_EQ(key.size(), 20u);
      EXPECT_EQ(key.find('#'), std::string::npos);
    } else if (type == "SHA1") {
      ++sha1;
      EXPECT_EQ(key.size(), 40u);
      EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
    }
    EXPECT_EQ(id, md5 + sha1);
  }
  EXPECT_EQ(md5, 10);
  EXPECT_EQ(sha1, 10);
}

TEST(KeygenRun, SeparateDsaSignKeySignsAPrivateCertificate) {
  ScratchDir dir("dsa");
  const auto r = run_in(dir.path(), "bob", {"-S", "DSA", "-c", "SHA1", "-m", "512", "-p", "pw", "-P", "-l", "30"});
  ASSERT_TRUE(r.result.ok()) << describe(r.result.error());
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_sign_bob"), "ntpkey_DSAsign_bob.4004702989");
  // operator-surface §1.5: a DSA-signed certificate is still named RSA-SHA1cert.
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_cert_bob"), "ntpkey_RSA-SHA1cert_bob.4004702989");
  const auto cert = parse_cert_file(dir.path() / "ntpkey_cert_bob");
  EXPECT_EQ(cert.signature.key, crypto::SignatureKeyType::DSA);
  EXPECT_TRUE(cert.private_cert);
  EXPECT_FALSE(cert.trusted);
  EXPECT_EQ(cert.not_after - cert.not_before, 30 * 86400);
  auto k = keys::load_keys_dir({dir.path(), "bob", "", "pw"});
  ASSERT_TRUE(k.ok()) << keys::describe(k.error());
  EXPECT_TRUE(k.value().sign);
}

TEST(KeygenRun, ExistingHostKeyIsReusedUnlessNewOneIsAskedFor) {
  ScratchDir dir("rehost");
  ASSERT_TRUE(run_in(dir.path(), "h", {"-m", "512", "-p", "pw"}).result.ok());
  const auto first = fs::read_symlink(dir.path() / "ntpkey_host_h");
  // Reused: same file, and the stamp of the loaded key names the new files.
  auto again = run_in(dir.path(), "h", {"-p", "pw", "-c", "RSA-SHA256"}, 100);
  ASSERT_TRUE(again.result.ok());
  EXPECT_EQ(again.result.value().filestamp, kFs);
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_host_h"), first);
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_cert_h"), "ntpkey_RSA-SHA256cert_h.4004702989");
  // -H: a new key under the new stamp, and the link moves to it.
  auto fresh = run_in(dir.path(), "h", {"-H", "-m", "512", "-p", "pw"}, 200);
  ASSERT_TRUE(fresh.result.ok());
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_host_h"), "ntpkey_RSAhost_h.4004703189");
  auto k = keys::load_keys_dir({dir.path(), "h", "", "pw"});
  ASSERT_TRUE(k.ok()) << keys::describe(k.error());
  EXPECT_EQ(k.value().host.filestamp, kFs + 200);
  // The certificate carries the new key.
  const auto cert = parse_cert_file(dir.path() / "ntpkey_cert_h");
  EXPECT_EQ(cert.signature.digest, crypto::Digest::SHA256);  // sticky from the previous certificate
  EXPECT_TRUE(crypto::check_filestamp(cert, k.value().host.filestamp).ok());
}

TEST(KeygenRun, HostNameIsRequired) {
  ScratchDir dir("nohost");
  const auto r = run_in(dir.path(), "", {"-m", "512"});
  ASSERT_FALSE(r.result.ok());
  EXPECT_EQ(r.result.error().error, KeygenError::NoHostName);
  EXPECT_TRUE(dir.names().empty());
}

TEST(KeygenRun, LegacyNamesWriteTheSeedsClientFileNames) {
  ScratchDir dir("legacy");
  const auto r = run_in(dir.path(), "servername", {"-T", "-I", "-b", "512", "-m", "512", "-p", "pw", "-e",
                                                   "--legacy-names"});
  ASSERT_TRUE(r.result.ok());
  EXPECT_EQ(fs::read_symlink(dir.path() / "ntpkey_iff_servername"), "ntpkey_iffpar_servername.4004702989");
  auto f = keys::read_key_file(dir.path() / "ntpkey_iff_servername");
  ASSERT_TRUE(f.ok());
  auto p = keys::load_iff(f.value(), "");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.value().v);
}

}  // namespace
}  // namespace ak::keygen
