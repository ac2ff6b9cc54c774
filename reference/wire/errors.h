// Every rule the wire layer enforces, one enumerator each.
//
// A parser that refuses input names the rule it applied; message() gives the
// human sentence and xevnt() the ntpd XEVNT_* code that 4.2.8p15 would have
// raised for the same input, when ntpd has one (many framing rules make ntpd
// drop the packet in receive() without any code). The rules and where they
// come from are listed in docs/wire-format.md.
#pragma once

#include <optional>
#include <string_view>

namespace ak::wire {

enum class WireError {
  // --- NTP packet framing (digest §2.2, ntpd receive()) -------------------
  PacketShorterThanHeader,        // fewer than 48 octets
  PacketLongerThanReceiveBuffer,  // more than 2120 octets (digest §2.5)
  TrailerNotMultipleOf4,          // octets after the header/EFs not a whole number of words
  ExtensionLengthNotMultipleOf4,  // EF length field not a multiple of 4
  ExtensionLengthTooSmall,        // EF length field < 8 (no room for the association ID)
  ExtensionOverrunsPacket,        // EF length field runs past the end of the datagram
  // --- building packets (serialize side only) -----------------------------
  MacDigestTooLong,              // MAC digest longer than 20 octets (MAX_MDG_LEN)
  LastFieldReadsAsMac,           // last EF + MAC <= 24 octets: a receiver reads both as one MAC
  ExtensionTooLong,              // EF would not fit its 16-bit length field
  FieldWiderThanWireBits,        // a bit field (LI, VN, mode, EF version, opcode) out of range
  // --- extension-field content (digest §3, ntpd crypto_recv/crypto_verify) -
  WrongAutokeyVersion,           // EF version != 2
  ErrorBitWithoutResponseBit,    // E set, R clear: ntpd never sends it
  UnknownOpcode,                 // code > 9
  ShortFormWhereLongRequired,    // 8-octet EF where a value structure is required
  LongFormWhereShortRequired,    // EF longer than 8 octets where only the short form exists
  LongFormTooShort,              // 8 < L < 24: neither short nor long form
  ValueLengthZero,               // vl == 0 in a long-form EF
  ValueLengthExceedsField,       // vl leaves no room for its padding and the siglen word
  SignatureLengthExceedsField,   // sl (padded) runs past the EF
  PaddingNotZero,                // value or signature padding octet != 0
  TrailingBytes,                 // octets after the padded signature
  NameTooLong,                   // ASSOC/CERT name > 512 octets (MAXHOSTNAME)
  AutokeyValueNot8Octets,        // AUTO response vl != 8
  LeapValueNot12Octets,          // LEAP response vl != 12
  // --- mode 6 control messages (operator-surface §4.1) --------------------
  NotControlMode,                // mode != 6 given to the control parser
  ControlShorterThanHeader,      // fewer than 12 octets
  ControlLengthNotMultipleOf4,   // datagram length not a multiple of 4
  ControlCountExceedsPacket,     // count field runs past the end of the datagram
  ControlPaddingNotZero,         // data padding octet != 0
  ControlTrailerNotMac,          // octets after the padded data are not a 4..24-octet MAC
};

// Human-readable sentence for an error ("extension field length is not a multiple of 4").
std::string_view message(WireError e);
// The enumerator's name ("ExtensionLengthNotMultipleOf4"), for logs and test output.
std::string_view name(WireError e);

// ntpd's internal Autokey error codes (digest §1.6). Never on the wire; ntpd
// logs them as 3 hex digits ("101" .. "10f").
enum class Xevnt : int {
  Ok = 0x100,
  Len = 0x101,  // bad field format or length
  Tsp = 0x102,  // bad timestamp
  Fsp = 0x103,  // bad filestamp
  Pub = 0x104,  // bad or missing public key
  Md = 0x105,   // unsupported digest type
  Key = 0x106,  // unsupported identity type
  Sgl = 0x107,  // bad signature length
  Sig = 0x108,  // signature not verified
  Vfy = 0x109,  // certificate not verified
  Per = 0x10A,  // host certificate expired
  Cky = 0x10B,  // bad or missing cookie
  Dat = 0x10C,  // bad or missing leap seconds
  Crt = 0x10D,  // bad or missing certificate
  Id = 0x10E,   // bad or missing group key
  Err = 0x10F,  // protocol error (restarts the association)
};

// The string ntpd prints for the code (operator-surface §5.2), e.g. "bad_field_format_or_length".
std::string_view name(Xevnt x);
constexpr int code(Xevnt x) { return static_cast<int>(x); }

// The XEVNT_* code ntpd 4.2.8p15 raises for the same input, or nullopt when
// ntpd has none (it drops the packet silently, or accepts what we refuse).
std::optional<Xevnt> xevnt(WireError e);

}  // namespace ak::wire
