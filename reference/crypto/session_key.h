// Autokey session keys and the server cookie (RFC 5906 §4 and §5;
// autokey-protocol.md §6.1-§6.5).
//
//   d        = H( S || D || BE32(K) || BE32(C) )
//   key(K)   = d (the whole digest)
//   next(K)  = BE32(d[0..3])
//
// S and D are the raw address octets (4 for IPv4, 16 for IPv6) of the
// packet's sender and receiver; ports and scope IDs never enter the hash.
#pragma once

#include <cstdint>

#include "crypto/digest.h"
#include "wire/address.h"
#include "wire/reader.h"

namespace ak::crypto {

struct SessionKey {
  wire::Bytes key;            // the full digest: the MAC key for key ID K
  std::uint32_t next_key_id;  // first four digest octets, big-endian
};

// The session key for key ID `key_id` of a packet sent from `src` to `dst`
// with private value `cookie` (0 whenever the packet carries extension fields
// or is a broadcast, digest §6.4).
SessionKey session_key(const wire::Address& src, const wire::Address& dst, std::uint32_t key_id,
                       std::uint32_t cookie, Digest d = Digest::MD5);

// Just next(K): the hash-chain step of key lists (digest §6.7-§6.9).
std::uint32_t next_key_id(const wire::Address& src, const wire::Address& dst, std::uint32_t key_id,
                          std::uint32_t cookie, Digest d = Digest::MD5);

// The cookie a server hands to `client` (digest §6.5): the first four octets
// of H(client || server || 0 || seed). ntpd 4.2.8p15 never sets its seed, so
// it always uses 0; a fresh server should pass a random seed.
std::uint32_t server_cookie(const wire::Address& client, const wire::Address& server, std::uint32_t seed,
                            Digest d = Digest::MD5);

}  // namespace ak::crypto
