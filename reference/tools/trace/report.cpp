#include "trace/report.h"

#include <cstdio>

namespace ak::trace {

std::string_view to_string(CheckKind k) {
  switch (k) {
    case CheckKind::Mac: return "mac";
    case CheckKind::Signature: return "signature";
    case CheckKind::Identity: return "identity";
    case CheckKind::Cookie: return "cookie";
    case CheckKind::Certificate: return "certificate";
    case CheckKind::Chain: return "key-chain";
    case CheckKind::Parse: return "parse";
  }
  return "?";
}

Totals Report::totals() const {
  Totals t;
  t.packets = packets.size();
  for (const auto& p : packets) {
    for (const auto& c : p.checks) {
      if (!c.ok) {
        ++t.failures;
        continue;
      }
      if (c.kind == CheckKind::Mac) ++t.macs_ok;
      if (c.kind == CheckKind::Signature) ++t.signatures_ok;
      if (c.kind == CheckKind::Identity) ++t.identity_ok;
    }
  }
  return t;
}

std::string summary_line(const Totals& t) {
  return std::to_string(t.packets) + " packets, " + std::to_string(t.macs_ok) + " MACs ok, " +
         std::to_string(t.signatures_ok) + " signatures ok, " + std::to_string(t.identity_ok) +
         " identity proofs ok, " + std::to_string(t.failures) + " failures";
}

void print_text(std::ostream& out, const Report& r, bool with_checks, bool verbose) {
  for (const auto& n : r.notes) out << "# " << n << "\n";
  char when[32];
  for (const auto& p : r.packets) {
    std::snprintf(when, sizeof when, "%10.6f", p.time);
    out << "packet " << p.number << "  " << when << "  " << p.src << " -> " << p.dst << "  " << p.summary
        << "\n";
    if (!with_checks) continue;
    for (const auto& c : p.checks) {
      if (c.ok && !verbose) continue;
      out << "    " << (c.ok ? "ok    " : "FAIL  ") << to_string(c.kind) << ": " << c.what;
      if (!c.ok) out << "  (packet " << p.number << ")";
      out << "\n";
    }
    if (verbose)
      for (const auto& n : p.notes) out << "    note  " << n << "\n";
  }
  if (with_checks) out << summary_line(r.totals()) << "\n";
}

namespace {

std::string json_string(std::string_view s) {
  std::string o = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      o.push_back('\\');
      o.push_back(ch);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o.push_back(ch);
    }
  }
  return o + "\"";
}

}  // namespace

void print_json(std::ostream& out, const Report& r, bool with_checks) {
  out << "{\"packets\":[";
  bool first = true;
  for (const auto& p : r.packets) {
    out << (first ? "" : ",") << "\n {\"number\":" << p.number << ",\"time\":" << p.time
        << ",\"src\":" << json_string(p.src) << ",\"dst\":" << json_string(p.dst)
        << ",\"summary\":" << json_string(p.summary);
    first = false;
    if (with_checks) {
      out << ",\"checks\":[";
      bool fc = true;
      for (const auto& c : p.checks) {
        out << (fc ? "" : ",") << "{\"kind\":" << json_string(to_string(c.kind))
            << ",\"ok\":" << (c.ok ? "true" : "false") << ",\"what\":" << json_string(c.what) << "}";
        fc = false;
      }
      out << "],\"notes\":[";
      fc = true;
      for (const auto& n : p.notes) {
        out << (fc ? "" : ",") << json_string(n);
        fc = false;
      }
      out << "]";
    }
    out << "}";
  }
  out << "\n]";
  if (with_checks) {
    const auto t = r.totals();
    out << ",\n\"summary\":{\"packets\":" << t.packets << ",\"macs_ok\":" << t.macs_ok
        << ",\"signatures_ok\":" << t.signatures_ok << ",\"identity_ok\":" << t.identity_ok
        << ",\"failures\":" << t.failures << ",\"line\":" << json_string(summary_line(t)) << "}";
  }
  out << "}\n";
}

}  // namespace ak::trace
