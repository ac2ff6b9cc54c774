// Every key file ntp-keygen 4.2.8p15 wrote for the fixtures, read back.
#include <botan/dsa.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "keys/file_name.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/private_key.h"
#include "testing/fixtures.h"

namespace ak::keys {
namespace {

namespace fs = std::filesystem;

struct KeyFolder {
  const char* folder;
  const char* password;  // shared/README.md: server_password, client_password, apw, bpw
};

constexpr KeyFolder kFolders[] = {
    {"iff-md5-512/server", "server_password"},     {"iff-md5-512/client", "client_password"},
    {"tc-md5-512/server", "server_password"},      {"tc-md5-512/client", "client_password"},
    {"gq-sha1-1024/server", "server_password"},    {"gq-sha1-1024/client", "client_password"},
    {"bcast-tc-md5-512/server", "server_password"}, {"bcast-tc-md5-512/client", "client_password"},
    {"sym-tc-md5-512/a", "apw"},                   {"sym-tc-md5-512/b", "bpw"},
};

// Loads one file by what its (resolved) name says it is. Returns a
// description of the failure, or empty on success.
std::string load_by_type(const KeyFile& f, const std::string& password) {
  const auto name = parse_key_file_name(f.file_name);
  if (!name) return "not an ntp-keygen file name: " + f.file_name;
  if (name->filestamp != f.filestamp) return "filestamp in line 1 differs from the name";
  switch (name->type) {
    case FileType::RsaHost: {
      const auto k = load_host_key(f, password);
      return k.ok() ? "" : message(k.error());
    }
    case FileType::Certificate: {
      const auto c = load_certificate(f);
      if (!c.ok()) return message(c.error());
      return c->der.size() > 300 && c->der[0] == 0x30 ? "" : "certificate DER looks wrong";
    }
    case FileType::IffKey: {
      const auto p = load_iff(f, password);
      if (!p.ok()) return message(p.error());
      return p->b && p->v ? "" : "IFF server key without b";
    }
    case FileType::GqKey: {
      const auto p = load_gq(f, password);
      if (!p.ok()) return message(p.error());
      return p->u && p->v ? "" : "GQ server key without u, v";
    }
    case FileType::IffPar: {
      // ntpd opens client parameter files with no password (§3.5).
      const auto p = load_iff(f, "");
      if (!p.ok()) return message(p.error());
      return !p->b && p->v ? "" : "IFF client parameters without v";
    }
    case FileType::GqPar: {
      const auto p = load_gq(f, "");
      if (!p.ok()) return message(p.error());
      return !p->u && !p->v ? "" : "GQ client parameters with server secrets";
    }
    default:
      return "no fixture of this type was expected: " + f.file_name;
  }
}

TEST(FixtureKeyFiles, EveryKeyFileLoadsWithItsFoldersPassword) {
  int loaded = 0;
  std::set<std::string> stamped;
  for (const auto& [folder, password] : kFolders) {
    for (const auto& entry : fs::directory_iterator(ak::testing::fixture(folder))) {
      const std::string fname = entry.path().filename().string();
      if (fname.rfind("ntpkey_", 0) != 0) continue;
      const auto f = read_key_file(entry.path());
      ASSERT_TRUE(f.ok()) << entry.path() << ": " << message(f.error());
      const std::string failure = load_by_type(*f, password);
      EXPECT_EQ(failure, "") << entry.path();
      stamped.insert(f->path.string());
      ++loaded;
    }
  }
  // 48 names (links included) resolve to 24 distinct stamped files.
  EXPECT_EQ(loaded, 48);
  EXPECT_EQ(stamped.size(), 24u);
}

TEST(FixtureKeyFiles, FilestampsMatchTheFileNames) {
  for (const auto& [folder, password] : kFolders) {
    for (const auto& entry : fs::directory_iterator(ak::testing::fixture(folder))) {
      const auto name = parse_key_file_name(entry.path().filename().string());
      if (!name) continue;  // links, logs
      const auto f = read_key_file(entry.path());
      ASSERT_TRUE(f.ok()) << entry.path();
      EXPECT_EQ(f->filestamp, name->filestamp) << entry.path();
      EXPECT_EQ(f->header_name, entry.path().filename().string());
    }
  }
}

TEST(FixtureKeyFiles, HostKeysAreRsa512Or1024) {
  const auto iff = read_key_file(ak::testing::fixture("iff-md5-512/server/ntpkey_host_servername"));
  ASSERT_TRUE(iff.ok());
  const auto k = load_host_key(*iff, "server_password");
  ASSERT_TRUE(k.ok()) << message(k.error());
  EXPECT_EQ((*k)->key_length(), 512u);
  EXPECT_EQ((*k)->get_e(), 65537);

  const auto gq = read_key_file(ak::testing::fixture("gq-sha1-1024/client/ntpkey_host_clientname"));
  ASSERT_TRUE(gq.ok());
  const auto k2 = load_host_key(*gq, "client_password");
  ASSERT_TRUE(k2.ok()) << message(k2.error());
  EXPECT_EQ((*k2)->key_length(), 1024u);
}

TEST(FixtureKeyFiles, WrongPasswordIsAnErrorNotACrash) {
  const auto f = read_key_file(ak::testing::fixture("iff-md5-512/server/ntpkey_host_servername"));
  ASSERT_TRUE(f.ok());
  for (const char* pw : {"client_password", "x", "server_passwor", "server_password "}) {
    const auto k = load_host_key(*f, pw);
    ASSERT_FALSE(k.ok()) << pw;
    EXPECT_EQ(k.error(), KeyError::WrongPassword) << pw;
  }
  const auto iff = read_key_file(ak::testing::fixture("iff-md5-512/server/ntpkey_iffkey_servername"));
  ASSERT_TRUE(iff.ok());
  EXPECT_EQ(load_iff(*iff, "apw").error(), KeyError::WrongPassword);
  EXPECT_EQ(load_iff(*iff, "").error(), KeyError::PasswordRequired);
}

TEST(FixtureKeyFiles, HostKeyIsNotAnIdentityKeyAndViceVersa) {
  const auto host = read_key_file(ak::testing::fixture("gq-sha1-1024/server/ntpkey_host_servername"));
  const auto iff = read_key_file(ak::testing::fixture("iff-md5-512/server/ntpkey_iffkey_servername"));
  const auto gq = read_key_file(ak::testing::fixture("gq-sha1-1024/server/ntpkey_gqkey_servername"));
  ASSERT_TRUE(host.ok() && iff.ok() && gq.ok());
  EXPECT_EQ(load_host_key(*iff, "server_password").error(), KeyError::NotRsaKey);
  EXPECT_EQ(load_gq(*iff, "server_password").error(), KeyError::NotRsaKey);
  EXPECT_EQ(load_iff(*host, "server_password").error(), KeyError::NotDsaKey);
  // A real RSA key does not satisfy u^b v = 1 (mod n).
  EXPECT_EQ(load_gq(*host, "server_password").error(), KeyError::ParametersInconsistent);
  // GQ stores u and v in RSA's prime slots: not a usable RSA key.
  EXPECT_EQ(load_host_key(*gq, "server_password").error(), KeyError::MalformedKey);
  const auto cert = read_key_file(ak::testing::fixture("iff-md5-512/server/ntpkey_cert_servername"));
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(load_host_key(*cert, "server_password").error(), KeyError::UnknownPemLabel);
  EXPECT_EQ(load_certificate(*host).error(), KeyError::NotCertificate);
}

TEST(FixtureIff, ClientParametersCarryTheInverseOfTheServersGroupKey) {
  const auto server = read_key_file(ak::testing::fixture("iff-md5-512/server/ntpkey_iffkey_servername"));
  const auto client = read_key_file(ak::testing::fixture("iff-md5-512/client/ntpkey_iffpar_servername"));
  ASSERT_TRUE(server.ok() && client.ok());
  EXPECT_EQ(client->file_name, "ntpkey_iffpar_servername.4004702989");
  const auto s = load_iff(*server, "server_password");
  const auto c = load_iff(*client, "");
  ASSERT_TRUE(s.ok()) << message(s.error());
  ASSERT_TRUE(c.ok()) << message(c.error());
  EXPECT_EQ(s->p.bits(), 512u);
  EXPECT_EQ(s->q.bits(), 160u);
  EXPECT_EQ(c->p, s->p);
  EXPECT_EQ(c->q, s->q);
  EXPECT_EQ(c->g, s->g);
  ASSERT_TRUE(s->b && c->v);
  EXPECT_FALSE(c->b);
  // RFC 5906 App. E: v = g^(q-b), so g^b * v = 1 (mod p).
  EXPECT_EQ(Botan::power_mod(c->g, *s->b, c->p) * *c->v % c->p, 1);
  EXPECT_EQ(*s->v, *c->v);
  // Both files carry the same filestamp, which the IFF exchange requires (§3.5).
  EXPECT_EQ(server->filestamp, client->filestamp);
}

TEST(FixtureIff, OpenSsl3ExportIsRefusedBecauseItLostV) {
  const auto f = read_key_file(ak::testing::fixture("iff-md5-512/exported_par.txt"));
  ASSERT_TRUE(f.ok()) << message(f.error());
  EXPECT_EQ(f->header_name, "ntpkey_iffpar_servername.4004702989");
  EXPECT_EQ(f->filestamp, 4004702989u);
  const auto p = load_iff(*f, "");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), KeyError::IffPublicValueLost);
  // The message says why (PKCS#8 under OpenSSL 3 keeps no v) and how to fix it.
  const std::string m = message(p.error());
  EXPECT_NE(m.find("OpenSSL 3"), std::string::npos);
  EXPECT_NE(m.find("PKCS#8"), std::string::npos);
  EXPECT_NE(m.find("autokey-keygen -e"), std::string::npos);
  EXPECT_NE(m.find("SEQUENCE {0, p, q, g, v, 1}"), std::string::npos);
}

TEST(FixtureGq, ExportLoadsAsClientParametersWithoutU) {
  const auto f = read_key_file(ak::testing::fixture("gq-sha1-1024/exported_par.txt"));
  ASSERT_TRUE(f.ok()) << message(f.error());
  EXPECT_EQ(f->filestamp, 4004702991u);
  const auto p = load_gq(*f, "");
  ASSERT_TRUE(p.ok()) << message(p.error());
  EXPECT_FALSE(p->u);
  EXPECT_FALSE(p->v);
  EXPECT_EQ(p->n.bits(), 512u);

  const auto server = read_key_file(ak::testing::fixture("gq-sha1-1024/server/ntpkey_gqkey_servername"));
  ASSERT_TRUE(server.ok());
  const auto s = load_gq(*server, "server_password");
  ASSERT_TRUE(s.ok()) << message(s.error());
  EXPECT_EQ(s->n, p->n);
  EXPECT_EQ(s->b, p->b);
  ASSERT_TRUE(s->u && s->v);
  // autokey-protocol.md §7.3: v = (u^-1)^b, so u^b v = 1 (mod n).
  EXPECT_EQ(Botan::power_mod(*s->u, s->b, s->n) * *s->v % s->n, 1);
}

TEST(FixtureGq, ClientFileIsTheExport) {
  const auto a = read_key_file(ak::testing::fixture("gq-sha1-1024/exported_par.txt"));
  const auto b = read_key_file(ak::testing::fixture("gq-sha1-1024/client/ntpkey_gqpar_servername"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->blocks.at(0).der, b->blocks.at(0).der);
}

}  // namespace
}  // namespace ak::keys
