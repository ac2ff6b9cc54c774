#include "daemon/output.h"

#include <cstdio>

namespace ak::daemon {

std::string_view name(StatsKind kind) {
  return kind == StatsKind::Cryptostats ? "cryptostats" : "peerstats";
}

std::string stats_time(std::int64_t unix_seconds, std::uint32_t nanoseconds) {
  // MJD 40587 is 1970-01-01; ntpd prints the day, then the seconds past UTC
  // midnight with milliseconds (record_crypto_stats).
  constexpr std::int64_t kUnixEpochMjd = 40587;
  const std::int64_t day = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  const std::int64_t second = unix_seconds - day * 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld %lld.%03u", static_cast<long long>(day + kUnixEpochMjd),
                static_cast<long long>(second), static_cast<unsigned>(nanoseconds / 1000000u));
  return buf;
}

}  // namespace ak::daemon
