// The digests Autokey names by OpenSSL NID, and the one place that maps
// between NIDs, certificate signature OIDs and Botan algorithm names.
//
// The status word carries the NID of the sender's certificate signature
// algorithm in its high half (autokey-protocol.md §4); ntpd resolves it with
// EVP_get_digestbynid, which accepts both signature NIDs (8 md5WithRSA) and
// plain digest NIDs (4 md5). Session keys and MACs use a digest NID too
// (`crypto digest`, default MD5, §1.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wire/flags.h"
#include "wire/reader.h"

namespace ak::crypto {

enum class Digest : std::uint8_t { MD5, SHA1, SHA224, SHA256, SHA384, SHA512, RIPEMD160 };

enum class SignatureKeyType : std::uint8_t { RSA, DSA };

// OpenSSL NIDs (obj_mac.h values; cross-checked against libcrypto in the tests).
namespace nid {
// The status-word signature NIDs are the wire layer's; the rest complete the map.
using wire::nid::kDsaWithSha1;
using wire::nid::kMd5WithRsa;
using wire::nid::kRipemd160WithRsa;
using wire::nid::kSha1WithRsa;
using wire::nid::kSha256WithRsa;
inline constexpr std::uint32_t kMd5 = 4;
inline constexpr std::uint32_t kSha1 = 64;
inline constexpr std::uint32_t kSha224 = 675;
inline constexpr std::uint32_t kSha256 = 672;
inline constexpr std::uint32_t kSha384 = 673;
inline constexpr std::uint32_t kSha512 = 674;
inline constexpr std::uint32_t kRipemd160 = 117;
inline constexpr std::uint32_t kSha224WithRsa = 671;
inline constexpr std::uint32_t kSha384WithRsa = 669;
inline constexpr std::uint32_t kSha512WithRsa = 670;
inline constexpr std::uint32_t kDsaWithSha224 = 802;
inline constexpr std::uint32_t kDsaWithSha256 = 803;
}  // namespace nid

// The digest a NID stands for: a plain digest NID or a signature-algorithm
// NID (as EVP_get_digestbynid resolves it). nullopt = XEVNT_MD.
// Note: the DSA signature NIDs (113, 802, 803) are mapped here, but OpenSSL 3
// (the fixtures' ntpd) no longer resolves them, so a p15 peer built on it
// refuses DSA-signed certificates; use RSA certificates for interop.
std::optional<Digest> digest_from_nid(std::uint32_t nid);
// The plain digest NID (MD5 -> 4), what `crypto digest` configures.
std::uint32_t digest_nid(Digest d);
// The signature-algorithm NID for a key type and digest (RSA+MD5 -> 8), the
// value a status word carries; nullopt if OpenSSL has no such algorithm.
std::optional<std::uint32_t> signature_nid(SignatureKeyType key, Digest d);

// A certificate signature algorithm, from its OID in dotted form.
struct SignatureAlgorithm {
  SignatureKeyType key;
  Digest digest;
  std::uint32_t nid;
};
std::optional<SignatureAlgorithm> signature_algorithm_from_oid(std::string_view dotted_oid);
// The dotted OID of a signature algorithm; nullopt if none exists.
std::optional<std::string> signature_algorithm_oid(SignatureKeyType key, Digest d);

// Botan's name for the hash ("MD5", "SHA-160" — not "SHA-1", which Botan's
// X.509 code refuses — "SHA-256", "RIPEMD-160" ...).
const char* botan_name(Digest d);
// OpenSSL-style short name, for logs ("md5", "sha1" ...).
const char* short_name(Digest d);
// Output size in octets (16 for MD5).
std::size_t digest_size(Digest d);

// H(data).
wire::Bytes hash(Digest d, wire::ByteView data);

}  // namespace ak::crypto
