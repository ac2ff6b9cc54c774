// Everything ntpd loads from keysdir, found by the names ntpd opens
// (autokey-operator-surface.md §3.5; autokey-protocol.md §7.1, §8.7).
//
//   required  ntpkey_host_<H>   RSA host key
//             ntpkey_cert_<H>   certificate
//   optional  ntpkey_sign_<H>   sign key (else the host key signs)
//             ntpkey_{iff,gq,mv}key_<G>, falling back to <H>   server identity keys
//             ntpkey_{iff,gq,mv}par_<G>, then the 4.2.5-era ntpkey_{iff,gq,mv}_<G>
//             and ntpkey_{iff,gq,mv}_<H>                       client parameters
//
// As in ntpd, a file that exists but does not load is an error even when it
// is optional; client parameter files are read without a password.
#pragma once

#include <botan/pk_keys.h>
#include <botan/rsa.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/identity_params.h"
#include "keys/errors.h"
#include "keys/private_key.h"
#include "wire/result.h"

namespace ak::keys {

struct KeysDirOptions {
  std::filesystem::path dir;
  std::string host;      // H: crypto host, or gethostname()
  std::string ident;     // G: crypto ident; empty means H
  std::string password;  // crypto pw; empty means H (ntpd's default)
};

// A loaded value with the file it came from.
template <class T>
struct Stamped {
  T value;
  std::uint32_t filestamp = 0;
  std::filesystem::path path;  // the name that was opened (link name)
  std::string file_name;       // the file finally read
};

enum class KeyRole : std::uint8_t { Host, Sign, Cert, IffKey, GqKey, MvKey, IffPar, GqPar, MvPar };
std::string_view role_name(KeyRole role);

// One line of the "what was found" report. Never holds key material.
struct FoundFile {
  KeyRole role{};
  std::string name;                   // the name looked up, e.g. "ntpkey_host_alice"
  std::optional<std::string> target;  // the file read, when it exists
  std::optional<std::uint32_t> filestamp;
  std::optional<KeyError> error;      // set when it exists but failed
  std::string detail;                 // e.g. "RSA 512 bits", "client parameters"
};

struct LoadedKeys {
  Stamped<std::unique_ptr<Botan::RSA_PrivateKey>> host;
  std::optional<Stamped<std::unique_ptr<Botan::Private_Key>>> sign;  // absent: the host key signs
  CertificateFile certificate;
  std::optional<Stamped<crypto::IffParams>> iff_key, iff_par;
  std::optional<Stamped<crypto::GqParams>> gq_key, gq_par;
  std::optional<Stamped<crypto::MvParams>> mv_key, mv_par;
  std::vector<FoundFile> found;

  const Botan::Private_Key& sign_key() const;
  std::uint32_t sign_filestamp() const;
};

struct KeysDirError {
  KeyError error{};
  KeyRole role{};
  std::string name;  // the name looked up
  std::vector<FoundFile> found;  // what had been examined up to the failure
};
// "ntpkey_host_alice: <message>".
std::string describe(const KeysDirError& e);

Result<LoadedKeys, KeysDirError> load_keys_dir(const KeysDirOptions& options);

// One line per file looked at, for diagnostics, e.g.
//   "host key  ntpkey_host_alice -> ntpkey_RSAhost_alice.4004702989  fs 4004702989  RSA 512 bits"
std::string describe(const std::vector<FoundFile>& found);

}  // namespace ak::keys
