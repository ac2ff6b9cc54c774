// LEAP values (RFC 5906 §10.5; digest §5.5) travel from a server with a
// leap table to our client: the association keeps the verified words, and a
// synchronized client without values of its own adopts them (and serves
// them on, re-signed).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

// 1 Jan 2017 00:00 UTC, the last leap second so far, and a table expiry.
constexpr LeapValues kTable{37, 3692217600u, 3976214400u};

struct Pair {
  Engine server;
  Engine client;
  std::uint32_t id = 0;
  Net net;
};

std::unique_ptr<Pair> run_pair(LeapValues server_leap, LeapValues client_leap, std::uint64_t seed) {
  HostOptions so;
  so.leap = server_leap;
  HostOptions co;
  co.leap = client_leap;
  auto p = std::unique_ptr<Pair>(new Pair{Engine(make_host(server_of("iff-md5-512"), so, seed)),
                                          Engine(make_host(client_of("iff-md5-512"), co, seed + 1)), 0, Net(seed)});
  (void)p->server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Iff, "servername", 4};
  p->id = *p->client.mobilize(cfg, kT0);
  p->net.add(p->server, server_address_v4());
  p->net.add(p->client, client_address_v4(), true);
  p->net.run(kT0, kT0 + 600, [&] { return flags_of(p->client, p->id) == 0x87f23u; });
  return p;
}

TEST(LeapValues, ReachTheClientAssociationAndTheClientHostAdoptsThem) {
  auto p = run_pair(kTable, {}, 71);
  ASSERT_EQ(flags_of(p->client, p->id), 0x87f23u);
  const auto views = p->client.associations();
  ASSERT_EQ(views.size(), 1u);
  ASSERT_TRUE(views[0].leap.has_value());
  EXPECT_EQ(views[0].leap->tai_offset, 37u);
  EXPECT_EQ(views[0].leap->era_start, kTable.era_start);
  EXPECT_EQ(views[0].leap->expiry, kTable.expiry);
  EXPECT_EQ(p->client.host().leap(), kTable);
  // Adopted values are signed and served like the host's own (12 octets).
  EXPECT_TRUE(p->client.host().leap_value().is_signed());
  EXPECT_EQ(p->client.host().leap_value().value.size(), 12u);
  // The cryptostats text ntpd writes for the step.
  bool line = false;
  for (const auto& x : p->net.log)
    if (auto* e = std::get_if<CryptoEvent>(&x); e && e->text.find("leap TAI offset 37 at 3692217600 expire 3976214400") == 0)
      line = true;
  EXPECT_TRUE(line);
}

TEST(LeapValues, AllZeroValuesOfAServerWithoutTableLightLeapButChangeNothing) {
  auto p = run_pair({}, {}, 73);
  ASSERT_EQ(flags_of(p->client, p->id), 0x87f23u);
  ASSERT_TRUE(p->client.associations()[0].leap.has_value());
  EXPECT_EQ(p->client.associations()[0].leap->tai_offset, 0u);
  EXPECT_EQ(p->client.host().leap(), LeapValues{});
}

TEST(LeapValues, AClientWithANewerTableKeepsItsOwn) {
  const LeapValues newer{38, 3692217600u + 86400u * 400u, 3976214400u + 86400u};
  auto p = run_pair(kTable, newer, 75);
  ASSERT_EQ(flags_of(p->client, p->id), 0x87f23u);
  EXPECT_EQ(p->client.associations()[0].leap->tai_offset, 37u);  // what the server said
  EXPECT_EQ(p->client.host().leap(), newer);                       // what the client keeps
}

}  // namespace
}  // namespace ak::core::test
