// IFF, GQ and MV (codes 7, 8, 9; digest §5.7–§5.9): identity exchanges.
// One envelope for the three schemes; the mathematics is crypto's business.
//
// Request, long form, signed if synchronized (ntpd ignores the signature):
//   ts = now (0 if unsynchronized), fs = client's *par_<group> filestamp,
//   value = challenge r, big-endian (IFF: octets of q; GQ: of n; MV: of p).
// Response, long form, signed if synchronized:
//   ts = now, fs = server's *key_* filestamp, value = DER
//   (IFF/GQ: SEQUENCE{y, hash}; MV: SEQUENCE{y, gbar^k, ghat^k}).
// iff-md5-512 packet 5: 0207002c, 20-octet challenge, unsigned;
// packet 6: 82070084, 42-octet DER, signed.
#pragma once

#include <string_view>

#include "wire/messages/envelope.h"

namespace ak::wire {

enum class IdentityScheme : std::uint8_t {
  Iff = static_cast<std::uint8_t>(Opcode::Iff),
  Gq = static_cast<std::uint8_t>(Opcode::Gq),
  Mv = static_cast<std::uint8_t>(Opcode::Mv),
};

constexpr Opcode opcode_of(IdentityScheme s) { return static_cast<Opcode>(s); }
// nullopt for opcodes other than IFF, GQ, MV.
std::optional<IdentityScheme> identity_scheme(Opcode op);
std::string_view name(IdentityScheme s);  // "IFF", "GQ", "MV"

struct IdentityRequest {
  IdentityScheme scheme = IdentityScheme::Iff;
  Envelope env;
  Bytes challenge;

  static Result<IdentityRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes signed_octets() const { return wire::signed_octets(env, challenge); }
  bool operator==(const IdentityRequest&) const = default;
};

struct IdentityResponse {
  IdentityScheme scheme = IdentityScheme::Iff;
  Envelope env;
  Bytes response;  // DER

  static Result<IdentityResponse, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  Bytes signed_octets() const { return wire::signed_octets(env, response); }
  bool operator==(const IdentityResponse&) const = default;
};

}  // namespace ak::wire
