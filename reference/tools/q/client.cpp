#include "client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ak::q {

Result<Client, QError> Client::open(const std::string& host, std::uint16_t port, Timeouts t) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || res == nullptr)
    return Err{QError::HostNotFound};
  int fd = -1;
  for (addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd >= 0 && ::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0) return Err{QError::SocketError};
  return Client(fd, t);
}

Client::Client(Client&& other) noexcept
    : fd_(other.fd_), timeouts_(other.timeouts_), sequence_(other.sequence_), last_error_code_(other.last_error_code_) {
  other.fd_ = -1;
}

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Response, QError> Client::query(std::uint8_t opcode, std::uint16_t assoc_id, const std::string& data) {
  wire::ControlMessage req;
  req.version = 2;  // what ntpq sends (§4.1)
  req.opcode = opcode;
  req.sequence = ++sequence_;
  req.assoc_id = assoc_id;
  req.data.assign(data.begin(), data.end());
  const auto bytes = req.serialize();
  if (!bytes || ::send(fd_, bytes->data(), bytes->size(), 0) < 0) return Err{QError::SocketError};
  Reassembler r(opcode, req.sequence);
  bool first = true;
  std::uint8_t buf[2048];
  while (!r.complete()) {
    pollfd p{fd_, POLLIN, 0};
    const auto wait = first ? timeouts_.first : timeouts_.next;
    const int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (ready == 0) return Err{QError::Timeout};
    if (ready < 0) return Err{QError::SocketError};
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return Err{QError::SocketError};
    const auto m = wire::ControlMessage::parse(wire::ByteView(buf, static_cast<std::size_t>(n)));
    if (!m) continue;  // not a mode 6 message: ignore, as ntpq does
    const auto added = r.add(*m);
    if (!added) {
      if (added.error() == QError::NotAResponse) continue;  // stale or foreign
      last_error_code_ = r.error_code();
      return Err{added.error()};
    }
    first = false;
  }
  return r.take();
}

}  // namespace ak::q
