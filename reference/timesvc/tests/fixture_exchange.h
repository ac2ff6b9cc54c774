// The NTP headers of a fixture capture with their addresses and capture
// times: golden input for the on-wire, filter and server tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capture/capture.h"
#include "testing/fixtures.h"
#include "timesvc/ntp_time.h"
#include "wire/packet.h"

namespace ak::timesvc::test {

struct CapturedNtp {
  std::size_t frame = 0;
  std::string src, dst;
  NtpTimestamp captured = 0;  // the capture's own clock (same host as both daemons)
  wire::NtpHeader header;
};

inline std::vector<CapturedNtp> load_exchange(const std::string& relative) {
  std::vector<CapturedNtp> out;
  auto cap = capture::read_capture(ak::testing::fixture(relative).string());
  EXPECT_TRUE(cap.ok()) << relative;
  if (!cap.ok()) return out;
  for (const auto& d : cap->datagrams()) {
    auto pkt = wire::Packet::parse(d.payload);
    if (!pkt.ok()) continue;
    const auto mode = pkt->header.mode_enum();
    if (mode == wire::Mode::Control || mode == wire::Mode::Private) continue;
    out.push_back(CapturedNtp{d.number, d.src.to_string(), d.dst.to_string(),
                              from_unix(d.time_sec, static_cast<std::uint32_t>(d.time_usec) * 1000u),
                              pkt->header});
  }
  return out;
}

}  // namespace ak::timesvc::test
