// Property: the leap-seconds list parser (reference/daemon/leapfile.h,
// `leapfile` in ntp.conf) is total and bounded on any text: no crash, no
// over-read, no exception, and an accepted table is one a host may sign.
//
// Oracles (security-history §4 properties 5 and 19):
//   * parse_leapfile returns a LeapTable or a typed LeapFileError with a
//     message, never throws;
//   * the same text gives the same answer (pure function);
//   * an accepted table has at least one transition, increasing in time,
//     its leap warning is 0, 1 or 2 and 0 after the last line, and the LEAP
//     value words at any of its transitions are that
//     transition's (TAI offset, low 32 bits of its time and of the expiry),
//     a second before it still the previous one's;
//   * a table accepted with a "#h" line is refused once one digit of its
//     last transition changes (the hash covers it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "daemon/leapfile.h"
#include "support/check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto a = ak::daemon::parse_leapfile(text);
    auto b = ak::daemon::parse_leapfile(text);
    AK_FUZZ_CHECK(a.ok() == b.ok());
    if (!a.ok()) {
      AK_FUZZ_CHECK(a.error() == b.error());
      AK_FUZZ_CHECK(std::string(ak::daemon::message(a.error())) != "?");
      return 0;
    }
    const auto& t = *a;
    AK_FUZZ_CHECK(!t.transitions.empty());
    AK_FUZZ_CHECK(t.transitions.size() == b->transitions.size() && t.expiry == b->expiry);
    for (std::size_t i = 1; i < t.transitions.size(); ++i) AK_FUZZ_CHECK(t.transitions[i].at > t.transitions[i - 1].at);
    // A warning is only ever 0, 1 or 2, and never without a later transition.
    for (const auto& x : t.transitions) {
      const int w = t.announcement(x.at - 1);
      AK_FUZZ_CHECK(w >= 0 && w <= 2);
    }
    AK_FUZZ_CHECK(t.announcement(t.transitions.back().at) == 0);
    // The values at each transition are that transition's; just before the
    // next one, still the previous one's.
    for (std::size_t i = 0; i < t.transitions.size(); ++i) {
      const auto& x = t.transitions[i];
      const auto v = t.values(x.at);
      AK_FUZZ_CHECK(v.tai_offset == x.tai_offset && v.era_start == static_cast<std::uint32_t>(x.at));
      AK_FUZZ_CHECK(v.expiry == static_cast<std::uint32_t>(t.expiry));
      if (i > 0) AK_FUZZ_CHECK(t.values(x.at - 1).tai_offset == t.transitions[i - 1].tai_offset);
    }
    const std::uint64_t newest = t.transitions.back().at;
    if (t.hash_checked) {
      // Change the last digit of the newest transition wherever it is
      // written first as a data line's first word: the hash must notice.
      const std::string when = std::to_string(newest);
      std::string changed(text);
      std::size_t at = std::string::npos;
      for (std::size_t p = changed.find(when); p != std::string::npos; p = changed.find(when, p + 1)) {
        const bool line_start = p == 0 || changed[p - 1] == '\n';
        if (line_start) at = p;
      }
      if (at != std::string::npos) {
        char& last = changed[at + when.size() - 1];
        last = last == '9' ? '8' : static_cast<char>(last + 1);
        auto c = ak::daemon::parse_leapfile(changed);
        AK_FUZZ_CHECK(!c.ok());
      }
    }
  } catch (...) {
    std::abort();
  }
  return 0;
}
