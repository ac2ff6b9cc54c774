// The Autokey MAC (autokey-protocol.md §2.3): the classic secret-prefix
// construction, not HMAC.
//
//   digest = H( session_key || packet[0 .. A) )     A = start of the MAC
//   MAC    = BE32(key_id) || digest[0 .. min(|digest|, 20))
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/digest.h"
#include "wire/reader.h"

namespace ak::crypto {

// ntpd stores at most 20 digest octets in a MAC (MAX_MDG_LEN).
inline constexpr std::size_t kMaxMacDigest = 20;

// Digest octets a MAC with this digest carries: min(|H|, 20).
std::size_t mac_digest_size(Digest d);

// The digest part of the MAC over `authenticated` (header and extension fields).
wire::Bytes mac_digest(wire::ByteView key, wire::ByteView authenticated, Digest d = Digest::MD5);

// The whole MAC trailer: key ID then the digest part.
wire::Bytes make_mac(std::uint32_t key_id, wire::ByteView key, wire::ByteView authenticated,
                     Digest d = Digest::MD5);

// True iff `received_digest` (the MAC octets after the key ID) has exactly
// the expected length and equals the recomputed digest; the comparison is
// constant time.
bool mac_matches(wire::ByteView key, wire::ByteView authenticated, wire::ByteView received_digest,
                 Digest d = Digest::MD5);

}  // namespace ak::crypto
