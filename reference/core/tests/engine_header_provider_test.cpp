// The header provider (engine.h): a caller with a time service fills the
// RFC 5905 header of every packet the engine sends, before the MAC, and gets
// the received header back in each Sample — for client, symmetric and
// broadcast associations alike.
#include <gtest/gtest.h>

#include <map>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/flags.h"
#include "wire/packet.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

// A stand-in time service: stamps a recognisable stratum, refid and a
// transmit time that is unique per packet, and remembers what it stamped.
struct FakeTimeService {
  std::uint8_t stratum = 7;
  std::uint32_t refid = 0x4c4f434c;  // "LOCL"
  std::uint64_t counter = 0;
  std::map<std::uint32_t, std::vector<HeaderContext>> asked;  // per association
  std::vector<std::uint64_t> stamped;

  HeaderProvider provider() {
    return [this](const HeaderContext& c, wire::NtpHeader& h) {
      asked[c.assoc_id].push_back(c);
      h.leap = 0;
      h.stratum = stratum;
      h.refid = refid;
      h.root_delay = 0x00000123;
      h.reference_ts = std::uint64_t{c.now - 10} << 32;
      h.transmit_ts = (std::uint64_t{c.now} << 32) | (0x1000 + ++counter);
      h.mode = 7;      // the engine must keep its own mode and version
      h.version = 2;
      stamped.push_back(h.transmit_ts);
    };
  }
};

wire::Packet parse(const Send& s) {
  auto p = wire::Packet::parse(s.bytes);
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : wire::Packet{};
}

TEST(HeaderProvider, ClientRequestsCarryTheProvidersHeaderAndTheReplyOriginMatchesIt) {
  Engine server(make_host(server_of("iff-md5-512"), {}, 41));
  Engine client(make_host(client_of("iff-md5-512"), {}, 42));
  (void)server.set_synchronized(kT0);
  FakeTimeService ts;
  client.set_header_provider(ts.provider());
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Iff, "servername", 4};
  const auto id = *client.mobilize(cfg, kT0);
  Net net(41);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 600, [&] { return flags_of(client, id) == 0x87f23u; });
  ASSERT_EQ(flags_of(client, id), 0x87f23u);  // every MAC over the provided header verified
  std::size_t requests = 0;
  for (const auto& [t, s] : net.sent) {
    if (s.from != client_address_v4()) continue;
    const wire::Packet p = parse(s);
    EXPECT_EQ(p.header.mode, 3);
    EXPECT_EQ(p.header.version, 4);
    EXPECT_EQ(p.header.stratum, 7);
    EXPECT_EQ(p.header.refid, 0x4c4f434cu);
    EXPECT_EQ(p.header.transmit_ts, ts.stamped.at(requests));
    ++requests;
  }
  EXPECT_EQ(requests, ts.stamped.size());
  ASSERT_FALSE(ts.asked[id].empty());
  EXPECT_EQ(ts.asked[id][0].mode, PeerMode::Client);
  EXPECT_EQ(ts.asked[id][0].remote, server_address_v4());
  // Each Sample hands back the whole received header, origin = our stamp.
  std::size_t samples = 0;
  for (const auto& a : net.log)
    if (auto* s = std::get_if<Sample>(&a)) {
      EXPECT_EQ(s->mode, wire::Mode::Server);
      EXPECT_EQ(s->header.origin_ts, s->origin_ts);
      EXPECT_NE(std::find(ts.stamped.begin(), ts.stamped.end(), s->header.origin_ts), ts.stamped.end());
      ++samples;
    }
  EXPECT_GT(samples, 5u);
}

TEST(HeaderProvider, SymmetricPeersBothStampedCompleteAndReportEachOthersHeaders) {
  auto host = [](const std::string& side, const std::string& name, const std::string& pw, std::uint64_t seed) {
    return make_host(FixtureSide{"sym-tc-md5-512", side, name, pw}, {}, seed);
  };
  const wire::Address pa = wire::Address::v4({10, 123, 0, 1});
  const wire::Address pb = wire::Address::v4({10, 123, 0, 2});
  Engine a(host("a", "peera", "apw", 43));
  Engine b(host("b", "peerb", "bpw", 44));
  (void)a.set_synchronized(kT0);
  (void)b.set_synchronized(kT0);
  FakeTimeService tsa, tsb;
  tsa.stratum = 5;
  tsb.stratum = 6;
  a.set_header_provider(tsa.provider());
  b.set_header_provider(tsb.provider());
  const auto ida = *a.mobilize(PeerConfig{pb, pa, PeerMode::SymmetricActive, Scheme::Tc, "grp", 4}, kT0);
  const auto idb = *b.mobilize(PeerConfig{pa, pb, PeerMode::SymmetricActive, Scheme::Tc, "grp", 4}, kT0 + 3);
  Net net(43);
  net.add(a, pa);
  net.add(b, pb);
  const std::uint32_t want = 0x00087f03u;
  const auto t = net.run(kT0, kT0 + 1200, [&] { return flags_of(a, ida) == want && flags_of(b, idb) == want; });
  ASSERT_EQ(flags_of(a, ida), want);
  ASSERT_EQ(flags_of(b, idb), want);
  net.log.clear();
  net.run(t + 1, t + 200, [] { return false; });
  std::size_t from_b = 0;
  for (const auto& x : net.log)
    if (auto* s = std::get_if<Sample>(&x); s && s->assoc_id == ida) {
      EXPECT_TRUE(s->proventic);
      EXPECT_EQ(s->mode, wire::Mode::SymmetricActive);
      EXPECT_EQ(s->header.stratum, 6);  // b's provider stamped it
      EXPECT_NE(std::find(tsb.stamped.begin(), tsb.stamped.end(), s->header.transmit_ts), tsb.stamped.end());
      ++from_b;
    }
  EXPECT_GE(from_b, 5u);
}

TEST(HeaderProvider, BroadcastPacketsAreStampedBeforeTheirMac) {
  Engine server(make_host(server_of("bcast-tc-md5-512"), {}, 45));
  EngineOptions listen;
  listen.broadcast_client = true;
  listen.unicast_local = client_address_v4();
  listen.passive_ident = "servername";
  listen.serve = false;
  Engine client(make_host(client_of("bcast-tc-md5-512"), {}, 46), listen);
  (void)server.set_synchronized(kT0);
  FakeTimeService ts;
  ts.stratum = 4;
  server.set_header_provider(ts.provider());
  const wire::Address bcast = wire::Address::v4({10, 123, 0, 255});
  const auto sid = *server.mobilize(PeerConfig{bcast, server_address_v4(), PeerMode::BroadcastServer, Scheme::Tc, "", 4}, kT0);
  Net net(45);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.listen(client, bcast);
  auto cid = [&] { return client.associations().empty() ? 0u : client.associations()[0].assoc_id; };
  const auto t = net.run(kT0, kT0 + 1200, [&] { return cid() != 0 && client.association(cid())->complete(); });
  ASSERT_NE(cid(), 0u);
  ASSERT_TRUE(client.association(cid())->complete());
  ASSERT_FALSE(ts.asked[sid].empty());
  EXPECT_EQ(ts.asked[sid][0].mode, PeerMode::BroadcastServer);
  EXPECT_EQ(ts.asked[sid][0].remote, bcast);
  net.log.clear();
  net.run(t + 1, t + 100, [] { return false; });
  std::size_t broadcasts = 0;
  for (const auto& x : net.log)
    if (auto* s = std::get_if<Sample>(&x); s && s->mode == wire::Mode::Broadcast) {
      EXPECT_TRUE(s->proventic);
      EXPECT_EQ(s->header.stratum, 4);
      EXPECT_EQ(s->header.mode, 5);
      ++broadcasts;
    }
  EXPECT_GE(broadcasts, 4u);
}

TEST(HeaderProvider, AHeaderChangedAfterTheMacFailsTheMac) {
  // The provider runs before the MAC: the sent header is exactly the one
  // the MAC covers, so altering a provided field afterwards breaks it.
  Engine client(make_host(client_of("tc-md5-512"), {}, 47));
  FakeTimeService ts;
  client.set_header_provider(ts.provider());
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Tc, "", 4};
  const auto id = *client.mobilize(cfg, kT0);
  const auto actions = client.handle_timer(kT0);
  const Send* send = nullptr;
  for (const auto& x : actions)
    if (auto* s = std::get_if<Send>(&x)) send = s;
  ASSERT_NE(send, nullptr);
  const wire::Packet p = parse(*send);
  ASSERT_TRUE(p.mac.has_value());
  const auto sk = crypto::session_key(client_address_v4(), server_address_v4(), p.mac->key_id, 0,
                                      client.host().session_digest());
  wire::Bytes octets(send->bytes.begin(), send->bytes.begin() + static_cast<std::ptrdiff_t>(p.authenticated_length()));
  EXPECT_TRUE(crypto::mac_matches(sk.key, octets, p.mac->digest, client.host().session_digest()));
  octets[1] ^= 0x01;  // stratum
  EXPECT_FALSE(crypto::mac_matches(sk.key, octets, p.mac->digest, client.host().session_digest()));
  EXPECT_EQ(client.association(id)->last_xmt, ts.stamped.back());
}

}  // namespace
}  // namespace ak::core::test
