// The OS layer under the Daemon: UDP sockets on the daemon's port (IPv4 and,
// where the host has it, IPv6) and the poll(2) loop that feeds datagrams
// and timer ticks to the Daemon and sends what it returns. Nothing here
// decides anything about NTP or Autokey.
#pragma once

#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/daemon.h"
#include "daemon/endpoint.h"
#include "wire/address.h"
#include "wire/result.h"

namespace ak::daemon {

class UdpSockets {
 public:
  // Binds the wildcard addresses on `port` and asks the kernel for each
  // datagram's destination address (IP_PKTINFO), which the session key
  // hashes (RFC 5906 §4). Fails when IPv4 cannot be bound.
  static Result<UdpSockets, std::string> open(std::uint16_t port);
  UdpSockets(UdpSockets&& other) noexcept;
  UdpSockets& operator=(UdpSockets&&) = delete;
  ~UdpSockets();

  std::uint16_t port() const { return port_; }
  const std::vector<int>& fds() const { return fds_; }

  struct Received {
    wire::Bytes bytes;
    Endpoint from;
    Endpoint to;
  };
  // One datagram from fd, if there is one.
  std::optional<Received> receive(int fd);
  // Sends from d.from's address; false if the kernel refused.
  bool send(const Datagram& d);

 private:
  UdpSockets() = default;
  std::vector<int> fds_;
  int v4_ = -1, v6_ = -1;
  std::uint16_t port_ = 0;
};

// The address this host would send from to reach `remote` (a connected UDP
// socket's local name; nothing is sent).
std::optional<wire::Address> local_address_for(const wire::Address& remote);

// The addresses `name` resolves to (getaddrinfo, UDP), in the resolver's
// order: family 4 or 6 only that family, 0 both. Empty when it does not
// resolve. The daemon's Environment::resolve.
std::vector<wire::Address> resolve_host(const std::string& name, int family);

// Runs until *stop becomes non-zero (set it from a signal handler).
void run_event_loop(Daemon& daemon, UdpSockets& sockets, Output& output, volatile std::sig_atomic_t* stop);

}  // namespace ak::daemon
