#include "daemon/files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace ak::daemon {

FileOutput::FileOutput(const hw::Clock& clock, const std::optional<std::string>& log_path,
                       const config::Config& config)
    : clock_(clock) {
  const std::optional<std::string> path = log_path ? log_path : config.logfile;
  if (path) {
    log_ = std::fopen(path->c_str(), "a");
    if (log_) own_log_ = true;
    else log_error_ = "cannot open log file " + *path + ": " + std::strerror(errno);
  }
  if (!log_) log_ = stderr;
  std::setvbuf(log_, nullptr, _IOLBF, 0);

  // ntpd joins statsdir and the file name as strings: "statsdir ./client/"
  // ends with the separator (fixture configs).
  const std::string dir = config.statsdir.value_or("");
  for (StatsKind kind : {StatsKind::Cryptostats, StatsKind::Peerstats}) {
    const std::string n(name(kind));
    bool wanted = false;
    for (const auto& s : config.statistics) wanted = wanted || s == n;
    const config::Filegen* g = config.filegen(n);
    if (g && g->enable) wanted = wanted && *g->enable;
    if (!wanted) continue;
    const std::string file = dir + (g && g->file ? *g->file : n);
    if (std::FILE* f = std::fopen(file.c_str(), "a")) {
      std::setvbuf(f, nullptr, _IOLBF, 0);
      stats_[kind] = f;
    } else {
      log("cannot open statistics file " + file + ": " + std::strerror(errno));
    }
  }
}

FileOutput::~FileOutput() {
  for (auto& [k, f] : stats_) std::fclose(f);
  if (own_log_) std::fclose(log_);
}

bool FileOutput::ok(std::string* why) const {
  if (log_error_.empty()) return true;
  if (why) *why = log_error_;
  return false;
}

void FileOutput::log(std::string_view message) {
  // ntpd's log file lines: "26 Nov 17:29:52 autokeyd[pid]: message".
  const hw::Timespec t = clock_.realtime();
  const std::time_t secs = static_cast<std::time_t>(t.sec);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%d %b %H:%M:%S", &tm);
  std::fprintf(log_, "%s autokeyd[%ld]: %.*s\n", stamp, static_cast<long>(getpid()),
               static_cast<int>(message.size()), message.data());
}

void FileOutput::stats(StatsKind kind, std::string_view line) {
  auto it = stats_.find(kind);
  if (it == stats_.end()) return;
  std::fprintf(it->second, "%.*s\n", static_cast<int>(line.size()), line.data());
}

bool write_pid_file(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  std::fprintf(f, "%ld\n", static_cast<long>(getpid()));
  return std::fclose(f) == 0;
}

}  // namespace ak::daemon
