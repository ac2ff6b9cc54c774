#include "crypto/digest.h"

#include <botan/hash.h>

#include <array>

#include "crypto/hash_cache.h"

namespace ak::crypto {

namespace {

struct DigestInfo {
  Digest digest;
  std::uint32_t nid;
  const char* botan;
  const char* short_name;
  std::size_t size;
};

constexpr std::array<DigestInfo, 7> kDigests{{
    {Digest::MD5, nid::kMd5, "MD5", "md5", 16},
    {Digest::SHA1, nid::kSha1, "SHA-160", "sha1", 20},
    {Digest::SHA224, nid::kSha224, "SHA-224", "sha224", 28},
    {Digest::SHA256, nid::kSha256, "SHA-256", "sha256", 32},
    {Digest::SHA384, nid::kSha384, "SHA-384", "sha384", 48},
    {Digest::SHA512, nid::kSha512, "SHA-512", "sha512", 64},
    {Digest::RIPEMD160, nid::kRipemd160, "RIPEMD-160", "ripemd160", 20},
}};

struct SignatureInfo {
  SignatureKeyType key;
  Digest digest;
  std::uint32_t nid;
  const char* oid;
};

// The signature algorithms ntp-keygen can name with -c (RSA-MD5 default,
// RSA-SHA1, RSA-SHA256 ..., DSA-SHA1 ...) and their X.509 OIDs.
constexpr std::array<SignatureInfo, 10> kSignatures{{
    {SignatureKeyType::RSA, Digest::MD5, nid::kMd5WithRsa, "1.2.840.113549.1.1.4"},
    {SignatureKeyType::RSA, Digest::SHA1, nid::kSha1WithRsa, "1.2.840.113549.1.1.5"},
    {SignatureKeyType::RSA, Digest::SHA224, nid::kSha224WithRsa, "1.2.840.113549.1.1.14"},
    {SignatureKeyType::RSA, Digest::SHA256, nid::kSha256WithRsa, "1.2.840.113549.1.1.11"},
    {SignatureKeyType::RSA, Digest::SHA384, nid::kSha384WithRsa, "1.2.840.113549.1.1.12"},
    {SignatureKeyType::RSA, Digest::SHA512, nid::kSha512WithRsa, "1.2.840.113549.1.1.13"},
    {SignatureKeyType::RSA, Digest::RIPEMD160, nid::kRipemd160WithRsa, "1.3.36.3.3.1.2"},
    {SignatureKeyType::DSA, Digest::SHA1, nid::kDsaWithSha1, "1.2.840.10040.4.3"},
    {SignatureKeyType::DSA, Digest::SHA224, nid::kDsaWithSha224, "2.16.840.1.101.3.4.3.1"},
    {SignatureKeyType::DSA, Digest::SHA256, nid::kDsaWithSha256, "2.16.840.1.101.3.4.3.2"},
}};

const DigestInfo& info(Digest d) {
  for (const auto& i : kDigests)
    if (i.digest == d) return i;
  return kDigests[0];  // unreachable: every enumerator is in the table
}

}  // namespace

std::optional<Digest> digest_from_nid(std::uint32_t n) {
  for (const auto& i : kDigests)
    if (i.nid == n) return i.digest;
  for (const auto& s : kSignatures)
    if (s.nid == n) return s.digest;
  return std::nullopt;
}

std::uint32_t digest_nid(Digest d) { return info(d).nid; }

std::optional<std::uint32_t> signature_nid(SignatureKeyType key, Digest d) {
  for (const auto& s : kSignatures)
    if (s.key == key && s.digest == d) return s.nid;
  return std::nullopt;
}

std::optional<SignatureAlgorithm> signature_algorithm_from_oid(std::string_view dotted_oid) {
  for (const auto& s : kSignatures)
    if (dotted_oid == s.oid) return SignatureAlgorithm{s.key, s.digest, s.nid};
  return std::nullopt;
}

std::optional<std::string> signature_algorithm_oid(SignatureKeyType key, Digest d) {
  for (const auto& s : kSignatures)
    if (s.key == key && s.digest == d) return std::string(s.oid);
  return std::nullopt;
}

const char* botan_name(Digest d) { return info(d).botan; }
const char* short_name(Digest d) { return info(d).short_name; }
std::size_t digest_size(Digest d) { return info(d).size; }

wire::Bytes hash(Digest d, wire::ByteView data) {
  Botan::HashFunction& h = detail::thread_hash(d);
  h.update(data.data(), data.size());
  wire::Bytes out(h.output_length());
  h.final(out.data());
  return out;
}

}  // namespace ak::crypto
