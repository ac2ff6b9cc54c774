#include "crypto/key_list.h"

#include <botan/rng.h>

#include <algorithm>

#include "crypto/session_key.h"

namespace ak::crypto {

std::size_t key_list_length(unsigned poll_log2, unsigned automax_log2) {
  // Shifts beyond 31 are clamped: ntpd bounds automax to 2 < N < 32 and the
  // poll exponent to 17, so the clamp never changes a real answer.
  const std::uint64_t mpoll = std::uint64_t{1} << std::min(poll_log2, 31u);
  const std::uint64_t life =
      std::min<std::uint64_t>(std::uint64_t{1} << std::min(automax_log2, 31u), 100 * mpoll);
  return static_cast<std::size_t>(std::min<std::uint64_t>(kMaxKeyListEntries, life / mpoll + 1));
}

std::uint32_t draw_first_key_id(Botan::RandomNumberGenerator& rng, const KeyIdKnown& is_known) {
  for (;;) {
    std::uint8_t b[4];
    rng.randomize(b, sizeof b);
    // ntp_random() yields 31 bits (digest §6.3).
    const std::uint32_t k = ((std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                             (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]}) &
                            0x7fffffffu;
    if (k > kMaxSymmetricKeyId && !(is_known && is_known(k))) return k;
  }
}

KeyList make_key_list(const KeyListParams& p, const KeyIdKnown& is_known) {
  KeyList list;
  const std::size_t n = std::clamp<std::size_t>(p.max_entries, 1, kMaxKeyListEntries);
  std::uint32_t k = p.first_key_id;
  for (std::size_t i = 0; i < n; ++i) {
    list.ids.push_back(k);
    k = next_key_id(p.src, p.dst, k, p.cookie, p.digest);
    // RFC 5906 §6.2 / digest §6.7: stop when the chain runs into a key in use
    // or into the symmetric key range.
    if ((is_known && is_known(k)) || k <= kMaxSymmetricKeyId) break;
  }
  list.autokey = k;
  list.seq = static_cast<std::uint32_t>(list.ids.size() - 1);
  return list;
}

std::optional<std::uint32_t> key_id_chain_length(const wire::Address& src, const wire::Address& dst,
                                                 std::uint32_t skeyid, std::uint32_t cookie,
                                                 std::span<const std::uint32_t> targets,
                                                 std::uint32_t max_hashes, Digest d) {
  // A list never holds more than 100 keys, so no honest sender needs more
  // than 101 hashes; the cap keeps a forged seq (e.g. 0x80000000, security
  // history row 26) from buying 2^31 hashes per packet.
  const std::uint32_t limit = std::min<std::uint32_t>(max_hashes, kMaxKeyListEntries + 1);
  std::uint32_t t = skeyid;
  for (std::uint32_t n = 1; n <= limit; ++n) {
    t = next_key_id(src, dst, t, cookie, d);
    if (std::find(targets.begin(), targets.end(), t) != targets.end()) return n;
  }
  return std::nullopt;
}

}  // namespace ak::crypto
