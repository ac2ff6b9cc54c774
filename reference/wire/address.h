// A network address as the session-key function sees it: the raw octets of
// an IPv4 (4) or IPv6 (16) address, in network order (RFC 5906 §4: the
// session key hashes the source and destination addresses).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ak::wire {

class Address {
 public:
  static Address v4(std::array<std::uint8_t, 4> octets) {
    Address a;
    a.len_ = 4;
    for (int i = 0; i < 4; ++i) a.bytes_[i] = octets[i];
    return a;
  }
  static Address v6(std::array<std::uint8_t, 16> octets) {
    Address a;
    a.len_ = 16;
    a.bytes_ = octets;
    return a;
  }
  // "10.123.0.1", "::1", "fe80::1" ...; nullopt if it is not an address.
  static std::optional<Address> parse(const std::string& text);

  bool is_v4() const { return len_ == 4; }
  bool is_v6() const { return len_ == 16; }
  std::span<const std::uint8_t> octets() const { return {bytes_.data(), len_}; }
  std::string to_string() const;

  friend bool operator==(const Address& a, const Address& b) {
    return a.len_ == b.len_ && a.bytes_ == b.bytes_;
  }

 private:
  std::array<std::uint8_t, 16> bytes_{};
  std::size_t len_ = 4;
};

}  // namespace ak::wire
