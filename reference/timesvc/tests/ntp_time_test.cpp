#include "timesvc/ntp_time.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ak::timesvc {
namespace {

TEST(NtpTime, DifferenceIsSignedSeconds) {
  const NtpTimestamp a = from_seconds(100.25);
  const NtpTimestamp b = from_seconds(100.0);
  EXPECT_DOUBLE_EQ(diff(a, b), 0.25);
  EXPECT_DOUBLE_EQ(diff(b, a), -0.25);
}

TEST(NtpTime, DifferenceIsRightAcrossTheEraBoundary) {
  // RFC 5905 §6: 2036-02-07 06:28:16 starts era 1 and the 64-bit value
  // wraps to zero; one second either side is still two seconds apart.
  const NtpTimestamp before = 0xffffffff00000000ull;  // era 0, second 2^32 - 1
  const NtpTimestamp after = 0x0000000100000000ull;   // era 1, second 1
  EXPECT_DOUBLE_EQ(diff(after, before), 2.0);
  EXPECT_DOUBLE_EQ(diff(before, after), -2.0);
  EXPECT_EQ(add(before, 2.0), after);
}

TEST(NtpTime, UnixTimeMapsToTheFixtureTimestamp) {
  // iff fixture frame 2: reference time eeb2eb97 is 2026-11-26 17:32:07 UTC
  // (ntpq `reftime=eeb2eb97.5cb59a45  Thu, Nov 26 2026 17:32:07.362`).
  const NtpTimestamp t = from_unix(1795714327, 362000000);
  EXPECT_EQ(t >> 32, 0xeeb2eb97u);
  EXPECT_NEAR(static_cast<double>(t & 0xffffffffu) / 4294967296.0, 0.362, 1e-9);
}

TEST(NtpTime, ShortFormatRoundsAndSaturates) {
  EXPECT_EQ(short_from_seconds(1.0), 0x00010000u);
  EXPECT_EQ(short_from_seconds(-3.0), 0u);
  EXPECT_EQ(short_from_seconds(70000.0), 0xffffffffu);
  // 520849 is the root dispersion the iff server sent after one LOCAL sample.
  EXPECT_NEAR(short_to_seconds(520849), 7.9475, 1e-4);
}

TEST(NtpTime, AddingNotANumberLeavesTheTimestampAlone) {
  EXPECT_EQ(add(from_seconds(5), std::nan("")), from_seconds(5));
}

TEST(NtpTime, TimestampPrintsAsNtpqDoes) {
  EXPECT_EQ(to_hex(0xeeb2eb975cb59a45ull), "eeb2eb97.5cb59a45");
}

}  // namespace
}  // namespace ak::timesvc
