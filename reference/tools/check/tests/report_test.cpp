#include <gtest/gtest.h>

#include "check/datagram.h"
#include "check/net.h"
#include "check/pcap_writer.h"
#include "check/report.h"

namespace ak::check {
namespace {

TEST(Report, SummaryLineCountsEachVerdict) {
  Report r;
  r.add({"A", "req", Verdict::Pass, "e"});
  r.add({"B", "req", Verdict::Fail, "e"});
  r.add({"C", "req", Verdict::Skip, ""});
  r.add({"A", "req", Verdict::Fail, "replaced"});
  EXPECT_EQ(r.summary_line(), "3 checks, 0 passed, 2 failed, 1 skipped");
  EXPECT_TRUE(r.any_failed());
  EXPECT_NE(r.table().find("3 checks, 0 passed, 2 failed, 1 skipped\n"), std::string::npos);
}

TEST(Report, JsonEscapesQuotesAndControlCharacters) {
  Report r;
  r.add({"X", "say \"hi\"", Verdict::Pass, "line\nbreak\x01"});
  EXPECT_EQ(r.json(),
            "{\"checks\":[{\"id\":\"X\",\"requirement\":\"say \\\"hi\\\"\",\"result\":\"PASS\",\"evidence\":"
            "\"line\\nbreak\\u0001\"}],\"summary\":{\"checks\":1,\"passed\":1,\"failed\":0,\"skipped\":0}}\n");
}

TEST(Endpoint, ParsesHostPortAndBracketedIpv6) {
  auto a = parse_endpoint("127.0.0.1:1234", 123);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 1234);
  EXPECT_EQ(a->address.to_string(), "127.0.0.1");
  auto b = parse_endpoint("10.0.0.1", 123);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, 123);
  auto c = parse_endpoint("[::1]:999", 123);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->address.is_v6());
  EXPECT_EQ(c->port, 999);
  EXPECT_TRUE(parse_endpoint("::1", 123));
  EXPECT_FALSE(parse_endpoint("host.example:123", 123));
  EXPECT_FALSE(parse_endpoint("127.0.0.1:0", 123));
  EXPECT_FALSE(parse_endpoint("127.0.0.1:70000", 123));
}

TEST(PcapWriter, Ipv4FrameHasAValidHeaderChecksumAndTheUdpPorts) {
  const wire::Bytes payload = {1, 2, 3};
  const auto f = PcapWriter::frame(wire::Address::v4({127, 0, 0, 1}), 1000, wire::Address::v4({127, 0, 0, 2}), 123, payload);
  ASSERT_EQ(f.size(), 20u + 8u + 3u);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < 20; i += 2) sum += static_cast<std::uint32_t>(f[i] << 8 | f[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
  EXPECT_EQ(f[20] << 8 | f[21], 1000);
  EXPECT_EQ(f[22] << 8 | f[23], 123);
  EXPECT_EQ(f[30], 3);
}

TEST(Datagram, ClientRequestCarriesAMacTheServerSideCanVerify) {
  const auto a = wire::Address::v4({10, 0, 0, 2}), b = wire::Address::v4({10, 0, 0, 1});
  const auto bytes = client_request(4004705000u, {}, 0x12345678u, a, b, 0xdeadbeefu, crypto::Digest::MD5);
  // A reply from b to a is checked with (b, a); the request itself with (a, b).
  const Reply as_request = read_reply(bytes, a, b, 0x12345678u, 0xdeadbeefu, crypto::Digest::MD5);
  EXPECT_TRUE(as_request.mac_ok);
  const Reply wrong_cookie = read_reply(bytes, a, b, 0x12345678u, 0, crypto::Digest::MD5);
  EXPECT_FALSE(wrong_cookie.mac_ok);
}

}  // namespace
}  // namespace ak::check
