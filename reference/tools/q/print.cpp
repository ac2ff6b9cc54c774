#include "print.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <algorithm>

#include "control/status.h"

namespace ak::q {

namespace {
constexpr std::size_t kMaxOutputLine = 72;

std::string events_text(unsigned count) { return std::to_string(count) + (count == 1 ? " event" : " events"); }

const Variable* find(const std::vector<Variable>& vars, const std::string& name) {
  for (const auto& v : vars)
    if (v.name == name) return &v;
  return nullptr;
}

std::optional<unsigned long> parse_ulong(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const unsigned long v = std::strtoul(s.c_str(), &end, 0);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// 127.127.T.U -> driver name (ntpq's refclock names; the common ones).
std::string refid_text(const std::string& v) {
  unsigned a = 0, b = 0, t = 0, u = 0;
  char tail = 0;
  if (std::sscanf(v.c_str(), "%u.%u.%u.%u%c", &a, &b, &t, &u, &tail) == 4) {
    if (a == 127 && b == 127) {
      // ntpq's short driver names (libntp's clock type table) for the
      // drivers hw/ implements and a few common others; 101-103 are hw/'s
      // own types (docs/hw-adapters.md).
      static const std::array<std::pair<unsigned, const char*>, 11> kNames{
          {{1, "LOCAL"}, {20, "GPS_NMEA"}, {22, "PPS"}, {28, "SHM"}, {29, "GPS_PALISADE"}, {40, "JJY"},
           {45, "SPECTRACOM"}, {46, "GPSD_JSON"}, {101, "SOCK"}, {102, "PHC"}, {103, "RTC"}}};
      for (const auto& [n, s] : kNames)
        if (n == t) return std::string(s) + "(" + std::to_string(u) + ")";
      return "REFCLK(" + std::to_string(t) + "," + std::to_string(u) + ")";
    }
    return v;
  }
  return v;
}

// "0x%08x.%08x" -> "eeb2ea72.5327f161  Thu, Nov 26 2026 17:27:14.324" (UTC).
std::string timestamp_text(const std::string& v) {
  unsigned long s = 0, f = 0;
  if (std::sscanf(v.c_str(), "0x%8lx.%8lx", &s, &f) != 2) return v;
  char buf[96];
  if (s == 0 && f == 0) {
    std::snprintf(buf, sizeof buf, "%08lx.%08lx", s, f);
    return buf;
  }
  // NTP era 0 to days since 1970 (s may precede 1970 only in era 1; ignored).
  const long long unix_s = static_cast<long long>(s) - 2208988800LL;
  long long days = unix_s / 86400, rem = unix_s % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const int wday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  long long z = days + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const unsigned ms = static_cast<unsigned>((static_cast<unsigned long long>(f) * 1000) >> 32);
  std::snprintf(buf, sizeof buf, "%08lx.%08lx  %s, %s %2lld %4lld %2lld:%02lld:%02lld.%03u", s, f, kDays[wday],
                kMonths[m - 1], d, y, rem / 3600, rem % 3600 / 60, rem % 60, ms);
  return buf;
}

std::string signed_text(const std::string& v) {
  if (v.empty() || v[0] == '-' || v[0] == '+' || !parse_double(v)) return v;
  return "+" + v;
}

// ntpq's flash bits (TEST1..TEST13).
std::string flash_text(const std::string& v) {
  const auto bits = parse_ulong(v);
  if (!bits) return v;
  static const char* const kNames[] = {"pkt_dup",    "pkt_bogus",  "pkt_unsync",    "pkt_denied",   "pkt_auth",
                                       "pkt_stratum", "pkt_header", "pkt_autokey",  "pkt_crypto",   "peer_stratum",
                                       "peer_dist",  "peer_loop",  "peer_unreach"};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02lx", *bits);
  std::string out = buf;
  if (*bits == 0) return out + " ok";
  for (unsigned i = 0; i < 13; ++i)
    if ((*bits >> i) & 1) out += std::string(" ") + kNames[i];
  return out;
}

// Eight values, right-aligned in 7 columns, the first shifted so that every
// array starts in the same column whatever the name's length.
std::string array_text(const std::string& name, const std::string& v, bool with_sign) {
  std::string out(name.size() < 11 ? 11 - name.size() : 0, ' ');
  std::size_t i = 0;
  bool first = true;
  while (i < v.size()) {
    while (i < v.size() && v[i] == ' ') ++i;
    std::size_t j = i;
    while (j < v.size() && v[j] != ' ') ++j;
    if (j == i) break;
    const auto d = parse_double(v.substr(i, j - i));
    if (!d) return v;
    char buf[64];
    std::snprintf(buf, sizeof buf, with_sign ? "%+.2f" : "%.2f", *d);
    std::string cell = buf;
    if (cell.size() > 7) cell.resize(7);
    if (!first) out += ' ';
    out += std::string(7 - cell.size(), ' ') + cell;
    first = false;
    i = j;
  }
  return out;
}

}  // namespace

void OutputLine::item(const std::string& name, const std::string& value) {
  const std::size_t len = name.size() + 1 + value.size();
  if (any_) {
    if (line_ + len + 2 > kMaxOutputLine) {
      out_ += ",\n";
      line_ = 0;
    } else {
      out_ += ", ";
      line_ += 2;
    }
  }
  out_ += name + "=" + value;
  line_ += len;
  any_ = true;
}

std::string OutputLine::finish() {
  if (any_) out_ += "\n";
  return std::move(out_);
}

std::string system_status_text(std::uint16_t status) {
  const auto s = control::SystemStatus::from_word(status);
  return std::string(control::leap_name(s.leap)) + ", " + std::string(control::clock_source_name(s.clock_source)) +
         ", " + events_text(s.event_count) + ", " + std::string(control::system_event_name(s.last_event));
}

std::string peer_status_text(std::uint16_t status) {
  const auto p = control::PeerStatus::from_word(status);
  std::string out;
  const auto add = [&](bool on, const char* n) {
    if (on) out += std::string(n) + ", ";
  };
  add(p.configured, "conf");
  add(p.auth_enabled, "authenb");
  add(p.authentic, "auth");
  add(p.reachable, "reach");
  add(p.broadcast, "bcast");
  out += "sel_" + std::string(control::selection_name(static_cast<std::uint8_t>(p.selection)));
  out += ", " + events_text(p.event_count) + ", " + std::string(control::peer_event_name(p.last_event));
  return out;
}

std::string cooked_value(bool system, const std::string& name, const std::string& value) {
  if (name == "leap") {
    const auto l = parse_ulong(value);
    if (!l || *l > 3) return value;
    return std::string(1, static_cast<char>('0' + (*l >> 1))) + static_cast<char>('0' + (*l & 1));
  }
  if (name == "refid") return refid_text(value);
  if (name == "reftime" || name == "clock" || name == "org" || name == "rec" || name == "xmt")
    return timestamp_text(value);
  if (name == "offset" || (system && name == "frequency")) return signed_text(value);
  if (!system) {
    if (name == "reach") {
      const auto r = parse_ulong(value);
      if (!r) return value;
      char buf[24];
      std::snprintf(buf, sizeof buf, "%lo", *r);
      return buf;
    }
    if (name == "flash") return flash_text(value);
    if (name == "filtdelay" || name == "filtdisp") return array_text(name, value, false);
    if (name == "filtoffset") return array_text(name, value, true);
  }
  return value;
}

std::string format_readvar(const Response& r, bool quiet) {
  std::string out;
  const bool system = r.assoc_id == 0;
  if (!quiet) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "associd=%u status=%04x ", r.assoc_id, r.status);
    out = buf + (system ? system_status_text(r.status) : peer_status_text(r.status)) + ",\n";
  }
  OutputLine line;
  for (const auto& v : split_variables(r.data)) line.item(v.name, cooked_value(system, v.name, v.value));
  return out + line.finish();
}

std::string clock_status_text(std::uint16_t status) {
  // ntpq's clock status: current condition, then the last event.
  static const std::array<const char*, 7> kCodes{"clk_unspec",     "clk_no_reply", "clk_bad_format", "clk_fault",
                                                 "clk_bad_signal", "clk_bad_date", "clk_bad_time"};
  const auto code = [](unsigned c) {
    return c < kCodes.size() ? std::string(kCodes[c]) : "clk_" + std::to_string(c);
  };
  return code(status >> 8) + ", last_" + code(status & 0xff);
}

std::string format_clockvar(const Response& r, bool quiet) {
  std::string out;
  if (!quiet) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "associd=%u status=%04x ", r.assoc_id, r.status);
    out = buf + clock_status_text(r.status) + ",\n";
  }
  OutputLine line;
  for (const auto& v : split_variables(r.data)) line.item(v.name, v.value);
  return out + line.finish();
}

std::string format_associations(const std::vector<control::AssociationStatus>& assocs) {
  std::string out =
      "ind assid status  conf reach auth condition  last_event cnt\n"
      "===========================================================\n";
  int index = 0;
  for (const auto& a : assocs) {
    const auto p = control::PeerStatus::from_word(a.status);
    const char* conf = p.configured ? "yes" : "no";
    const char* reach = p.broadcast ? "none" : (p.reachable ? "yes" : "no");
    const char* auth = p.broadcast ? (p.auth_enabled ? "yes" : "none")
                                   : (p.auth_enabled ? (p.authentic ? "ok " : "bad") : "none");
    // ntpq names only events 1-11 here, and calls 11 clock_alarm.
    std::string event;
    if (p.last_event == 11) event = "clock_alarm";
    else if (p.last_event >= 1 && p.last_event <= 10) event = std::string(control::peer_event_name(p.last_event));
    char buf[160];
    std::snprintf(buf, sizeof buf, "%3d %5u  %04x   %3.3s  %4s  %4.4s %9.9s %11s %2u", ++index, a.id, a.status, conf,
                  reach, auth, std::string(control::selection_name(static_cast<std::uint8_t>(p.selection))).c_str(),
                  event.c_str(), p.event_count);
    std::string row = buf;
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  return out;
}

std::string format_peers(const std::vector<PeerRow>& rows, std::uint32_t now, bool numeric) {
  std::string out =
      "     remote           refid      st t when poll reach   delay   offset  jitter\n"
      "==============================================================================\n";
  for (const auto& r : rows) {
    const auto get = [&](const char* n) {
      const Variable* v = find(r.variables, n);
      return v != nullptr ? v->value : std::string();
    };
    const auto p = control::PeerStatus::from_word(r.status);
    const char tally = " x.-+#*o"[static_cast<unsigned>(p.selection) & 7];
    std::string remote = get("srchost");
    if (remote.size() >= 2 && remote.front() == '"') remote = remote.substr(1, remote.size() - 2);
    if (remote.empty()) remote = get("srcadr");
    const bool refclock = remote.rfind("127.127.", 0) == 0;
    // ntpq names a reference clock by its driver ("LOCAL(0)") unless -n.
    if (refclock && !numeric) remote = refid_text(remote);
    std::string refid = get("refid");
    const std::string cooked_refid = refid_text(refid);
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (cooked_refid == refid && std::sscanf(refid.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
      refid = "." + refid + ".";  // text refid (stratum 0/1, kiss codes)
    else
      refid = cooked_refid;
    const long stratum = static_cast<long>(parse_ulong(get("stratum")).value_or(16));
    const auto hmode = parse_ulong(get("hmode")).value_or(0);
    char type = 'u';
    if (refclock) type = 'l';
    else if (hmode == 5) type = 'B';
    else if (hmode == 6) type = 'b';
    // when: seconds since the last packet (rec), ntpq's units above 2048 s.
    std::string when = "-";
    unsigned long rec_s = 0, rec_f = 0;
    if (std::sscanf(get("rec").c_str(), "0x%8lx.%8lx", &rec_s, &rec_f) == 2 && rec_s != 0 && now >= rec_s) {
      unsigned long w = now - rec_s;
      const char* unit = "";
      if (w > 2048) {
        w /= 60;
        unit = "m";
        if (w > 300) {
          w /= 60;
          unit = "h";
          if (w > 96) {
            w /= 24;
            unit = "d";
          }
        }
      }
      when = std::to_string(w) + unit;
    }
    const long hpoll = static_cast<long>(parse_ulong(get("hpoll")).value_or(0));
    const long ppoll = static_cast<long>(parse_ulong(get("ppoll")).value_or(0));
    const long poll_exp = std::min(hpoll, ppoll);
    const std::string poll = poll_exp >= 0 && poll_exp < 32 ? std::to_string(1ul << poll_exp) : "-";
    const unsigned long reach = parse_ulong(get("reach")).value_or(0);
    const auto num = [&](const char* n, const char* fmt) {
      const auto v = parse_double(get(n));
      char buf[32];
      std::snprintf(buf, sizeof buf, fmt, v.value_or(0.0));
      return std::string(buf);
    };
    char buf[256];
    std::snprintf(buf, sizeof buf, "%c%-15.15s %-15.15s %2ld %c %4.4s %4.4s  %3lo  %7.7s %8.8s %7.7s", tally,
                  remote.c_str(), refid.c_str(), stratum, type, when.c_str(), poll.c_str(), reach,
                  num("delay", "%.3f").c_str(), num("offset", "%+.3f").c_str(), num("jitter", "%.3f").c_str());
    out += std::string(buf) + "\n";
  }
  return out;
}

}  // namespace ak::q
