// NTP time formats (RFC 5905 §6) and the arithmetic the time service needs.
//
// A timestamp is the 64-bit 32.32 fixed-point count of seconds since the
// start of the current era; a short is 16.16 and carries root delay and root
// dispersion. The time service never reads a clock: every "now" is an
// NtpTimestamp handed in by the caller (the daemon's system clock reading).
#pragma once

#include <cstdint>
#include <string>

namespace ak::timesvc {

using NtpTimestamp = std::uint64_t;  // 32.32, RFC 5905 §6 figure 3
using NtpShort = std::uint32_t;      // 16.16, RFC 5905 §6 figure 3

// RFC 5905 §7.2 and ntpd 4.2.8 tos defaults.
inline constexpr double kPhi = 15e-6;      // frequency tolerance PHI (s/s)
inline constexpr double kMaxDisp = 16.0;   // MAXDISP (s)
inline constexpr int kMaxStratum = 16;     // MAXSTRAT: "unsynchronized"
inline constexpr int kNoSync = 3;          // leap indicator "alarm"
inline constexpr int kMinPoll = 3;         // ntpd NTP_MINPOLL (8 s)
inline constexpr int kMaxPoll = 17;        // ntpd NTP_MAXPOLL (36.4 h)
inline constexpr int kDefaultMinPoll = 6;  // ntpd NTP_MINDPOLL (64 s)
inline constexpr int kDefaultMaxPoll = 10; // ntpd NTP_MAXDPOLL (1024 s)

// Seconds between 1900-01-01 (NTP era 0) and 1970-01-01 (Unix epoch).
inline constexpr std::uint64_t kNtpUnixOffset = 2208988800u;

// a - b in seconds. RFC 5905 §6: the difference of two timestamps is taken
// modulo 2^64 and read as signed, which is right across an era boundary as
// long as the two are within 68 years of each other.
double diff(NtpTimestamp a, NtpTimestamp b);

// t + seconds (negative allowed), wrapping modulo 2^64 like the wire format.
NtpTimestamp add(NtpTimestamp t, double seconds);

// Seconds since the era start as a timestamp, and back (for tests and for the
// daemon's clock adapter). Values outside one era wrap.
NtpTimestamp from_seconds(double seconds);
double to_seconds(NtpTimestamp t);

// Unix time (seconds, nanoseconds) of era 0/1 as an NTP timestamp; the era is
// implied by truncation to 32 bits of seconds (RFC 5905 §6).
NtpTimestamp from_unix(std::int64_t seconds, std::uint32_t nanoseconds);

// Non-negative seconds to the 16.16 short format, rounded to nearest and
// saturating at 0xffffffff (65535.99998 s); negative values become 0.
NtpShort short_from_seconds(double seconds);
double short_to_seconds(NtpShort s);

// 2^exponent seconds ("LOG2D" in RFC 5905 Appendix A).
double log2_seconds(int exponent);

// "eeb2eb97.5cb59a45", as ntpq prints timestamps.
std::string to_hex(NtpTimestamp t);

}  // namespace ak::timesvc
