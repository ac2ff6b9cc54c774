// Property: the leap-seconds list parser (reference/daemon/leapfile.h,
// `leapfile` in ntp.conf) is total and bounded on any text: no crash, no
// over-read, no exception, and an accepted table is one a host may sign.
//
// Oracles (security-history §4 properties 5 and 19):
//   * parse_leapfile returns a LeapTable or a typed LeapFileError with a
//     message, never throws;
//   * the same text gives the same answer (pure function);
//   * an accepted table has an expiry and at least one transition, and its
//     LEAP value words are its own numbers (TAI offset, low 32 bits of the
//     newest transition and of the expiry);
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
    AK_FUZZ_CHECK(t.transitions >= 1);
    AK_FUZZ_CHECK(t.tai_offset == b->tai_offset && t.expiry == b->expiry && t.last_transition == b->last_transition);
    const auto v = t.values();
    AK_FUZZ_CHECK(v.tai_offset == t.tai_offset);
    AK_FUZZ_CHECK(v.era_start == static_cast<std::uint32_t>(t.last_transition));
    if (t.hash_checked) {
      // Change the last digit of the newest transition wherever it is
      // written first as a data line's first word: the hash must notice.
      const std::string when = std::to_string(t.last_transition);
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
