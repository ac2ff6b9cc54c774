// ntp-keygen file and link names (autokey-operator-surface.md §1.5, §3.5).
//
//   file:  ntpkey_<Type>_<owner>.<filestamp>   e.g. ntpkey_RSAhost_alice.4004702989
//   link:  ntpkey_<role>_<owner>               e.g. ntpkey_host_alice
//
// The owner is a host or group name and may itself contain dots
// (ntpkey_host_ntp.example.org), so a name is a file name only when the text
// after its last '.' is a decimal filestamp. The type ends at the first '_'
// after "ntpkey_" (digest names such as RSA-SHA256 contain '-', never '_').
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ak::keys {

// What a stamped file holds; the spelling of the <Type> field is in comments.
enum class FileType : std::uint8_t {
  RsaHost,      // RSAhost
  RsaSign,      // RSAsign
  DsaSign,      // DSAsign
  Certificate,  // <digest>cert, e.g. RSA-MD5cert, RSA-SHA1cert, RSA-SHA256cert
  IffKey,       // IFFkey  (server IFF key, generated)
  GqKey,        // GQkey   (server GQ key, generated)
  MvTa,         // MVta    (MV trusted-authority bundle)
  Md5Key,       // MD5key  (symmetric keys)
  IffPar,       // iffpar  (-e export: IFF client parameters)
  GqPar,        // gqpar
  MvPar,        // mvpar
  IffKeyExport, // iffkey  (-q export: server key under another password)
  GqKeyExport,  // gqkey
  MvKeyExport,  // mvkey
};

struct KeyFileName {
  FileType type{};
  std::string digest;  // Certificate only: the short name before "cert", e.g. "RSA-MD5"
  std::string owner;   // host or group name
  std::uint32_t filestamp = 0;

  friend bool operator==(const KeyFileName&, const KeyFileName&) = default;
};

// Parses a bare file name (no directory). nullopt if it is not one of the
// types above with a non-empty owner and a decimal 32-bit filestamp.
std::optional<KeyFileName> parse_key_file_name(std::string_view name);
std::string format_key_file_name(const KeyFileName& name);
// "RSAhost", "RSA-MD5cert", "iffpar", ...
std::string type_token(const KeyFileName& name);

// The generic names ntp-keygen links and ntpd opens (§1.5, §3.5), plus the
// 4.2.5-era client names the seed HOWTO uses (ntpkey_iff_<name>).
enum class LinkRole : std::uint8_t {
  Host,    // ntpkey_host_<H>
  Sign,    // ntpkey_sign_<H>
  Cert,    // ntpkey_cert_<H>
  IffKey,  // ntpkey_iffkey_<G>
  GqKey,   // ntpkey_gqkey_<G>
  MvKey,   // ntpkey_mvkey_<G>
  MvTa,    // ntpkey_mvta_<G>
  IffPar,  // ntpkey_iffpar_<G>
  GqPar,   // ntpkey_gqpar_<G>
  MvPar,   // ntpkey_mvpar_<G>
  Iff,     // ntpkey_iff_<name>  (4.2.5-era client parameters)
  Gq,      // ntpkey_gq_<name>
  Mv,      // ntpkey_mv_<name>
};

struct LinkName {
  LinkRole role{};
  std::string owner;

  friend bool operator==(const LinkName&, const LinkName&) = default;
};

// Parses a generic name. A name that also parses as a stamped file of the
// same spelling (ntpkey_iffkey_grp.4004702989, a -q export) is not a link.
std::optional<LinkName> parse_link_name(std::string_view name);
std::string format_link_name(LinkRole role, std::string_view owner);
std::string_view role_token(LinkRole role);

}  // namespace ak::keys
