// A UDP endpoint: address and port. wire::Address has no port because the
// session key hashes addresses only (RFC 5906 §4); the daemon needs both to
// run several daemons on one loopback address without root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "wire/address.h"

namespace ak::daemon {

struct Endpoint {
  wire::Address address;
  std::uint16_t port = 123;

  // "127.0.0.1:123", "[::1]:123".
  std::string to_string() const;
  friend bool operator==(const Endpoint& a, const Endpoint& b) {
    return a.address == b.address && a.port == b.port;
  }
};

// "127.0.0.1", "127.0.0.1:1234", "[::1]:1234", "::1"; nullopt otherwise.
std::optional<Endpoint> parse_endpoint(const std::string& text, std::uint16_t default_port = 123);

}  // namespace ak::daemon
