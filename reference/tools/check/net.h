// The thin socket drivers around the sans-I/O checkers: plain UDP, a
// per-datagram timeout and bounded retries, optional --pcap recording.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "check/datagram.h"
#include "check/pcap_writer.h"
#include "check/report.h"
#include "wire/address.h"
#include "wire/result.h"

namespace ak::check {

class ServerChecker;
class ClientChecker;

struct Endpoint {
  wire::Address address;
  std::uint16_t port = 123;
};
// "HOST[:PORT]", "[V6]:PORT" or a bare IPv6 address; numeric addresses only.
std::optional<Endpoint> parse_endpoint(const std::string& text, std::uint16_t default_port);

struct DriverOptions {
  double timeout_s = 1.0;  // wait for each reply (server mode); whole run (client mode)
  unsigned retries = 2;    // resends of a datagram that got no reply
  PcapWriter* pcap = nullptr;
};

// NTP seconds now (system clock).
std::uint32_t ntp_now();

// Sockets of the server mode: a primary one, one on a second port and, for a
// loopback target, one bound to 127.0.0.2 (the second client address).
class ClientSockets {
 public:
  static Result<std::unique_ptr<ClientSockets>, std::string> open(const Endpoint& target);
  ~ClientSockets();
  const wire::Address& local() const { return local_; }
  const std::optional<wire::Address>& second_address() const { return second_; }
  // Sends `out` (again after each silent timeout, up to retries times if it
  // asks for that) and returns the first reply from the target.
  std::optional<wire::Bytes> exchange(const Outgoing& out, const DriverOptions& o);

 private:
  ClientSockets() = default;
  Endpoint target_;
  wire::Address local_;
  std::optional<wire::Address> second_;
  int fds_[3] = {-1, -1, -1};
  std::uint16_t ports_[3] = {0, 0, 0};
};

// Runs every check; the checker's report is complete when this returns.
void run_server_check(ServerChecker& checker, ClientSockets& sockets, const DriverOptions& o);

// Client mode: listens on `listen` and answers the client under test until
// the checker is finished or o.timeout_s seconds have passed.
Status<std::string> run_client_check(ClientChecker& checker, const Endpoint& listen, const DriverOptions& o);

}  // namespace ak::check
