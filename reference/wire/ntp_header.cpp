#include "wire/ntp_header.h"

namespace ak::wire {

std::string_view name(Mode m) {
  switch (m) {
    case Mode::Reserved: return "reserved";
    case Mode::SymmetricActive: return "sym-active";
    case Mode::SymmetricPassive: return "sym-passive";
    case Mode::Client: return "client";
    case Mode::Server: return "server";
    case Mode::Broadcast: return "broadcast";
    case Mode::Control: return "control";
    case Mode::Private: return "private";
  }
  return "?";
}

Result<NtpHeader, WireError> NtpHeader::parse(Reader& r) {
  auto whole = r.sub(kSize);
  if (!whole) return Err{WireError::PacketShorterThanHeader};
  Reader h = *whole;
  // All reads below are inside the 48 octets just taken, so they cannot fail.
  NtpHeader out;
  const std::uint8_t b0 = *h.u8();
  out.leap = static_cast<std::uint8_t>(b0 >> 6);
  out.version = static_cast<std::uint8_t>((b0 >> 3) & 7);
  out.mode = static_cast<std::uint8_t>(b0 & 7);
  out.stratum = *h.u8();
  out.poll = static_cast<std::int8_t>(*h.u8());
  out.precision = static_cast<std::int8_t>(*h.u8());
  out.root_delay = *h.u32();
  out.root_dispersion = *h.u32();
  out.refid = *h.u32();
  out.reference_ts = *h.u64();
  out.origin_ts = *h.u64();
  out.receive_ts = *h.u64();
  out.transmit_ts = *h.u64();
  return out;
}

Status<WireError> NtpHeader::serialize(Writer& w) const {
  if (leap > 3 || version > 7 || mode > 7) return Err{WireError::FieldWiderThanWireBits};
  w.u8(static_cast<std::uint8_t>((leap << 6) | (version << 3) | mode));
  w.u8(stratum);
  w.u8(static_cast<std::uint8_t>(poll));
  w.u8(static_cast<std::uint8_t>(precision));
  w.u32(root_delay).u32(root_dispersion).u32(refid);
  w.u64(reference_ts).u64(origin_ts).u64(receive_ts).u64(transmit_ts);
  return Ok{};
}

}  // namespace ak::wire
