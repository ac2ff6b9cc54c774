#include "hw/nmea.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace ak::hw {
namespace {

constexpr std::size_t kMaxLine = 80;  // 82 with CR LF (hw-adapters.md §2.1)

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // ntpd accepts upper-case hex only
}

// Fixed-width decimal field: all digits, exactly `n` of them.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (s.size() < pos || s.size() - pos < n) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return std::nullopt;
    v = v * 10 + (s[pos + i] - '0');
  }
  return v;
}

std::vector<std::string_view> split(std::string_view body) {
  std::vector<std::string_view> f;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || body[i] == ',') {
      f.push_back(body.substr(start, i - start));
      start = i + 1;
    }
  }
  return f;
}

// hhmmss[.f{1,9}]; seconds up to 60 for an inserted leap second.
std::optional<NmeaError> parse_time(std::string_view t, NmeaSentence& s) {
  if (t.empty()) return NmeaError::EmptyTime;
  const auto h = digits(t, 0, 2), m = digits(t, 2, 2), sec = digits(t, 4, 2);
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return NmeaError::BadTime;
  std::int32_t ns = 0;
  if (t.size() > 6) {
    if (t[6] != '.' || t.size() == 7 || t.size() - 7 > 9) return NmeaError::BadTime;
    std::int32_t scale = 100'000'000;
    for (std::size_t i = 7; i < t.size(); ++i, scale /= 10) {
      if (!is_digit(t[i])) return NmeaError::BadTime;
      ns += (t[i] - '0') * scale;
    }
  }
  s.hour = *h;
  s.minute = *m;
  s.second = *sec;
  s.nsec = ns;
  return std::nullopt;
}

bool valid_day(std::int64_t y, int m, int d) { return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m); }

int type_bit(NmeaType t) { return 1 << static_cast<int>(t); }

}  // namespace

const char* to_string(NmeaType t) {
  switch (t) {
    case NmeaType::Rmc: return "RMC";
    case NmeaType::Gga: return "GGA";
    case NmeaType::Gll: return "GLL";
    case NmeaType::Zda: return "ZDA";
  }
  return "?";
}

const char* message(NmeaError e) {
  switch (e) {
    case NmeaError::NoDollar: return "sentence does not start with '$'";
    case NmeaError::TooLong: return "sentence longer than 80 characters";
    case NmeaError::NonPrintable: return "non-printable character in sentence";
    case NmeaError::BadAddress: return "address field is not [A-Z][A-Z0-9]{4,}";
    case NmeaError::BadChecksumFormat: return "checksum is not two upper-case hex digits";
    case NmeaError::ChecksumMismatch: return "checksum does not match the sentence";
    case NmeaError::Unsupported: return "not a time sentence this driver reads";
    case NmeaError::MissingField: return "sentence has too few fields";
    case NmeaError::EmptyTime: return "time field empty (no fix yet)";
    case NmeaError::BadTime: return "time field malformed or out of range";
    case NmeaError::BadDate: return "date field malformed or out of range";
  }
  return "?";
}

std::uint8_t nmea_checksum(std::string_view body) {
  std::uint8_t x = 0;
  for (char c : body) x ^= static_cast<std::uint8_t>(c);
  return x;
}

std::string nmea_frame(std::string_view body) {
  static const char* kHex = "0123456789ABCDEF";
  const std::uint8_t c = nmea_checksum(body);
  std::string s = "$";
  s.append(body);
  s.push_back('*');
  s.push_back(kHex[c >> 4]);
  s.push_back(kHex[c & 15]);
  return s;
}

ak::Result<NmeaSentence, NmeaError> parse_nmea(std::string_view line) {
  if (line.empty() || line[0] != '$') return ak::Err{NmeaError::NoDollar};
  if (line.size() > kMaxLine) return ak::Err{NmeaError::TooLong};
  for (char c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      return ak::Err{NmeaError::NonPrintable};
  }
  NmeaSentence s;
  std::string_view body = line.substr(1);
  if (const auto star = body.find('*'); star != std::string_view::npos) {
    const std::string_view sum = body.substr(star + 1);
    if (sum.size() != 2 || hex_value(sum[0]) < 0 || hex_value(sum[1]) < 0)
      return ak::Err{NmeaError::BadChecksumFormat};
    body = body.substr(0, star);
    if (nmea_checksum(body) != hex_value(sum[0]) * 16 + hex_value(sum[1]))
      return ak::Err{NmeaError::ChecksumMismatch};
    s.has_checksum = true;
  }
  const auto f = split(body);
  const std::string_view addr = f[0];
  if (addr.size() < 5 || !is_upper(addr[0])) return ak::Err{NmeaError::BadAddress};
  for (char c : addr) {
    if (!is_upper(c) && !is_digit(c)) return ak::Err{NmeaError::BadAddress};
  }
  // Talker-agnostic, like ntpd: two talker characters, then the type.
  const std::string_view type = addr.substr(2);
  s.talker = std::string(addr.substr(0, 2));
  std::size_t need = 0, time_field = 1;
  if (type == "RMC") {
    s.type = NmeaType::Rmc;
    need = 10;
  } else if (type == "GGA") {
    s.type = NmeaType::Gga;
    need = 7;
  } else if (type == "GLL") {
    s.type = NmeaType::Gll;
    need = 7;
    time_field = 5;
  } else if (type == "ZDA") {
    s.type = NmeaType::Zda;
    need = 5;
  } else {
    return ak::Err{NmeaError::Unsupported};
  }
  if (f.size() < need) return ak::Err{NmeaError::MissingField};
  if (auto e = parse_time(f[time_field], s)) return ak::Err{*e};
  switch (s.type) {
    case NmeaType::Rmc: {
      s.fix_valid = f[2] == "A";
      const std::string_view d = f[9];
      const auto dd = digits(d, 0, 2), mm = digits(d, 2, 2), yy = digits(d, 4, 2);
      // Validated against a leap year here; the era is resolved later.
      if (d.size() != 6 || !dd || !mm || !yy || !valid_day(2000, *mm, *dd)) return ak::Err{NmeaError::BadDate};
      s.date = CivilDate{*yy, *mm, *dd};
      s.two_digit_year = true;
      break;
    }
    case NmeaType::Gga: s.fix_valid = !f[6].empty() && f[6] != "0"; break;
    case NmeaType::Gll: s.fix_valid = f[6] == "A"; break;
    case NmeaType::Zda: {
      const auto dd = digits(f[2], 0, 2), mm = digits(f[3], 0, 2), yyyy = digits(f[4], 0, 4);
      if (f[2].size() != 2 || f[3].size() != 2 || f[4].size() != 4 || !dd || !mm || !yyyy ||
          !valid_day(*yyyy, *mm, *dd))
        return ak::Err{NmeaError::BadDate};
      s.date = CivilDate{*yyyy, *mm, *dd};
      s.fix_valid = true;
      break;
    }
  }
  return s;
}

Timespec nmea_reference_time(const NmeaSentence& s, Timespec near) {
  const std::int64_t tod = s.hour * 3600 + s.minute * 60 + s.second;
  const auto at_day = [&](std::int64_t day) { return Timespec{day * 86400 + tod, s.nsec}; };
  if (s.date && !s.two_digit_year) return at_day(days_from_civil(s.date->year, s.date->month, s.date->day));
  const std::int64_t near_day = day_of(near.sec);
  if (s.date) {
    // RMC: the century that puts the date nearest to `near` (no 1999/2099
    // surprise for a receiver or a test running near a century boundary).
    const std::int64_t y = civil_from_days(near_day).year;
    std::int64_t best = 0;
    std::int64_t best_dist = -1;
    for (std::int64_t c = y / 100 - 1; c <= y / 100 + 1; ++c) {
      const std::int64_t cand = c * 100 + s.date->year;
      const std::int64_t dist = std::llabs(cand - y);
      if (best_dist < 0 || dist < best_dist) {
        best = cand;
        best_dist = dist;
      }
    }
    return at_day(days_from_civil(best, s.date->month, s.date->day));
  }
  // No date: the neighbouring day whose time of day is nearest.
  Timespec best = at_day(near_day);
  for (std::int64_t d = near_day - 1; d <= near_day + 1; ++d) {
    const Timespec t = at_day(d);
    if (std::fabs(seconds_between(t, near)) < std::fabs(seconds_between(best, near))) best = t;
  }
  return best;
}

void NmeaLineAssembler::feed(std::span<const std::uint8_t> bytes, Timespec arrival, std::vector<Line>& out) {
  for (std::uint8_t raw : bytes) {
    const auto c = static_cast<char>(raw & 0x7f);  // ntpd drops the parity bit
    if (c == '$') {
      cur_.assign(1, '$');  // a '$' always starts a new sentence
      in_line_ = true;
      overflow_ = false;
      continue;
    }
    if (!in_line_) continue;  // garbage between sentences
    if (c == '\r') continue;
    if (c == '\n') {
      if (overflow_) {
        ++overlong_;
      } else {
        out.push_back(Line{cur_, arrival});
      }
      cur_.clear();
      in_line_ = false;
      continue;
    }
    if (cur_.size() >= kMaxLine) {
      overflow_ = true;  // keep memory bounded; the line is dropped at LF
      continue;
    }
    cur_.push_back(c);
  }
}

// ----------------------------------------------------------------- serial

namespace {
speed_t speed_for(unsigned baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    default: return B4800;
  }
}
}  // namespace

Status SerialByteSource::open() {
  close();
  const int fd = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return status_from_errno(errno);
  termios t{};
  if (::tcgetattr(fd, &t) != 0) {
    const int e = errno;
    ::close(fd);
    return status_from_errno(e);
  }
  // ntpd refclock_open: 8N1, CLOCAL, canonical. IGNCR instead of ICRNL gives
  // one read per sentence and no empty reads (hw-adapters.md §2.3).
  t.c_iflag = IGNBRK | IGNPAR | IGNCR;
  t.c_oflag = 0;
  t.c_cflag = CS8 | CLOCAL | CREAD;
  t.c_lflag = ICANON;
  cfsetispeed(&t, speed_for(baud_));
  cfsetospeed(&t, speed_for(baud_));
  if (::tcsetattr(fd, TCSANOW, &t) != 0) {
    const int e = errno;
    ::close(fd);
    return status_from_errno(e);
  }
  fd_ = fd;
  return Status::Ok;
}

std::size_t SerialByteSource::read(std::span<std::uint8_t> buf, Status& st) {
  st = Status::Ok;
  if (fd_ < 0) {
    st = Status::DeviceMissing;
    return 0;
  }
  const ssize_t n = ::read(fd_, buf.data(), buf.size());
  if (n >= 0) return static_cast<std::size_t>(n);
  if (errno != EAGAIN && errno != EINTR) st = status_from_errno(errno);
  return 0;
}

void SerialByteSource::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

// ------------------------------------------------------------------ adapter

NmeaOptions NmeaOptions::from_fudge(const Fudge& f) {
  NmeaOptions o;
  o.sentence_mask = f.mode & 0xfu;
  static constexpr unsigned kBaud[8] = {4800, 9600, 19200, 38400, 57600, 115200, 4800, 4800};
  o.baud = kBaud[(f.mode >> 4) & 7u];
  o.time1 = f.time1;
  o.time2 = f.time2;
  o.pps = f.flag1;
  return o;
}

NmeaClock::NmeaClock(const Clock& clock, std::string device, NmeaOptions options,
                     std::unique_ptr<ByteSource> source, std::unique_ptr<PpsSource> pps)
    : clock_(clock), device_(std::move(device)), opt_(options), source_(std::move(source)), pps_(std::move(pps)) {}

Status NmeaClock::open() { return source_ ? source_->open() : Status::Ok; }

void NmeaClock::close() {
  if (source_) source_->close();
}

bool NmeaClock::pair_with_pps(Timespec& rcv) {
  PpsInfo info;
  if (!pps_ || pps_->fetch(info) != Status::Ok) return false;
  const Timespec edge = info.assert_time;
  if (edge.sec == 0 && edge.nsec == 0) return false;
  // ntpd refclock_ppsaugment (hw-adapters.md §2.5).
  const double delta = seconds_between(edge, rcv) - opt_.time1;
  if (std::fabs(std::trunc(delta)) >= 2) return false;  // stale edge
  const double frac = delta - std::floor(delta);
  if (frac >= 0.45 && frac <= 0.55) return false;  // the noise-lock gap
  rcv = rcv.plus_seconds(frac < 0.5 ? frac : frac - 1.0);
  return true;
}

Status NmeaClock::process_line(std::string_view line, Timespec end, std::vector<Sample>& out) {
  const auto done = [&](Status s) {
    counters_.count(s);
    return s;
  };
  auto parsed = parse_nmea(line);
  if (!parsed) {
    switch (parsed.error()) {
      case NmeaError::Unsupported: return Status::NotReady;  // GSV, GSA ...: not ours, not an error
      case NmeaError::ChecksumMismatch:
      case NmeaError::BadChecksumFormat: return done(Status::BadChecksum);
      case NmeaError::EmptyTime: return done(Status::NoFix);
      default: return done(Status::BadFormat);
    }
  }
  const NmeaSentence& s = *parsed;
  const int bit = type_bit(s.type);
  // ntpd: RMC must carry a checksum; any other type must once it has.
  if (!s.has_checksum && (s.type == NmeaType::Rmc || (checksum_seen_ & bit) != 0))
    return done(Status::BadChecksum);
  if (s.has_checksum) checksum_seen_ = static_cast<std::uint8_t>(checksum_seen_ | bit);
  if (opt_.sentence_mask != 0 && (opt_.sentence_mask & static_cast<unsigned>(bit)) == 0) return Status::NotReady;
  if (!s.fix_valid) return done(Status::NoFix);
  // ntpd: the receive stamp is the end of the line, moved back by time2.
  Timespec rcv = end.plus_seconds(-opt_.time2);
  const Timespec ref = nmea_reference_time(s, rcv);
  // Only the first sentence carrying a second numbers it (ntpd last_reftime).
  if (last_ref_sec_ && *last_ref_sec_ == ref.to_ns()) return done(Status::Filtered);
  last_ref_sec_ = ref.to_ns();
  const bool paired = opt_.pps && pair_with_pps(rcv);
  Sample out_s;
  out_s.system = rcv;
  out_s.reference = ref;
  out_s.offset = seconds_between(ref, rcv);
  out_s.precision = paired ? -20 : -9;
  out_s.dispersion = std::ldexp(1.0, out_s.precision);
  out_s.leap = Leap::None;  // NMEA carries no leap warning (§2.2)
  out_s.seq = ++seq_;
  out.push_back(out_s);
  return done(Status::Ok);
}

Status NmeaClock::feed(std::span<const std::uint8_t> bytes, Timespec arrival, std::vector<Sample>& out) {
  std::vector<NmeaLineAssembler::Line> ls;
  const std::uint64_t before = lines_.overlong();
  lines_.feed(bytes, arrival, ls);
  Status last = Status::NotReady;
  for (std::uint64_t i = before; i < lines_.overlong(); ++i) {
    counters_.count(Status::BadFormat);
    last = Status::BadFormat;
  }
  for (const auto& l : ls) last = process_line(l.text, l.end, out);
  return last;
}

Status NmeaClock::poll(std::vector<Sample>& out) {
  if (!source_) return Status::DeviceMissing;
  Status last = Status::NotReady;
  std::uint8_t buf[512];
  for (;;) {
    // Stamp before the read: with a canonical tty, readiness means "LF has
    // arrived", so this is the end of the sentence (ntpd ntp_io.c).
    const Timespec arrival = clock_.realtime();
    Status st = Status::Ok;
    const std::size_t n = source_->read(buf, st);
    if (st != Status::Ok) return st;
    if (n == 0) break;
    last = feed(std::span<const std::uint8_t>(buf, n), arrival, out);
  }
  return last;
}

}  // namespace ak::hw
