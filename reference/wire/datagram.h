// Any UDP payload on port 123, dispatched on the NTP mode (low 3 bits of the
// first octet): modes 0-5 are NTP packets (and carry Autokey), mode 6 is a
// control message, mode 7 (ntpdc) is kept as opaque octets.
#pragma once

#include <variant>

#include "wire/control_message.h"
#include "wire/packet.h"

namespace ak::wire {

// Mode 7 "private" (ntpdc) messages: not Autokey and not parsed here.
struct PrivateMessage {
  Bytes octets;
  bool operator==(const PrivateMessage&) const = default;
};

using ParsedDatagram = std::variant<Packet, ControlMessage, PrivateMessage>;

Result<ParsedDatagram, WireError> parse_datagram(ByteView payload);
Result<Bytes, WireError> serialize(const ParsedDatagram& d);

}  // namespace ak::wire
