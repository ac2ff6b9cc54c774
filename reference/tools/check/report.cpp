#include "check/report.h"

#include <algorithm>
#include <cstdio>

namespace ak::check {

std::string_view name(Verdict v) {
  switch (v) {
    case Verdict::Pass: return "PASS";
    case Verdict::Fail: return "FAIL";
    case Verdict::Skip: return "SKIP";
  }
  return "?";
}

void Report::add(CheckResult row) {
  for (auto& r : rows_) {
    if (r.id == row.id) {
      r = std::move(row);
      return;
    }
  }
  rows_.push_back(std::move(row));
}

const CheckResult* Report::find(std::string_view id) const {
  for (const auto& r : rows_)
    if (r.id == id) return &r;
  return nullptr;
}

std::size_t Report::count(Verdict v) const {
  return static_cast<std::size_t>(
      std::count_if(rows_.begin(), rows_.end(), [v](const CheckResult& r) { return r.verdict == v; }));
}

std::string Report::summary_line() const {
  return std::to_string(rows_.size()) + " checks, " + std::to_string(count(Verdict::Pass)) + " passed, " +
         std::to_string(count(Verdict::Fail)) + " failed, " + std::to_string(count(Verdict::Skip)) + " skipped";
}

std::string Report::table() const {
  std::size_t width = 2;
  for (const auto& r : rows_) width = std::max(width, r.id.size());
  std::string out;
  auto pad = [](std::string s, std::size_t w) {
    if (s.size() < w) s.append(w - s.size(), ' ');
    return s;
  };
  out += pad("ID", width) + "  RESULT  REQUIREMENT / EVIDENCE\n";
  for (const auto& r : rows_) {
    out += pad(r.id, width) + "  " + std::string(name(r.verdict)) + "    " + r.requirement + "\n";
    if (!r.evidence.empty()) out += pad("", width) + "          " + r.evidence + "\n";
  }
  out += summary_line() + "\n";
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string Report::json() const {
  std::string out = "{\"checks\":[";
  bool first = true;
  for (const auto& r : rows_) {
    if (!first) out += ",";
    first = false;
    out += "{\"id\":" + json_string(r.id) + ",\"requirement\":" + json_string(r.requirement) +
           ",\"result\":" + json_string(name(r.verdict)) + ",\"evidence\":" + json_string(r.evidence) + "}";
  }
  out += "],\"summary\":{\"checks\":" + std::to_string(rows_.size()) +
         ",\"passed\":" + std::to_string(count(Verdict::Pass)) + ",\"failed\":" + std::to_string(count(Verdict::Fail)) +
         ",\"skipped\":" + std::to_string(count(Verdict::Skip)) + "}}\n";
  return out;
}

}  // namespace ak::check
