#include "daemon/options.h"

#include <charconv>

namespace ak::daemon {

std::string_view message(OptionError e) {
  switch (e) {
    case OptionError::UnknownOption: return "unknown option";
    case OptionError::MissingArgument: return "option needs a value";
    case OptionError::BadNumber: return "not a number in range";
    case OptionError::StrayArgument: return "unexpected argument";
  }
  return "?";
}

std::string OptionFailure::describe() const {
  return "autokeyd: " + std::string(message(error)) + ": " + word;
}

namespace {
template <class T>
std::optional<T> number(const std::string& text, T low, T high) {
  T v{};
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || p != end || v < low || v > high) return std::nullopt;
  return v;
}
}  // namespace

Result<Options, OptionFailure> parse_options(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (a == "-n" || a == "--nofork") {
      o.no_fork = true;
    } else if (a == "-h" || a == "--help") {
      o.help = true;
    } else if (a == "-c" || a == "-l" || a == "-p" || a == "--port" || a == "--poll") {
      auto v = value();
      if (!v) return Err{OptionFailure{OptionError::MissingArgument, a}};
      if (a == "-c") o.config_file = *v;
      else if (a == "-l") o.log_file = *v;
      else if (a == "-p") o.pid_file = *v;
      else if (a == "--port") {
        auto n = number<std::uint16_t>(*v, 1, 65535);
        if (!n) return Err{OptionFailure{OptionError::BadNumber, a + " " + *v}};
        o.port = *n;
      } else {
        auto n = number<int>(*v, 1, 17);
        if (!n) return Err{OptionFailure{OptionError::BadNumber, a + " " + *v}};
        o.poll_log2 = *n;
      }
    } else if (!a.empty() && a[0] == '-') {
      return Err{OptionFailure{OptionError::UnknownOption, a}};
    } else {
      return Err{OptionFailure{OptionError::StrayArgument, a}};
    }
  }
  return o;
}

std::string usage() {
  return "usage: autokeyd [-n] [-c CONFIG] [-l LOGFILE] [-p PIDFILE] [--port N] [--poll LOG2]\n"
         "  -c FILE    ntp.conf to read (default /etc/ntp.conf)\n"
         "  -n         stay in the foreground (autokeyd never forks; accepted for ntpd scripts)\n"
         "  -l FILE    write log lines to FILE instead of stderr\n"
         "  -p FILE    write the process id to FILE\n"
         "  --port N   listen on UDP port N instead of 123 (also `port N` in the config)\n"
         "  --poll N   poll every 2^N s (1..17) whatever minpoll/maxpoll say: loopback demos\n";
}

}  // namespace ak::daemon
