// autokey-diagram: print the figures docs/ draws from the code.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "diagram/diagram.h"

namespace {

constexpr const char* kUsage =
    "usage: autokey-diagram states [--table client|symmetric]\n"
    "       autokey-diagram extension-field\n"
    "\n"
    "states           the association state machine as Graphviz DOT, from\n"
    "                 reference/core's request_rules() and transition_table()\n"
    "                 (--table picks the client (default) or symmetric request table);\n"
    "                 render with: dot -Tsvg\n"
    "extension-field  the packet and extension-field layout as SVG\n"
    "--help, -h       this text\n";

int usage_error(const std::string& why) {
  std::fprintf(stderr, "autokey-diagram: %s\n%s", why.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no figure named");
  const std::string what = argv[1];
  if (what == "--help" || what == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (what == "states") {
    ak::core::RequestTable table = ak::core::RequestTable::Client;
    for (int i = 2; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--table" && i + 1 < argc) {
        const std::string t = argv[++i];
        if (t == "client")
          table = ak::core::RequestTable::Client;
        else if (t == "symmetric")
          table = ak::core::RequestTable::Symmetric;
        else
          return usage_error("unknown table '" + t + "'");
      } else {
        return usage_error("unknown option '" + arg + "'");
      }
    }
    std::cout << ak::diagram::state_diagram_dot(table);
    return 0;
  }
  if (what == "extension-field") {
    if (argc > 2) return usage_error("extension-field takes no options");
    std::cout << ak::diagram::extension_field_svg();
    return 0;
  }
  return usage_error("unknown figure '" + what + "'");
}
