// Helpers shared by the keygen tests: a scratch directory and a run of the
// generator with a fixed clock and host name.
#pragma once

#include <botan/auto_rng.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "keygen/keygen.h"
#include "keygen/options.h"

namespace ak::keygen::testing {

namespace fs = std::filesystem;

// 2026-11-26 17:29:49 UTC: the fixtures' filestamp 4004702989 minus the NTP offset.
inline constexpr std::int64_t kNow = 4004702989LL - 2208988800LL;

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("ak_keygen_" + tag + "_" + std::to_string(::getpid()) + "_" + (info ? info->name() : "x"));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

  // Every name in the directory (files and links).
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) out.insert(e.path().filename().string());
    return out;
  }

 private:
  fs::path path_;
};

struct RunResult {
  Result<Outcome, KeygenFailure> result;
  std::string out, err;
};

// Parses args and runs in `dir` as host `host` at kNow (+ offset seconds).
inline RunResult run_in(const fs::path& dir, const std::string& host, const std::vector<std::string>& args,
                        std::int64_t offset = 0) {
  auto opts = parse_options(args);
  EXPECT_TRUE(opts.ok()) << (opts.ok() ? "" : describe(opts.error()));
  std::ostringstream out, err;
  Botan::AutoSeeded_RNG rng;
  Environment env;
  env.dir = dir;
  env.system_host = host;
  env.now_unix = kNow + offset;
  env.err = &err;
  env.out = &out;
  env.rng = &rng;
  auto r = opts.ok() ? run_keygen(opts.value(), env) : Result<Outcome, KeygenFailure>(Err{KeygenFailure{}});
  return RunResult{std::move(r), out.str(), err.str()};
}

}  // namespace ak::keygen::testing
