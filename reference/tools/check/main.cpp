// autokey-check: validate another Autokey implementation (docs/autokey-check.md).
#include <iostream>
#include <string>
#include <vector>

#include "check/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return ak::check::run_cli(args, std::cout, std::cerr);
}
