// Symmetric peers (digest §9.6) on the sym-tc-md5-512 fixture keys: where two
// ntpd 4.2.8p15 peers stall (§6.9 caveat), ours complete, both ways, and agree
// on one cookie.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

const wire::Address& peera() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 1});
  return a;
}
const wire::Address& peerb() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 2});
  return a;
}

Host peer_host(const std::string& side, const std::string& host, const std::string& pw, std::uint64_t seed) {
  return make_host(FixtureSide{"sym-tc-md5-512", side, host, pw}, {}, seed);
}

PeerConfig towards(const wire::Address& remote, const wire::Address& local, PeerMode mode) {
  return PeerConfig{remote, local, mode, Scheme::Tc, "grp", 4};
}

std::uint32_t want_for(const Engine& remote) { return remote.host().status().raw | cf::kAll; }

// A symmetric-active packet carrying `request`, MACed with cookie 0 as
// anyone on the path can (digest §6.4).
wire::Bytes active_packet(const wire::AssocRequest& request, const wire::Address& from, const wire::Address& to,
                          std::uint32_t key_id) {
  wire::Packet p;
  p.header.mode = 1;
  p.fields.push_back(request.to_field());
  const auto sk = crypto::session_key(from, to, key_id, 0);
  wire::Writer w;
  (void)p.header.serialize(w);
  for (const auto& ef : p.fields) (void)ef.serialize(w);
  p.mac = wire::Mac{key_id, crypto::mac_digest(sk.key, w.take())};
  return *p.serialize();
}

TEST(SymmetricPeers, TwoActivePeersCompleteAndShareOneCookie) {
  Engine a(peer_host("a", "peera", "apw", 31));
  Engine b(peer_host("b", "peerb", "bpw", 32));
  (void)a.set_synchronized(kT0);
  (void)b.set_synchronized(kT0);
  const auto ida = *a.mobilize(towards(peerb(), peera(), PeerMode::SymmetricActive), kT0);
  const auto idb = *b.mobilize(towards(peera(), peerb(), PeerMode::SymmetricActive), kT0 + 3);
  Net net(31);
  net.add(a, peera());
  net.add(b, peerb());
  net.run(kT0, kT0 + 1200, [&] { return flags_of(a, ida) == want_for(b) && flags_of(b, idb) == want_for(a); });
  EXPECT_EQ(flags_of(a, ida), 0x00087f03u);  // peerb's status word 0x00080003 | all progress bits
  EXPECT_EQ(flags_of(b, idb), 0x00087f03u);
  if (flags_of(a, ida) != want_for(b)) {
    for (const auto& x : net.log) ADD_FAILURE() << describe(x);
  }
  // Digest §6.6: pcookie = hcookie_A XOR hcookie_B on both sides.
  EXPECT_EQ(a.association(ida)->pcookie, b.association(idb)->pcookie);
  EXPECT_NE(a.association(ida)->pcookie, 0u);
  // The AUTO exchange stored the other side's list end (mode-6 initkey).
  ASSERT_TRUE(a.association(ida)->autokey.has_value());
}

TEST(SymmetricPeers, PassivePeerIsMobilizedAndBothKeepAuthenticatingAcrossKeyLists) {
  Engine a(peer_host("a", "peera", "apw", 33));
  EngineOptions passive;
  passive.accept_symmetric_passive = true;
  passive.passive_ident = "grp";
  Engine b(peer_host("b", "peerb", "bpw", 34), passive);
  (void)a.set_synchronized(kT0);
  (void)b.set_synchronized(kT0);
  const auto ida = *a.mobilize(towards(peerb(), peera(), PeerMode::SymmetricActive), kT0);
  Net net(33);
  net.add(a, peera());
  net.add(b, peerb());
  auto idb = [&] { return b.associations().empty() ? 0u : b.associations()[0].assoc_id; };
  const auto t = net.run(kT0, kT0 + 1200, [&] {
    return flags_of(a, ida) == want_for(b) && idb() != 0 && flags_of(b, idb()) == want_for(a);
  });
  ASSERT_EQ(flags_of(a, ida), want_for(b));
  ASSERT_EQ(flags_of(b, idb()), want_for(a));
  EXPECT_EQ(b.association(idb())->config.mode, PeerMode::SymmetricPassive);
  // Run on through several key lists (poll 16 s: 100 keys, ~1600 s each,
  // digest §6.7): packets without fields keep authenticating by the key-ID
  // chain, and each new list's values are pushed (symmetric rule 6).
  net.log.clear();
  net.run(t + 1, t + 3 * 4200, [] { return false; });
  std::size_t proventic = 0, chain_broken = 0;
  for (const auto& x : net.log) {
    if (auto* s = std::get_if<Sample>(&x); s && s->proventic) ++proventic;
    if (auto* l = std::get_if<Log>(&x); l && l->text.find("KeyIdChainBroken") != std::string::npos) ++chain_broken;
  }
  EXPECT_GT(proventic, 1000u);
  EXPECT_EQ(chain_broken, 0u);
  EXPECT_EQ(flags_of(a, ida), want_for(b));
  EXPECT_EQ(a.association(ida)->restarts, 0u);
}

TEST(SymmetricPeers, CompleteDespiteLossDuplicationAndCorruption) {
  Engine a(peer_host("a", "peera", "apw", 35));
  Engine b(peer_host("b", "peerb", "bpw", 36));
  (void)a.set_synchronized(kT0);
  (void)b.set_synchronized(kT0);
  const auto ida = *a.mobilize(towards(peerb(), peera(), PeerMode::SymmetricActive), kT0);
  const auto idb = *b.mobilize(towards(peera(), peerb(), PeerMode::SymmetricActive), kT0 + 5);
  Faults f;
  f.drop = 0.15;
  f.duplicate = 0.15;
  f.corrupt = 0.1;
  f.replay = 0.2;
  f.max_delay = 6;
  Net net(35, f);
  net.add(a, peera());
  net.add(b, peerb());
  net.after_step = [&](std::uint32_t) {
    EXPECT_EQ(flags_of(a, ida) & ~want_for(b), 0u);
    EXPECT_EQ(flags_of(b, idb) & ~want_for(a), 0u);
  };
  net.run(kT0, kT0 + 4 * 3600, [&] { return flags_of(a, ida) == want_for(b) && flags_of(b, idb) == want_for(a); });
  EXPECT_EQ(flags_of(a, ida), want_for(b));
  EXPECT_EQ(flags_of(b, idb), want_for(a));
}

TEST(SymmetricPeers, ForgedAssocRequestAndReplayedOldAutokeyValuesChangeNothing) {
  Engine a(peer_host("a", "peera", "apw", 37));
  Engine b(peer_host("b", "peerb", "bpw", 38));
  (void)a.set_synchronized(kT0);
  (void)b.set_synchronized(kT0);
  const auto ida = *a.mobilize(towards(peerb(), peera(), PeerMode::SymmetricActive), kT0);
  (void)b.mobilize(towards(peera(), peerb(), PeerMode::SymmetricActive), kT0 + 3);
  Net net(37);
  net.add(a, peera());
  net.add(b, peerb());
  // Through two of b's key lists, keeping what b sent to a.
  const auto t = net.run(kT0, kT0 + 2 * 1700, [] { return false; });
  ASSERT_EQ(flags_of(a, ida), want_for(b));
  std::vector<wire::Bytes> auto_pushes;
  for (const auto& x : net.log) {
    const auto* s = std::get_if<Send>(&x);
    if (!s || !(s->to == peera())) continue;
    const auto p = wire::Packet::parse(s->bytes);
    for (const auto& ef : p->fields) {
      if (ef.response && ef.opcode() == wire::Opcode::Auto) auto_pushes.push_back(s->bytes);
    }
  }
  ASSERT_GE(auto_pushes.size(), 2u);
  const Association before = *a.association(ida);
  // The first list's values, replayed: older than the stored ones (§3.8 check 8).
  (void)a.handle_datagram(auto_pushes.front(), peerb(), peera(), t + 1);
  EXPECT_EQ(a.association(ida)->last_error, AssocError::TimestampReplayed);
  EXPECT_EQ(a.association(ida)->autokey->timestamp, before.autokey->timestamp);
  // An ASSOC request from "b" with another association ID (cookie-0 MAC, anyone can make it).
  wire::AssocRequest r;
  static_cast<wire::AssocMessage&>(r) = b.host().assoc_message(before.remote_assoc + 1);
  (void)a.handle_datagram(active_packet(r, peerb(), peera(), 0x40000001), peerb(), peera(), t + 2);
  EXPECT_EQ(a.association(ida)->flags, before.flags);
  EXPECT_EQ(a.association(ida)->remote_assoc, before.remote_assoc);
  EXPECT_EQ(a.association(ida)->pcookie, before.pcookie);
}

// The request fields a engine sent to `to`, in order.
std::vector<wire::Opcode> requests_to(const Net& net, const wire::Address& to) {
  std::vector<wire::Opcode> out;
  for (const auto& [t, s] : net.sent) {
    if (!(s.to == to)) continue;
    const auto p = wire::Packet::parse(s.bytes);
    if (!p) continue;
    for (const auto& ef : p->fields)
      if (!ef.response && ef.opcode()) out.push_back(*ef.opcode());
  }
  return out;
}

TEST(SymmetricPeers, TheCookieIsAskedForOnlyOnceThePeersLeapIndicatorSaysItsClockIsSet) {
  // Digest §9.2 symmetric rule 4: COOK needs this host synchronized *and*
  // the peer, as its authentic packets say (leap indicator, digest §9.3).
  // b signs its values (it is synchronized inside) but claims leap 3 in its
  // headers: a goes on to AUTO, SIGN and LEAP and leaves COOK dark.
  Engine a(peer_host("a", "peera", "apw", 45));
  Engine b(peer_host("b", "peerb", "bpw", 46));
  (void)a.set_synchronized(kT0);
  (void)b.set_synchronized(kT0);
  bool b_claims_sync = false;
  b.set_header_provider([&](const HeaderContext& c, wire::NtpHeader& h) {
    h.leap = b_claims_sync ? 0 : 3;
    h.stratum = 3;
    h.transmit_ts = std::uint64_t{c.now} << 32;
  });
  const auto ida = *a.mobilize(towards(peerb(), peera(), PeerMode::SymmetricActive), kT0);
  (void)b.mobilize(towards(peera(), peerb(), PeerMode::SymmetricActive), kT0 + 3);
  Net net(45);
  net.add(a, peera());
  net.add(b, peerb());
  const std::uint32_t not_cook = cf::kAll & ~cf::kCook;
  auto t = net.run(kT0, kT0 + 1200, [&] { return (flags_of(a, ida) & cf::kAll) == not_cook; });
  ASSERT_EQ(flags_of(a, ida) & cf::kAll, not_cook);
  EXPECT_FALSE(a.association(ida)->peer_synchronized);
  auto sent = requests_to(net, peerb());
  EXPECT_EQ(std::count(sent.begin(), sent.end(), wire::Opcode::Cook), 0);
  ASSERT_NE(std::find(sent.begin(), sent.end(), wire::Opcode::Auto), sent.end());
  // Once b's packets say synchronized, a asks for the cookie and completes.
  b_claims_sync = true;
  net.run(t + 1, t + 1200, [&] { return flags_of(a, ida) == want_for(b); });
  EXPECT_EQ(flags_of(a, ida), want_for(b));
  EXPECT_TRUE(a.association(ida)->peer_synchronized);
  sent = requests_to(net, peerb());
  EXPECT_GE(std::count(sent.begin(), sent.end(), wire::Opcode::Cook), 1);
}

TEST(SymmetricPeers, APeersRequestIsAnsweredWithinTwoSecondsNotAtTheNextPoll) {
  // Digest §9.6: the answer to a queued request goes out about 2 s later
  // (ntpd), not a 16 s poll later; every step of the dance gains that.
  Engine a(peer_host("a", "peera", "apw", 48));
  Engine b(peer_host("b", "peerb", "bpw", 49));
  (void)a.set_synchronized(kT0);
  (void)b.set_synchronized(kT0);
  const auto ida = *a.mobilize(towards(peerb(), peera(), PeerMode::SymmetricActive), kT0);
  const auto idb = *b.mobilize(towards(peera(), peerb(), PeerMode::SymmetricActive), kT0 + 7);
  Net net(48);
  net.add(a, peera());
  net.add(b, peerb());
  net.run(kT0, kT0 + 1200, [&] { return flags_of(a, ida) == want_for(b) && flags_of(b, idb) == want_for(a); });
  ASSERT_EQ(flags_of(a, ida), want_for(b));
  // Each request a sent, and when b's answer to it left.
  std::map<wire::Opcode, std::uint32_t> asked;
  std::size_t answers = 0;
  for (const auto& [t, s] : net.sent) {
    const auto p = wire::Packet::parse(s.bytes);
    if (!p) continue;
    for (const auto& ef : p->fields) {
      if (!ef.opcode()) continue;
      if (s.to == peerb() && !ef.response && !asked.count(*ef.opcode())) asked[*ef.opcode()] = t;
      if (s.to == peera() && ef.response && !ef.error && asked.count(*ef.opcode()) && *ef.opcode() != wire::Opcode::Auto) {
        EXPECT_LE(t - asked[*ef.opcode()], 3u) << wire::name(*ef.opcode());
        asked.erase(*ef.opcode());
        ++answers;
      }
    }
  }
  EXPECT_GE(answers, 4u);  // ASSOC, CERT, COOK, SIGN, LEAP at least
}

TEST(SymmetricPeers, AnActivePacketWithABadMacMobilizesNoPassiveAssociation) {
  // Only a packet whose MAC is good (cookie 0 for a new association) may
  // mobilize a passive one; a corrupted one leaves the table as it was
  // (found by ReferenceTraces.SymmetricPassivePeerIffMatchesTheModel).
  EngineOptions passive;
  passive.accept_symmetric_passive = true;
  passive.passive_ident = "grp";
  Engine b(peer_host("b", "peerb", "bpw", 47), passive);
  (void)b.set_synchronized(kT0);
  wire::AssocRequest r;
  static_cast<wire::AssocMessage&>(r) = b.host().assoc_message(4242);
  r.name = "peera@grp";
  const wire::Bytes good = active_packet(r, peera(), peerb(), 0x40000042);
  wire::Bytes bad = good;
  bad[bad.size() - 1] ^= 1;  // the last octet of the MAC's digest
  (void)b.handle_datagram(bad, peera(), peerb(), kT0 + 1);
  EXPECT_TRUE(b.associations().empty());
  (void)b.handle_datagram(good, peera(), peerb(), kT0 + 2);  // the good one does
  ASSERT_EQ(b.associations().size(), 1u);
  EXPECT_EQ(b.associations()[0].remote_assoc, 4242u);
}

TEST(SymmetricPeers, ForgedActivePeersMobilizeAtMostMaxEphemeralAssociations) {
  // Anyone can compute a cookie-0 MAC: a flood of "symmetric-active peers"
  // from many addresses must not grow the association table without bound.
  EngineOptions passive;
  passive.accept_symmetric_passive = true;
  passive.max_ephemeral = 4;
  Engine b(peer_host("b", "peerb", "bpw", 42), passive);
  (void)b.set_synchronized(kT0);
  for (std::uint8_t i = 1; i <= 50; ++i) {
    const wire::Address forger = wire::Address::v4({10, 66, 0, i});
    wire::AssocRequest r;
    static_cast<wire::AssocMessage&>(r) = b.host().assoc_message(1000u + i);  // any name will do
    r.name = "forger" + std::to_string(i) + "@grp";
    (void)b.handle_datagram(active_packet(r, forger, peerb(), 0x40000000u + i), forger, peerb(), kT0 + i);
  }
  EXPECT_EQ(b.associations().size(), 4u);
}

TEST(SymmetricPeers, BothCompleteAgainAfterOnePeerRestarts) {
  // Issue 4: symmetric peers keep running across a restart of one side. The
  // restarted peer has a new association ID and cookie half; its ASSOC
  // request for another ID changes nothing at the other side (property 8),
  // which starts over only after polls without an authentic packet.
  Engine a(peer_host("a", "peera", "apw", 39));
  std::optional<Engine> b;
  b.emplace(peer_host("b", "peerb", "bpw", 40));
  (void)a.set_synchronized(kT0);
  (void)b->set_synchronized(kT0);
  const auto ida = *a.mobilize(towards(peerb(), peera(), PeerMode::SymmetricActive), kT0);
  auto idb = *b->mobilize(towards(peera(), peerb(), PeerMode::SymmetricActive), kT0 + 3);
  Net net(39);
  net.add(a, peera());
  net.add(*b, peerb());
  auto both = [&] { return flags_of(a, ida) == want_for(*b) && flags_of(*b, idb) == want_for(a); };
  auto t = net.run(kT0, kT0 + 1200, both);
  ASSERT_TRUE(both());
  const std::uint32_t old_cookie = a.association(ida)->pcookie;
  // b's process restarts: all state lost (same address, same keys).
  b.emplace(peer_host("b", "peerb", "bpw", 41));
  (void)b->set_synchronized(t + 1);
  idb = *b->mobilize(towards(peera(), peerb(), PeerMode::SymmetricActive), t + 1);
  t = net.run(t + 1, t + 3600, [&] { return a.association(ida)->restarts > 0 && both(); });
  EXPECT_TRUE(both()) << std::hex << "a " << flags_of(a, ida) << " b " << flags_of(*b, idb);
  EXPECT_GE(a.association(ida)->restarts, 1u);
  EXPECT_EQ(a.association(ida)->pcookie, b->association(idb)->pcookie);
  EXPECT_NE(a.association(ida)->pcookie, old_cookie);
}

}  // namespace
}  // namespace ak::core::test
