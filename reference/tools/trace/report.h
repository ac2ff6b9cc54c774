// What autokey-trace found, packet by packet, and how it is printed.
//
// The verifier fills a Report; the printers turn it into one readable line
// per packet (plus one line per failed check) or into JSON. Keeping the two
// apart lets tests assert on the findings rather than on formatted text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace ak::trace {

enum class CheckKind { Mac, Signature, Identity, Cookie, Certificate, Chain, Parse };

std::string_view to_string(CheckKind k);

struct Check {
  CheckKind kind;
  bool ok = false;
  std::string what;  // e.g. "MAC key 0x202b4caf cookie 0x8ac8a20a", "CERT-R signature (MD5)"
};

struct PacketReport {
  std::size_t number = 0;  // 1-based, as tshark counts
  double time = 0;         // seconds since the first frame
  std::string src, dst;    // "addr:port"
  std::string summary;     // mode, opcodes, assoc IDs, key ID, sizes
  std::vector<Check> checks;
  std::vector<std::string> notes;  // observations that are not checks
};

struct Totals {
  std::size_t packets = 0;
  std::size_t macs_ok = 0;
  std::size_t signatures_ok = 0;
  std::size_t identity_ok = 0;
  std::size_t failures = 0;
};

struct Report {
  std::vector<PacketReport> packets;
  std::vector<std::string> notes;  // run-wide notes (keys loaded, ...)
  Totals totals() const;
};

// Text: one line per packet, indented lines for failed checks (and for every
// check when verbose), then the summary line that ends every verify run.
void print_text(std::ostream& out, const Report& r, bool with_checks, bool verbose);
void print_json(std::ostream& out, const Report& r, bool with_checks);
std::string summary_line(const Totals& t);

}  // namespace ak::trace
