// An NTP packet as an Autokey receiver sees it: header, extension fields,
// optional MAC (digest §2). Modes 6 and 7 are not Autokey; see
// control_message.h and datagram.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/errors.h"
#include "wire/extension_field.h"
#include "wire/ntp_header.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::wire {

inline constexpr std::size_t kMinMacLength = 4;       // MIN_MAC_LEN: key ID only (crypto-NAK)
inline constexpr std::size_t kMaxMacLength = 24;      // MAX_MAC_LEN: key ID + 20-octet digest
inline constexpr std::size_t kMaxDigestLength = 20;   // MAX_MDG_LEN
inline constexpr std::size_t kMaxPacketLength = 2120; // 48 + NTP_MAXEXTEN (2048) + 24

// The trailer: key ID and digest (digest §2.3). An empty digest with key ID 0
// is the crypto-NAK (§2.4).
struct Mac {
  std::uint32_t key_id = 0;
  Bytes digest;  // 0, 16 (MD5) or 20 (SHA-1) octets in practice; at most 20

  std::size_t size() const { return 4 + digest.size(); }
  bool is_crypto_nak() const { return key_id == 0 && digest.empty(); }
  bool operator==(const Mac&) const = default;
};

struct Packet {
  NtpHeader header;
  std::vector<ExtensionField> fields;
  std::optional<Mac> mac;

  // Splits a datagram exactly as ntpd's receive() does (docs/wire-format.md,
  // "Telling extension fields from the MAC"): after the header, a remainder
  // of 4..24 octets is always the MAC, a longer one starts with an EF.
  // Every octet of the input ends up in the header, a field or the MAC.
  static Result<Packet, WireError> parse(ByteView datagram);

  // The exact octets. Refuses a packet that parse() would not give back
  // (LastFieldReadsAsMac, MacDigestTooLong, PacketLongerThanReceiveBuffer,
  // and the field checks of ExtensionField::serialize), so that
  // serialize() ok implies parse(serialize()) == *this.
  Result<Bytes, WireError> serialize() const;

  // A: the octets before the MAC (header and every EF), over which the MAC
  // is computed (digest §2.3): MAC = H(key || packet[0 .. A)).
  std::size_t authenticated_length() const;
  std::size_t size() const { return authenticated_length() + (mac ? mac->size() : 0); }
  // 48-octet header plus a 4-octet zero key ID and nothing else (digest §2.4).
  bool is_crypto_nak() const { return fields.empty() && mac && mac->is_crypto_nak(); }

  bool operator==(const Packet&) const = default;
};

// One line for trace output, e.g.
// "client ASSOC[assoc 20189 len 48] key 0x6373d2e6 mac 20 len 116".
std::string summary(const Packet& p);

}  // namespace ak::wire
