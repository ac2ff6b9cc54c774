#include "daemon/leapfile.h"

#include <charconv>

namespace ak::daemon {

const char* message(LeapFileError e) {
  switch (e) {
    case LeapFileError::NoExpiry: return "no expiry line (#@)";
    case LeapFileError::BadNumber: return "a field is not a decimal number";
    case LeapFileError::NoTransitions: return "no leap-second transitions";
    case LeapFileError::NotIncreasing: return "transitions or offsets are not increasing";
  }
  return "?";
}

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The next blank-separated word of `line`, advancing it.
std::string_view word(std::string_view& line) {
  std::size_t i = 0;
  while (i < line.size() && blank(line[i])) ++i;
  std::size_t j = i;
  while (j < line.size() && !blank(line[j])) ++j;
  const std::string_view w = line.substr(i, j - i);
  line.remove_prefix(j);
  return w;
}

bool number(std::string_view w, std::uint64_t& out) {
  if (w.empty()) return false;
  const auto r = std::from_chars(w.data(), w.data() + w.size(), out);
  return r.ec == std::errc{} && r.ptr == w.data() + w.size();
}

}  // namespace

Result<LeapTable, LeapFileError> parse_leapfile(std::string_view text) {
  LeapTable t;
  bool have_expiry = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.substr(0, 2) == "#@") {
      line.remove_prefix(2);
      if (!number(word(line), t.expiry)) return Err{LeapFileError::BadNumber};
      have_expiry = true;
      continue;
    }
    if (!line.empty() && line[0] == '#') continue;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const std::string_view when = word(line);
    if (when.empty()) continue;  // blank line
    std::uint64_t at = 0, offset = 0;
    if (!number(when, at) || !number(word(line), offset) || offset > 0xffffffffu) return Err{LeapFileError::BadNumber};
    if (t.transitions > 0 && (at <= t.last_transition || offset < t.tai_offset)) return Err{LeapFileError::NotIncreasing};
    t.last_transition = at;
    t.tai_offset = static_cast<std::uint32_t>(offset);
    ++t.transitions;
  }
  if (!have_expiry) return Err{LeapFileError::NoExpiry};
  if (t.transitions == 0) return Err{LeapFileError::NoTransitions};
  return t;
}

}  // namespace ak::daemon
