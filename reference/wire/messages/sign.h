// SIGN (code 6, digest §5.6): certificate signing.
//
// Request, long form, signed (ntpd never verifies it): ts = last signature
// update, fs = requester's host-certificate filestamp, value = DER of its
// self-signed host certificate (iff-md5-512 packet 15: 344 octets).
// Response, long form, signed: ts = now, fs = echoed from the request,
// value = DER of the certificate the responder issued.
#pragma once

#include "wire/messages/envelope.h"

namespace ak::wire {

struct SignRequest {
  Envelope env;
  Bytes certificate;  // DER

  static Result<SignRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes signed_octets() const { return wire::signed_octets(env, certificate); }
  bool operator==(const SignRequest&) const = default;
};

struct SignResponse {
  Envelope env;
  Bytes certificate;  // DER

  static Result<SignResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes signed_octets() const { return wire::signed_octets(env, certificate); }
  bool operator==(const SignResponse&) const = default;
};

}  // namespace ak::wire
