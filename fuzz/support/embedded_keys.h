// Fixture key files compiled into the fuzz binaries, so that a fuzzer run on
// a machine without ../shared (OSS-Fuzz, ClusterFuzzLite) still has keys.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace ak::fuzz {

struct EmbeddedFile {
  const char* dir;    // "iff-md5-512/server"
  const char* name;   // "ntpkey_host_servername" (flattened links stay files)
  const unsigned char* data;
  std::size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

// A private temporary directory holding every embedded file under its
// fixture path ("<tmp>/iff-md5-512/server/ntpkey_..."), written once per
// process. The directory is removed at exit.
const std::filesystem::path& embedded_keys_root();

}  // namespace ak::fuzz
