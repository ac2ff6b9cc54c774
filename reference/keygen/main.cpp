// autokey-keygen: ntp-keygen-compatible key generation. Everything but the
// process surroundings (arguments, host name, clock, streams) is in
// keygen.cpp. For tests: AUTOKEY_KEYGEN_NOW=<unix seconds> fixes the clock,
// AUTOKEY_KEYGEN_HOST=<name> replaces gethostname().
#include <botan/auto_rng.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "keygen/keygen.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string system_host = host;
  // Tests play several machines on one: AUTOKEY_KEYGEN_HOST stands in for
  // gethostname(), the default host, group and password.
  if (const char* h = std::getenv("AUTOKEY_KEYGEN_HOST")) system_host = h;

  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  if (const char* fixed = std::getenv("AUTOKEY_KEYGEN_NOW")) {
    char* end = nullptr;
    const long long v = std::strtoll(fixed, &end, 10);
    if (end == fixed || *end != '\0' || v <= 0) {
      std::cerr << "autokey-keygen: AUTOKEY_KEYGEN_NOW must be a positive number of Unix seconds\n";
      return ak::keygen::kExitOptionError;
    }
    now = v;
  }

  Botan::AutoSeeded_RNG rng;
  std::error_code ec;
  ak::keygen::Environment env;
  env.dir = std::filesystem::current_path(ec);
  if (ec) {
    std::cerr << "autokey-keygen: cannot determine the current directory\n";
    return ak::keygen::kExitFailure;
  }
  env.system_host = system_host;
  env.now_unix = now;
  env.err = &std::cerr;
  env.out = &std::cout;
  env.rng = &rng;
  return ak::keygen::keygen_main(args, env);
}
