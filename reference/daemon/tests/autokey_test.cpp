// Milestone 3: Autokey between two daemons on a simulated timeline, with the
// iff-md5-512 fixture's key directories read in place.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "daemon_test_support.h"
#include <botan/auto_rng.h>

#include "crypto/certificate.h"
#include "crypto/digest.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "keys/keys_dir.h"
#include "keys/writer.h"
#include "wire/flags.h"

namespace ak::daemon {
namespace {

using testing::Network;
using testing::parse;
namespace cf = wire::crypto_flag;

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool any_line_starts_with(const std::vector<std::string>& lines, const std::string& address, const std::string& text,
                          bool ignore_case = false) {
  // "<MJD> <seconds> <address> <text>"
  const std::string want = address + " " + text;
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    const auto a = l.find(' ', l.find(' ') + 1);
    if (a == std::string::npos) return false;
    const std::string rest = l.substr(a + 1, want.size());
    return ignore_case ? lower(rest) == lower(want) : rest == want;
  });
}

std::uint32_t client_flags(const Daemon& d) {
  auto s = d.sources();
  if (s.size() != 1 || !s[0].autokey) return 0;
  return s[0].autokey->flags;
}

TEST(AutokeyServer, LogsTheStartupCryptostatsLinesNtpdWrites) {
  Network net;
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config()));
  ASSERT_TRUE(server.ok()) << server.error().message;
  const auto& cs = (*server)->output.cryptostats;
  // iff-md5-512/server/cryptostats, first four lines (after the time stamps).
  EXPECT_TRUE(any_line_starts_with(cs, "0.0.0.0", "ntpkey_RSAhost_servername.4004702989 mod 512"));
  EXPECT_TRUE(any_line_starts_with(cs, "0.0.0.0", "ntpkey_RSA-MD5cert_servername.4004702989 0x1 len 367"));
  EXPECT_TRUE(any_line_starts_with(cs, "0.0.0.0", "ntpkey_IFFkey_servername.4004702989 mod 384"));
  EXPECT_TRUE(any_line_starts_with(cs, "0.0.0.0", "setup 0x80021 host servername md5WithRSAEncryption"));
  EXPECT_EQ((*server)->daemon->crypto_flags(), 0x80021u);
}

TEST(AutokeyServer, SetsTaiAndSignsItsValuesOnceItsLocalClockSynchronizes) {
  Network net;
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config()));
  ASSERT_TRUE(server.ok()) << server.error().message;
  net.run(0.5);
  EXPECT_EQ((*server)->daemon->crypto_flags(), 0x80023u);  // fixture ntpq: flags=0x80023
  EXPECT_NE((*server)->daemon->last_update(), 0u);
  EXPECT_TRUE(any_line_starts_with((*server)->output.cryptostats, "0.0.0.0", "signature update ts"));
}

TEST(AutokeyClient, LightsEveryFlagAgainstOurServerWithIff) {
  Network net;
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 11);
  auto client = net.start("clientname", "10.123.0.2", parse(testing::client_config()), 1, 22);
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_TRUE(client.ok()) << client.error().message;
  const Daemon& c = *(*client)->daemon;
  net.run(60, [&] { return (client_flags(c) & cf::kAll) == cf::kAll; });
  // The seed's 0x83f21 plus what 4.2.8p15 adds: LEAP and the server's TAI
  // (fixture ntpq: flags=0x87f23).
  EXPECT_EQ(client_flags(c), 0x87f23u);
  const auto& cs = (*client)->output.cryptostats;
  // ntpd's exact line for ASSOC (fixture: "assoc 20189 20189 host servername@servername
  // md5WithRSAEncryption"); the other steps by keyword and name, whatever the case.
  const std::uint16_t id = c.sources()[0].assoc_id;
  EXPECT_TRUE(any_line_starts_with(cs, "10.123.0.1", "assoc " + std::to_string(id) + " "));
  EXPECT_TRUE(any_line_starts_with(cs, "10.123.0.1", "assoc"));
  // iff-md5-512/client/cryptostats, the lines that do not depend on time or
  // on the (random) cookie, exactly:
  EXPECT_TRUE(any_line_starts_with(
      cs, "10.123.0.1", "cert servername@servername servername@servername 0x5 md5WithRSAEncryption (8) fs 4004702989"));
  EXPECT_TRUE(any_line_starts_with(cs, "10.123.0.1", "ntpkey_iffpar_servername.4004702989 mod 384"));
  EXPECT_TRUE(any_line_starts_with(cs, "10.123.0.1", "iff servername@servername fs 4004702989"));
  EXPECT_TRUE(any_line_starts_with(
      cs, "10.123.0.1", "sign clientname@servername servername@servername 0x4 md5WithRSAEncryption (8) fs 4004702989"));
  const std::uint32_t cookie = c.engine()->association(id)->pcookie;
  char cook[32];
  std::snprintf(cook, sizeof cook, "cook %x ts ", cookie);
  EXPECT_TRUE(any_line_starts_with(cs, "10.123.0.1", cook)) << cook;
  EXPECT_TRUE(any_line_starts_with(cs, "10.123.0.1", "leap TAI offset 0 at 0 expire 0"));
  EXPECT_TRUE(c.time_service().system().synchronized());
  EXPECT_EQ(c.time_service().system().stratum, 5);
  auto view = c.sources()[0];
  EXPECT_EQ(view.status & 0x7000, 0x7000);  // authenb, auth, reach
  EXPECT_EQ(view.autokey->host, "servername@servername");
}

TEST(AutokeyClient, WithoutIdentTrustsTheCertificateAlone) {
  Network net(4004703181LL - 2208988800LL + 100);  // after the tc-md5-512 keys' filestamp
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config("tc-md5-512")), 1, 3);
  auto client = net.start("clientname", "10.123.0.2", parse(testing::client_config("tc-md5-512", false)), 1, 4);
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_TRUE(client.ok()) << client.error().message;
  const Daemon& c = *(*client)->daemon;
  net.run(60, [&] { return (client_flags(c) & cf::kAll) == cf::kAll; });
  EXPECT_EQ(client_flags(c), 0x87f03u);  // tc-md5-512 fixture: flags 0x87f03
}

// ---- start-up refusals ----------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ak-daemon-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(Startup, RefusesAutokeyWithoutACryptoLine) {
  Network net;
  auto d = net.start("c", "10.0.0.2", parse("server 10.0.0.1 autokey\n"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::AutokeyNotConfigured);
  EXPECT_NE(d.error().message.find("Autokey not configured"), std::string::npos);
}

TEST(Startup, RefusesAMissingHostKeyAndSaysHowToMakeOne) {
  TempDir dir;
  Network net;
  auto d = net.start("c", "10.0.0.2", parse("keysdir " + dir.path().string() + "/\ncrypto pw x host alice\n"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::KeyFileProblem);
  EXPECT_NE(d.error().message.find("ntpkey_host_alice"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("autokey-keygen"), std::string::npos) << d.error().message;
}

TEST(Startup, RefusesAWrongKeyPasswordWithoutEchoingIt) {
  Network net;
  auto d = net.start("s", "10.0.0.1",
                     parse("keysdir " + testing::fixture_dir("iff-md5-512/server") +
                           "/\ncrypto pw not-the-password host servername\n"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::KeyFileProblem);
  EXPECT_NE(d.error().message.find("crypto pw"), std::string::npos) << d.error().message;
  EXPECT_EQ(d.error().message.find("not-the-password"), std::string::npos);  // never echo the password
}

TEST(Startup, RefusesAHostCertificateThatIsNotSelfSigned) {
  // The client's own host key, but its certificate issued by the server
  // (what a SIGN exchange returns): subject clientname, issuer servername.
  TempDir dir;
  const auto client_dir = ak::testing::fixture("iff-md5-512/client");
  keys::KeysDirOptions co{client_dir, "clientname", "servername", "client_password"};
  keys::KeysDirOptions so{ak::testing::fixture("iff-md5-512/server"), "servername", "servername", "server_password"};
  auto client_keys = keys::load_keys_dir(co);
  auto server_keys = keys::load_keys_dir(so);
  ASSERT_TRUE(client_keys.ok());
  ASSERT_TRUE(server_keys.ok());
  crypto::CertificateFields f;
  f.subject = "clientname";
  f.issuer = "servername";
  f.serial = 4004702989u;
  f.not_before = testing::kFixtureUnix - 100;
  f.not_after = f.not_before + 86400 * 365;
  Botan::AutoSeeded_RNG rng;
  auto cert = crypto::make_certificate(f, *client_keys->host.value, server_keys->sign_key(), rng);
  ASSERT_TRUE(cert.ok());
  const std::string name = "ntpkey_RSA-MD5cert_clientname.4004702989";
  ASSERT_TRUE(keys::write_file_atomic(dir.path() / name, keys::header_text(name, 0) + keys::pem_certificate(cert->der)).ok());
  std::filesystem::create_symlink(name, dir.path() / "ntpkey_cert_clientname");
  std::filesystem::copy_file(client_dir / "ntpkey_RSAhost_clientname.4004702989",
                             dir.path() / "ntpkey_RSAhost_clientname.4004702989");
  std::filesystem::create_symlink("ntpkey_RSAhost_clientname.4004702989", dir.path() / "ntpkey_host_clientname");

  Network net;
  auto d = net.start("c", "10.0.0.2", parse("keysdir " + dir.path().string() + "/\ncrypto pw client_password host clientname\n"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::HostCredentialsRefused) << d.error().message;
  EXPECT_NE(d.error().message.find("self-signed"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("ntpkey_cert_clientname"), std::string::npos) << d.error().message;
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

TEST(Startup, RefusesAnIdentWhoseClientParametersAreMissing) {
  // tc-md5-512's client directory has no ntpkey_iffpar_* file.
  testing::Network net(4004703181LL - 2208988800LL + 100);
  auto d = net.start("clientname", "10.123.0.2", testing::parse(testing::client_config("tc-md5-512", true)));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::AssociationRefused) << d.error().message;
  EXPECT_NE(d.error().message.find("ntpkey_iffpar_servername"), std::string::npos) << d.error().message;
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

TEST(AutokeyClient, MeasuresOffsetWithTheRealSendTimeNotTheEnginesTransmitStamp) {
  // One shared simulated clock and 1 ms per hop: the true offset is 0, so
  // a measured offset near 0 shows T1 is the real send time (the engine's
  // transmit stamp carries random low-order bits, RFC 5906 §6 origin test).
  testing::Network net;
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 41);
  auto client = net.start("clientname", "10.123.0.2", parse(testing::client_config()), 1, 42);
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(client.ok());
  const Daemon& c = *(*client)->daemon;
  net.run(60, [&] { return c.time_service().system().synchronized(); });
  ASSERT_TRUE(c.time_service().system().synchronized());
  const auto& peer = c.time_service().peer(c.sources()[0].peer_id);
  EXPECT_LT(std::abs(peer.offset()), 0.005);
  EXPECT_GT(peer.delay(), 0.0);
  EXPECT_LT(peer.delay(), 0.01);
  EXPECT_FALSE((*client)->output.peerstats.empty());
}

TEST(HostileInput, ArbitraryDatagramsNeitherCrashNorAmplify) {
  testing::Network net;
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 51);
  ASSERT_TRUE(server.ok());
  net.run(0.5);
  Daemon& d = *(*server)->daemon;
  const Endpoint me{*wire::Address::parse("10.123.0.1"), 123};
  const Endpoint them{*wire::Address::parse("10.66.6.6"), 5555};
  auto rnd = testing::test_random(99);
  for (int i = 0; i < 3000; ++i) {
    std::uint8_t len_byte[2];
    rnd(len_byte);
    wire::Bytes b((len_byte[0] | (len_byte[1] << 8)) % 600);
    rnd(b);
    if (!b.empty()) b[0] = static_cast<std::uint8_t>((b[0] & 0xf8) | (i % 8));  // every mode
    for (const auto& out : d.handle_datagram(b, them, me)) {
      EXPECT_EQ(out.to, them);
      // No reply is larger than the request allows: a bare header (+ MAC)
      // for client requests, mode-6 errors are 12 octets.
      EXPECT_LE(out.bytes.size(), std::max<std::size_t>(b.size(), 48 + 20) + 8) << "datagram " << i;
    }
  }
  EXPECT_TRUE(d.time_service().system().synchronized());  // still serving
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

TEST(HostileInput, RefusedPacketsCannotFloodTheLog) {
  testing::Network net;
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 61);
  ASSERT_TRUE(server.ok());
  net.run(0.5);
  const std::size_t before = (*server)->output.logs.size();
  // Authentic client requests (MAC with cookie 0, as any client can make,
  // RFC 5906 §4) carrying a NULL request field: each one is refused with an
  // error field and would log a line.
  const auto client = *wire::Address::parse("10.66.6.6");
  const auto server_addr = *wire::Address::parse("10.123.0.1");
  wire::Packet request;
  request.header.mode = 3;
  request.header.transmit_ts = 1;
  wire::ExtensionField ef;
  ef.code = 0;  // NULL
  request.fields.push_back(ef);
  const std::uint32_t key_id = 0x12345678;
  wire::Writer w;
  ASSERT_TRUE(request.header.serialize(w).ok());
  ASSERT_TRUE(ef.serialize(w).ok());
  const wire::Bytes covered = std::move(w).take();
  const auto sk = crypto::session_key(client, server_addr, key_id, 0, crypto::Digest::MD5);
  request.mac = wire::Mac{key_id, crypto::mac_digest(sk.key, covered, crypto::Digest::MD5)};
  auto bytes = request.serialize();
  ASSERT_TRUE(bytes.ok()) << wire::message(bytes.error());
  const Endpoint me{*wire::Address::parse("10.123.0.1"), 123};
  for (int i = 0; i < 1000; ++i)
    (void)(*server)->daemon->handle_datagram(*bytes, {client, 5555}, me);
  const std::size_t logged = (*server)->output.logs.size() - before;
  EXPECT_GE(logged, 1u);  // refusals are logged ...
  EXPECT_LE(logged, 30u);  // ... within the budget
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

TEST(AutokeyClient, CompletesOverIpv6AndTakesItsRefidFromTheAddressHash) {
  testing::Network net;
  auto server = net.start("servername", "fd00::1", parse(testing::server_config()), 1, 81);
  const std::string client_cfg = "keysdir " + testing::fixture_dir("iff-md5-512/client") +
                                 "/\ncrypto pw client_password host clientname ident servername\n"
                                 "server fd00::1 autokey ident servername\n";
  auto client = net.start("clientname", "fd00::2", parse(client_cfg), 1, 82);
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_TRUE(client.ok()) << client.error().message;
  const Daemon& c = *(*client)->daemon;
  net.run(60, [&] { return (client_flags(c) & cf::kAll) == cf::kAll && c.time_service().system().synchronized(); });
  EXPECT_EQ(client_flags(c), 0x87f23u);
  ASSERT_TRUE(c.time_service().system().synchronized());
  // RFC 5905 §7.3: first four octets of MD5(fd00::1).
  const auto h = crypto::hash(crypto::Digest::MD5, wire::Address::parse("fd00::1")->octets());
  const std::uint32_t want = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) | h[3];
  EXPECT_EQ(c.time_service().system().refid, want);
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

// Issue 4: associations keep running across a server restart. The restarted
// server has a new random cookie seed, so the client's cookie no longer
// works: the server's crypto-NAKs are only logged (anyone can forge one,
// security-history §4 property 8); the client starts over after polls
// without an authentic reply and completes again with a fresh cookie.
TEST(ServerRestart, ClientAutokeydCompletesAgainWithANewCookie) {
  Network net;
  auto server = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 61);
  auto client = net.start("clientname", "10.123.0.2", parse(testing::client_config()), 1, 62);
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_TRUE(client.ok()) << client.error().message;
  const Daemon& c = *(*client)->daemon;
  net.run(60, [&] { return client_flags(c) == 0x87f23u; });
  ASSERT_EQ(client_flags(c), 0x87f23u);
  const std::uint16_t id = c.sources()[0].assoc_id;
  const std::uint32_t cookie = c.engine()->association(id)->pcookie;
  ASSERT_TRUE(net.restart(*server, parse(testing::server_config()), 1, 63).ok());
  // First the old cookie fails: crypto-NAKs, no state change.
  net.run(6);
  EXPECT_EQ(client_flags(c), 0x87f23u);
  EXPECT_EQ(c.engine()->association(id)->restarts, 0u);
  EXPECT_TRUE(std::any_of((*client)->output.logs.begin(), (*client)->output.logs.end(),
                          [](const std::string& l) { return l.find("CryptoNak") != std::string::npos; }));
  // Then the silence restart and a whole new dance.
  net.run(120, [&] { return c.engine()->association(id)->restarts > 0 && client_flags(c) == 0x87f23u; });
  const core::Association* a = c.engine()->association(id);
  ASSERT_NE(a, nullptr);
  EXPECT_GE(a->restarts, 1u);
  EXPECT_EQ(client_flags(c), 0x87f23u);
  EXPECT_NE(a->pcookie, cookie);
  EXPECT_EQ(a->pcookie, (*server)->daemon->engine()->host().server_cookie(*wire::Address::parse("10.123.0.2"),
                                                                          *wire::Address::parse("10.123.0.1")));
  EXPECT_TRUE(c.time_service().system().synchronized());
}

}  // namespace
}  // namespace ak::daemon
