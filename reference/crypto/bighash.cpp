#include "crypto/bighash.h"

#include <botan/hash.h>

#include <vector>

#include "crypto/hash_cache.h"

namespace ak::crypto {

Botan::BigInt bighash(const Botan::BigInt& x) {
  // BigInt::encode gives exactly x.bytes() octets: the minimal form.
  const std::vector<std::uint8_t> octets = Botan::BigInt::encode(x.abs());
  Botan::HashFunction& md5 = detail::thread_hash(Digest::MD5);
  md5.update(octets);
  std::uint8_t digest[16];
  md5.final(digest);
  return Botan::BigInt(digest, sizeof digest);
}

}  // namespace ak::crypto
