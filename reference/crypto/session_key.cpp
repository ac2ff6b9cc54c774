#include "crypto/session_key.h"

#include <botan/hash.h>

#include "crypto/hash_cache.h"

namespace ak::crypto {

namespace {

// RFC 5906 §4: the hash input is source, destination, key ID and cookie. The
// address family is the source's; a mixed pair simply hashes both octet
// strings as they are (ntpd never builds such a pair).
wire::Bytes session_digest(const wire::Address& src, const wire::Address& dst, std::uint32_t key_id,
                           std::uint32_t cookie, Digest d) {
  // Fed to the hash piece by piece: this runs for every packet, and
  // assembling the at most 40 octets in a buffer first only costs an
  // allocation.
  const std::uint8_t words[8] = {
      static_cast<std::uint8_t>(key_id >> 24), static_cast<std::uint8_t>(key_id >> 16),
      static_cast<std::uint8_t>(key_id >> 8),  static_cast<std::uint8_t>(key_id),
      static_cast<std::uint8_t>(cookie >> 24), static_cast<std::uint8_t>(cookie >> 16),
      static_cast<std::uint8_t>(cookie >> 8),  static_cast<std::uint8_t>(cookie)};
  Botan::HashFunction& h = detail::thread_hash(d);
  const auto s = src.octets();
  const auto t = dst.octets();
  h.update(s.data(), s.size());
  h.update(t.data(), t.size());
  h.update(words, sizeof words);
  wire::Bytes out(h.output_length());
  h.final(out.data());
  return out;
}

std::uint32_t first_word(const wire::Bytes& digest) {
  // Every supported digest has at least 16 octets.
  return (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) |
         (std::uint32_t{digest[2]} << 8) | std::uint32_t{digest[3]};
}

}  // namespace

SessionKey session_key(const wire::Address& src, const wire::Address& dst, std::uint32_t key_id,
                       std::uint32_t cookie, Digest d) {
  SessionKey k;
  k.key = session_digest(src, dst, key_id, cookie, d);
  k.next_key_id = first_word(k.key);
  return k;
}

std::uint32_t next_key_id(const wire::Address& src, const wire::Address& dst, std::uint32_t key_id,
                          std::uint32_t cookie, Digest d) {
  return first_word(session_digest(src, dst, key_id, cookie, d));
}

std::uint32_t server_cookie(const wire::Address& client, const wire::Address& server, std::uint32_t seed,
                            Digest d) {
  // Digest §6.5: the server cookie is next(0) computed with the seed as cookie.
  return next_key_id(client, server, 0, seed, d);
}

}  // namespace ak::crypto
