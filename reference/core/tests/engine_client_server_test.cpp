// Our client against our server, on the fixtures' keys: the whole dance of
// digest §9.4 completes and ends at ntpd's own flag word.
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

struct Pair {
  Engine server;
  Engine client;
  std::uint32_t id = 0;
};

Pair make_pair(const std::string& folder, Scheme scheme, std::uint64_t seed = 7) {
  Pair p{Engine(make_host(server_of(folder), {}, seed)), Engine(make_host(client_of(folder), {}, seed + 1)), 0};
  (void)p.server.set_synchronized(kT0);
  PeerConfig cfg;
  cfg.remote = server_address_v4();
  cfg.local = client_address_v4();
  cfg.mode = PeerMode::Client;
  cfg.scheme = scheme;
  cfg.ident = "servername";
  cfg.poll_log2 = 4;
  auto id = p.client.mobilize(cfg, kT0);
  EXPECT_TRUE(id.ok());
  p.id = id.ok() ? *id : 0;
  return p;
}

TEST(ClientServer, TcClientCompletesAgainstOurServerWithNtpdFlagWord) {
  Pair p = make_pair("tc-md5-512", Scheme::Tc);
  Net net(1);
  net.add(p.server, server_address_v4());
  net.add(p.client, client_address_v4(), /*sync_when_proventic=*/true);
  net.run(kT0, kT0 + 600, [&] { return flags_of(p.client, p.id) == 0x87f03u; });
  // Digest §4 / fixture tc-md5-512 ntpq view: 0x87f03.
  EXPECT_EQ(flags_of(p.client, p.id), 0x87f03u);
  if (flags_of(p.client, p.id) != 0x87f03u) {
    for (const auto& x : net.log) ADD_FAILURE() << describe(x);
  }
  const Association* a = p.client.association(p.id);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->proventic());
  EXPECT_EQ(a->subject, "servername@servername");
  // The cookie is what the server hands this client (digest §6.5).
  EXPECT_EQ(a->pcookie, p.server.host().server_cookie(client_address_v4(), server_address_v4()));
}

TEST(ClientServer, RefreshStartsTheAssociationOverUnderTheSameIdAndItCompletesAgain) {
  // Digest §6.10, §9.8: peer_clear on demand, as the refresh timer does it.
  Pair p = make_pair("tc-md5-512", Scheme::Tc);
  Net net(3);
  net.add(p.server, server_address_v4());
  net.add(p.client, client_address_v4(), true);
  auto t = net.run(kT0, kT0 + 600, [&] { return flags_of(p.client, p.id) == 0x87f03u; });
  ASSERT_EQ(flags_of(p.client, p.id), 0x87f03u);
  const auto actions = p.client.refresh(p.id, t + 1);
  ASSERT_NE(p.client.association(p.id), nullptr);
  EXPECT_EQ(flags_of(p.client, p.id), 0u);
  EXPECT_EQ(p.client.association(p.id)->restarts, 1u);
  EXPECT_EQ(p.client.association(p.id)->pcookie, 0u);
  EXPECT_TRUE(std::any_of(actions.begin(), actions.end(), [](const Action& a) {
    const auto* l = std::get_if<Log>(&a);
    return l && l->event == LogEvent::Restarted;
  }));
  EXPECT_TRUE(p.client.refresh(0x7fff0000u, t + 1).empty());  // no such association: nothing
  net.run(t + 2, t + 900, [&] { return flags_of(p.client, p.id) == 0x87f03u; });
  EXPECT_EQ(flags_of(p.client, p.id), 0x87f03u);
}

TEST(ClientServer, IffClientCompletesAgainstOurServerWithNtpdFlagWord0x87f23) {
  Pair p = make_pair("iff-md5-512", Scheme::Iff);
  Net net(2);
  net.add(p.server, server_address_v4());
  net.add(p.client, client_address_v4(), true);
  net.run(kT0, kT0 + 600, [&] { return flags_of(p.client, p.id) == 0x87f23u; });
  // Fixture iff-md5-512 ntpq view / cryptostats: association flags 0x87f23.
  EXPECT_EQ(flags_of(p.client, p.id), 0x87f23u);
  const auto views = p.client.associations();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].state, State::Complete);
  EXPECT_EQ(views[0].signature, "md5WithRSAEncryption");
}

TEST(ClientServer, CompletedClientSendsPlainAutokeyPacketsThatStayProventic) {
  Pair p = make_pair("iff-md5-512", Scheme::Iff);
  Net net(3);
  net.add(p.server, server_address_v4());
  net.add(p.client, client_address_v4(), true);
  const auto t = net.run(kT0, kT0 + 600, [&] { return flags_of(p.client, p.id) == 0x87f23u; });
  net.log.clear();
  net.run(t + 1, t + 200, [] { return false; });
  int samples = 0;
  for (const auto& a : net.log) {
    if (auto* s = std::get_if<Sample>(&a)) {
      EXPECT_TRUE(s->proventic);
      ++samples;
    }
    if (auto* l = std::get_if<Log>(&a)) {
      EXPECT_NE(l->event, LogEvent::Rejected) << l->text;
    }
  }
  EXPECT_GE(samples, 10);
  EXPECT_EQ(flags_of(p.client, p.id), 0x87f23u);
}

}  // namespace
}  // namespace ak::core::test
