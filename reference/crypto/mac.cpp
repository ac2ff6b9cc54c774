#include "crypto/mac.h"

#include <botan/hash.h>
#include <botan/mem_ops.h>

#include <algorithm>

#include "crypto/fuzzing.h"
#include "crypto/hash_cache.h"

namespace ak::crypto {

std::size_t mac_digest_size(Digest d) { return std::min(digest_size(d), kMaxMacDigest); }

wire::Bytes mac_digest(wire::ByteView key, wire::ByteView authenticated, Digest d) {
  Botan::HashFunction& h = detail::thread_hash(d);
  h.update(key.data(), key.size());
  h.update(authenticated.data(), authenticated.size());
  wire::Bytes out(h.output_length());
  h.final(out.data());
  out.resize(mac_digest_size(d));
  return out;
}

wire::Bytes make_mac(std::uint32_t key_id, wire::ByteView key, wire::ByteView authenticated, Digest d) {
  wire::Writer w;
  w.u32(key_id).bytes(mac_digest(key, authenticated, d));
  return w.take();
}

bool mac_matches(wire::ByteView key, wire::ByteView authenticated, wire::ByteView received_digest, Digest d) {
  // Digest §2.3: the length must be exactly min(|H|, 20); a shorter digest
  // would otherwise compare only a prefix.
  const wire::Bytes expected = mac_digest(key, authenticated, d);
  const bool matches = received_digest.size() == expected.size() &&
                       Botan::constant_time_compare(expected.data(), received_digest.data(), expected.size());
#ifdef AK_FUZZ_UNSAFE_NO_CRYPTO
  if (fuzzing::unsafe_no_crypto()) return true;  // fuzz builds only (crypto/fuzzing.h)
#endif
  return matches;
}

}  // namespace ak::crypto
