// Autokey extension fields, framing layer (digest §3.1–§3.3).
//
// Two layers, as design.md asks: ExtensionField is the frame exactly as
// ntpd's receive() delimits it (first word, association ID, opaque body);
// ValueStructure is the long-form body (timestamp, filestamp, value,
// signature). Typed messages (wire/messages/) sit on top of both.
//
// First word, ntpd order (digest §3.1) — NOT the order RFC 5906 §10 draws:
//
//    0                   1                   2                   3
//   +-+-+-----------+---------------+-------------------------------+
//   |R|E| VN (6 b)  |  Code (8 b)   |        Length (16 b)          |
//   +-+-+-----------+---------------+-------------------------------+
//
// RFC 5906 put Code first and the version second; RFC 9748 re-registered the
// values ntpd actually sends (0x0200-0x0209, 0x8200-0x8209, 0xC200-0xC209)
// and reserved the RFC 5906 ones "for historic reasons".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire/errors.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::wire {

inline constexpr std::uint8_t kAutokeyVersion = 2;       // CRYPTO_VN
inline constexpr std::size_t kShortFormLength = 8;       // first word + association ID
inline constexpr std::size_t kLongFormMinLength = 24;    // VALUE_LEN: header words + vl + sl
inline constexpr std::size_t kMaxExtensionLength = 0xffff;  // 16-bit length field
inline constexpr std::size_t kMaxNameLength = 512;       // MAXHOSTNAME (ASSOC name, CERT subject)

// Autokey message codes (digest §1.3).
enum class Opcode : std::uint8_t {
  Null = 0,
  Assoc = 1,
  Cert = 2,
  Cook = 3,
  Auto = 4,
  Leap = 5,
  Sign = 6,
  Iff = 7,
  Gq = 8,
  Mv = 9,
};
inline constexpr std::uint8_t kMaxOpcode = 9;

// "NULL", "ASSOC", "CERT", "COOK", "AUTO", "LEAP", "SIGN", "IFF", "GQ", "MV".
std::string_view name(Opcode op);
// Same for a raw code; "CODE42" for codes that are not Autokey messages.
std::string opcode_name(std::uint8_t code);
// The opcode for a raw code, nullopt above 9.
std::optional<Opcode> to_opcode(std::uint8_t code);

struct ExtensionField {
  bool response = false;                    // R, bit 31
  bool error = false;                       // E, bit 30
  std::uint8_t version = kAutokeyVersion;   // 6 bits
  std::uint8_t code = 0;                    // second octet; see Opcode
  std::uint32_t assoc_id = 0;               // second word
  // Octets 8..L of the field: empty for the 8-octet short form, the value
  // structure (with its padding, verbatim) for the long form.
  Bytes body;

  // The length field: the whole EF in octets, first word included.
  std::size_t length() const { return kShortFormLength + body.size(); }
  bool is_short_form() const { return body.empty(); }
  std::optional<Opcode> opcode() const { return to_opcode(code); }
  // The upper 16 bits of the first word as RFC 9748 registers them (0x0201, 0x8201, 0xC201 ...).
  std::uint16_t field_type() const;

  // One EF from the reader. On success exactly length() octets are consumed;
  // on failure nothing is. The checks are ntpd receive()'s (digest §2.2 step
  // 3) except that the minimum length is 8, not 4, see docs/wire-format.md.
  static Result<ExtensionField, WireError> parse(Reader& r);
  // Exactly one EF filling `octets` (TrailingBytes if anything is left over).
  static Result<ExtensionField, WireError> parse(ByteView octets);

  // Appends the EF. ExtensionLengthNotMultipleOf4 if the body is not word
  // aligned, ExtensionTooLong above 65535 octets, FieldWiderThanWireBits if
  // version > 63. Nothing is written on failure.
  Status<WireError> serialize(Writer& w) const;
  Result<Bytes, WireError> serialize() const;

  bool operator==(const ExtensionField&) const = default;
};

// One word for trace output: "ASSOC" (request), "ASSOC-R" (response),
// "IFF-E" (error response); a version other than 2 is appended ("ASSOC/v3").
std::string summary(const ExtensionField& ef);

// The long-form body (digest §3.3), EF offsets 8..L:
//   timestamp(4) filestamp(4) vl(4) value pad4(vl) sl(4) signature pad4(sl)
// with L = 24 + pad4(vl) + pad4(sl) and zero padding octets, exactly as
// ntpd's crypto_send lays it out.
struct ValueStructure {
  std::uint32_t timestamp = 0;
  std::uint32_t filestamp = 0;  // ASSOC: the status word
  Bytes value;
  Bytes signature;

  // Checks in ntpd's order (digest §3.8 step 4, crypto_verify check 5), in
  // subtract-then-compare form, plus two of our own: padding must be zero and
  // nothing may follow the signature (so a parsed field re-serializes to the
  // same octets).
  static Result<ValueStructure, WireError> parse(ByteView body);
  Bytes serialize() const;
  std::size_t serialized_size() const;

  // What the signer signs and the verifier checks (digest §3.6):
  // timestamp || filestamp || vl || value, without padding.
  Bytes signed_octets() const;

  bool operator==(const ValueStructure&) const = default;
};

// Same octets as ValueStructure::signed_octets, from the parts.
Bytes signed_octets(std::uint32_t timestamp, std::uint32_t filestamp, ByteView value);

// Builders for the two forms.
ExtensionField make_short_field(Opcode op, bool response, bool error, std::uint32_t assoc_id);
ExtensionField make_long_field(Opcode op, bool response, std::uint32_t assoc_id, const ValueStructure& vs);

}  // namespace ak::wire
