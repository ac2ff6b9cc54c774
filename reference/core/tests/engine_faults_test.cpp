// The dance under a hostile network: packets dropped, duplicated, delayed
// past the next poll (reordered), bit-flipped and replayed. A seeded loop;
// after every simulated second the client must be in a state that is right
// (only bits ntpd would show, the real cookie, the real server key), and it
// must complete in the end.
#include <gtest/gtest.h>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

struct Outcome {
  bool completed = false;
  std::uint32_t restarts = 0;
  std::size_t rejected = 0;
};

Outcome run_with_faults(const std::string& folder, Scheme scheme, std::uint32_t final_flags, std::uint64_t seed,
                        const Faults& faults) {
  Engine server(make_host(server_of(folder), {}, seed));
  Engine client(make_host(client_of(folder), {}, seed + 100));
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{client_address_v4(), client_address_v4(), PeerMode::Client, scheme, "servername", 4};
  cfg.remote = server_address_v4();
  const auto id = client.mobilize(cfg, kT0);
  EXPECT_TRUE(id.ok());
  const std::uint32_t expected_cookie = server.host().server_cookie(client_address_v4(), server_address_v4());
  const std::string server_name = server.host().name();

  Net net(seed, faults);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.after_step = [&](std::uint32_t t) {
    const Association* a = client.association(*id);
    ASSERT_NE(a, nullptr);
    // Never a bit the server did not advertise or we did not earn.
    EXPECT_EQ(a->flags & ~final_flags, 0u) << "t=" << t << " flags 0x" << std::hex << a->flags;
    if (a->has(cf::kCook)) {
      EXPECT_EQ(a->pcookie, expected_cookie) << "t=" << t;
    }
    if (a->has(cf::kCert)) {
      ASSERT_TRUE(a->verification_cert.has_value());
      EXPECT_EQ(a->verification_cert->subject, server_name);
    }
    if (a->proventic()) {
      EXPECT_TRUE(a->has(cf::kVrfy));
    }
  };
  net.run(kT0, kT0 + 4 * 3600, [&] { return flags_of(client, *id) == final_flags; });
  Outcome o;
  o.completed = flags_of(client, *id) == final_flags;
  o.restarts = client.association(*id)->restarts;
  for (const auto& a : net.log) {
    if (auto* l = std::get_if<Log>(&a); l && l->event == LogEvent::Rejected) ++o.rejected;
  }
  return o;
}

TEST(HostileNetwork, IffDanceCompletesDespiteDropDuplicateDelayCorruptAndReplay) {
  Faults f;
  f.drop = 0.2;
  f.duplicate = 0.2;
  f.corrupt = 0.1;
  f.replay = 0.3;
  f.max_delay = 20;  // beyond the 16 s poll: replies overtake and arrive late
  std::size_t rejected = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const Outcome o = run_with_faults("iff-md5-512", Scheme::Iff, 0x87f23u, seed, f);
    EXPECT_TRUE(o.completed) << "seed " << seed;
    rejected += o.rejected;
  }
  // The faults did reach the engine (otherwise this test proves nothing).
  EXPECT_GT(rejected, 20u);
}

TEST(HostileNetwork, TcDanceCompletesWhenEveryPacketIsDuplicatedAndHalfAreCorrupted) {
  Faults f;
  f.duplicate = 1.0;
  f.corrupt = 0.5;
  for (std::uint64_t seed = 11; seed <= 14; ++seed) {
    const Outcome o = run_with_faults("tc-md5-512", Scheme::Tc, 0x87f03u, seed, f);
    EXPECT_TRUE(o.completed) << "seed " << seed;
    EXPECT_GT(o.rejected, 0u);
  }
}

TEST(HostileNetwork, TotalSilenceRestartsTheAssociationButNeverCorruptsIt) {
  Engine server(make_host(server_of("iff-md5-512"), {}, 5));
  Engine client(make_host(client_of("iff-md5-512"), {}, 6));
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Iff, "servername", 4};
  const auto id = client.mobilize(cfg, kT0);
  ASSERT_TRUE(id.ok());
  Net net(5);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  const auto t = net.run(kT0, kT0 + 600, [&] { return flags_of(client, *id) == 0x87f23u; });
  ASSERT_EQ(flags_of(client, *id), 0x87f23u);
  // The server goes away: only the client runs for 10 polls.
  for (std::uint32_t s = t + 1; s < t + 16 * 10; ++s) (void)client.handle_timer(s);
  EXPECT_EQ(client.association(*id)->restarts, 1u);
  EXPECT_EQ(flags_of(client, *id), 0u);
  // It comes back: the dance runs again to the end.
  Net again(6);
  again.add(server, server_address_v4());
  again.add(client, client_address_v4(), true);
  again.run(t + 16 * 10, t + 16 * 60, [&] { return flags_of(client, *id) == 0x87f23u; });
  EXPECT_EQ(flags_of(client, *id), 0x87f23u);
}

TEST(ServerRestart, ClientRecoversWhenTheServerComesBackWithANewCookieSeed) {
  auto server = std::make_unique<Engine>(make_host(server_of("iff-md5-512"), {}, 51));
  Engine client(make_host(client_of("iff-md5-512"), {}, 52));
  (void)server->set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Iff, "servername", 4};
  const auto id = client.mobilize(cfg, kT0);
  ASSERT_TRUE(id.ok());
  std::uint32_t t;
  {
    Net net(51);
    net.add(*server, server_address_v4());
    net.add(client, client_address_v4(), true);
    t = net.run(kT0, kT0 + 600, [&] { return flags_of(client, *id) == 0x87f23u; });
    ASSERT_EQ(flags_of(client, *id), 0x87f23u);
    // Through at least one key-list regeneration while complete.
    t = net.run(t + 1, t + 2000, [] { return false; });
    ASSERT_EQ(flags_of(client, *id), 0x87f23u);
  }
  const std::uint32_t old_cookie = client.association(*id)->pcookie;
  // The server restarts: a new random seed, so a new cookie for this client.
  server = std::make_unique<Engine>(make_host(server_of("iff-md5-512"), {}, 53));
  (void)server->set_synchronized(t);
  Net net(52);
  net.add(*server, server_address_v4());
  net.add(client, client_address_v4(), true);
  // Its crypto-NAKs change nothing; silence restarts the client, which then completes again.
  net.run(t + 1, t + 3600, [&] {
    return client.association(*id)->restarts == 1 && flags_of(client, *id) == 0x87f23u;
  });
  EXPECT_EQ(flags_of(client, *id), 0x87f23u);
  EXPECT_EQ(client.association(*id)->restarts, 1u);
  EXPECT_NE(client.association(*id)->pcookie, old_cookie);
  EXPECT_EQ(client.association(*id)->pcookie, server->host().server_cookie(client_address_v4(), server_address_v4()));
}

TEST(Refresh, CompleteAssociationStartsOverAfterNtpRefreshAndCompletesAgain) {
  Engine server(make_host(server_of("tc-md5-512"), {}, 91));
  EngineOptions o;
  o.refresh_log2 = 10;  // 1024 s instead of ntpd's 2^19 s, same rule
  Engine client(make_host(client_of("tc-md5-512"), {}, 92), o);
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Tc, "servername", 4};
  const auto id = *client.mobilize(cfg, kT0);
  Net net(91);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 1500, [&] { return client.association(id)->restarts == 1; });
  ASSERT_EQ(client.association(id)->restarts, 1u);
  bool refresh_timer = false;
  for (const auto& a : net.log) {
    if (auto* st = std::get_if<SetTimer>(&a); st && st->which == TimerKind::Refresh) refresh_timer = true;
  }
  EXPECT_TRUE(refresh_timer);
  const std::uint32_t t = client.association(id)->next_poll;
  net.run(t, t + 600, [&] { return flags_of(client, id) == 0x87f03u; });
  EXPECT_EQ(flags_of(client, id), 0x87f03u);
}

}  // namespace
}  // namespace ak::core::test
