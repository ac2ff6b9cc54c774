// Where the daemon's text goes: operator log lines, and the statistics files
// ntpd writes (cryptostats, peerstats) in ntpd's line formats
// (autokey-operator-surface.md §5.1):
//   "<MJD> <seconds past UTC midnight, 3 decimals> <address> <text>"
// The daemon formats every line; an Output only stores it. Nothing written
// here ever contains key material or a password.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ak::daemon {

enum class StatsKind : std::uint8_t { Cryptostats, Peerstats };
std::string_view name(StatsKind kind);  // "cryptostats", "peerstats"

class Output {
 public:
  virtual ~Output() = default;
  // One operator message, without time stamp or newline.
  virtual void log(std::string_view message) = 0;
  // One complete statistics line, without newline.
  virtual void stats(StatsKind kind, std::string_view line) = 0;
};

// Keeps everything in memory (tests, and start-up before files are open).
class MemoryOutput final : public Output {
 public:
  void log(std::string_view message) override { logs.emplace_back(message); }
  void stats(StatsKind kind, std::string_view line) override {
    (kind == StatsKind::Cryptostats ? cryptostats : peerstats).emplace_back(line);
  }
  std::vector<std::string> logs, cryptostats, peerstats;
};

// "<MJD> <seconds.mmm>" for a Unix time, as ntpd's statistics lines start.
std::string stats_time(std::int64_t unix_seconds, std::uint32_t nanoseconds);

}  // namespace ak::daemon
