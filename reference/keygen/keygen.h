// The generation run of autokey-keygen: what ntp-keygen 4.2.8p15 does for a
// set of options (autokey-operator-surface.md §1.2-§1.10), with the files
// fixed so that ntpd can use them.
//
// A run has three phases, so that nothing is ever half-written:
//   1. load the keys already in the directory (host, sign, GQ, IFF keys);
//   2. generate every key, the certificate and the exports in memory;
//   3. write the files (each via a temporary file and rename, mode 0600),
//      then the links; if a write fails, the files this run created are
//      removed again and the replaced links restored. Exports go to the
//      output stream only after that.
//
// Differences from ntp-keygen, all on purpose:
//   * -e writes the IFF and MV client parameters in the traditional
//     "DSA PRIVATE KEY" layout SEQUENCE{0, p, q, g, public, private}, which
//     keeps the public value; ntp-keygen's PKCS#8 export loses it under
//     OpenSSL 3 (operator-surface §1.8; autokey-protocol.md §7.1). GQ keeps
//     ntp-keygen's PKCS#8 RSA layout, which ntpd's GQ client reads.
//   * -q for MV writes the server block in the same traditional layout,
//     unencrypted (PKCS#8 would lose ghat; the traditional layout has no
//     encryption ntpd's OpenSSL 3 reads without the legacy provider). A
//     warning says so.
//   * Existing identity keys are looked up as ntpkey_<s>key_<group> and then
//     ntpkey_<s>key_<host> (the name this program links), so -e finds the
//     key it made even when host and group differ (ntp-keygen does not,
//     operator-surface §1.2).
//   * The MV bundle (ntpkey_MVta_*) is written as ntp-keygen writes it, as
//     encrypted PKCS#8 blocks, which lose the public values: MV exports are
//     therefore only possible in the run that generates the keys (-V n -e).
//   * Modern defaults (see options.h), a note when they apply, a warning for
//     weak sizes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "keygen/options.h"
#include "wire/result.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace ak::keygen {

// Everything a run takes from its surroundings, injectable for tests.
struct Environment {
  std::filesystem::path dir;  // where ntp-keygen writes: its working directory
  std::string system_host;    // gethostname(): default host, group and password
  std::int64_t now_unix = 0;  // the clock; filestamp = NTP seconds of this
  std::ostream* err = nullptr;  // progress and diagnostics (ntp-keygen: stderr)
  std::ostream* out = nullptr;  // exports (ntp-keygen: stdout)
  Botan::RandomNumberGenerator* rng = nullptr;
};

enum class KeygenError : std::uint8_t {
  NoHostName,               // no -s and the system host name is empty or unusable
  CorruptKeyFile,           // an existing key file does not decrypt or parse (wrong -p?)
  KeyGenerationFailed,      // Botan could not make the RSA/DSA key
  IdentityGenerationFailed, // the IFF/GQ/MV parameters failed their own validation
  CertificateFailed,        // the certificate could not be built (e.g. digest vs key type)
  EncodeFailed,             // a key could not be encoded or encrypted
  WriteFailed,              // a file or link could not be written; nothing was left behind
};

struct KeygenFailure {
  KeygenError error{};
  std::string detail;  // file name or reason; never key material or a password
};

const char* message(KeygenError e);
// "autokey-keygen: <message>: <detail>".
std::string describe(const KeygenFailure& f);

struct Outcome {
  std::uint32_t filestamp = 0;
  std::vector<std::string> files;                          // files written, in order
  std::vector<std::pair<std::string, std::string>> links;  // link -> target
  std::string exports;                                     // what went to `out`
};

// One run. Options must come from parse_options (sizes already checked).
Result<Outcome, KeygenFailure> run_keygen(const Options& options, const Environment& env);

// The exit status main() returns for a failure (ntp-keygen exits 255 for
// generation failures, 1 for option errors).
inline constexpr int kExitOptionError = 1;
inline constexpr int kExitFailure = 255;

// Full program behaviour behind main(): parse, --help, run, report.
int keygen_main(const std::vector<std::string>& args, const Environment& env);

}  // namespace ak::keygen
