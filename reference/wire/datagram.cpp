#include "wire/datagram.h"

namespace ak::wire {

Result<ParsedDatagram, WireError> parse_datagram(ByteView payload) {
  if (payload.empty()) return Err{WireError::PacketShorterThanHeader};
  switch (static_cast<Mode>(payload[0] & 7)) {
    case Mode::Control: {
      AK_TRY(ControlMessage m, ControlMessage::parse(payload));
      return ParsedDatagram{std::move(m)};
    }
    case Mode::Private:
      return ParsedDatagram{PrivateMessage{Bytes(payload.begin(), payload.end())}};
    default: {
      AK_TRY(Packet p, Packet::parse(payload));
      return ParsedDatagram{std::move(p)};
    }
  }
}

Result<Bytes, WireError> serialize(const ParsedDatagram& d) {
  struct Visitor {
    Result<Bytes, WireError> operator()(const Packet& p) const { return p.serialize(); }
    Result<Bytes, WireError> operator()(const ControlMessage& m) const { return m.serialize(); }
    Result<Bytes, WireError> operator()(const PrivateMessage& m) const { return m.octets; }
  };
  return std::visit(Visitor{}, d);
}

}  // namespace ak::wire
