// autokeyd's command line: the ntpd options an operator relies on, plus two
// extensions for tests and demos that run without root.
//
//   -c FILE      configuration file (default /etc/ntp.conf)
//   -n           do not fork (autokeyd always stays in the foreground; accepted)
//   -l FILE      log file (default: stderr; `logfile` in ntp.conf also works)
//   -p FILE      pid file (`pidfile` in ntp.conf also works)
//   --port N     UDP port to listen on, overriding `port N` (default 123)
//   --poll N     every association polls each 2^N s (1..17), overriding
//                minpoll/maxpoll: the seed demo runs the Autokey dance in
//                seconds instead of minutes (ntpd's minimum is 2^3 s)
//   -h, --help   usage
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/result.h"

namespace ak::daemon {

struct Options {
  std::string config_file = "/etc/ntp.conf";
  bool no_fork = false;
  std::optional<std::string> log_file;
  std::optional<std::string> pid_file;
  std::optional<std::uint16_t> port;
  std::optional<int> poll_log2;
  bool help = false;
};

enum class OptionError : std::uint8_t {
  UnknownOption,    // a flag autokeyd does not have
  MissingArgument,  // -c/-l/-p/--port/--poll without its value
  BadNumber,        // --port / --poll value is not a number in range
  StrayArgument,    // a word that is not an option
};
std::string_view message(OptionError e);

struct OptionFailure {
  OptionError error{};
  std::string word;  // the offending word
  // "autokeyd: <message>: <word>"
  std::string describe() const;
};

Result<Options, OptionFailure> parse_options(const std::vector<std::string>& args);

// The usage text for -h.
std::string usage();

}  // namespace ak::daemon
