#include "support/embedded_keys.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>

namespace ak::fuzz {

namespace {

struct TempTree {
  std::filesystem::path root;
  TempTree() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/ak-fuzz-keys-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("ak-fuzz: mkdtemp");
      std::abort();
    }
    root = pattern;
    for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
      const EmbeddedFile& f = kEmbeddedFiles[i];
      const auto dir = root / f.dir;
      std::filesystem::create_directories(dir);
      std::ofstream out(dir / f.name, std::ios::binary);
      out.write(reinterpret_cast<const char*>(f.data), static_cast<std::streamsize>(f.size));
      if (!out) std::abort();
    }
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
};

}  // namespace

const std::filesystem::path& embedded_keys_root() {
  static const TempTree tree;
  return tree.root;
}

}  // namespace ak::fuzz
