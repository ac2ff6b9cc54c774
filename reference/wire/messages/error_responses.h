// The two 8-octet responses ntpd builds when it has no value to send
// (digest §5 "Error responses" / "Empty responses", §3.3):
//
//   0x82cc0008 assoc   empty response: R set, E clear
//   0xC2cc0008 assoc   error response: R and E set
#pragma once

#include "wire/messages/envelope.h"

namespace ak::wire {

// "Nothing to send": ntpd's CERT responder answers so when no certificate
// matches or it is unsynchronized (0x82020008); the client ignores it and
// asks again. For other codes ntpd's crypto_verify fails it with XEVNT_LEN.
// Never for ASSOC: p15 asserts on an ASSOC field shorter than 24 octets
// (digest §11.3), so decoding one is ShortFormWhereLongRequired.
struct EmptyResponse {
  Opcode code = Opcode::Cert;
  std::uint32_t assoc_id = 0;

  static Result<EmptyResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const EmptyResponse&) const = default;
};

// Building the answer failed (association ID echoed). Any error response
// makes an ntpd receiver raise XEVNT_ERR and restart the association.
struct ErrorResponse {
  Opcode code = Opcode::Null;
  std::uint32_t assoc_id = 0;

  static Result<ErrorResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const ErrorResponse&) const = default;
};

}  // namespace ak::wire
