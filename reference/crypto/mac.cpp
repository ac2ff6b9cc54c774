#include "crypto/mac.h"

#include <botan/hash.h>
#include <botan/mem_ops.h>

#include <algorithm>

namespace ak::crypto {

std::size_t mac_digest_size(Digest d) { return std::min(digest_size(d), kMaxMacDigest); }

wire::Bytes mac_digest(wire::ByteView key, wire::ByteView authenticated, Digest d) {
  auto h = Botan::HashFunction::create_or_throw(botan_name(d));
  h->update(key.data(), key.size());
  h->update(authenticated.data(), authenticated.size());
  wire::Bytes out(h->output_length());
  h->final(out.data());
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
  if (received_digest.size() != expected.size()) return false;
  return Botan::constant_time_compare(expected.data(), received_digest.data(), expected.size());
}

}  // namespace ak::crypto
