// The NIST/IERS leap-seconds list ntpd reads with `leapfile` (the file
// tzdata ships as /usr/share/zoneinfo/leap-seconds.list):
//   #@ <expiry, NTP seconds>
//   <transition, NTP seconds> <TAI-UTC after it> [# comment]
// From it come the LEAP values this host signs and serves (RFC 5906 §10.5;
// autokey-protocol.md §5.5) and the mode-6 tai/leapsec/expire variables.
// The "#h" line, when there is one, is the SHA-1 of the file's numbers (the
// "#$" update time, the "#@" expiry and the first two fields of every data
// line, without blanks); a file whose numbers do not hash to it is refused,
// as ntpd refuses it ("invalid hash signature"). A file without "#h" is
// taken (ntpd: "no hash signature").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/host.h"
#include "wire/result.h"

namespace ak::daemon {

enum class LeapFileError : std::uint8_t {
  NoExpiry,            // no "#@" line
  BadNumber,           // a field is not a decimal number
  NoTransitions,       // no data line
  NotIncreasing,       // transitions out of time order
  HashMalformed,       // a "#h" line that is not five 8-digit hex words
  HashMismatch,        // the numbers do not hash to the "#h" line
};
const char* message(LeapFileError e);

struct LeapTransition {
  std::uint64_t at = 0;         // NTP seconds (the first second of the new offset)
  std::uint32_t tai_offset = 0; // TAI - UTC from then on
};

struct LeapTable {
  std::vector<LeapTransition> transitions;  // increasing in time; never empty
  std::uint64_t expiry = 0;                 // NTP seconds ("#@")
  bool hash_checked = false;                // a "#h" line was there and matched

  // The transition in force at `now` (NTP seconds): the newest one not after
  // it. A list announces a leap second months ahead, so its last line may
  // still be in the future; before the first line, the first one.
  const LeapTransition& in_force(std::uint64_t now) const;
  // The LEAP value words at `now`: TAI offset and low 32 bits of the era
  // start (the transition in force), and of the table's expiry. ntpd
  // 4.2.8p15 sends a fabricated third word (next transition + 7 days,
  // digest §5.5); we send the table's real expiry.
  core::LeapValues values(std::uint64_t now) const;
  // The leap indicator that warns of the list's next transition (RFC 5905
  // §7.3: a leap second "in the last minute of the current month"): 1 when
  // it adds a second at the end of the month `now` is in, 2 when it takes
  // one away, 0 otherwise (none announced, or not this month).
  int announcement(std::uint64_t now) const;
};

// Parses the file's text (bounded by the view; lines of any length).
Result<LeapTable, LeapFileError> parse_leapfile(std::string_view text);

}  // namespace ak::daemon
