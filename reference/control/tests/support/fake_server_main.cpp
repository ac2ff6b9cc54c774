// ak_control_fake_server [PORT]: answers mode 6 on 127.0.0.1:PORT (default
// 123) with the mode6-ntpq capture's state, printing "ready PORT" once
// bound. Test support only: the python3-ntp client test runs it inside a
// network namespace, where port 123 is free and needs no privilege.
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "capture_source.h"

namespace {
ak::control::testing::UdpResponder* g_responder = nullptr;
void on_signal(int) {
  if (g_responder != nullptr) g_responder->stop();
}
}  // namespace

int main(int argc, char** argv) {
  const long port = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 123;
  if (port < 0 || port > 65535) return 2;
  const auto source = ak::control::testing::mode6_capture_source();
  ak::control::testing::UdpResponder r(source, static_cast<std::uint16_t>(port));
  if (!r.ok()) {
    std::perror("bind");
    return 1;
  }
  g_responder = &r;
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::printf("ready %u\n", r.port());
  std::fflush(stdout);
  r.serve();
  return 0;
}
