#include "testing/fixtures.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ak::testing {

std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("AK_SHARED"); env && *env) return env;
  return AK_SHARED_DIR_DEFAULT;
}

std::filesystem::path fixture(const std::string& relative) {
  const auto p = shared_dir() / "fixtures" / "ntpd-4.2.8p15" / relative;
  EXPECT_TRUE(std::filesystem::exists(p)) << "fixture missing: " << p
                                          << " (set AK_SHARED to the shared/ folder)";
  return p;
}

wire::Bytes read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return wire::Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace ak::testing
