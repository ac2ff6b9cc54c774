// AUTO (code 4, digest §5.4): autokey values.
//
// Request: short form 0x02040008. Broadcast-client volleys carry the
// broadcaster's association ID, symmetric peers their own.
// Response, long form, signed if synchronized:
//   ts = key-list generation time, fs = responder's last signature update,
//   value = 8 octets: final key ID, THEN sequence number (ntpd's struct
//   autokey order; check RFC 5906 before quoting its order).
// bcast-tc-md5-512 packet 1: 82040060, ID 54233, value 7238009f 00000063.
#pragma once

#include "wire/messages/envelope.h"

namespace ak::wire {

struct AutoRequest {
  std::uint32_t assoc_id = 0;

  static Result<AutoRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const AutoRequest&) const = default;
};

struct AutoResponse {
  Envelope env;
  std::uint32_t key_id = 0;    // final key ID of the list (digest §6.7)
  std::uint32_t sequence = 0;  // index of the last list entry

  static constexpr std::size_t kValueSize = 8;
  static Result<AutoResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes value() const;
  Bytes signed_octets() const { return wire::signed_octets(env, value()); }
  bool operator==(const AutoResponse&) const = default;
};

}  // namespace ak::wire
