#include "config/config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <span>
#include <sstream>

namespace ak::config {

std::string_view describe(ConfigErrorCode code) {
  switch (code) {
    case ConfigErrorCode::UnknownDirective: return "unknown directive";
    case ConfigErrorCode::UnknownOption: return "unknown option";
    case ConfigErrorCode::MissingArgument: return "missing argument";
    case ConfigErrorCode::UnexpectedArgument: return "unexpected argument";
    case ConfigErrorCode::BadNumber: return "not a number";
    case ConfigErrorCode::NumberOutOfRange: return "number out of range";
    case ConfigErrorCode::UnterminatedString: return "unterminated quoted string";
    case ConfigErrorCode::RemovedCryptoSubcommand:
      return "crypto subcommand not accepted by ntpd 4.2.8p15 (syntax error there)";
    case ConfigErrorCode::NotARefclock: return "fudge needs a reference clock address 127.127.T.U";
    case ConfigErrorCode::IncludeWithoutLoader: return "includefile needs load_config_file";
    case ConfigErrorCode::IncludeTooDeep: return "includefile nested too deeply";
    case ConfigErrorCode::CannotReadFile: return "cannot read file";
  }
  return "unknown error";
}

std::string ConfigError::message() const {
  std::string m = file;
  if (line != 0) m += ":" + std::to_string(line);
  m += ": ";
  m += describe(code);
  if (!detail.empty()) m += ": " + detail;
  return m;
}

std::string_view association_kind_name(AssociationKind kind) {
  switch (kind) {
    case AssociationKind::Server: return "server";
    case AssociationKind::Pool: return "pool";
    case AssociationKind::Peer: return "peer";
    case AssociationKind::Broadcast: return "broadcast";
    case AssociationKind::ManycastClient: return "manycastclient";
  }
  return "?";
}

namespace {

std::optional<int> small_decimal(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 3) return std::nullopt;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 0 || v > 255) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::pair<int, int>> Association::refclock_type_unit() const {
  // ntpd: 127.127.T.U names driver T, unit U.
  std::array<std::string_view, 4> parts;
  std::string_view rest = address;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto dot = rest.find('.');
    if ((dot == std::string_view::npos) != (i == 3)) return std::nullopt;
    parts[i] = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  }
  const auto a = small_decimal(parts[0]), b = small_decimal(parts[1]);
  const auto t = small_decimal(parts[2]), u = small_decimal(parts[3]);
  if (!a || !b || !t || !u || *a != 127 || *b != 127) return std::nullopt;
  return std::make_pair(*t, *u);
}

bool Association::is_refclock() const { return refclock_type_unit().has_value(); }

const Filegen* Config::filegen(std::string_view name) const {
  for (auto it = filegens.rbegin(); it != filegens.rend(); ++it)
    if (it->name == name) return &*it;
  return nullptr;
}

const Fudge* Config::fudge(std::string_view address) const {
  for (auto it = fudges.rbegin(); it != fudges.rend(); ++it)
    if (it->address == address) return &*it;
  return nullptr;
}

namespace {

using IncludeReader = std::function<Result<std::string, std::string>(const std::string&)>;

bool contains(std::span<const std::string_view> set, std::string_view w) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

// ntpd's association option, restrict flag, enable/disable and statistics
// vocabularies (ntp_parser.y keyword lists).
constexpr std::string_view kRestrictFlags[] = {
    "ignore",  "kod",      "limited", "lowpriotrap", "mssntp",  "noepeer",      "nomodify",
    "nomrulist", "nopeer", "noquery", "noserve",     "notrap",  "notrust",      "ntpport",
    "version", "serverresponse", "fuzz", "epeer"};
constexpr std::string_view kSystemFlags[] = {
    "auth",   "bclient", "calibrate", "kernel", "mode7", "monitor", "ntp", "stats",
    "peer_clear_digest_early", "unpeer_crypto_early", "unpeer_crypto_nak_early",
    "unpeer_digest_early"};
constexpr std::string_view kStatistics[] = {
    "clockstats", "cryptostats", "loopstats", "peerstats", "rawstats", "sysstats", "timingstats",
    "protostats"};
constexpr std::string_view kFilegenTypes[] = {"none", "pid",   "day", "week",
                                                                   "month", "year", "age"};
constexpr std::string_view kRemovedCrypto[] = {"cert", "leap",   "sign", "gq",
                                                                    "gqpar", "iffpar", "mvpar"};

class Parser {
 public:
  Parser(Config& cfg, std::string file, const IncludeReader* reader, int depth)
      : cfg_(cfg), file_(std::move(file)), reader_(reader), depth_(depth) {}

  Status<ConfigError> parse(std::string_view text) {
    std::size_t line_no = 0;
    while (!text.empty() || line_no == 0) {
      ++line_no;
      const auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      line_ = line_no;
      AK_TRY(words_, tokenize(line));
      pos_ = 0;
      if (!words_.empty()) {
        AK_TRY(auto ok, statement());
        (void)ok;
      }
      if (text.empty()) break;
    }
    return Ok{};
  }

 private:
  Err<ConfigError> fail(ConfigErrorCode code, std::string detail) const {
    return Err{ConfigError{code, file_, line_, std::move(detail)}};
  }

  Result<std::vector<std::string>, ConfigError> tokenize(std::string_view line) const {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
      const char c = line[i];
      if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
        ++i;
      } else if (c == '#') {
        break;
      } else if (c == '"') {
        const auto close = line.find('"', i + 1);
        if (close == std::string_view::npos) return fail(ConfigErrorCode::UnterminatedString, std::string(line.substr(i)));
        out.emplace_back(line.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\v' && line[j] != '\f' &&
               line[j] != '#')
          ++j;
        out.emplace_back(line.substr(i, j - i));
        i = j;
      }
    }
    return out;
  }

  bool more() const { return pos_ < words_.size(); }
  const std::string& peek() const { return words_[pos_]; }

  Result<std::string, ConfigError> next(std::string_view what) {
    if (!more()) return fail(ConfigErrorCode::MissingArgument, std::string(what));
    return words_[pos_++];
  }

  template <class Int>
  Result<Int, ConfigError> integer(std::string_view what, long long lo, long long hi) {
    AK_TRY(const std::string w, next(what));
    long long v = 0;
    const auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec == std::errc::result_out_of_range) return fail(ConfigErrorCode::NumberOutOfRange, std::string(what) + " " + w);
    if (ec != std::errc{} || p != w.data() + w.size()) return fail(ConfigErrorCode::BadNumber, std::string(what) + " " + w);
    if (v < lo || v > hi) return fail(ConfigErrorCode::NumberOutOfRange, std::string(what) + " " + w);
    return static_cast<Int>(v);
  }

  Result<double, ConfigError> real(std::string_view what) {
    AK_TRY(const std::string w, next(what));
    // strtod accepts what ntpd's scanner calls T_Double (and integers).
    char* end = nullptr;
    const double v = std::strtod(w.c_str(), &end);
    if (w.empty() || end != w.c_str() + w.size()) return fail(ConfigErrorCode::BadNumber, std::string(what) + " " + w);
    return v;
  }

  Status<ConfigError> end_of_statement() const {
    if (more()) return fail(ConfigErrorCode::UnexpectedArgument, peek());
    return Ok{};
  }

  Status<ConfigError> one_string(std::optional<std::string>& field, std::string_view what) {
    AK_TRY(field, next(what));
    return end_of_statement();
  }

  Status<ConfigError> statement() {
    const std::string d = words_[pos_++];
    if (d == "server") return association(AssociationKind::Server);
    if (d == "pool") return association(AssociationKind::Pool);
    if (d == "peer") return association(AssociationKind::Peer);
    if (d == "broadcast") return association(AssociationKind::Broadcast);
    if (d == "manycastclient") return association(AssociationKind::ManycastClient);
    if (d == "broadcastclient") {
      cfg_.broadcastclient = true;
      return end_of_statement();
    }
    if (d == "fudge") return fudge();
    if (d == "crypto") return crypto();
    if (d == "keysdir") return one_string(cfg_.keysdir, "keysdir PATH");
    if (d == "ident") return one_string(cfg_.ident, "ident NAME");
    if (d == "automax") return log2_range(cfg_.automax, "automax");
    if (d == "revoke") return log2_range(cfg_.revoke, "revoke");
    if (d == "driftfile") return one_string(cfg_.driftfile, "driftfile FILE");
    if (d == "statsdir") return one_string(cfg_.statsdir, "statsdir DIR");
    if (d == "logfile") return one_string(cfg_.logfile, "logfile FILE");
    if (d == "keys") return one_string(cfg_.keys, "keys FILE");
    if (d == "leapfile") return one_string(cfg_.leapfile, "leapfile FILE");
    if (d == "pidfile") return one_string(cfg_.pidfile, "pidfile FILE");
    if (d == "controlkey") {
      AK_TRY(cfg_.controlkey, (integer<std::uint32_t>("controlkey N", 1, 65535)));
      return end_of_statement();
    }
    if (d == "requestkey") {
      AK_TRY(cfg_.requestkey, (integer<std::uint32_t>("requestkey N", 1, 65535)));
      return end_of_statement();
    }
    if (d == "trustedkey") {
      if (!more()) return fail(ConfigErrorCode::MissingArgument, "trustedkey N...");
      while (more()) {
        AK_TRY(const auto k, (integer<std::uint32_t>("trustedkey N", 1, 65535)));
        cfg_.trustedkeys.push_back(k);
      }
      return Ok{};
    }
    if (d == "broadcastdelay") {
      AK_TRY(cfg_.broadcastdelay, real("broadcastdelay SECONDS"));
      return end_of_statement();
    }
    if (d == "statistics") return word_list(cfg_.statistics, kStatistics, "statistics NAME...");
    if (d == "enable") return word_list(cfg_.enable, kSystemFlags, "enable FLAG...");
    if (d == "disable") return word_list(cfg_.disable, kSystemFlags, "disable FLAG...");
    if (d == "filegen") return filegen();
    if (d == "restrict") return restrict_line();
    if (d == "port") {
      // Extension (not ntpd): the local UDP port, so tests need no privilege.
      AK_TRY(cfg_.port, (integer<std::uint16_t>("port N", 1, 65535)));
      return end_of_statement();
    }
    if (d == "includefile") return include();
    return fail(ConfigErrorCode::UnknownDirective, d);
  }

  Status<ConfigError> association(AssociationKind kind) {
    Association a;
    a.kind = kind;
    a.line = line_;
    if (more() && (peek() == "-4" || peek() == "-6")) a.address_family = words_[pos_++] == "-4" ? 4 : 6;
    AK_TRY(a.address, next(std::string(association_kind_name(kind)) + " ADDRESS"));
    while (more()) {
      const std::string o = words_[pos_++];
      if (o == "autokey") a.autokey = true;
      else if (o == "iburst") a.iburst = true;
      else if (o == "burst") a.burst = true;
      else if (o == "prefer") a.prefer = true;
      else if (o == "true") a.true_ = true;
      else if (o == "noselect") a.noselect = true;
      else if (o == "preempt") a.preempt = true;
      else if (o == "xleave") a.xleave = true;
      else if (o == "ident") { AK_TRY(a.ident, next("ident NAME")); }
      // §3.3: key ids >= 0xFFFFFFFF are "key: invalid argument" in ntpd.
      else if (o == "key") { AK_TRY(a.key, (integer<std::uint32_t>("key N", 1, 0xFFFFFFFEll))); }
      // ntpd clamps poll exponents to NTP_MINPOLL..NTP_MAXPOLL (3..17).
      else if (o == "minpoll") { AK_TRY(a.minpoll, (integer<int>("minpoll N", 3, 17))); }
      else if (o == "maxpoll") { AK_TRY(a.maxpoll, (integer<int>("maxpoll N", 3, 17))); }
      else if (o == "version") { AK_TRY(a.version, (integer<int>("version N", 1, 4))); }
      else if (o == "mode") { AK_TRY(a.mode, (integer<int>("mode N", 0, 255))); }
      else if (o == "ttl") { AK_TRY(a.ttl, (integer<int>("ttl N", 0, 255))); }
      else if (o == "port") { AK_TRY(a.port, (integer<std::uint16_t>("port N", 1, 65535))); }
      else return fail(ConfigErrorCode::UnknownOption, o);
    }
    cfg_.associations.push_back(std::move(a));
    return Ok{};
  }

  Status<ConfigError> fudge() {
    Fudge f;
    f.line = line_;
    AK_TRY(f.address, next("fudge 127.127.T.U"));
    Association probe;
    probe.address = f.address;
    if (!probe.is_refclock()) return fail(ConfigErrorCode::NotARefclock, f.address);
    if (!more()) return fail(ConfigErrorCode::MissingArgument, "fudge option");
    while (more()) {
      const std::string o = words_[pos_++];
      if (o == "time1") { AK_TRY(f.time1, real("time1 SECONDS")); }
      else if (o == "time2") { AK_TRY(f.time2, real("time2 SECONDS")); }
      else if (o == "stratum") { AK_TRY(f.stratum, (integer<int>("stratum N", 0, 15))); }
      else if (o == "refid") {
        AK_TRY(f.refid, next("refid TEXT"));
        if (f.refid->size() > 4) return fail(ConfigErrorCode::NumberOutOfRange, "refid longer than 4 characters: " + *f.refid);
      } else if (o.size() == 5 && o.compare(0, 4, "flag") == 0 && o[4] >= '1' && o[4] <= '4') {
        AK_TRY(const int v, (integer<int>(o + " 0|1", 0, 1)));
        std::array<std::optional<bool>*, 4> flags{&f.flag1, &f.flag2, &f.flag3, &f.flag4};
        *flags[static_cast<std::size_t>(o[4] - '1')] = v != 0;
      } else {
        return fail(ConfigErrorCode::UnknownOption, o);
      }
    }
    cfg_.fudges.push_back(std::move(f));
    return Ok{};
  }

  Status<ConfigError> crypto() {
    // §3.1: every crypto line is merged; `crypto` alone turns Autokey on.
    if (!cfg_.crypto) cfg_.crypto = Crypto{};
    Crypto& c = *cfg_.crypto;
    while (more()) {
      const std::string o = words_[pos_++];
      if (o == "pw") { AK_TRY(c.pw, next("pw PASSWORD")); }
      else if (o == "host") { AK_TRY(c.host, next("host NAME")); }
      else if (o == "ident") { AK_TRY(c.ident, next("ident NAME")); }
      else if (o == "digest") { AK_TRY(c.digest, next("digest NAME")); }
      else if (o == "randfile") { AK_TRY(c.randfile, next("randfile FILE")); }
      else if (o == "revoke") {
        std::optional<int> v;
        AK_TRY(auto ok, log2_value(v, "revoke"));
        (void)ok;
        cfg_.warnings.push_back("'crypto revoke " + words_[pos_ - 1] + "' is deprecated, please use 'revoke " +
                                words_[pos_ - 1] + "' instead.");
        if (v) cfg_.revoke = v;
      } else if (contains(kRemovedCrypto, o)) {
        return fail(ConfigErrorCode::RemovedCryptoSubcommand, o);
      } else {
        return fail(ConfigErrorCode::UnknownOption, o);
      }
    }
    return Ok{};
  }

  // §3.4: automax and revoke keep a value only when 2 < N < 32; ntpd logs
  // and ignores anything else.
  Status<ConfigError> log2_value(std::optional<int>& field, const std::string& name) {
    AK_TRY(const int v, (integer<int>(name + " N", -2147483647ll, 2147483647ll)));
    if (v > 2 && v < 32) field = v;
    else cfg_.warnings.push_back("'" + name + "' value " + std::to_string(v) + " ignored");
    return Ok{};
  }

  Status<ConfigError> log2_range(std::optional<int>& field, const std::string& name) {
    AK_TRY(auto ok, log2_value(field, name));
    (void)ok;
    return end_of_statement();
  }

  Status<ConfigError> word_list(std::vector<std::string>& out, std::span<const std::string_view> allowed,
                                std::string_view what) {
    if (!more()) return fail(ConfigErrorCode::MissingArgument, std::string(what));
    while (more()) {
      const std::string w = words_[pos_++];
      if (!contains(allowed, w)) return fail(ConfigErrorCode::UnknownOption, w);
      out.push_back(w);
    }
    return Ok{};
  }

  Status<ConfigError> filegen() {
    Filegen g;
    AK_TRY(g.name, next("filegen NAME"));
    if (!contains(kStatistics, g.name)) return fail(ConfigErrorCode::UnknownOption, g.name);
    while (more()) {
      const std::string o = words_[pos_++];
      if (o == "file") { AK_TRY(g.file, next("file NAME")); }
      else if (o == "type") {
        AK_TRY(g.type, next("type TYPE"));
        if (!contains(kFilegenTypes, *g.type)) return fail(ConfigErrorCode::UnknownOption, "type " + *g.type);
      } else if (o == "link" || o == "nolink") g.link = o == "link";
      else if (o == "enable" || o == "disable") g.enable = o == "enable";
      else return fail(ConfigErrorCode::UnknownOption, o);
    }
    cfg_.filegens.push_back(std::move(g));
    return Ok{};
  }

  Status<ConfigError> restrict_line() {
    Restrict r;
    r.line = line_;
    if (more() && (peek() == "-4" || peek() == "-6")) r.address_family = words_[pos_++] == "-4" ? 4 : 6;
    AK_TRY(const std::string target, next("restrict default|source|ADDRESS"));
    if (target == "default") r.is_default = true;
    else if (target == "source") r.is_source = true;
    else r.address = target;
    if (more() && peek() == "mask") {
      ++pos_;
      AK_TRY(r.mask, next("mask ADDRESS"));
    }
    while (more()) {
      const std::string f = words_[pos_++];
      if (!contains(kRestrictFlags, f)) return fail(ConfigErrorCode::UnknownOption, f);
      r.flags.push_back(f);
    }
    cfg_.restricts.push_back(std::move(r));
    return Ok{};
  }

  Status<ConfigError> include() {
    AK_TRY(const std::string path, next("includefile FILE"));
    AK_TRY(auto ok, end_of_statement());
    (void)ok;
    if (reader_ == nullptr) return fail(ConfigErrorCode::IncludeWithoutLoader, path);
    if (depth_ >= kMaxIncludeDepth) return fail(ConfigErrorCode::IncludeTooDeep, path);
    auto text = (*reader_)(path);
    if (!text) return fail(ConfigErrorCode::CannotReadFile, path + ": " + text.error());
    Parser inner(cfg_, path, reader_, depth_ + 1);
    return inner.parse(*text);
  }

  Config& cfg_;
  std::string file_;
  const IncludeReader* reader_;
  int depth_;
  std::size_t line_ = 0;
  std::vector<std::string> words_;
  std::size_t pos_ = 0;
};

Result<Config, ConfigError> parse_with(std::string_view text, std::string file_name, const IncludeReader* reader) {
  Config cfg;
  Parser p(cfg, std::move(file_name), reader, 0);
  AK_TRY(auto ok, p.parse(text));
  (void)ok;
  return cfg;
}

Result<std::string, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err{std::string("cannot open")};
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return Err{std::string("read error")};
  return s.str();
}

}  // namespace

Result<Config, ConfigError> parse_config(std::string_view text, std::string file_name) {
  return parse_with(text, std::move(file_name), nullptr);
}

Result<Config, ConfigError> load_config_file(const std::filesystem::path& path) {
  auto text = read_file(path.string());
  if (!text) return Err{ConfigError{ConfigErrorCode::CannotReadFile, path.string(), 0, text.error()}};
  const IncludeReader reader = read_file;
  return parse_with(*text, path.string(), &reader);
}

}  // namespace ak::config
