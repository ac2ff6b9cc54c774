#include "crypto/bighash.h"

#include <botan/hash.h>

#include <vector>

namespace ak::crypto {

Botan::BigInt bighash(const Botan::BigInt& x) {
  // BigInt::encode gives exactly x.bytes() octets: the minimal form.
  const std::vector<std::uint8_t> octets = Botan::BigInt::encode(x.abs());
  auto md5 = Botan::HashFunction::create_or_throw("MD5");
  md5->update(octets);
  const auto digest = md5->final();
  return Botan::BigInt(digest.data(), digest.size());
}

}  // namespace ak::crypto
