// autokey-trace: decode and verify Autokey captures.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "trace/sequence.h"
#include "trace/trace.h"

namespace {

constexpr const char* kUsage =
    "usage: autokey-trace decode CAPTURE [--json]\n"
    "       autokey-trace verify CAPTURE --keys DIR[:PASSWORD] [--keys DIR[:PASSWORD] ...] [--json] [-v]\n"
    "       autokey-trace sequence CAPTURE [--text|--mermaid|--svg] [--title TEXT]\n"
    "\n"
    "decode  one line per packet: time, direction, mode, extension fields with R/E bits,\n"
    "        association IDs, key ID, sizes.\n"
    "verify  also follows each association with the key files of both ends: decrypts the\n"
    "        cookie, recomputes every session key and MAC, verifies every signature, identity\n"
    "        proof and SIGN certificate. Ends with\n"
    "        'N packets, M MACs ok, S signatures ok, I identity proofs ok, F failures';\n"
    "        exits 0 only when F is 0. -v lists passed checks too.\n"
    "        Key folders hold ntp-keygen files; PASSWORD decrypts their private keys.\n"
    "sequence  a message sequence diagram: one lifeline per host, one arrow per packet\n"
    "        labelled with its Autokey fields (-R response, -E error; ASSOC with the\n"
    "        status-word flags) or the key ID of a MAC-only packet. --text (default) draws\n"
    "        ASCII lanes, --mermaid a Mermaid sequenceDiagram, --svg a standalone SVG;\n"
    "        --title sets the SVG title (default: the capture's file name).\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "autokey-trace: %s\n%s", why.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  if (command != "decode" && command != "verify" && command != "sequence") return usage_error("unknown command '" + command + "'");
  std::string capture_path;
  std::vector<ak::trace::KeySource> sources;
  bool json = false, verbose = false;
  std::string sequence_format = "text", title;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") {
      json = true;
    } else if (command == "sequence" && (arg == "--text" || arg == "--mermaid" || arg == "--svg")) {
      sequence_format = arg.substr(2);
    } else if (command == "sequence" && arg == "--title") {
      if (i + 1 >= argc) return usage_error("--title needs TEXT");
      title = argv[++i];
    } else if (arg == "-v" || arg == "--verbose") {
      verbose = true;
    } else if (arg == "--keys") {
      if (i + 1 >= argc) return usage_error("--keys needs DIR[:PASSWORD]");
      sources.push_back(ak::trace::parse_key_source(argv[++i]));
    } else if (arg.rfind("--keys=", 0) == 0) {
      sources.push_back(ak::trace::parse_key_source(arg.substr(7)));
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'");
    } else if (capture_path.empty()) {
      capture_path = arg;
    } else {
      return usage_error("more than one capture given");
    }
  }
  if (capture_path.empty()) return usage_error("no capture given");
  if (command == "verify" && sources.empty()) return usage_error("verify needs at least one --keys DIR[:PASSWORD]");

  auto cap = ak::capture::read_capture(capture_path);
  if (!cap) {
    std::fprintf(stderr, "autokey-trace: %s\n", cap.error().c_str());
    return 2;
  }
  if (command == "sequence") {
    const auto seq = ak::trace::build_sequence(*cap);
    if (sequence_format == "svg") {
      if (title.empty()) title = capture_path.substr(capture_path.find_last_of('/') + 1);
      ak::trace::print_sequence_svg(std::cout, seq, title);
    } else if (sequence_format == "mermaid") {
      ak::trace::print_sequence_mermaid(std::cout, seq);
    } else {
      ak::trace::print_sequence_text(std::cout, seq);
    }
    return 0;
  }
  if (command == "decode") {
    const auto report = ak::trace::decode(*cap);
    if (json)
      ak::trace::print_json(std::cout, report, false);
    else
      ak::trace::print_text(std::cout, report, false, false);
    return 0;
  }
  const auto keys = ak::trace::load_trace_keys(sources);
  for (const auto& e : keys.errors) std::fprintf(stderr, "autokey-trace: could not load %s\n", e.c_str());
  const auto report = ak::trace::verify(*cap, keys);
  if (json)
    ak::trace::print_json(std::cout, report, true);
  else
    ak::trace::print_text(std::cout, report, true, verbose);
  return report.totals().failures == 0 ? 0 : 1;
}
