// autokey-check's results: one row per check, printed as a table or JSON.
//
// A row names the check, says what RFC 5906 or the security property
// (security-history §4) requires, gives PASS/FAIL/SKIP and the evidence
// (packet numbers and values) that decided it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ak::check {

enum class Verdict : std::uint8_t { Pass, Fail, Skip };
std::string_view name(Verdict v);  // "PASS", "FAIL", "SKIP"

struct CheckResult {
  std::string id;           // "COOKIE-ZERO-SEED"
  std::string requirement;  // "security-history §4 property 13: ..."
  Verdict verdict = Verdict::Skip;
  std::string evidence;     // "pkt 7: cookie 8ac8a20a == MD5(client, server, 0, 0)"
};

class Report {
 public:
  // Adds a row; a second row with the same id replaces the first.
  void add(CheckResult row);
  const std::vector<CheckResult>& rows() const { return rows_; }
  const CheckResult* find(std::string_view id) const;

  std::size_t count(Verdict v) const;
  bool any_failed() const { return count(Verdict::Fail) != 0; }
  // "N checks, P passed, F failed, S skipped"
  std::string summary_line() const;
  // One row per line (id, verdict, requirement, evidence), then the summary line.
  std::string table() const;
  // {"checks":[{"id":..,"requirement":..,"result":..,"evidence":..}],"summary":{...}}
  std::string json() const;

 private:
  std::vector<CheckResult> rows_;
};

// JSON string escaping (quotes included).
std::string json_string(std::string_view s);

}  // namespace ak::check
