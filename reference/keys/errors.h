// Every rule the key-file layer enforces, one enumerator each.
//
// message() is written for the operator who has to fix the file: it says
// what is wrong and, where there is one, what to do about it. No message
// ever contains key material or a password. name() gives the enumerator's
// spelling for logs and test output.
//
// Where ntpd 4.2.8p15 has a message for the same condition it is noted
// (autokey-operator-surface.md §3.5): ntpd treats every existing but
// unreadable key file as fatal, and a bad first line as "key absent".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ak::keys {

enum class KeyError : std::uint8_t {
  // --- finding and reading the file ---------------------------------------
  FileNotFound,    // no such file (after following links)
  NotReadable,     // exists but cannot be opened or read
  NotRegularFile,  // a directory, device, ... where a key file was expected
  FileTooLarge,    // larger than kMaxKeyFileSize: not something ntp-keygen wrote
  LinkLoop,        // more than kMaxLinkHops symbolic links or link files
  // --- the two-line header (operator-surface §1.4; ntpd crypto_key) -------
  NoHeader,      // first line is not "# <name>.<filestamp>" (ntpd: "no filestamp")
  BadFilestamp,  // digits after the last '.' missing or not a 32-bit number
  // --- PEM framing ---------------------------------------------------------
  NoPemBlock,        // no "-----BEGIN ...-----" line
  MalformedPem,      // BEGIN without matching END, bad header line, bad base64
  TooManyPemBlocks,  // more blocks than any ntp-keygen file holds
  UnknownPemLabel,   // a label this layer does not read (e.g. "EC PRIVATE KEY")
  // --- private-key containers ---------------------------------------------
  PasswordRequired,                  // encrypted, but no password was given
  WrongPassword,                     // decryption failed: wrong password (or damaged file)
  UnsupportedEncryption,             // ENCRYPTED PRIVATE KEY that is not PBES2 / known cipher
  UnsupportedTraditionalEncryption,  // "Proc-Type: 4,ENCRYPTED" traditional PEM (4.2.6-era)
  MalformedKey,                      // DER does not decode as the label says
  UnsupportedKeyType,                // PKCS#8 algorithm other than RSA or DSA
  NotRsaKey,                         // an RSA key was required (host key, GQ)
  NotDsaKey,                         // a DSA container was required (IFF, MV)
  NotRsaOrDsaKey,                    // sign keys are RSA or DSA
  ModulusTooLarge,                   // beyond kMaxModulusBits: refuse rather than compute
  // --- certificates --------------------------------------------------------
  NotCertificate,  // first block is not "CERTIFICATE" (ntpd: "wrong PEM type")
  // --- identity parameters (operator-surface §1.8) -------------------------
  IffPublicValueLost,       // PKCS#8 IFF client file: v replaced by nothing (OpenSSL 3 -e)
  MvPublicValueLost,        // PKCS#8 MV file: ghat / xhat not stored
  ParametersInconsistent,   // e.g. g^b * v != 1 mod p, g outside the group, b >= q
  // --- file names ----------------------------------------------------------
  BadFileName,  // not an ntp-keygen file or link name
  // --- writing -------------------------------------------------------------
  EncodeFailed,  // Botan refused to encode or encrypt the key
  WriteFailed,   // creating, writing, renaming or linking failed
};

// A sentence or two for the operator: what is wrong and how to fix it.
const char* message(KeyError e);
// The enumerator's name, e.g. "WrongPassword".
std::string_view name(KeyError e);

// Limits. ntp-keygen files are a few kilobytes; the MV bundle is the largest
// (2 + n blocks, n < 100, MVMAX in ntp-keygen).
inline constexpr std::size_t kMaxKeyFileSize = 1u << 20;
inline constexpr std::size_t kMaxPemBlocks = 128;
inline constexpr int kMaxLinkHops = 8;
// ntp-keygen's -m and -b stop at 2048 bits; allow older, larger keys too.
inline constexpr std::size_t kMaxModulusBits = 8192;

}  // namespace ak::keys
