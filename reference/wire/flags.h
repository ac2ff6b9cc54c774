// The Autokey status word and the CRYPTO_FLAG_* bits (digest §1.4, §4).
//
// ASSOC messages carry the sender's status word in the filestamp slot:
//   bits 16..31  OpenSSL NID of the sender's certificate signature algorithm
//   bits  4..7   identity schemes it serves (PC, IFF, GQ, MV)
//   bit   1      TAI: it has been synchronized (its LEAP values are signed)
//   bit   0      ENAB: Autokey enabled
// Bits 8..14 are never sent; they are the client's own progress bits in
// ntpd's peer->crypto, which mixes both (digest §9.1).
#pragma once

#include <cstdint>
#include <string>

namespace ak::wire {

namespace crypto_flag {
// Host bits (sent in the status word).
inline constexpr std::uint32_t kEnab = 0x0001;
inline constexpr std::uint32_t kTai = 0x0002;
inline constexpr std::uint32_t kPriv = 0x0010;  // PC scheme: private certificate
inline constexpr std::uint32_t kIff = 0x0020;
inline constexpr std::uint32_t kGq = 0x0040;
inline constexpr std::uint32_t kMv = 0x0080;
inline constexpr std::uint32_t kIdentityMask = 0x00f0;
// Client progress bits (never on the wire).
inline constexpr std::uint32_t kCert = 0x0100;
inline constexpr std::uint32_t kVrfy = 0x0200;
inline constexpr std::uint32_t kProv = 0x0400;
inline constexpr std::uint32_t kCook = 0x0800;
inline constexpr std::uint32_t kAuto = 0x1000;
inline constexpr std::uint32_t kSign = 0x2000;
inline constexpr std::uint32_t kLeap = 0x4000;
inline constexpr std::uint32_t kAll = 0x7f00;
}  // namespace crypto_flag

// Signature-algorithm NIDs seen in status words (digest §4).
namespace nid {
inline constexpr std::uint16_t kMd5WithRsa = 8;
inline constexpr std::uint16_t kSha1WithRsa = 65;
inline constexpr std::uint16_t kDsaWithSha1 = 113;
inline constexpr std::uint16_t kRipemd160WithRsa = 119;
inline constexpr std::uint16_t kSha256WithRsa = 668;
}  // namespace nid

struct StatusWord {
  std::uint32_t raw = 0;

  static constexpr StatusWord make(std::uint16_t signature_nid, std::uint32_t flags) {
    return StatusWord{(std::uint32_t{signature_nid} << 16) | (flags & 0xffff)};
  }
  constexpr std::uint16_t signature_nid() const { return static_cast<std::uint16_t>(raw >> 16); }
  constexpr std::uint32_t flags() const { return raw & 0xffff; }
  constexpr bool has(std::uint32_t flag) const { return (raw & flag) == flag; }
  constexpr bool enabled() const { return has(crypto_flag::kEnab); }
  constexpr bool tai() const { return has(crypto_flag::kTai); }
  constexpr std::uint32_t identity_bits() const { return raw & crypto_flag::kIdentityMask; }

  // "0x00080023 nid=8 ENAB|TAI|IFF"
  std::string to_string() const;

  bool operator==(const StatusWord&) const = default;
};

// "ENAB|TAI|IFF|CERT" for any mix of the bits above ("" for none, unknown
// bits as hex: "ENAB|0x8000").
std::string flag_names(std::uint32_t flags);
// "md5WithRSAEncryption" etc. for the NIDs above, "nid N" otherwise.
std::string signature_nid_name(std::uint16_t nid);

}  // namespace ak::wire
