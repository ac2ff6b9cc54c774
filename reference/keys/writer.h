// Writing files the way ntp-keygen 4.2.8p15 (with OpenSSL 3) writes them
// (autokey-operator-surface.md §1.4, §1.5, §1.10).
//
//   text = header_text(name, when) + one or more PEM blocks
//   write_file_atomic(dir / name, text, 0600); write_link(dir, link, name)
//
// Encrypted PKCS#8 uses exactly ntp-keygen's algorithms: PBES2, PBKDF2 with
// HMAC-SHA256, 2048 iterations, 8-octet salt, 3DES-CBC.
#pragma once

#include <botan/pk_keys.h>
#include <botan/rng.h>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "keys/errors.h"
#include "keys/private_key.h"
#include "wire/result.h"

namespace ak::keys {

inline constexpr std::size_t kPbkdf2Iterations = 2048;

// ctime(3) text without the newline, in local time: "Thu Nov 26 17:29:49 2026".
std::string ctime_text(std::time_t when);
// "# <header_name>\n# <ctime>\n\n" (operator-surface §1.4).
std::string header_text(std::string_view header_name, std::time_t when);

// PEM encodings of a Botan key.
Result<std::string, KeyError> pem_pkcs8_encrypted(const Botan::Private_Key& key,
                                                  std::string_view password,
                                                  Botan::RandomNumberGenerator& rng);
Result<std::string, KeyError> pem_pkcs8(const Botan::Private_Key& key);

// PEM encodings of raw slots, for the identity containers that are not valid
// Botan keys. Container::Traditional needs DsaSlots::y. Pkcs8Encrypted
// needs a non-empty password; the others ignore password and rng.
Result<std::string, KeyError> pem_rsa_slots(const RsaSlots& slots, Container container,
                                            std::string_view password,
                                            Botan::RandomNumberGenerator& rng);
Result<std::string, KeyError> pem_dsa_slots(const DsaSlots& slots, Container container,
                                            std::string_view password,
                                            Botan::RandomNumberGenerator& rng);

std::string pem_certificate(std::span<const std::uint8_t> der);

// Writes via a temporary file in the same directory, then rename(2), so a
// reader sees the old file or the new one, never a partial one. The file is
// created with `mode` (private keys: 0600, never wider).
Status<KeyError> write_file_atomic(const std::filesystem::path& path, std::string_view contents,
                                   std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write);

// dir/link_name -> target_name (a bare name in the same directory, as
// ntp-keygen links). Replaces an existing link atomically.
Status<KeyError> write_link(const std::filesystem::path& dir, std::string_view link_name,
                            std::string_view target_name);

}  // namespace ak::keys
