// autokey-fuzz-net: see net_fuzzer.h.
#include <cstdio>
#include <string>
#include <vector>

#include "net/net_fuzzer.h"

int main(int argc, char** argv) {
  using namespace ak::fuzz::net;
  const std::vector<std::string> args(argv + 1, argv + argc);
  const ParseResult parsed = parse_command_line(args);
  if (!parsed.options) {
    if (parsed.error == "help") {
      std::fputs(usage().c_str(), stdout);
      return 0;
    }
    std::fprintf(stderr, "autokey-fuzz-net: %s\n%s", parsed.error.c_str(), usage().c_str());
    return 2;
  }
  const RunResult result = run(*parsed.options);
  if (!result.report) {
    std::fprintf(stderr, "autokey-fuzz-net: %s\n", result.error.c_str());
    return 2;
  }
  const Report& r = *result.report;
  std::printf("sent %llu mutated datagrams, %llu replies; probes %llu, answered %llu; silences %llu%s\n",
              static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.replies),
              static_cast<unsigned long long>(r.probes), static_cast<unsigned long long>(r.probes_answered),
              static_cast<unsigned long long>(r.silences), r.target_down ? " (target down at the end)" : "");
  for (const auto& d : r.recorded) std::printf("recorded %s\n", d.c_str());
  if (r.target_down) return 3;
  return r.silences ? 1 : 0;
}
