// Golden data from the real ntpd: every response the 4.2.8p15 server sent in
// the iff-md5-512 and tc-md5-512 captures, fed to our association handlers
// in capture order (with the fixture client's own challenge and keys), takes
// the association to the very flag word ntpd's client reported.
#include <gtest/gtest.h>

#include "core/handlers.h"
#include "core/tests/host_test_support.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

struct Replay {
  std::uint32_t flags = 0;
  std::uint32_t pcookie = 0;
  std::size_t accepted = 0;
  std::vector<std::string> failures;
};

Replay replay(const std::string& folder, Scheme scheme, PeerMode mode = PeerMode::Client) {
  Host host = make_host(client_of(folder), {}, 3);
  const auto cap = read_fixture_capture(folder);
  Association a;
  a.config = PeerConfig{server_address_v4(), client_address_v4(), mode, scheme, "servername", 6};
  bool synced = false;
  Replay r;
  for (const auto& d : cap.datagrams()) {
    const wire::Packet p = parse_packet(d.payload);
    if (p.fields.empty()) continue;
    const wire::ExtensionField& ef = p.fields.front();
    const std::uint32_t now = ntp_seconds(d);
    std::vector<Action> actions;
    if (d.src == client_address_v4()) {
      // What our poll would have recorded for this request.
      // An AUTO request names the broadcaster's association (digest §3.4).
      if (ef.opcode() != wire::Opcode::Auto) a.id = ef.assoc_id;
      a.outstanding = ef.opcode();
      a.answered = false;
      if (ef.opcode() == wire::Opcode::Sign && !synced) {
        synced = true;  // the fixture client set its clock just before its SIGN request
        (void)host.update(now);
      }
      if (auto m = wire::decode(ef); m && std::holds_alternative<wire::IdentityRequest>(*m))
        a.challenge = std::get<wire::IdentityRequest>(*m).challenge;
      continue;
    }
    const bool broadcast = p.header.mode_enum() == wire::Mode::Broadcast;
    HandlerContext ctx{host, now, synced, p.header.mode_enum(), actions};
    Status<AssocError> st = Ok{};
    if (broadcast && a.flags == 0) {
      // Digest §9.5: only a broadcast ASSOC response starts a broadcast client.
      if (event_of(p.fields.back()) != Event::AssocResponse) continue;
      st = accept_broadcast_assoc(a, std::get<wire::AssocResponse>(*wire::decode(p.fields.back())), ctx);
    } else {
      st = handle_field(a, ef, ctx);
    }
    if (st) {
      ++r.accepted;
    } else {
      r.failures.push_back("packet " + std::to_string(d.number) + ": " + std::string(name(st.error())));
    }
  }
  r.flags = a.flags;
  r.pcookie = a.pcookie;
  return r;
}

TEST(NtpdReplay, OurClientAcceptsEveryResponseOfTheIffFixtureAndEndsAt0x87f23) {
  const Replay r = replay("iff-md5-512", Scheme::Iff);
  EXPECT_TRUE(r.failures.empty()) << r.failures.front();
  EXPECT_EQ(r.accepted, 6u);  // ASSOC, CERT, IFF, COOK, SIGN, LEAP (packets 2, 4, 6, 8, 16, 18)
  EXPECT_EQ(r.flags, 0x87f23u);
  EXPECT_EQ(r.pcookie, 0x8ac8a20au);  // digest §6.5: what ntpd's server handed out
}

TEST(NtpdReplay, OurClientAcceptsEveryResponseOfTheTcFixtureAndEndsAt0x87f03) {
  const Replay r = replay("tc-md5-512", Scheme::Tc);
  EXPECT_TRUE(r.failures.empty()) << r.failures.front();
  EXPECT_EQ(r.flags, 0x87f03u);
  EXPECT_EQ(r.pcookie, 0x8ac8a20au);
}

TEST(NtpdReplay, OurBroadcastClientFollowsTheBcastFixtureToItsFlagWord0x87f03) {
  // Broadcast packet 2 (ASSOC, association 54233) starts it; the unicast
  // volley (CERT, COOK, AUTO naming 54233, SIGN, LEAP) completes it; the
  // later broadcasts' ASSOC responses name the same association.
  const Replay r = replay("bcast-tc-md5-512", Scheme::Tc, PeerMode::BroadcastClient);
  EXPECT_TRUE(r.failures.empty()) << r.failures.front();
  EXPECT_EQ(r.flags, 0x87f03u);
}

TEST(NtpdReplay, ConfiguredForGqOurClientRefusesTheIffServerAtAssoc) {
  const Replay r = replay("iff-md5-512", Scheme::Gq);
  ASSERT_FALSE(r.failures.empty());
  EXPECT_NE(r.failures.front().find("IdentitySchemeNotOffered"), std::string::npos) << r.failures.front();
  EXPECT_EQ(r.flags, 0u);
}

}  // namespace
}  // namespace ak::core::test
