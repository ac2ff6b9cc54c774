// Symmetric peers (`peer ADDR autokey`) and Autokey broadcast (`broadcast
// ADDR autokey` / `broadcastclient`) between daemons on a simulated
// timeline, on the sym-tc-md5-512 and bcast-tc-md5-512 fixture keys read in
// place. Every packet the engines send carries the time service's header,
// and the authenticated packets feed the time service like client/server
// replies do.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "daemon_test_support.h"
#include "daemon/variables.h"
#include "wire/flags.h"
#include "wire/packet.h"

namespace ak::daemon {
namespace {

using testing::Network;
using testing::parse;
namespace cf = wire::crypto_flag;

// After the fixture keys' filestamps, so their certificates are valid.
constexpr std::int64_t kSymUnix = 4004704416LL - 2208988800LL + 100;
constexpr std::int64_t kBcastUnix = 4004704710LL - 2208988800LL + 100;

std::string peer_config(const std::string& side, const std::string& host, const std::string& pw,
                        const std::string& other, bool local_clock = true) {
  std::string c = "keysdir " + testing::fixture_dir("sym-tc-md5-512/" + side) + "/\n" +
                  "crypto pw " + pw + " host " + host + " ident grp\n" +
                  "peer " + other + " autokey minpoll 4 maxpoll 4\n"
                  "disable ntp\n";
  if (local_clock) c += "server 127.127.1.0 minpoll 3 maxpoll 3 prefer\nfudge 127.127.1.0 stratum 3\n";
  return c;
}

std::string broadcast_server_config() {
  return "keysdir " + testing::fixture_dir("bcast-tc-md5-512/server") + "/\n"
         "crypto pw server_password host servername ident servername\n"
         "server 127.127.1.0 minpoll 3 maxpoll 3 prefer\n"
         "fudge 127.127.1.0 stratum 3\n"
         "broadcast 10.123.0.255 autokey minpoll 4\n"
         "disable ntp\n";
}

std::string broadcast_client_config() {
  return "keysdir " + testing::fixture_dir("bcast-tc-md5-512/client") + "/\n"
         "crypto pw client_password host clientname ident servername\n"
         "broadcastclient\n"
         "disable ntp\n";
}

std::optional<SourceView> autokey_source(const std::vector<SourceView>& v) {
  for (const auto& s : v)
    if (s.kind == SourceKind::Autokey) return s;
  return std::nullopt;
}

// An unsigned mode-6 value, or a number no mode has.
std::uint64_t number(const std::optional<control::Value>& v) {
  const auto* n = v ? std::get_if<std::uint64_t>(&*v) : nullptr;
  return n ? *n : 99;
}

std::uint32_t autokey_flags(const Daemon& d) {
  const auto s = autokey_source(d.sources());
  return s && s->autokey ? s->autokey->flags : 0;
}

TEST(SymmetricPeers, TwoAutokeydPeersLightEveryFlagBothWaysAndExchangeTimeSamples) {
  Network net(kSymUnix);
  auto a = net.start("peera", "10.123.0.1", parse(peer_config("a", "peera", "apw", "10.123.0.2")), 1, 31);
  auto b = net.start("peerb", "10.123.0.2", parse(peer_config("b", "peerb", "bpw", "10.123.0.1")), 1, 32);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  const Daemon& da = *(*a)->daemon;
  const Daemon& db = *(*b)->daemon;
  // The fixture peers' status words are 0x80003 (TC, synchronized): with
  // every progress bit, ntpq shows flags=0x87f03 on both sides.
  net.run(300, [&] { return autokey_flags(da) == 0x87f03u && autokey_flags(db) == 0x87f03u; });
  ASSERT_EQ(autokey_flags(da), 0x87f03u);
  ASSERT_EQ(autokey_flags(db), 0x87f03u);
  EXPECT_EQ(autokey_source(da.sources())->autokey->host, "peerb@grp");
  EXPECT_EQ(autokey_source(db.sources())->autokey->host, "peera@grp");
  // Time samples both ways once proventic: the symmetric on-wire protocol
  // (RFC 5905 §8) measures each side against the other.
  net.run(40);
  for (const Daemon* d : {&da, &db}) {
    const auto s = autokey_source(d->sources());
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->mode, core::PeerMode::SymmetricActive);
    const auto& peer = d->time_service().peer(s->peer_id);
    EXPECT_NE(peer.reach(), 0);
    EXPECT_TRUE(peer.has_sample());
    EXPECT_EQ(peer.stratum(), 4);  // the other side, on its LOCAL clock at stratum 3
    EXPECT_LT(std::abs(peer.offset()), 0.01);  // one clock for both: ~0 s
    EXPECT_EQ(s->status & 0x7000, 0x7000);  // authenb, auth, reach
    EXPECT_EQ(s->peer_mode, std::optional<std::uint8_t>(1));  // the other side is active too
    // Mode 6 as ntpq reads it: hmode 1 (symmetric active), pmode 1.
    const DaemonVariables vars(*d);
    EXPECT_EQ(number(vars.peer_variable(s->assoc_id, control::PeerVariable::Hmode)), 1u);
    EXPECT_EQ(number(vars.peer_variable(s->assoc_id, control::PeerVariable::Pmode)), 1u);
  }
}

TEST(SymmetricPeers, EveryPacketCarriesTheTimeServiceHeaderUnderItsMac) {
  Network net(kSymUnix);
  net.record_wire = true;
  auto a = net.start("peera", "10.123.0.1", parse(peer_config("a", "peera", "apw", "10.123.0.2")), 1, 33);
  auto b = net.start("peerb", "10.123.0.2", parse(peer_config("b", "peerb", "bpw", "10.123.0.1")), 1, 34);
  ASSERT_TRUE(a.ok() && b.ok());
  const Daemon& da = *(*a)->daemon;
  const Daemon& db = *(*b)->daemon;
  net.run(300, [&] { return autokey_flags(da) == 0x87f03u && autokey_flags(db) == 0x87f03u; });
  ASSERT_EQ(autokey_flags(da), 0x87f03u);
  net.run(20);
  std::size_t symmetric = 0, echoed = 0;
  std::map<std::string, std::uint64_t> last_xmt;  // per sender
  for (const auto& d : net.wire_log) {
    auto p = wire::Packet::parse(d.bytes);
    if (!p || p->header.mode_enum() != wire::Mode::SymmetricActive) continue;
    ++symmetric;
    ASSERT_TRUE(p->mac.has_value());
    EXPECT_GT(p->mac->key_id, 65535u);
    // The time service's values: stratum 4 (LOCAL at 3, +1), synchronized,
    // the clock's transmit times, rising (not the engine's random low word).
    EXPECT_EQ(p->header.stratum, 4);
    EXPECT_EQ(p->header.leap, 0);
    EXPECT_EQ(p->header.refid, 0x7f7f0100u);  // 127.127.1.0: the LOCAL clock (RFC 5905 §7.3 above stratum 1)
    EXPECT_GT(p->header.transmit_ts, last_xmt[d.from.to_string()]);
    last_xmt[d.from.to_string()] = p->header.transmit_ts;
    if (p->header.origin_ts != 0) ++echoed;
  }
  EXPECT_GT(symmetric, 20u);
  EXPECT_GT(echoed, symmetric / 2);  // origin echoes the other side's transmit
}

TEST(SymmetricPeers, AnUnconfiguredActivePeerGetsAPassiveAssociation) {
  Network net(kSymUnix);
  auto a = net.start("peera", "10.123.0.1", parse(peer_config("a", "peera", "apw", "10.123.0.2")), 1, 35);
  // b lists no peer: it mobilizes a symmetric-passive association for a.
  const std::string bconf = "keysdir " + testing::fixture_dir("sym-tc-md5-512/b") + "/\n" +
                            "crypto pw bpw host peerb ident grp\n"
                            "server 127.127.1.0 minpoll 3 maxpoll 3 prefer\nfudge 127.127.1.0 stratum 3\n"
                            "disable ntp\n";
  auto b = net.start("peerb", "10.123.0.2", parse(bconf), 1, 36);
  ASSERT_TRUE(a.ok() && b.ok());
  const Daemon& da = *(*a)->daemon;
  const Daemon& db = *(*b)->daemon;
  net.run(300, [&] { return autokey_flags(da) == 0x87f03u && autokey_flags(db) == 0x87f03u; });
  EXPECT_EQ(autokey_flags(da), 0x87f03u);
  EXPECT_EQ(autokey_flags(db), 0x87f03u);
  const auto s = autokey_source(db.sources());
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->mode, core::PeerMode::SymmetricPassive);
  EXPECT_EQ(s->remote.to_string(), "10.123.0.1:123");
  EXPECT_TRUE(std::any_of((*b)->output.logs.begin(), (*b)->output.logs.end(),
                          [](const std::string& l) { return l.find("mobilized symmetric-passive") != std::string::npos; }));
}

TEST(SymmetricPeers, RestrictNopeerKeepsAnUnconfiguredPeerOut) {
  Network net(kSymUnix);
  auto a = net.start("peera", "10.123.0.1", parse(peer_config("a", "peera", "apw", "10.123.0.2")), 1, 37);
  const std::string bconf = "keysdir " + testing::fixture_dir("sym-tc-md5-512/b") + "/\n" +
                            "crypto pw bpw host peerb ident grp\n"
                            "restrict default nopeer\n"
                            "disable ntp\n";
  auto b = net.start("peerb", "10.123.0.2", parse(bconf), 1, 38);
  ASSERT_TRUE(a.ok() && b.ok());
  net.run(60);
  EXPECT_TRUE((*b)->daemon->sources().empty());
  EXPECT_TRUE((*b)->daemon->engine()->associations().empty());
}

TEST(Broadcast, ServerAndBroadcastClientCompleteAndTheClientFollowsTheServer) {
  Network net(kBcastUnix);
  auto server = net.start("servername", "10.123.0.1", parse(broadcast_server_config()), 1, 41);
  auto client = net.start("clientname", "10.123.0.2", parse(broadcast_client_config()), 1, 42);
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_TRUE(client.ok()) << client.error().message;
  (*client)->also.push_back(*wire::Address::parse("10.123.0.255"));
  const Daemon& c = *(*client)->daemon;
  // Fixture bcast-tc-md5-512 ntpq view: the broadcast client's flags=0x87f03.
  net.run(120, [&] { return autokey_flags(c) == 0x87f03u && c.time_service().system().synchronized(); });
  ASSERT_EQ(autokey_flags(c), 0x87f03u);
  const auto s = autokey_source(c.sources());
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->mode, core::PeerMode::BroadcastClient);
  EXPECT_EQ(s->remote.to_string(), "10.123.0.1:123");
  EXPECT_EQ(s->autokey->host, "servername@servername");
  const DaemonVariables vars(c);
  EXPECT_EQ(number(vars.peer_variable(s->assoc_id, control::PeerVariable::Hmode)), 6u);  // ntpd's MODE_BCLIENT
  // The client follows the broadcast server: its system peer, one stratum
  // below (LOCAL 3 -> server 4 -> client 5), refid the server's address.
  const auto& sys = c.time_service().system();
  ASSERT_TRUE(sys.synchronized());
  ASSERT_TRUE(sys.system_peer.has_value());
  EXPECT_EQ(*sys.system_peer, s->peer_id);
  EXPECT_EQ(sys.stratum, 5);
  EXPECT_EQ(sys.refid, 0x0a7b0001u);
  // Broadcasts keep feeding it after the volley (no more unicast).
  const std::size_t before = net.delivered();
  const auto reach_before = c.time_service().peer(s->peer_id).filter()[0].epoch;
  net.run(30);
  EXPECT_GT(net.delivered(), before);
  EXPECT_NE(c.time_service().peer(s->peer_id).filter()[0].epoch, reach_before);
  EXPECT_LT(std::abs(c.time_service().peer(s->peer_id).offset()), 0.01);
  // After the volley only broadcasts are heard: pmode 5.
  EXPECT_EQ(number(vars.peer_variable(s->assoc_id, control::PeerVariable::Pmode)), 5u);
}

TEST(Broadcast, TheServerBroadcastsOnlyAuthenticatedPacketsWithItsTimeServiceHeader) {
  Network net(kBcastUnix);
  net.record_wire = true;
  auto server = net.start("servername", "10.123.0.1", parse(broadcast_server_config()), 1, 43);
  ASSERT_TRUE(server.ok()) << server.error().message;
  net.run(20);
  std::size_t broadcasts = 0;
  for (const auto& d : net.wire_log) {
    if (d.to.address.to_string() != "10.123.0.255") continue;
    auto p = wire::Packet::parse(d.bytes);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->header.mode, 5);
    EXPECT_EQ(p->header.stratum, 4);
    EXPECT_EQ(p->header.origin_ts, 0u);  // RFC 5905 broadcast: origin and receive zero
    EXPECT_EQ(p->header.receive_ts, 0u);
    ASSERT_TRUE(p->mac.has_value());
    EXPECT_GT(p->mac->key_id, 65535u);
    ASSERT_FALSE(p->fields.empty());  // ASSOC, or AUTO on a new key list
    ++broadcasts;
  }
  EXPECT_GE(broadcasts, 5u);
}

TEST(Startup, RefusesPeerAndBroadcastWithoutAutokeyAndManycastWithAMessage) {
  testing::Network net;
  for (const std::string line : {"peer 10.0.0.1", "broadcast 10.0.0.255", "manycastclient 224.0.1.1"}) {
    auto d = net.start("c", "10.0.0.2", parse(line + "\n"));
    ASSERT_FALSE(d.ok()) << line;
    EXPECT_EQ(d.error().code, StartupErrorCode::AssociationNotSupported) << line;
    EXPECT_NE(d.error().message.find("ntp.conf:1"), std::string::npos) << d.error().message;
  }
}

}  // namespace
}  // namespace ak::daemon
