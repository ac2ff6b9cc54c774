// autokey-trace's engine: decode a capture, or verify it cryptographically.
//
// verify() plays the part of an omniscient observer holding both ends' key
// files: it follows each association through the capture in order, learns
// names and status words from ASSOC, certificates from CERT and SIGN, the
// cookie from COOK (decrypted with the requester's host key), and checks
// every MAC, every signature, every identity proof and every issued
// certificate on the way. It never stops at a bad packet: the report names
// the packet and goes on.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "crypto/certificate.h"
#include "crypto/identity_params.h"
#include "trace/report.h"
#include "wire/result.h"

namespace Botan {
class RSA_PrivateKey;
}

namespace ak::trace {

// One --keys DIR[:PASSWORD] argument.
struct KeySource {
  std::filesystem::path dir;
  std::string password;
};
// Splits "DIR[:PASSWORD]" at the last ':' (a password may not contain ':').
KeySource parse_key_source(const std::string& arg);

template <class T>
struct WithFilestamp {
  T value;
  std::uint32_t filestamp = 0;
  std::string file;
};

// Everything the --keys folders gave us. Never printed: only file names and
// what kind of key each held go into the notes.
struct TraceKeys {
  TraceKeys();
  ~TraceKeys();
  TraceKeys(TraceKeys&&) noexcept;
  TraceKeys& operator=(TraceKeys&&) noexcept;

  std::vector<WithFilestamp<std::shared_ptr<Botan::RSA_PrivateKey>>> host_keys;
  std::vector<crypto::Certificate> certificates;
  std::vector<WithFilestamp<crypto::IffParams>> iff;
  std::vector<WithFilestamp<crypto::GqParams>> gq;
  std::vector<WithFilestamp<crypto::MvParams>> mv;
  std::vector<std::string> notes;   // "loaded ntpkey_RSAhost_clientname.4004702989 (RSA host key)"
  std::vector<std::string> errors;  // files that exist but could not be loaded, and why
};

// Loads every ntp-keygen file (not the generic links) in each folder.
TraceKeys load_trace_keys(const std::vector<KeySource>& sources);

// One line per frame; no checks.
Report decode(const capture::Capture& cap);
// Decode plus every cryptographic check the keys allow.
Report verify(const capture::Capture& cap, const TraceKeys& keys);

}  // namespace ak::trace
