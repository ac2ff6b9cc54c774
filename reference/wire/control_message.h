// Mode 6 control messages (ntpq), framing only (operator-surface §4.1).
//
// Not Autokey, but they share the port and the captures: autokey-trace and
// the golden tests must take every datagram apart and put it back together.
//
//   0: LI(2) VN(3) mode(3)=6     1: R E M opcode(5)
//   2: sequence   4: status   6: association ID   8: offset   10: count
//  12: data (count octets), zero padded to a multiple of 4
//      [if authenticated: zero padded to a multiple of 8, key ID, digest]
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "wire/errors.h"
#include "wire/packet.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::wire {

struct ControlMessage {
  static constexpr std::size_t kHeaderSize = 12;

  std::uint8_t leap = 0;     // 2 bits
  std::uint8_t version = 2;  // 3 bits; ntpq sends 2
  bool response = false;     // R
  bool error = false;        // E
  bool more = false;         // M: more fragments follow
  std::uint8_t opcode = 0;   // 5 bits; see control_opcode_name
  std::uint16_t sequence = 0;
  std::uint16_t status = 0;
  std::uint16_t assoc_id = 0;
  std::uint16_t offset = 0;
  Bytes data;  // `count` octets, padding excluded
  std::optional<Mac> mac;

  static Result<ControlMessage, WireError> parse(ByteView datagram);
  // FieldWiderThanWireBits for out-of-range LI/VN/opcode or more than 65535
  // data octets; MacDigestTooLong / TrailerNotMultipleOf4 for a bad MAC.
  Result<Bytes, WireError> serialize() const;

  bool operator==(const ControlMessage&) const = default;
};

// "READSTAT", "READVAR", ...; "OP<n>" for codes without a name.
std::string control_opcode_name(std::uint8_t opcode);

}  // namespace ak::wire
