// The 48-octet NTPv4 header (RFC 5905 §7.3) that starts every Autokey packet.
#pragma once

#include <cstdint>

#include "wire/errors.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::wire {

// NTP association modes (RFC 5905 §7.3, figure 10).
enum class Mode : std::uint8_t {
  Reserved = 0,
  SymmetricActive = 1,
  SymmetricPassive = 2,
  Client = 3,
  Server = 4,
  Broadcast = 5,
  Control = 6,  // mode 6, ntpq (not Autokey)
  Private = 7,  // mode 7, ntpdc (not Autokey)
};

// "client", "server", "sym-active", ... for trace output.
std::string_view name(Mode m);

struct NtpHeader {
  static constexpr std::size_t kSize = 48;  // LEN_PKT_NOMAC

  std::uint8_t leap = 0;     // LI, 2 bits
  std::uint8_t version = 4;  // VN, 3 bits
  std::uint8_t mode = 3;     // 3 bits; see Mode
  std::uint8_t stratum = 0;
  std::int8_t poll = 0;       // log2 seconds
  std::int8_t precision = 0;  // log2 seconds
  std::uint32_t root_delay = 0;       // NTP short format (16.16)
  std::uint32_t root_dispersion = 0;  // NTP short format (16.16)
  std::uint32_t refid = 0;
  std::uint64_t reference_ts = 0;  // NTP timestamp format (32.32)
  std::uint64_t origin_ts = 0;
  std::uint64_t receive_ts = 0;
  std::uint64_t transmit_ts = 0;

  Mode mode_enum() const { return static_cast<Mode>(mode & 7); }

  // Reads the first 48 octets; PacketShorterThanHeader if they are not there.
  static Result<NtpHeader, WireError> parse(Reader& r);
  // Appends 48 octets; FieldWiderThanWireBits if leap/version/mode do not fit.
  Status<WireError> serialize(Writer& w) const;

  bool operator==(const NtpHeader&) const = default;
};

}  // namespace ak::wire
