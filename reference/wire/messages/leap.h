// LEAP (code 5, digest §5.5): leap-second values.
//
// Request: short form 0x02050008, own association ID (iff-md5-512 packet 17).
// Response, long form, signed: ts = last signature update, fs = host-key
// filestamp, value = exactly 12 octets, three words:
//   TAI-UTC offset, start of the current leap era, "expiry" (ntpd fabricates
//   it: next transition + 7 days). All zero when the server has no leap table
//   (iff-md5-512 packet 18: 82050064, twelve zero octets).
// ntpd ignores other value sizes silently; we refuse them
// (LeapValueNot12Octets), so an unsynchronized server's vl = 0 answer does
// not decode (it is ValueLengthZero, as in ntpd's generic check).
#pragma once

#include "wire/messages/envelope.h"

namespace ak::wire {

struct LeapRequest {
  std::uint32_t assoc_id = 0;

  static Result<LeapRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const LeapRequest&) const = default;
};

struct LeapResponse {
  Envelope env;
  std::uint32_t tai_offset = 0;  // seconds
  std::uint32_t era_start = 0;   // NTP seconds, low 32 bits
  std::uint32_t expiry = 0;      // NTP seconds, low 32 bits

  static constexpr std::size_t kValueSize = 12;
  static Result<LeapResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes value() const;
  Bytes signed_octets() const { return wire::signed_octets(env, value()); }
  bool operator==(const LeapResponse&) const = default;
};

}  // namespace ak::wire
