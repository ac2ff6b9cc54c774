#include "wire/address.h"

#include <arpa/inet.h>

namespace ak::wire {

std::optional<Address> Address::parse(const std::string& text) {
  std::array<std::uint8_t, 16> buf{};
  if (inet_pton(AF_INET, text.c_str(), buf.data()) == 1) return v4({buf[0], buf[1], buf[2], buf[3]});
  if (inet_pton(AF_INET6, text.c_str(), buf.data()) == 1) return v6(buf);
  return std::nullopt;
}

std::string Address::to_string() const {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), out, sizeof out);
  return out;
}

}  // namespace ak::wire
