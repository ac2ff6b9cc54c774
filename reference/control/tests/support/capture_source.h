// Test support: the mode6-ntpq capture's state as a VariableSource, and a
// tiny UDP responder that answers mode 6 with ak_control.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "control/static_source.h"

namespace ak::control::testing {

// The IFF client's state when ntpq queried it (mode6-ntpq/ntpq-queries.pcap,
// packets 2, 4, 8-9, 15-16): every value copied from the captured answers.
StaticVariableSource mode6_capture_source();
inline constexpr std::uint16_t kCaptureAssocId = 36732;

// Answers mode 6 on 127.0.0.1:<port> (0 = any free port) from a thread
// until destroyed. Only for tests and the fake server program.
class UdpResponder {
 public:
  UdpResponder(const VariableSource& source, std::uint16_t port);
  ~UdpResponder();
  UdpResponder(const UdpResponder&) = delete;
  UdpResponder& operator=(const UdpResponder&) = delete;
  bool ok() const { return fd_ >= 0; }
  std::uint16_t port() const { return port_; }
  // Serves on the calling thread until stop() (used by the program).
  void serve();
  void start();  // serve() on a background thread
  void stop();

 private:
  const VariableSource& source_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ak::control::testing
