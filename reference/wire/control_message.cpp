#include "wire/control_message.h"

namespace ak::wire {

namespace {
constexpr std::uint8_t kControlMode = 6;

bool all_zero(ByteView v) {
  for (std::uint8_t b : v)
    if (b != 0) return false;
  return true;
}
constexpr std::size_t pad8(std::size_t x) { return (x + 7) & ~std::size_t{7}; }
}  // namespace

std::string control_opcode_name(std::uint8_t opcode) {
  switch (opcode) {
    case 0: return "UNSPEC";
    case 1: return "READSTAT";
    case 2: return "READVAR";
    case 3: return "WRITEVAR";
    case 4: return "READCLOCK";
    case 5: return "WRITECLOCK";
    case 6: return "SETTRAP";
    case 7: return "ASYNCMSG";
    case 8: return "CONFIGURE";
    case 9: return "SAVECONFIG";
    case 10: return "READ_MRU";
    case 11: return "READ_ORDLIST_A";
    case 12: return "REQ_NONCE";
    case 31: return "UNSETTRAP";
    default: return "OP" + std::to_string(opcode);
  }
}

Result<ControlMessage, WireError> ControlMessage::parse(ByteView datagram) {
  Reader r(datagram);
  auto header = r.sub(kHeaderSize);
  if (!header) return Err{WireError::ControlShorterThanHeader};
  ControlMessage m;
  const std::uint8_t b0 = *header->u8();
  if ((b0 & 7) != kControlMode) return Err{WireError::NotControlMode};
  // operator-surface §4.1: ntpd pads every control message to whole words.
  if (datagram.size() % 4 != 0) return Err{WireError::ControlLengthNotMultipleOf4};
  m.leap = static_cast<std::uint8_t>(b0 >> 6);
  m.version = static_cast<std::uint8_t>((b0 >> 3) & 7);
  const std::uint8_t b1 = *header->u8();
  m.response = (b1 & 0x80) != 0;
  m.error = (b1 & 0x40) != 0;
  m.more = (b1 & 0x20) != 0;
  m.opcode = b1 & 0x1f;
  m.sequence = *header->u16();
  m.status = *header->u16();
  m.assoc_id = *header->u16();
  m.offset = *header->u16();
  const std::uint16_t count = *header->u16();
  const auto data = r.bytes(count);
  if (!data) return Err{WireError::ControlCountExceedsPacket};
  m.data.assign(data->begin(), data->end());
  // Word padding; present because the total length is a multiple of 4.
  const std::size_t used = kHeaderSize + count;
  const auto pad = r.bytes(pad4(used) - used);
  if (!pad || !all_zero(*pad)) return Err{WireError::ControlPaddingNotZero};
  if (r.empty()) return m;
  // A MAC follows the data padded to 8 octets, and is 4..24 octets long
  // (ntpd's ctl request check: maclen between MIN_MAC_LEN and MAX_MAC_LEN).
  const auto pad_more = r.bytes(pad8(used) - pad4(used));
  if (!pad_more || r.remaining() < kMinMacLength || r.remaining() > kMaxMacLength)
    return Err{WireError::ControlTrailerNotMac};
  if (!all_zero(*pad_more)) return Err{WireError::ControlPaddingNotZero};
  Mac mac;
  mac.key_id = *r.u32();
  const ByteView digest = r.rest();
  mac.digest.assign(digest.begin(), digest.end());
  m.mac = std::move(mac);
  return m;
}

Result<Bytes, WireError> ControlMessage::serialize() const {
  if (leap > 3 || version > 7 || opcode > 0x1f || data.size() > 0xffff) return Err{WireError::FieldWiderThanWireBits};
  if (mac) {
    if (mac->digest.size() > kMaxDigestLength) return Err{WireError::MacDigestTooLong};
    if (mac->digest.size() % 4 != 0) return Err{WireError::TrailerNotMultipleOf4};
  }
  Writer w;
  w.u8(static_cast<std::uint8_t>((leap << 6) | (version << 3) | kControlMode));
  w.u8(static_cast<std::uint8_t>((response ? 0x80 : 0) | (error ? 0x40 : 0) | (more ? 0x20 : 0) | opcode));
  w.u16(sequence).u16(status).u16(assoc_id).u16(offset).u16(static_cast<std::uint16_t>(data.size()));
  w.bytes(data).pad4();
  if (mac) {
    w.zeros(pad8(w.size()) - w.size());
    w.u32(mac->key_id).bytes(mac->digest);
  }
  return w.take();
}

}  // namespace ak::wire
