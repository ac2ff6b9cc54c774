// Reading an ntp-keygen file: header, filestamp and PEM blocks
// (autokey-operator-surface.md §1.4; autokey-protocol.md §8.7).
//
//   # ntpkey_RSAhost_servername.4004702989      <- name and filestamp
//   # Thu Nov 26 17:29:49 2026                   <- ctime of generation
//                                                <- empty line
//   -----BEGIN ENCRYPTED PRIVATE KEY-----        <- one or more PEM blocks
//
// The filestamp is taken as ntpd takes it: the digits after the LAST '.' of
// line 1, whatever the file is called on disk (an -e export saved under
// another name keeps the stamp of its header, operator-surface §6.2).
//
// This layer only frames the file. What a block means (which key, which
// identity parameters) is decided by the loaders in private_key.h and
// identity.h.
#pragma once

#include <botan/secmem.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keys/errors.h"
#include "wire/result.h"

namespace ak::keys {

struct PemBlock {
  std::string label;  // e.g. "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "CERTIFICATE"
  // RFC 1421 header lines ("Proc-Type", "4,ENCRYPTED"), present only in
  // traditional encrypted PEM.
  std::vector<std::pair<std::string, std::string>> headers;
  Botan::secure_vector<std::uint8_t> der;  // the decoded base64 body
  std::string text;                        // BEGIN line .. END line, as in the file
};

struct KeyFile {
  std::filesystem::path path;  // the file finally read, after links were followed
  std::string file_name;       // path.filename()
  std::string header_name;     // line 1 without "# ", e.g. "ntpkey_iffpar_servername.4004702989"
  std::uint32_t filestamp = 0; // digits after the last '.' of line 1
  std::string ctime_line;      // line 2 without "# " (empty if absent)
  std::vector<PemBlock> blocks;
};

// Parses file text; pure (no I/O), bounded, never throws. path and
// file_name stay empty.
Result<KeyFile, KeyError> parse_key_file_text(std::string_view text);

// Follows symbolic links and "link files" (a one-line file whose whole
// content is the name of another file in the same directory, as links are
// stored in the fixtures) for at most kMaxLinkHops hops.
Result<std::filesystem::path, KeyError> resolve_key_path(const std::filesystem::path& path);

// resolve_key_path, then read (at most kMaxKeyFileSize octets) and parse.
Result<KeyFile, KeyError> read_key_file(const std::filesystem::path& path);

// True if text is a link file's content: no PEM, one line, a bare file name.
bool is_link_file_text(std::string_view text);

}  // namespace ak::keys
