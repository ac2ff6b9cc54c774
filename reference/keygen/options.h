// Command-line options of autokey-keygen: the ntp-keygen 4.2.8p15 set
// (autokey-operator-surface.md §1.1), parsed into a typed Options value.
//
// Syntax as libopts accepts it: short flags may be bundled (-TI), a short
// option's argument may be attached (-V4, -ppw) or follow (-V 4), long
// options take "--name=value" or "--name value". Everything is checked here,
// before any key is generated, so a bad command line never leaves files.
//
// Deliberate differences from ntp-keygen (each one turns a silent failure
// into an error): -S with a type other than RSA/DSA, -V outside 1..99
// (ntp-keygen crashes on 0 and overruns at 100), -m/-b values whose keys
// or groups cannot be built, and a digest that cannot sign with the sign key
// are refused before anything is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/digest.h"
#include "wire/result.h"

namespace ak::keygen {

enum class SignKeyType : std::uint8_t { Rsa, Dsa };

// Size limits (operator-surface §1.1: ntp-keygen's -m and -b ranges are
// 256..2048; 256-bit RSA cannot carry a PKCS#1 signature of any digest
// ntpd uses, so RSA starts at 512).
inline constexpr unsigned kMinModulusBits = 512;
inline constexpr unsigned kMaxModulusBits = 2048;
inline constexpr unsigned kMinIdentityBits = 256;
inline constexpr unsigned kMaxIdentityBits = 2048;
inline constexpr unsigned kMaxMvClients = 99;       // ntp-keygen's MVMAX is 100 blocks
inline constexpr unsigned kMaxLifetimeDays = 36500;  // notAfter stays far below year 9999

// Modern defaults (the issue: RSA 2048 with SHA-256, identity groups
// 2048/256). ntp-keygen's own defaults (512, RSA-MD5, 256) are weak.
inline constexpr unsigned kDefaultModulusBits = 2048;
inline constexpr unsigned kDefaultIdentityBits = 2048;
inline constexpr crypto::Digest kDefaultDigest = crypto::Digest::SHA256;
inline constexpr unsigned kDefaultLifetimeDays = 365;  // ntp-keygen DAYSPERYEAR

struct Options {
  // What to generate.
  bool trusted_cert = false;  // -T
  bool private_cert = false;  // -P (-T wins when both are given)
  bool iff = false;           // -I
  bool gq = false;            // -G
  std::optional<unsigned> mv_clients;  // -V n
  bool new_host_key = false;           // -H
  std::optional<SignKeyType> sign_key; // -S RSA|DSA
  bool md5_keys = false;               // -M: symmetric key file only
  // Exports to stdout.
  bool export_params = false;                  // -e
  std::optional<std::string> export_password;  // -q pw2
  // Names and secrets.
  std::optional<std::string> password;  // -p (default: the system host name)
  std::optional<std::string> host;      // host part of -s (empty part: the system host name)
  std::optional<std::string> group;     // -i, or the part of -s after '@'
  // Sizes and algorithms; unset means the default (and a note is printed).
  std::optional<unsigned> modulus_bits;   // -m
  std::optional<unsigned> identity_bits;  // -b
  std::optional<crypto::Digest> digest;   // -c
  std::optional<unsigned> lifetime_days;  // -l
  // Output.
  int debug = 0;              // -d (repeatable): more detail on stderr, never private values
  bool help = false;          // --help / -?
  bool legacy_names = false;  // --legacy-names: also write -e exports as 4.2.5-era files
};

enum class OptionError : std::uint8_t {
  UnknownOption,       // not an ntp-keygen option
  MissingArgument,     // an option that needs a value came last
  UnexpectedArgument,  // a flag given a value (--iffkey=x), or a stray operand
  NotANumber,          // -m/-b/-l/-V/-D value is not a decimal number
  ModulusOutOfRange,   // -m outside kMinModulusBits..kMaxModulusBits
  IdentityBitsOutOfRange,  // -b outside kMinIdentityBits..kMaxIdentityBits
  MvClientsOutOfRange,     // -V outside 1..kMaxMvClients (ntp-keygen: SIGFPE on 0)
  MvFactorsTooSmall,       // -b too small for -V n: each MV prime needs >= 16 bits
  LifetimeOutOfRange,      // -l outside 1..kMaxLifetimeDays
  UnknownDigest,           // -c names no signature scheme we can make
  DigestNotUsableWithDsa,  // -S DSA with an MD5/RIPEMD-160 scheme (no such algorithm)
  UnknownSignKeyType,      // -S other than RSA or DSA
  EmptyPassword,           // -p "" or -q "": PKCS#8 encryption needs a password
  BadName,                 // -s/-i host or group not a printable name without spaces
  UnsupportedOption,       // an ntp-keygen option this program does not implement (-C, -v, ...)
};

struct OptionFailure {
  OptionError error{};
  std::string option;  // the offending option or value as given
};

const char* message(OptionError e);
// "autokey-keygen: <message>: <option>".
std::string describe(const OptionFailure& f);

// args excludes the program name.
Result<Options, OptionFailure> parse_options(const std::vector<std::string>& args);

// The --help text.
std::string usage_text();

// "-c" scheme names as ntp-keygen accepts them through OpenSSL's digest
// lookup: RSA-MD5, MD5, RSA-SHA1, SHA1, RSA-SHA256, SHA256, DSA-SHA1, ...
// (case-insensitive). nullopt for anything else, including the schemes
// OpenSSL 3 no longer offers (RSA-MD2, RSA-MDC2, RSA-SHA).
std::optional<crypto::Digest> parse_scheme(std::string_view name);
// The certificate file's <SN>: the RSA signature short name of the digest
// ("RSA-MD5", "RSA-SHA1", "RSA-SHA256"; also for DSA-signed certificates,
// operator-surface §1.5).
std::string scheme_short_name(crypto::Digest d);

}  // namespace ak::keygen
