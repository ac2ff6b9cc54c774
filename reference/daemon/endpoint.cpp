#include "daemon/endpoint.h"

#include <charconv>

namespace ak::daemon {

std::string Endpoint::to_string() const {
  const std::string a = address.to_string();
  return (address.is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(port);
}

std::optional<Endpoint> parse_endpoint(const std::string& text, std::uint16_t default_port) {
  std::string host = text;
  std::optional<std::string> port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return std::nullopt;
      port_text = text.substr(close + 2);
    }
  } else if (const auto colon = text.find(':'); colon != std::string::npos && text.find(':', colon + 1) == std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  auto address = wire::Address::parse(host);
  if (!address) return std::nullopt;
  std::uint16_t port = default_port;
  if (port_text) {
    const char* end = port_text->data() + port_text->size();
    auto [p, ec] = std::from_chars(port_text->data(), end, port);
    if (ec != std::errc{} || p != end || port == 0) return std::nullopt;
  }
  return Endpoint{*address, port};
}

}  // namespace ak::daemon
