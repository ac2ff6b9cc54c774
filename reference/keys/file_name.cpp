#include "keys/file_name.h"

#include <array>
#include <charconv>
#include <utility>

namespace ak::keys {
namespace {

constexpr std::string_view kPrefix = "ntpkey_";
constexpr std::string_view kCertSuffix = "cert";

constexpr std::array<std::pair<std::string_view, FileType>, 13> kFileTypes{{
    {"RSAhost", FileType::RsaHost},
    {"RSAsign", FileType::RsaSign},
    {"DSAsign", FileType::DsaSign},
    {"IFFkey", FileType::IffKey},
    {"GQkey", FileType::GqKey},
    {"MVta", FileType::MvTa},
    {"MD5key", FileType::Md5Key},
    {"iffpar", FileType::IffPar},
    {"gqpar", FileType::GqPar},
    {"mvpar", FileType::MvPar},
    {"iffkey", FileType::IffKeyExport},
    {"gqkey", FileType::GqKeyExport},
    {"mvkey", FileType::MvKeyExport},
}};

constexpr std::array<std::pair<std::string_view, LinkRole>, 13> kLinkRoles{{
    {"host", LinkRole::Host},
    {"sign", LinkRole::Sign},
    {"cert", LinkRole::Cert},
    {"iffkey", LinkRole::IffKey},
    {"gqkey", LinkRole::GqKey},
    {"mvkey", LinkRole::MvKey},
    {"mvta", LinkRole::MvTa},
    {"iffpar", LinkRole::IffPar},
    {"gqpar", LinkRole::GqPar},
    {"mvpar", LinkRole::MvPar},
    {"iff", LinkRole::Iff},
    {"gq", LinkRole::Gq},
    {"mv", LinkRole::Mv},
}};

// Splits "ntpkey_<type>_<rest>" into type and rest; both non-empty.
std::optional<std::pair<std::string_view, std::string_view>> split_type(std::string_view name) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  const auto us = name.find('_');
  if (us == std::string_view::npos || us == 0 || us + 1 >= name.size()) return std::nullopt;
  return std::pair{name.substr(0, us), name.substr(us + 1)};
}

// A filestamp as ntp-keygen prints it: 1 to 10 decimal digits, at most 2^32-1.
std::optional<std::uint32_t> parse_stamp(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

// Owner names end up in paths: refuse separators and control characters.
bool plausible_owner(std::string_view owner) {
  if (owner.empty()) return false;
  for (char c : owner) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || u < 0x21 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<KeyFileName> parse_key_file_name(std::string_view name) {
  const auto parts = split_type(name);
  if (!parts) return std::nullopt;
  const auto [type, rest] = *parts;
  const auto dot = rest.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto stamp = parse_stamp(rest.substr(dot + 1));
  const auto owner = rest.substr(0, dot);
  if (!stamp || !plausible_owner(owner)) return std::nullopt;

  KeyFileName out;
  out.owner = std::string(owner);
  out.filestamp = *stamp;
  for (const auto& [token, t] : kFileTypes) {
    if (type == token) {
      out.type = t;
      return out;
    }
  }
  // <digest>cert: the digest's short name is non-empty, e.g. "RSA-MD5".
  if (type.size() > kCertSuffix.size() &&
      type.substr(type.size() - kCertSuffix.size()) == kCertSuffix) {
    out.type = FileType::Certificate;
    out.digest = std::string(type.substr(0, type.size() - kCertSuffix.size()));
    return out;
  }
  return std::nullopt;
}

std::string type_token(const KeyFileName& name) {
  if (name.type == FileType::Certificate) return name.digest + std::string(kCertSuffix);
  for (const auto& [token, t] : kFileTypes)
    if (t == name.type) return std::string(token);
  return {};
}

std::string format_key_file_name(const KeyFileName& name) {
  return std::string(kPrefix) + type_token(name) + "_" + name.owner + "." +
         std::to_string(name.filestamp);
}

std::optional<LinkName> parse_link_name(std::string_view name) {
  const auto parts = split_type(name);
  if (!parts) return std::nullopt;
  const auto [role, owner] = *parts;
  if (!plausible_owner(owner)) return std::nullopt;
  for (const auto& [token, r] : kLinkRoles) {
    if (role != token) continue;
    // ntpkey_iffkey_grp.4004702989 is a stamped -q export, not a link.
    if (parse_key_file_name(name)) return std::nullopt;
    return LinkName{r, std::string(owner)};
  }
  return std::nullopt;
}

std::string_view role_token(LinkRole role) {
  for (const auto& [token, r] : kLinkRoles)
    if (r == role) return token;
  return {};
}

std::string format_link_name(LinkRole role, std::string_view owner) {
  return std::string(kPrefix) + std::string(role_token(role)) + "_" + std::string(owner);
}

}  // namespace ak::keys
