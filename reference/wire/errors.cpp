#include "wire/errors.h"

namespace ak::wire {

std::string_view message(WireError e) {
  switch (e) {
    case WireError::PacketShorterThanHeader: return "packet is shorter than the 48-octet NTP header";
    case WireError::PacketLongerThanReceiveBuffer: return "packet is longer than ntpd's 2120-octet receive buffer";
    case WireError::TrailerNotMultipleOf4: return "octets after the header are not a whole number of 32-bit words";
    case WireError::ExtensionLengthNotMultipleOf4: return "extension field length is not a multiple of 4";
    case WireError::ExtensionLengthTooSmall: return "extension field length is below 8 octets";
    case WireError::ExtensionOverrunsPacket: return "extension field length runs past the end of the packet";
    case WireError::MacDigestTooLong: return "MAC digest is longer than 20 octets";
    case WireError::LastFieldReadsAsMac:
      return "the last extension field and the MAC together are 24 octets or less, which a receiver reads as one MAC";
    case WireError::ExtensionTooLong: return "extension field does not fit its 16-bit length";
    case WireError::FieldWiderThanWireBits: return "a header field value does not fit its bits on the wire";
    case WireError::WrongAutokeyVersion: return "extension field version is not Autokey version 2";
    case WireError::ErrorBitWithoutResponseBit: return "extension field has the error bit set without the response bit";
    case WireError::UnknownOpcode: return "extension field code is not an Autokey message (0..9)";
    case WireError::ShortFormWhereLongRequired: return "8-octet extension field where this message needs a value";
    case WireError::LongFormWhereShortRequired: return "extension field is longer than the 8 octets this message has";
    case WireError::LongFormTooShort: return "extension field is longer than 8 but shorter than 24 octets";
    case WireError::ValueLengthZero: return "value length is zero";
    case WireError::ValueLengthExceedsField: return "value length runs past the extension field";
    case WireError::SignatureLengthExceedsField: return "signature length runs past the extension field";
    case WireError::PaddingNotZero: return "value or signature padding is not zero";
    case WireError::TrailingBytes: return "octets after the signature inside the extension field";
    case WireError::NameTooLong: return "name is longer than 512 octets";
    case WireError::AutokeyValueNot8Octets: return "AUTO response value is not 8 octets {key ID, sequence}";
    case WireError::LeapValueNot12Octets: return "LEAP response value is not 12 octets {TAI, era, expiry}";
    case WireError::NotControlMode: return "packet mode is not 6 (control)";
    case WireError::ControlShorterThanHeader: return "control message is shorter than its 12-octet header";
    case WireError::ControlLengthNotMultipleOf4: return "control message length is not a multiple of 4";
    case WireError::ControlCountExceedsPacket: return "control message count runs past the end of the packet";
    case WireError::ControlPaddingNotZero: return "control message padding is not zero";
    case WireError::ControlTrailerNotMac: return "octets after control message data are not a MAC";
  }
  return "unknown wire error";
}

std::string_view name(WireError e) {
  switch (e) {
#define AK_NAME(x) \
  case WireError::x: return #x;
    AK_NAME(PacketShorterThanHeader)
    AK_NAME(PacketLongerThanReceiveBuffer)
    AK_NAME(TrailerNotMultipleOf4)
    AK_NAME(ExtensionLengthNotMultipleOf4)
    AK_NAME(ExtensionLengthTooSmall)
    AK_NAME(ExtensionOverrunsPacket)
    AK_NAME(MacDigestTooLong)
    AK_NAME(LastFieldReadsAsMac)
    AK_NAME(ExtensionTooLong)
    AK_NAME(FieldWiderThanWireBits)
    AK_NAME(WrongAutokeyVersion)
    AK_NAME(ErrorBitWithoutResponseBit)
    AK_NAME(UnknownOpcode)
    AK_NAME(ShortFormWhereLongRequired)
    AK_NAME(LongFormWhereShortRequired)
    AK_NAME(LongFormTooShort)
    AK_NAME(ValueLengthZero)
    AK_NAME(ValueLengthExceedsField)
    AK_NAME(SignatureLengthExceedsField)
    AK_NAME(PaddingNotZero)
    AK_NAME(TrailingBytes)
    AK_NAME(NameTooLong)
    AK_NAME(AutokeyValueNot8Octets)
    AK_NAME(LeapValueNot12Octets)
    AK_NAME(NotControlMode)
    AK_NAME(ControlShorterThanHeader)
    AK_NAME(ControlLengthNotMultipleOf4)
    AK_NAME(ControlCountExceedsPacket)
    AK_NAME(ControlPaddingNotZero)
    AK_NAME(ControlTrailerNotMac)
#undef AK_NAME
  }
  return "UnknownWireError";
}

std::string_view name(Xevnt x) {
  // operator-surface §5.2: the strings ntpd logs (the space in "group key" is ntpd's).
  switch (x) {
    case Xevnt::Ok: return "success";
    case Xevnt::Len: return "bad_field_format_or_length";
    case Xevnt::Tsp: return "bad_timestamp";
    case Xevnt::Fsp: return "bad_filestamp";
    case Xevnt::Pub: return "bad_or_missing_public_key";
    case Xevnt::Md: return "unsupported_digest_type";
    case Xevnt::Key: return "unsupported_identity_type";
    case Xevnt::Sgl: return "bad_signature_length";
    case Xevnt::Sig: return "signature_not_verified";
    case Xevnt::Vfy: return "certificate_not_verified";
    case Xevnt::Per: return "host_certificate_expired";
    case Xevnt::Cky: return "bad_or_missing_cookie";
    case Xevnt::Dat: return "bad_or_missing_leapseconds";
    case Xevnt::Crt: return "bad_or_missing_certificate";
    case Xevnt::Id: return "bad_or_missing_group key";
    case Xevnt::Err: return "protocol_error";
  }
  return "unknown";
}

std::optional<Xevnt> xevnt(WireError e) {
  switch (e) {
    // crypto_recv repeats the overrun check with XEVNT_LEN (digest §3.8 step 3).
    case WireError::ExtensionOverrunsPacket: return Xevnt::Len;
    // crypto_recv turns a bad version or a length below 8 into an error EF,
    // which ends in XEVNT_ERR (digest §3.8 step 2).
    case WireError::ExtensionLengthTooSmall:
    case WireError::WrongAutokeyVersion:
    case WireError::ErrorBitWithoutResponseBit:
    case WireError::UnknownOpcode: return Xevnt::Err;
    // crypto_recv step 4 and crypto_verify checks 2, 4, 5 (digest §3.8); the
    // ASSOC and CERT name bounds of §5.1/§5.2; the AUTO value size.
    case WireError::ShortFormWhereLongRequired:
    case WireError::LongFormTooShort:
    case WireError::ValueLengthZero:
    case WireError::ValueLengthExceedsField:
    case WireError::SignatureLengthExceedsField:
    case WireError::NameTooLong:
    case WireError::AutokeyValueNot8Octets: return Xevnt::Len;
    // Everything else: ntpd drops the packet in receive() without a code, or
    // (padding, trailing octets, odd LEAP sizes, long short-forms) accepts or
    // silently ignores what this implementation refuses; or it is a rule of
    // our own serializer.
    default: return std::nullopt;
  }
}

}  // namespace ak::wire
