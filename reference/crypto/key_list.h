// Key lists: the hash chains of session-key IDs a sender walks backwards, and
// the receiver's check that a key ID hashes forward to one it trusts
// (RFC 5906 §5 and §6.2; autokey-protocol.md §6.7-§6.9).
//
// No protocol state lives here: the caller owns the list index, the autokey
// values it received, and the key cache. These functions only hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "crypto/digest.h"
#include "wire/address.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace ak::crypto {

// Key IDs 1..65535 are symmetric keys; Autokey uses only larger ones (digest §6.3).
inline constexpr std::uint32_t kMaxSymmetricKeyId = 65535;
// At most this many keys per list (NTP_MAXSESSION, digest §1.2).
inline constexpr std::size_t kMaxKeyListEntries = 100;
inline constexpr unsigned kDefaultAutomaxLog2 = 12;

// How many keys a synchronized sender puts in a list at poll interval
// 2^poll_log2 s: min(100, floor(L / mpoll) + 1) with L = min(2^automax,
// 100 * mpoll) (digest §6.7). An unsynchronized sender uses 1.
std::size_t key_list_length(unsigned poll_log2, unsigned automax_log2 = kDefaultAutomaxLog2);

// Reports whether a key ID is already a known key (in the caller's key cache).
using KeyIdKnown = std::function<bool(std::uint32_t)>;

// A random first key ID: 31 bits, above 65535, not known (digest §6.3, §6.7).
std::uint32_t draw_first_key_id(Botan::RandomNumberGenerator& rng, const KeyIdKnown& is_known = {});

struct KeyListParams {
  wire::Address src;  // the sender's local address
  wire::Address dst;  // the receiver (peer address, or broadcast/multicast address)
  std::uint32_t first_key_id = 0;
  std::uint32_t cookie = 0;     // association cookie; 0 for a broadcast server
  std::size_t max_entries = 1;  // key_list_length(...), or 1 when unsynchronized
  Digest digest = Digest::MD5;
};

struct KeyList {
  // ids[0] is the first key generated; the sender uses them from the back:
  // ids[last], ids[last-1], ..., ids[0]. next(ids[j]) == ids[j+1].
  std::vector<std::uint32_t> ids;
  // The autokey values the AUTO response carries (digest §5.4, §6.7):
  std::uint32_t autokey = 0;  // next(ids[last]); never used as a key ID
  std::uint32_t seq = 0;      // last = ids.size() - 1
};

// Builds the list: ids[i+1] = next(ids[i]) with the cookie, stopping after
// max_entries (capped at 100) or earlier when the next ID is known or is not
// above 65535 (digest §6.7).
KeyList make_key_list(const KeyListParams& params, const KeyIdKnown& is_known = {});

// Receiver side (digest §6.9): hashes `skeyid` forward up to `max_hashes`
// times and returns how many hashes reached one of `targets` (the last
// accepted key ID and the advertised autokey), or nullopt. For ntpd's rule
// with autokey values {key, seq} use max_hashes = seq + 2; a result of n
// means the sender used n - 1 more keys of its list since the last accepted.
// max_hashes is capped at 101 (a list has at most 100 keys).
std::optional<std::uint32_t> key_id_chain_length(const wire::Address& src, const wire::Address& dst,
                                                 std::uint32_t skeyid, std::uint32_t cookie,
                                                 std::span<const std::uint32_t> targets,
                                                 std::uint32_t max_hashes, Digest d = Digest::MD5);

inline bool key_id_chains_to(const wire::Address& src, const wire::Address& dst, std::uint32_t skeyid,
                             std::uint32_t cookie, std::span<const std::uint32_t> targets,
                             std::uint32_t max_hashes, Digest d = Digest::MD5) {
  return key_id_chain_length(src, dst, skeyid, cookie, targets, max_hashes, d).has_value();
}

}  // namespace ak::crypto
