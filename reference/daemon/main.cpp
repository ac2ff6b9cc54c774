// autokeyd: the reference NTPv4 Autokey daemon. Thin: options, files,
// sockets and signals here; everything else is the Daemon (daemon.h).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/event_loop.h"
#include "daemon/files.h"
#include "daemon/options.h"
#include "hw/refclock.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace ak::daemon;
  auto options = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    std::fprintf(stderr, "%s\n%s", options.error().describe().c_str(), usage().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  auto config = ak::config::load_config_file(options->config_file);
  if (!config) {
    std::fprintf(stderr, "autokeyd: %s\n", config.error().message().c_str());
    return 1;
  }
  ak::hw::RealClock clock;
  FileOutput output(clock, options->log_file, *config);
  std::string why;
  if (!output.ok(&why)) std::fprintf(stderr, "autokeyd: %s (logging to stderr)\n", why.c_str());
  output.log("autokeyd starting: config " + options->config_file + "; the system clock is never adjusted");

  Environment env;
  env.clock = &clock;
  env.output = &output;
  env.system_host = host_name();
  env.config_name = options->config_file;
  env.local_address_for = local_address_for;
  env.resolve = resolve_host;
  env.port = options->port;
  env.poll_log2 = options->poll_log2;
  auto daemon = Daemon::create(*config, env);
  if (!daemon) {
    const std::string msg = "autokeyd: cannot start: " + daemon.error().message;
    output.log(msg);
    if (options->log_file || config->logfile) std::fprintf(stderr, "%s\n", msg.c_str());
    return 1;
  }
  auto sockets = UdpSockets::open((*daemon)->port());
  if (!sockets) {
    const std::string msg = "autokeyd: cannot start: " + sockets.error() +
                            ((*daemon)->port() < 1024 ? " (ports below 1024 need root; try `port N` or --port N)" : "");
    output.log(msg);
    std::fprintf(stderr, "%s\n", msg.c_str());
    return 1;
  }
  const std::optional<std::string> pid_file = options->pid_file ? options->pid_file : config->pidfile;
  if (pid_file && !write_pid_file(*pid_file)) output.log("cannot write pid file " + *pid_file);

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  output.log("listening on UDP port " + std::to_string(sockets->port()));
  run_event_loop(**daemon, *sockets, output, &g_stop);
  output.log("autokeyd exiting on signal");
  if (pid_file) std::remove(pid_file->c_str());
  return 0;
}
