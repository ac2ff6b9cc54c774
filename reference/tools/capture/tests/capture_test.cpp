#include "capture/capture.h"

#include <gtest/gtest.h>

#include "testing/fixtures.h"

namespace ak::capture {
namespace {

TEST(CaptureReader, ReadsEveryFrameOfTheIffSessionAsUdpBetweenTheTwoHosts) {
  auto cap = read_capture(testing::fixture("iff-md5-512/exchange.pcap").string());
  ASSERT_TRUE(cap.ok()) << cap.error();
  ASSERT_EQ(cap->frames.size(), 28u);
  const auto& first = *cap->frames.front().datagram;
  EXPECT_EQ(first.number, 1u);
  EXPECT_EQ(first.src.to_string(), "10.123.0.2");
  EXPECT_EQ(first.dst.to_string(), "10.123.0.1");
  EXPECT_EQ(first.dst_port, 123);
  // tshark shows frame 1 as 158 octets on the wire: 14 + 20 + 8 + 116.
  EXPECT_EQ(first.payload.size(), 116u);
  for (const auto& f : cap->frames) EXPECT_TRUE(f.datagram.has_value()) << "frame " << f.number;
}

TEST(CaptureReader, ReportsAMissingFileAsAnErrorNamingIt) {
  auto cap = read_capture("/nonexistent/x.pcap");
  ASSERT_FALSE(cap.ok());
  EXPECT_NE(cap.error().find("/nonexistent/x.pcap"), std::string::npos);
}

TEST(CaptureReader, RefusesATruncatedUdpHeaderWithAReason) {
  // Ethernet + IPv4 header claiming UDP, then only 3 octets.
  wire::Bytes frame(12, 0);
  frame.insert(frame.end(), {0x08, 0x00, 0x45, 0, 0, 23, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 123, 0});
  auto d = decode_frame(1, frame);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().find("UDP"), std::string::npos);
}

}  // namespace
}  // namespace ak::capture
