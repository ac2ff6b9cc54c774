// bighash: the hash the identity responses carry (autokey-protocol.md §7.1).
//
// ntpd hashes x as MD5 over the minimal unsigned big-endian octets of x (no
// leading zeros; zero is the empty string) and reads the 16-octet digest back
// as an unsigned integer. It is always MD5, whatever `crypto digest` says
// [verified in the digest against every IFF and GQ response of the fixtures].
#pragma once

#include <botan/bigint.h>

namespace ak::crypto {

// MD5(minimal big-endian octets of |x|) as an unsigned integer. x is
// expected to be non-negative (every value hashed is a residue).
Botan::BigInt bighash(const Botan::BigInt& x);

}  // namespace ak::crypto
