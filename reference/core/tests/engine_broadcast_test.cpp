// Broadcast server and broadcast clients (digest §9.5) on the
// bcast-tc-md5-512 fixture keys: each client learns the server from a
// broadcast, runs its unicast volley to 0x87f03 (the fixture's ntpq view),
// and then, unlike ntpd 4.2.8p15 (§6.9 caveat), authenticates every
// following broadcast by the key-ID chain, across key lists.
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

const wire::Address& bcast() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 255});
  return a;
}
const wire::Address& client2() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 3});
  return a;
}

Engine broadcast_client(const wire::Address& me, std::uint64_t seed) {
  EngineOptions o;
  o.broadcast_client = true;
  o.unicast_local = me;
  o.passive_ident = "servername";
  o.serve = false;
  return Engine(make_host(client_of("bcast-tc-md5-512"), {}, seed), o);
}

std::uint32_t client_flags(const Engine& e) {
  const auto v = e.associations();
  return v.empty() ? 0 : v[0].flags;
}

struct BroadcastLan {
  Engine server{make_host(server_of("bcast-tc-md5-512"), {}, 61)};
  Engine c1 = broadcast_client(client_address_v4(), 62);
  Engine c2 = broadcast_client(client2(), 63);
  std::uint32_t bid = 0;
  Net net;

  explicit BroadcastLan(std::uint64_t seed, Faults f = {}) : net(seed, f) {
    (void)server.set_synchronized(kT0);
    bid = *server.mobilize(PeerConfig{bcast(), server_address_v4(), PeerMode::BroadcastServer, Scheme::Tc, "", 4}, kT0);
    net.add(server, server_address_v4());
    net.add(c1, client_address_v4(), true);
    net.add(c2, client2(), true);
    net.listen(c1, bcast());
    net.listen(c2, bcast());
  }
  bool both_complete() const { return client_flags(c1) == 0x87f03u && client_flags(c2) == 0x87f03u; }
};

std::size_t proventic_samples(const std::vector<Action>& log) {
  std::size_t n = 0;
  for (const auto& a : log) {
    if (auto* s = std::get_if<Sample>(&a); s && s->proventic) ++n;
  }
  return n;
}

TEST(Broadcast, TwoClientsCompleteTheirVolleyAndAuthenticateLaterBroadcasts) {
  BroadcastLan s(71);
  const auto t = s.net.run(kT0, kT0 + 1200, [&] { return s.both_complete(); });
  ASSERT_EQ(client_flags(s.c1), 0x87f03u);
  ASSERT_EQ(client_flags(s.c2), 0x87f03u);
  // Digest §3.4: the clients store the broadcast association's own ID.
  EXPECT_EQ(s.c1.associations()[0].remote_assoc, s.bid);
  EXPECT_EQ(s.c1.associations()[0].host, "servername@servername");
  // Then broadcasts alone, across several key lists (100 keys at 16 s).
  s.net.log.clear();
  s.net.run(t + 1, t + 3 * 1700, [] { return false; });
  // Each broadcast reaches both clients: about 2 * 5100 / 16.
  EXPECT_GT(proventic_samples(s.net.log), 550u);
  for (const auto& a : s.net.log) {
    if (auto* l = std::get_if<Log>(&a)) {
      EXPECT_EQ(l->text.find("KeyIdChainBroken"), std::string::npos) << l->text;
    }
  }
  EXPECT_TRUE(s.both_complete());
  if (!s.both_complete()) {
    for (const auto& a : s.net.log) {
      if (std::holds_alternative<Log>(a) || std::holds_alternative<CryptoEvent>(a)) ADD_FAILURE() << describe(a);
    }
  }
  ASSERT_TRUE(s.c1.associations()[0].initsequence.has_value());
}

TEST(Broadcast, ForgedBroadcastWithAValidMacButUnchainedKeyIdIsNotUsed) {
  BroadcastLan s(72);
  const auto t = s.net.run(kT0, kT0 + 1200, [&] { return s.both_complete(); });
  ASSERT_TRUE(s.both_complete());
  // Anyone can MAC a broadcast (cookie 0, digest §6.4); the key ID chain is
  // what makes it authentic.
  wire::Packet p;
  p.header.mode = 5;
  p.header.transmit_ts = std::uint64_t{t} << 32;
  const std::uint32_t kid = 0x12345678;
  const auto sk = crypto::session_key(server_address_v4(), bcast(), kid, 0);
  wire::Writer w;
  (void)p.header.serialize(w);
  p.mac = wire::Mac{kid, crypto::mac_digest(sk.key, w.take())};
  const auto before = s.c1.associations()[0];
  const auto acts = s.c1.handle_datagram(*p.serialize(), server_address_v4(), bcast(), t + 1);
  EXPECT_EQ(proventic_samples(acts), 0u);
  EXPECT_EQ(s.c1.associations()[0].flags, before.flags);
  EXPECT_EQ(s.c1.association(before.assoc_id)->last_error, AssocError::KeyIdChainBroken);
}

TEST(Broadcast, ValuesOfAListCutShortByASymmetricRangeKeyAreTaken) {
  // Digest §6.7: the advertised key is next() of the list's last ID; when
  // that hash lands at or below 65535 the list ends there and the key is
  // still the right anchor (ntpd sends such values about once in 650 lists).
  BroadcastLan s(74);
  const auto t = s.net.run(kT0, kT0 + 1200, [&] { return s.both_complete(); });
  ASSERT_TRUE(s.both_complete());
  const auto values = s.server.host().sign_autokey(s.bid, 0x0000beefu, 41, t + 1);
  ASSERT_TRUE(values.ok());
  auto ef = wire::encode(wire::Message{*values});
  ASSERT_TRUE(ef.ok());
  wire::Packet p;
  p.header.version = 4;
  p.header.mode = 5;
  p.header.transmit_ts = std::uint64_t{t + 1} << 32;
  p.fields.push_back(*ef);
  const std::uint32_t kid = 0x2badcafe;
  const auto sk = crypto::session_key(server_address_v4(), bcast(), kid, 0);
  wire::Writer w;
  (void)p.header.serialize(w);
  (void)p.fields.front().serialize(w);
  p.mac = wire::Mac{kid, crypto::mac_digest(sk.key, w.take())};
  (void)s.c1.handle_datagram(*p.serialize(), server_address_v4(), bcast(), t + 1);
  const auto* a = s.c1.association(s.c1.associations()[0].assoc_id);
  EXPECT_EQ(a->last_error, std::nullopt);
  ASSERT_TRUE(a->autokey.has_value());
  EXPECT_EQ(a->autokey->key_id, 0x0000beefu);
  EXPECT_EQ(a->autokey->sequence, 41u);
}

TEST(Broadcast, ClientsRecoverWhenTheBroadcastServerRestarts) {
  BroadcastLan s(73);
  const auto t = s.net.run(kT0, kT0 + 1200, [&] { return s.both_complete(); });
  ASSERT_TRUE(s.both_complete());
  // A new server process: new association ID, new key lists, new seed.
  s.server = Engine(make_host(server_of("bcast-tc-md5-512"), {}, 64));
  (void)s.server.set_synchronized(t);
  const auto nbid =
      *s.server.mobilize(PeerConfig{bcast(), server_address_v4(), PeerMode::BroadcastServer, Scheme::Tc, "", 4}, t);
  s.net.run(t + 1, t + 3600, [&] {
    return s.both_complete() && s.c1.associations()[0].remote_assoc == nbid &&
           s.c2.associations()[0].remote_assoc == nbid;
  });
  EXPECT_TRUE(s.both_complete());
  EXPECT_EQ(s.c1.associations()[0].remote_assoc, nbid);
  EXPECT_EQ(s.c1.associations()[0].restarts, 1u);
}

TEST(Broadcast, VolleyCompletesDespiteLossAndCorruption) {
  Faults f;
  f.drop = 0.15;
  f.duplicate = 0.15;
  f.corrupt = 0.1;
  f.replay = 0.2;
  f.max_delay = 5;
  BroadcastLan s(74, f);
  s.net.run(kT0, kT0 + 4 * 3600, [&] { return s.both_complete(); });
  EXPECT_TRUE(s.both_complete());
}

}  // namespace
}  // namespace ak::core::test
