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

#include "core/host.h"
#include "wire/result.h"

namespace ak::daemon {

enum class LeapFileError : std::uint8_t {
  NoExpiry,            // no "#@" line
  BadNumber,           // a field is not a decimal number
  NoTransitions,       // no data line
  NotIncreasing,       // transitions or offsets out of order
  HashMalformed,       // a "#h" line that is not five 8-digit hex words
  HashMismatch,        // the numbers do not hash to the "#h" line
};
const char* message(LeapFileError e);

struct LeapTable {
  std::uint64_t last_transition = 0;  // NTP seconds of the newest transition
  std::uint32_t tai_offset = 0;       // TAI - UTC after it
  std::uint64_t expiry = 0;           // NTP seconds ("#@")
  std::size_t transitions = 0;
  bool hash_checked = false;          // a "#h" line was there and matched

  // The LEAP value words: TAI offset, low 32 bits of the era start (the
  // newest transition) and of the table's expiry. ntpd 4.2.8p15 sends a
  // fabricated third word (next transition + 7 days, digest §5.5); we send
  // the table's real expiry.
  core::LeapValues values() const {
    return core::LeapValues{tai_offset, static_cast<std::uint32_t>(last_transition),
                            static_cast<std::uint32_t>(expiry)};
  }
};

// Parses the file's text (bounded by the view; lines of any length).
Result<LeapTable, LeapFileError> parse_leapfile(std::string_view text);

}  // namespace ak::daemon
