// CERT (code 2, digest §5.2): certificate retrieval.
//
// Request, long form, unsigned:
//   ts = now (0 if unsynchronized), fs = requester's last signature update
//   (0 if never synchronized) — not a file date (digest §3.5, corrected);
//   value = subject wanted, 1..512 octets.
// Response, long form, signed (ntpd never verifies that signature):
//   ts = responder's last signature update, fs = certificate filestamp,
//   value = DER X.509 certificate.
// "No such certificate" is the 8-octet EmptyResponse 0x82020008
// (error_responses.h), not a CertResponse.
#pragma once

#include <string>

#include "wire/messages/envelope.h"

namespace ak::wire {

struct CertRequest {
  Envelope env;
  std::string subject;

  static Result<CertRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const CertRequest&) const = default;
};

struct CertResponse {
  Envelope env;
  Bytes certificate;  // DER, opaque at this layer

  static Result<CertResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes signed_octets() const { return wire::signed_octets(env, certificate); }
  bool operator==(const CertResponse&) const = default;
};

}  // namespace ak::wire
