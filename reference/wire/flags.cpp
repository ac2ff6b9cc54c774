#include "wire/flags.h"

#include <cstdio>

namespace ak::wire {

std::string flag_names(std::uint32_t flags) {
  static constexpr struct {
    std::uint32_t bit;
    const char* name;
  } kNames[] = {
      {crypto_flag::kEnab, "ENAB"}, {crypto_flag::kTai, "TAI"},   {crypto_flag::kPriv, "PRIV"},
      {crypto_flag::kIff, "IFF"},   {crypto_flag::kGq, "GQ"},     {crypto_flag::kMv, "MV"},
      {crypto_flag::kCert, "CERT"}, {crypto_flag::kVrfy, "VRFY"}, {crypto_flag::kProv, "PROV"},
      {crypto_flag::kCook, "COOK"}, {crypto_flag::kAuto, "AUTO"}, {crypto_flag::kSign, "SIGN"},
      {crypto_flag::kLeap, "LEAP"},
  };
  std::string out;
  std::uint32_t rest = flags;
  for (const auto& n : kNames) {
    if ((flags & n.bit) == 0) continue;
    if (!out.empty()) out += '|';
    out += n.name;
    rest &= ~n.bit;
  }
  if (rest != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", rest);
    if (!out.empty()) out += '|';
    out += buf;
  }
  return out;
}

std::string signature_nid_name(std::uint16_t n) {
  switch (n) {
    case nid::kMd5WithRsa: return "md5WithRSAEncryption";
    case nid::kSha1WithRsa: return "sha1WithRSAEncryption";
    case nid::kDsaWithSha1: return "dsaWithSHA1";
    case nid::kRipemd160WithRsa: return "ripemd160WithRSA";
    case nid::kSha256WithRsa: return "sha256WithRSAEncryption";
  }
  return "nid " + std::to_string(n);
}

std::string StatusWord::to_string() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "0x%08x nid=%u", raw, static_cast<unsigned>(signature_nid()));
  std::string s = buf;
  const std::string names = flag_names(flags());
  if (!names.empty()) s += " " + names;
  return s;
}

}  // namespace ak::wire
