// autokey-check's command line, separate from main() so tests can run it.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ak::check {

// Runs `autokey-check ARGS...` (args without the program name), writing the
// report to `out` and diagnostics to `err`. Returns the exit status: 0 all
// checks passed or skipped, 1 a check failed, 2 usage or setup error.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

std::string usage();

}  // namespace ak::check
