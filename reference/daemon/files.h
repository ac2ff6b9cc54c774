// The daemon's files: the log (ntp.conf `logfile`, -l, else stderr), the
// statistics files (`statsdir` + `statistics` + `filegen NAME file F`), and
// the pid file. OS layer: kept out of the Daemon so that tests run without
// touching the file system.
#pragma once

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "config/config.h"
#include "daemon/output.h"
#include "hw/refclock.h"

namespace ak::daemon {

class FileOutput final : public Output {
 public:
  // log_path empty: stderr. Statistics files are opened for append as the
  // configuration enables them (operator-surface §5.1: only with
  // `statistics NAME`, and not when its filegen says `disable`).
  FileOutput(const hw::Clock& clock, const std::optional<std::string>& log_path, const config::Config& config);
  ~FileOutput() override;
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;

  // False (with a message in *why) when the log file cannot be opened.
  bool ok(std::string* why) const;

  void log(std::string_view message) override;
  void stats(StatsKind kind, std::string_view line) override;

 private:
  const hw::Clock& clock_;
  std::FILE* log_ = nullptr;
  bool own_log_ = false;
  std::string log_error_;
  std::map<StatsKind, std::FILE*> stats_;
};

// Writes the process id; false if the file cannot be written.
bool write_pid_file(const std::filesystem::path& path);

}  // namespace ak::daemon
