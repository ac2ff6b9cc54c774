#include <gtest/gtest.h>

#include "daemon/load.h"
#include "daemon_test_support.h"
#include "wire/packet.h"

namespace ak::daemon {
namespace {

TEST(LoadRequest, IsAnsweredByOurServerWithAnAssocResponseNotACryptoNak) {
  testing::Network net;
  auto server = net.start("servername", "10.123.0.1", testing::parse(testing::server_config()), 1, 71);
  ASSERT_TRUE(server.ok());
  net.run(0.5);
  load::RequestSpec spec;
  spec.client = load::client_address(12345);
  spec.server = *wire::Address::parse("10.123.0.1");
  spec.transmit = 77;
  // The server's certificate names group "servername": ASSOC requests must
  // come from a member (operator-surface §3.6 group filtering).
  spec.host_name = "loadclient@servername";
  const auto bytes = load::make_request(spec);
  auto out = (*server)->daemon->handle_datagram(bytes, {spec.client, 40000}, {spec.server, 123});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(load::answered_transmit(out[0].bytes), 77u);
  auto reply = wire::Packet::parse(out[0].bytes);
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->is_crypto_nak());  // the MAC verified
  ASSERT_EQ(reply->fields.size(), 1u);
  EXPECT_TRUE(reply->fields[0].response);
  EXPECT_EQ(reply->mac->key_id, spec.key_id);
}

TEST(LoadRequest, FromOutsideTheServersGroupGetsNoAssocResponse) {
  testing::Network net;
  auto server = net.start("servername", "10.123.0.1", testing::parse(testing::server_config()), 1, 72);
  ASSERT_TRUE(server.ok());
  net.run(0.5);
  load::RequestSpec spec;
  spec.client = load::client_address(1);
  spec.server = *wire::Address::parse("10.123.0.1");
  spec.transmit = 5;
  spec.host_name = "stranger";
  auto out = (*server)->daemon->handle_datagram(load::make_request(spec), {spec.client, 40000}, {spec.server, 123});
  for (const auto& d : out) {
    auto reply = wire::Packet::parse(d.bytes);
    ASSERT_TRUE(reply.ok());
    EXPECT_TRUE(reply->fields.empty());
  }
}

TEST(LoadRequest, ClientAddressesAreDistinctLoopbackAddresses) {
  EXPECT_EQ(load::client_address(0).to_string(), "127.1.0.0");
  EXPECT_EQ(load::client_address(70000).to_string(), "127.2.17.112");
}

TEST(LoadSummary, ReportsPercentilesAndRate) {
  std::vector<double> lat;
  for (int i = 1; i <= 100; ++i) lat.push_back(i);
  const auto s = load::summarize(120, lat, 2.0);
  EXPECT_EQ(s.received, 100u);
  EXPECT_DOUBLE_EQ(s.responses_per_second(), 50.0);
  EXPECT_DOUBLE_EQ(s.p50_us, 51.0);
  EXPECT_DOUBLE_EQ(s.p99_us, 100.0);
  EXPECT_DOUBLE_EQ(s.max_us, 100.0);
}

}  // namespace
}  // namespace ak::daemon
