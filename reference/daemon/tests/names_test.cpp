// Host names in ntp.conf (`server NAME`, `pool NAME`), resolved once at
// start-up through Environment::resolve: a stand-in DNS in the simulated
// network, getaddrinfo in autokeyd.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "daemon/event_loop.h"
#include "daemon_test_support.h"

namespace ak::daemon {
namespace {

using testing::Network;
using testing::parse;

wire::Address ip(const char* text) { return *wire::Address::parse(text); }

bool logged(const testing::Node& n, const std::string& text) {
  return std::any_of(n.output.logs.begin(), n.output.logs.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

TEST(HostNames, AServerGivenByNameRunsItsAutokeyDanceWithTheAddressTheNameResolvesTo) {
  Network net;
  net.names["time.example"] = {ip("10.123.0.1")};
  auto s = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 21);
  std::string conf = testing::client_config();
  conf.replace(conf.find("server 10.123.0.1"), 17, "server time.example");
  auto c = net.start("clientname", "10.123.0.2", parse(conf), 1, 22);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(c.ok()) << c.error().message;
  const Daemon& client = *(*c)->daemon;
  EXPECT_TRUE(logged(**c, "server time.example is 10.123.0.1"));
  net.run(120, [&] {
    auto v = client.sources();
    return v.size() == 1 && v[0].autokey && v[0].autokey->flags == 0x87f23u;
  });
  ASSERT_EQ(client.sources().size(), 1u);
  EXPECT_EQ(client.sources()[0].remote.address, ip("10.123.0.1"));
  ASSERT_TRUE(client.sources()[0].autokey.has_value());
  EXPECT_EQ(client.sources()[0].autokey->flags, 0x87f23u);
}

TEST(HostNames, APoolBecomesOneServerPerDistinctAddressUpToEight) {
  Network net;
  auto& addrs = net.names["pool.example"];
  addrs = {ip("10.1.0.1"), ip("10.1.0.1"), ip("2001:db8::1")};
  for (int i = 2; i <= 10; ++i) addrs.push_back(ip(("10.1.0." + std::to_string(i)).c_str()));
  auto d = net.start("c", "10.123.0.2", parse("pool pool.example iburst\n"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  const auto v = (*d)->daemon->sources();
  ASSERT_EQ(v.size(), 8u);  // the duplicate counted once, then the first eight
  EXPECT_EQ(v[0].remote.address, ip("10.1.0.1"));
  EXPECT_EQ(v[1].remote.address, ip("2001:db8::1"));
  EXPECT_TRUE(logged(**d, "pool pool.example: 8 servers (10.1.0.1, 2001:db8::1, 10.1.0.2"));
  // -4 keeps the IPv4 addresses only.
  auto d4 = net.start("c4", "10.123.0.3", parse("pool -4 pool.example\n"));
  ASSERT_TRUE(d4.ok()) << d4.error().message;
  for (const auto& s : (*d4)->daemon->sources()) EXPECT_TRUE(s.remote.address.is_v4());
}

TEST(HostNames, ANameThatDoesNotResolveIsLoggedAndLeftOutAndTheDaemonStarts) {
  Network net;
  auto d = net.start("c", "10.123.0.2", parse("server nowhere.example iburst\nserver 10.123.0.1\n"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)->daemon->sources().size(), 1u);
  EXPECT_TRUE(logged(**d, "ntp.conf:1: server nowhere.example: the name does not resolve; line not used"));
}

TEST(HostNames, APoolIsNeverAnAutokeyGroup) {
  Network net;
  net.names["pool.example"] = {ip("10.1.0.1")};
  auto d = net.start("c", "10.123.0.2", parse(testing::client_config() + "pool pool.example autokey\n"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::AssociationNotSupported);
  EXPECT_NE(d.error().message.find("pool pool.example autokey"), std::string::npos) << d.error().message;
}

TEST(HostNames, GetaddrinfoResolvesLocalhostToALoopbackAddress) {
  const auto any = resolve_host("localhost", 0);
  ASSERT_FALSE(any.empty()) << "localhost does not resolve on this machine";
  for (const auto& a : any) EXPECT_TRUE(a == ip("127.0.0.1") || a == ip("::1")) << a.to_string();
  for (const auto& a : resolve_host("localhost", 4)) EXPECT_TRUE(a.is_v4());
}

}  // namespace
}  // namespace ak::daemon
