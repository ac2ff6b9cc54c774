// ntp.conf, the subset an Autokey daemon needs (operator-surface §3).
//
// One statement per line, as ntpd's scanner reads it: `#` starts a comment,
// tokens are separated by blanks, a token may be a "double-quoted string"
// (no escapes), and there is no line continuation. Keywords are
// case-sensitive. Anything not understood is an error naming the file, the
// line and the rule, never silently skipped: a daemon that ignores a
// misspelt `autokey` would run unauthenticated.
//
// Where ntpd accepts a value but ignores it with a log line (automax and
// revoke out of range, `crypto revoke`), the value is left unset and the
// line ntpd would log is kept in Config::warnings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/result.h"

namespace ak::config {

enum class ConfigErrorCode {
  UnknownDirective,         // first word of the line is not a directive we know
  UnknownOption,            // an option word the directive does not take
  MissingArgument,          // directive or option needs a value that is not there
  UnexpectedArgument,       // extra words after a complete statement
  BadNumber,                // not a decimal integer (or not a number for time1/time2)
  NumberOutOfRange,         // a number outside the range the option allows
  UnterminatedString,       // "quoted string without its closing quote
  RemovedCryptoSubcommand,  // cert/leap/sign/gq/gqpar/iffpar/mvpar: a syntax error in p15 (§3.1)
  NotARefclock,             // fudge for an address that is not 127.127.T.U
  IncludeWithoutLoader,     // includefile in text parsed without file access
  IncludeTooDeep,           // includefile nested more than kMaxIncludeDepth
  CannotReadFile,           // the file (or an included one) cannot be opened
};

// One sentence naming the rule, for messages.
std::string_view describe(ConfigErrorCode code);

struct ConfigError {
  ConfigErrorCode code{};
  std::string file;
  std::size_t line = 0;  // 1-based; 0 when the file itself could not be read
  std::string detail;    // the offending word, or more context
  // "<file>:<line>: <describe(code)>: <detail>"
  std::string message() const;
};

enum class AssociationKind { Server, Pool, Peer, Broadcast, ManycastClient };
std::string_view association_kind_name(AssociationKind kind);

struct Association {
  AssociationKind kind = AssociationKind::Server;
  std::string address;  // as written: an IP address or a host name
  int address_family = 0;  // 0 any, 4 (-4) or 6 (-6)
  bool autokey = false;   // RFC 5906 §5: use Autokey for this association
  std::optional<std::string> ident;  // group name: client parameter files (§3.3)
  std::optional<std::uint32_t> key;  // symmetric key id; > 65535 also means Autokey
  std::optional<int> minpoll, maxpoll, version, mode, ttl;
  std::optional<std::uint16_t> port;  // extension: remote port other than 123
  bool iburst = false, burst = false, prefer = false, true_ = false, noselect = false;
  bool preempt = false, xleave = false;
  std::size_t line = 0;

  // 127.127.T.U: a reference clock, not a network peer.
  bool is_refclock() const;
  // The T of 127.127.T.U (driver type) and U (unit); nullopt if not a refclock.
  std::optional<std::pair<int, int>> refclock_type_unit() const;
};

struct Fudge {
  std::string address;  // 127.127.T.U
  std::optional<double> time1, time2;
  std::optional<int> stratum;
  std::optional<std::string> refid;
  std::optional<bool> flag1, flag2, flag3, flag4;
  std::size_t line = 0;
};

// `crypto ...` lines, merged (operator-surface §3.1).
struct Crypto {
  std::optional<std::string> pw, host, ident, digest, randfile;
};

struct Restrict {
  bool is_default = false;  // `restrict default`
  bool is_source = false;   // `restrict source`
  int address_family = 0;   // -4 / -6
  std::string address;      // empty for default/source
  std::optional<std::string> mask;
  std::vector<std::string> flags;  // in the order written
  std::size_t line = 0;
};

struct Filegen {
  std::string name;  // cryptostats, peerstats, loopstats, ...
  std::optional<std::string> file;
  std::optional<std::string> type;  // none, pid, day, week, month, year, age
  std::optional<bool> link;
  std::optional<bool> enable;
};

struct Config {
  std::vector<Association> associations;  // refclocks included (see is_refclock)
  std::vector<Fudge> fudges;
  std::optional<Crypto> crypto;  // set when any `crypto` line appeared: Autokey is on
  std::optional<std::string> keysdir;
  std::optional<std::string> ident;  // top-level: group of ephemeral associations (§3.4)
  std::optional<int> automax;        // log2 s, only when 2 < N < 32 (§3.4)
  std::optional<int> revoke;         // same range; no run-time effect in p15
  std::optional<std::string> driftfile, statsdir, logfile, keys, leapfile, pidfile;
  std::optional<std::uint32_t> controlkey, requestkey;
  std::vector<std::uint32_t> trustedkeys;
  std::optional<double> broadcastdelay;
  bool broadcastclient = false;
  std::vector<std::string> statistics;
  std::vector<Filegen> filegens;
  std::vector<Restrict> restricts;
  std::vector<std::string> enable, disable;  // in the order written
  std::optional<std::uint16_t> port;         // extension: local port other than 123
  std::vector<std::string> warnings;         // what ntpd would log and ignore

  // Last filegen entry with that name, if any.
  const Filegen* filegen(std::string_view name) const;
  // The fudge line for a refclock address, if any.
  const Fudge* fudge(std::string_view address) const;
};

inline constexpr int kMaxIncludeDepth = 5;

// Parses one file's text. `file_name` only labels errors. `includefile`
// is an error here (IncludeWithoutLoader): use load_config_file.
Result<Config, ConfigError> parse_config(std::string_view text, std::string file_name);

// Reads and parses a file, following `includefile PATH` (relative paths are
// taken from the working directory, as ntpd does) up to kMaxIncludeDepth.
Result<Config, ConfigError> load_config_file(const std::filesystem::path& path);

}  // namespace ak::config
