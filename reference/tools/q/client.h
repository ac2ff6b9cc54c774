// autokey-q's only OS part: one UDP socket, send, receive with a timeout,
// reassemble (operator-surface §4.1: 5 s for the first fragment, 3 s for
// each further one).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "q.h"

namespace ak::q {

struct Timeouts {
  std::chrono::milliseconds first{5000}, next{3000};
};

class Client {
 public:
  // Connects a UDP socket to host:port (IPv4 or IPv6, numeric or a name).
  static Result<Client, QError> open(const std::string& host, std::uint16_t port, Timeouts t = {});
  Client(Client&& other) noexcept;
  Client& operator=(Client&&) = delete;
  Client(const Client&) = delete;
  ~Client();

  // One request and its reassembled answer. After ServerError,
  // last_error_code() is the server's code (control::ControlError).
  Result<Response, QError> query(std::uint8_t opcode, std::uint16_t assoc_id, const std::string& data);
  std::uint8_t last_error_code() const { return last_error_code_; }

 private:
  Client(int fd, Timeouts t) : fd_(fd), timeouts_(t) {}
  int fd_ = -1;
  Timeouts timeouts_;
  std::uint16_t sequence_ = 0;
  std::uint8_t last_error_code_ = 0;
};

}  // namespace ak::q
