// COOK (code 3, digest §5.3): cookie.
//
// Request, long form, signed only if the requester was ever synchronized:
//   fs = requester's host-key filestamp, value = its RSA host public key as
//   DER RSAPublicKey (PKCS#1 SEQUENCE{n, e}, not SubjectPublicKeyInfo).
// Response, long form, signed if synchronized:
//   ts = now, fs = responder's last signature update (corrected, §3.7),
//   value = RSA-OAEP(SHA-1) ciphertext of the 4-octet cookie, modulus-sized.
// iff-md5-512 packet 8: 82030098, L 152 = 24 + 64 + 64.
#pragma once

#include "wire/messages/envelope.h"

namespace ak::wire {

struct CookRequest {
  Envelope env;
  Bytes public_key;  // DER RSAPublicKey, opaque at this layer

  static Result<CookRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes signed_octets() const { return wire::signed_octets(env, public_key); }
  bool operator==(const CookRequest&) const = default;
};

struct CookResponse {
  Envelope env;
  Bytes ciphertext;

  static Result<CookResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes signed_octets() const { return wire::signed_octets(env, ciphertext); }
  bool operator==(const CookResponse&) const = default;
};

}  // namespace ak::wire
