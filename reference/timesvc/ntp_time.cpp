#include "timesvc/ntp_time.h"

#include <cmath>
#include <cstdio>

namespace ak::timesvc {

namespace {
constexpr double kTwo32 = 4294967296.0;
}

double diff(NtpTimestamp a, NtpTimestamp b) {
  // Unsigned subtraction wraps modulo 2^64; the two's-complement reading of
  // the result is the signed difference (RFC 5905 §6).
  const auto d = static_cast<std::int64_t>(a - b);
  return static_cast<double>(d) / kTwo32;
}

NtpTimestamp add(NtpTimestamp t, double seconds) {
  if (std::isnan(seconds)) return t;
  const double scaled = std::nearbyint(seconds * kTwo32);
  // |seconds| beyond 2^31 is meaningless on one era; clamp rather than let
  // the conversion be undefined.
  constexpr double kLimit = 9.2e18;
  const double clamped = scaled > kLimit ? kLimit : (scaled < -kLimit ? -kLimit : scaled);
  return t + static_cast<std::uint64_t>(static_cast<std::int64_t>(clamped));
}

NtpTimestamp from_seconds(double seconds) { return add(0, seconds); }

double to_seconds(NtpTimestamp t) { return static_cast<double>(t) / kTwo32; }

NtpTimestamp from_unix(std::int64_t seconds, std::uint32_t nanoseconds) {
  const auto era_seconds =
      static_cast<std::uint32_t>(static_cast<std::uint64_t>(seconds) + kNtpUnixOffset);
  // Fraction: nanoseconds * 2^32 / 1e9, exact in 64-bit integer arithmetic
  // because nanoseconds < 2^30.
  const std::uint64_t frac = (static_cast<std::uint64_t>(nanoseconds % 1000000000u) << 32) /
                             1000000000u;
  return (static_cast<std::uint64_t>(era_seconds) << 32) | frac;
}

NtpShort short_from_seconds(double seconds) {
  if (!(seconds > 0.0)) return 0;  // also catches NaN
  const double scaled = std::nearbyint(seconds * 65536.0);
  if (scaled >= 4294967295.0) return 0xffffffffu;
  return static_cast<NtpShort>(scaled);
}

double short_to_seconds(NtpShort s) { return static_cast<double>(s) / 65536.0; }

double log2_seconds(int exponent) { return std::ldexp(1.0, exponent); }

std::string to_hex(NtpTimestamp t) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08x.%08x", static_cast<unsigned>(t >> 32),
                static_cast<unsigned>(t & 0xffffffffu));
  return buf;
}

}  // namespace ak::timesvc
