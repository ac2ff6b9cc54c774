// What a checker hands its driver, and the packet helpers both checkers share.
//
// The checkers are sans-I/O (like core::Engine): they return the datagrams to
// send and take the datagrams that came back; a driver (net.h) owns the
// sockets and the clock, and tests drive them in-process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/digest.h"
#include "wire/address.h"
#include "wire/extension_field.h"
#include "wire/packet.h"
#include "wire/reader.h"

namespace ak::check {

// Which of the checker's sockets a datagram leaves from. The server checker
// sends from a second port and, when the driver has one, a second address,
// to see what the server cookie depends on (RFC 5906 §4).
enum class Source : std::uint8_t { Primary, SecondPort, SecondAddress };

struct Outgoing {
  wire::Bytes bytes;
  Source from = Source::Primary;
  // A datagram with no answer is a result for malformed requests: the
  // driver does not resend those.
  bool retry_on_silence = true;
  // The driver waits this long before sending (a server that is not yet
  // synchronized is asked again a little later).
  unsigned delay_ms = 0;
};

// A mode-3 request: header (transmit time `now`), the given field octets as
// they are (so malformed ones go out unchanged) and the Autokey MAC with the
// session key of (src, dst, key_id, cookie).
wire::Bytes client_request(std::uint32_t now, const std::vector<wire::Bytes>& raw_fields, std::uint32_t key_id,
                           const wire::Address& src, const wire::Address& dst, std::uint32_t cookie,
                           crypto::Digest digest);

// The octets of a well-formed field (ExtensionField::serialize).
wire::Bytes field_octets(const wire::ExtensionField& ef);

// A reply as the checker sees it.
struct Reply {
  std::size_t number = 0;  // exchange counter (the datagram number in --pcap, reply side)
  wire::Bytes bytes;
  std::optional<wire::Packet> packet;  // nullopt: did not parse
  bool crypto_nak = false;
  bool mac_ok = false;                 // MAC verified with the expected key
};
// Parses and checks the MAC of a reply from `server` to `client` under key
// ID `key_id` with the cookie a reply of this shape uses (0 if it carries a
// field, else `cookie`).
Reply read_reply(wire::ByteView bytes, const wire::Address& server, const wire::Address& client,
                 std::uint32_t key_id, std::uint32_t cookie, crypto::Digest digest);

std::string hex32(std::uint32_t v);

}  // namespace ak::check
