// Milestone 2: the time service end to end without Autokey, two daemons on a
// simulated timeline.
#include <gtest/gtest.h>

#include "daemon_test_support.h"
#include "timesvc/on_wire.h"
#include "wire/packet.h"

namespace ak::daemon {
namespace {

using testing::Network;
using testing::parse;

const char* kLocalServer =
    "server 127.127.1.0 minpoll 3 maxpoll 3 prefer\n"
    "fudge 127.127.1.0 stratum 3\n"
    "disable ntp\n";

TEST(LocalClockServer, IsSynchronizedAtItsFirstTimerTick) {
  Network net;
  auto server = net.start("server", "10.0.0.1", parse(kLocalServer));
  ASSERT_TRUE(server.ok()) << server.error().message;
  EXPECT_FALSE((*server)->daemon->time_service().system().synchronized());
  net.run(0.25);
  const auto& sys = (*server)->daemon->time_service().system();
  EXPECT_TRUE(sys.synchronized());
  EXPECT_EQ(sys.stratum, 4);  // fudge stratum 3, plus one (fixture ntpq: stratum=4)
  // Above stratum 1 the refid is the source address: 127.127.1.0, which
  // ntpq shows as LOCAL(0) (iff-md5-512/ntpq.txt).
  EXPECT_EQ(sys.refid, 0x7f7f0100u);
}

TEST(LocalClockServer, AnswersAModeThreeRequestWithItsSystemVariables) {
  Network net;
  auto server = net.start("server", "10.0.0.1", parse(kLocalServer));
  ASSERT_TRUE(server.ok());
  net.run(0.5);
  wire::Packet request;
  request.header.mode = 3;
  request.header.version = 4;
  request.header.transmit_ts = 0x0123456789abcdefULL;
  auto bytes = request.serialize();
  ASSERT_TRUE(bytes.ok());
  const Endpoint client{*wire::Address::parse("10.0.0.9"), 40000};
  const Endpoint me{*wire::Address::parse("10.0.0.1"), 123};
  auto out = (*server)->daemon->handle_datagram(*bytes, client, me);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, client);  // back to the request's source port
  EXPECT_EQ(out[0].from, me);
  auto reply = wire::Packet::parse(out[0].bytes);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->header.mode, 4);
  EXPECT_EQ(reply->header.leap, 0);
  EXPECT_EQ(reply->header.stratum, 4);
  EXPECT_EQ(reply->header.refid, 0x7f7f0100u);
  EXPECT_EQ(reply->header.origin_ts, request.header.transmit_ts);
  const std::uint64_t now = timesvc::from_unix(net.clock().realtime().sec, 0);
  EXPECT_NEAR(timesvc::diff(reply->header.transmit_ts, now), 0.0, 1.0);
  EXPECT_FALSE(reply->mac.has_value());  // no crypto configured: a plain reply
}

TEST(NetworkClient, FollowsALocalClockServerAndBecomesStratumFive) {
  Network net;
  auto server = net.start("server", "10.0.0.1", parse(kLocalServer));
  auto client = net.start("client", "10.0.0.2", parse("server 10.0.0.1 iburst\ndisable ntp\n"));
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(client.ok());
  const Daemon& c = *(*client)->daemon;
  net.run(60, [&] { return c.time_service().system().synchronized(); });
  ASSERT_TRUE(c.time_service().system().synchronized()) << "client never synchronized";
  EXPECT_EQ(c.time_service().system().stratum, 5);
  EXPECT_EQ(c.time_service().system().refid, 0x0a000001u);  // the server's IPv4 address
  auto sources = c.sources();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].status & 0x0700, 0x0600);  // selection code: sys.peer
  EXPECT_FALSE((*client)->output.peerstats.empty());
}

TEST(NetworkClient, IsNeverSynchronizedByAServerThatIsNotSynchronized) {
  Network net;
  // A server with no source at all answers leap 3 / stratum 0 (RFC 5905 §7.3).
  auto server = net.start("server", "10.0.0.1", parse("disable ntp\n"));
  auto client = net.start("client", "10.0.0.2", parse("server 10.0.0.1 iburst\n"));
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(client.ok());
  net.run(40);
  EXPECT_FALSE((*client)->daemon->time_service().system().synchronized());
  EXPECT_GT(net.delivered(), 10u);  // they did talk
}

TEST(SystemStatus, ShowsLocalClockSourceOnceSynchronized) {
  Network net;
  auto server = net.start("server", "10.0.0.1", parse(kLocalServer));
  ASSERT_TRUE(server.ok());
  EXPECT_EQ((*server)->daemon->system_status() >> 14, 3u);  // alarm before the first sample
  net.run(0.5);
  const std::uint16_t st = (*server)->daemon->system_status();
  EXPECT_EQ(st >> 14, 0u);
  EXPECT_EQ((st >> 8) & 0x3f, 5u);  // clock source: local clock
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

TEST(Refclock, AnUnknownDriverTypeIsRefusedAtStartup) {
  testing::Network net;
  auto d = net.start("s", "10.0.0.1", testing::parse("server 127.127.99.0\n"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::RefclockNotSupported);
  EXPECT_NE(d.error().message.find("127.127.99.0"), std::string::npos) << d.error().message;
}

TEST(Refclock, LocalClockFudgeStratumAndRefidReachTheServedHeader) {
  testing::Network net;
  auto d = net.start("s", "10.0.0.1", testing::parse("server 127.127.1.0\nfudge 127.127.1.0 stratum 7 refid ABCD\n"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  net.run(0.5);
  const auto& sys = (*d)->daemon->time_service().system();
  EXPECT_EQ(sys.stratum, 8);
  EXPECT_EQ((*d)->daemon->time_service().peer(0).config().refclock_id, timesvc::refid_from_text("ABCD"));
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

TEST(Startup, RefusesBroadcastclientWithoutCryptoWithAMessage) {
  testing::Network net;
  auto d = net.start("c", "10.0.0.2", testing::parse("broadcastclient\n"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, StartupErrorCode::AssociationNotSupported);
  EXPECT_NE(d.error().message.find("broadcastclient"), std::string::npos);
}

}  // namespace
}  // namespace ak::daemon
