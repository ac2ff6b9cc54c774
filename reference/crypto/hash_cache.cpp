#include "crypto/hash_cache.h"

#include <botan/hash.h>

#include <array>
#include <memory>

namespace ak::crypto::detail {

Botan::HashFunction& thread_hash(Digest d) {
  // Indexed by the Digest enumerator; RIPEMD160 is the last one.
  constexpr std::size_t kDigests = static_cast<std::size_t>(Digest::RIPEMD160) + 1;
  thread_local std::array<std::unique_ptr<Botan::HashFunction>, kDigests> objects;
  auto& h = objects.at(static_cast<std::size_t>(d));
  if (!h) h = Botan::HashFunction::create_or_throw(botan_name(d));
  return *h;
}

}  // namespace ak::crypto::detail
