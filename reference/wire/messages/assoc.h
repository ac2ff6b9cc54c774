// ASSOC (code 1, digest §5.1): the opening exchange. Request and response
// share one layout, long form, never signed:
//
//   0x0201LLLL / 0x8201LLLL   association ID
//   timestamp   sender's last signature update (0 if never synchronized)
//   filestamp   the sender's STATUS WORD (digest §4), not a filestamp
//   vl, value   sender's certificate subject, "host" or "host@group", no NUL
//   sl = 0
//
// L = 24 + pad4(vl). iff-md5-512 packet 1: 02010030, ID 20189, ts 0,
// status 0x00080001, "clientname@servername", three zero pad octets, sl 0.
#pragma once

#include <string>

#include "wire/flags.h"
#include "wire/messages/envelope.h"

namespace ak::wire {

struct AssocMessage {
  std::uint32_t assoc_id = 0;
  std::uint32_t timestamp = 0;
  StatusWord status;
  std::string name;  // 1..512 octets (MAXHOSTNAME)
  // ntpd never signs ASSOC; kept so an odd field re-encodes exactly.
  Bytes signature;

  bool operator==(const AssocMessage&) const = default;
};

struct AssocRequest : AssocMessage {
  static Result<AssocRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const AssocRequest&) const = default;
};

// Carries the responder's own association ID in symmetric modes (digest §3.4).
struct AssocResponse : AssocMessage {
  static Result<AssocResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const AssocResponse&) const = default;
};

}  // namespace ak::wire
