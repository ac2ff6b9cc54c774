#include "daemon/leapfile.h"

#include <charconv>
#include <chrono>
#include <optional>
#include <string>

#include "crypto/digest.h"

namespace ak::daemon {

const char* message(LeapFileError e) {
  switch (e) {
    case LeapFileError::NoExpiry: return "no expiry line (#@)";
    case LeapFileError::BadNumber: return "a field is not a decimal number";
    case LeapFileError::NoTransitions: return "no leap-second transitions";
    case LeapFileError::NotIncreasing: return "transitions are not in increasing order of time";
    case LeapFileError::HashMalformed: return "malformed hash line (#h)";
    case LeapFileError::HashMismatch: return "invalid hash signature: the numbers do not hash to the #h line";
  }
  return "?";
}

namespace {

// The list's times are NTP seconds of era 0 (until 2036).
constexpr std::uint64_t kMaxNtpSeconds = 0xffffffffu;

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

// "#h" followed by five words of eight hex digits: the 20 octets of a SHA-1.
bool parse_hash_line(std::string_view line, wire::Bytes& out) {
  out.clear();
  for (int i = 0; i < 5; ++i) {
    const std::string_view w = word(line);
    if (w.size() != 8) return false;
    std::uint32_t v = 0;
    const auto r = std::from_chars(w.data(), w.data() + w.size(), v, 16);
    if (r.ec != std::errc{} || r.ptr != w.data() + w.size()) return false;
    for (int k = 3; k >= 0; --k) out.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
  }
  return word(line).empty();
}

}  // namespace

const LeapTransition& LeapTable::in_force(std::uint64_t now) const {
  const LeapTransition* t = &transitions.front();
  for (const auto& x : transitions)
    if (x.at <= now) t = &x;
  return *t;
}

core::LeapValues LeapTable::values(std::uint64_t now) const {
  const LeapTransition& t = in_force(now);
  return core::LeapValues{t.tai_offset, static_cast<std::uint32_t>(t.at), static_cast<std::uint32_t>(expiry)};
}

namespace {
// The UTC year and month of an NTP second (era 0).
std::chrono::year_month utc_month(std::uint64_t ntp) {
  constexpr std::int64_t kNtpToUnix = 2208988800LL;
  const std::chrono::sys_seconds t{std::chrono::seconds{static_cast<std::int64_t>(ntp) - kNtpToUnix}};
  const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t)};
  return d.year() / d.month();
}
}  // namespace

int LeapTable::announcement(std::uint64_t now) const {
  const LeapTransition& current = in_force(now);
  for (const auto& next : transitions) {
    if (next.at <= now) continue;
    // The leap second is the last one of the month before `next.at`.
    if (utc_month(next.at - 1) != utc_month(now)) return 0;
    if (next.tai_offset == current.tai_offset) return 0;
    return next.tai_offset > current.tai_offset ? 1 : 2;
  }
  return 0;
}

Result<LeapTable, LeapFileError> parse_leapfile(std::string_view text) {
  LeapTable t;
  bool have_expiry = false;
  std::string hashed;  // the numbers the "#h" SHA-1 covers, in file order
  std::optional<wire::Bytes> stated;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.substr(0, 2) == "#@" || line.substr(0, 2) == "#$") {
      const bool expiry = line[1] == '@';
      line.remove_prefix(2);
      const std::string_view w = word(line);
      std::uint64_t v = 0;
      if (!number(w, v) || v > kMaxNtpSeconds) return Err{LeapFileError::BadNumber};
      hashed.append(w);
      if (expiry) {
        t.expiry = v;
        have_expiry = true;
      }
      continue;
    }
    if (line.substr(0, 2) == "#h") {
      line.remove_prefix(2);
      wire::Bytes h;
      if (!parse_hash_line(line, h)) return Err{LeapFileError::HashMalformed};
      stated = std::move(h);
      continue;
    }
    if (!line.empty() && line[0] == '#') continue;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const std::string_view when = word(line);
    if (when.empty()) continue;  // blank line
    const std::string_view tai = word(line);
    std::uint64_t at = 0, offset = 0;
    if (!number(when, at) || !number(tai, offset) || at > kMaxNtpSeconds || offset > 0xffffffffu)
      return Err{LeapFileError::BadNumber};
    hashed.append(when);
    hashed.append(tai);
    // Times only go forward; the offset may also fall (a negative leap
    // second has never happened, but the format allows it).
    if (!t.transitions.empty() && at <= t.transitions.back().at) return Err{LeapFileError::NotIncreasing};
    t.transitions.push_back(LeapTransition{at, static_cast<std::uint32_t>(offset)});
  }
  if (!have_expiry) return Err{LeapFileError::NoExpiry};
  if (t.transitions.empty()) return Err{LeapFileError::NoTransitions};
  if (stated) {
    const auto computed = crypto::hash(crypto::Digest::SHA1,
                                       wire::ByteView(reinterpret_cast<const std::uint8_t*>(hashed.data()), hashed.size()));
    if (computed != *stated) return Err{LeapFileError::HashMismatch};
    t.hash_checked = true;
  }
  return t;
}

}  // namespace ak::daemon
