#include "hw/sock.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace ak::hw {
namespace {

// hw-adapters.md §3.5 LP64 offsets.
constexpr std::size_t kTvSec = 0, kTvUsec = 8, kOffset = 16, kPulse = 24, kLeap = 28, kMagic = 36;

#if defined(__LP64__)
struct NativeSockSample {
  struct timeval tv;
  double offset;
  int pulse;
  int leap;
  int _pad;
  int magic;
};
static_assert(sizeof(NativeSockSample) == kSockRecordSize);
static_assert(offsetof(NativeSockSample, offset) == kOffset);
static_assert(offsetof(NativeSockSample, pulse) == kPulse);
static_assert(offsetof(NativeSockSample, leap) == kLeap);
static_assert(offsetof(NativeSockSample, magic) == kMagic);
#endif

template <class T>
T get(std::span<const std::uint8_t> b, std::size_t off) {
  T v;
  std::memcpy(&v, b.data() + off, sizeof v);
  return v;
}
template <class T>
void put(std::span<std::uint8_t> b, std::size_t off, T v) {
  std::memcpy(b.data() + off, &v, sizeof v);
}

}  // namespace

const char* message(SockError e) {
  switch (e) {
    case SockError::BadLength: return "SOCK record is not 40 octets";
    case SockError::BadMagic: return "SOCK magic is not 0x534f434b";
    case SockError::BadTimeval: return "SOCK timeval microseconds out of range";
    case SockError::BadOffset: return "SOCK offset not finite or beyond a day";
    case SockError::BadLeap: return "SOCK leap not 0, 1 or 2";
    case SockError::PulseUnsupported: return "SOCK pulse samples are not accepted";
  }
  return "?";
}

ak::Result<SockRecord, SockError> parse_sock(std::span<const std::uint8_t> d) {
  // chrony: the length must be exactly sizeof(struct sock_sample).
  if (d.size() != kSockRecordSize) return ak::Err{SockError::BadLength};
  if (get<std::int32_t>(d, kMagic) != kSockMagic) return ak::Err{SockError::BadMagic};
  const auto sec = get<std::int64_t>(d, kTvSec);
  const auto usec = get<std::int64_t>(d, kTvUsec);
  if (usec < 0 || usec > 999'999) return ak::Err{SockError::BadTimeval};
  SockRecord r;
  r.system = Timespec{sec, static_cast<std::int32_t>(usec * 1000)};
  r.offset = get<double>(d, kOffset);
  if (!std::isfinite(r.offset) || std::fabs(r.offset) > 86400.0) return ak::Err{SockError::BadOffset};
  r.pulse = get<std::int32_t>(d, kPulse);
  r.leap = get<std::int32_t>(d, kLeap);
  if (r.leap < 0 || r.leap > 2) return ak::Err{SockError::BadLeap};
  // §3.5: for pulse = 1 chrony reads the offset with the opposite sign; we
  // accept only full time samples, as ntpd-rs does.
  if (r.pulse != 0) return ak::Err{SockError::PulseUnsupported};
  return r;
}

std::array<std::uint8_t, kSockRecordSize> encode_sock(const SockRecord& r, std::int32_t magic) {
  std::array<std::uint8_t, kSockRecordSize> b{};
  put<std::int64_t>(b, kTvSec, r.system.sec);
  put<std::int64_t>(b, kTvUsec, r.system.nsec / 1000);
  put<double>(b, kOffset, r.offset);
  put<std::int32_t>(b, kPulse, r.pulse);
  put<std::int32_t>(b, kLeap, r.leap);
  put<std::int32_t>(b, kMagic, magic);
  return b;
}

SockClock::SockClock(const Clock& clock, std::string path, double time1, int precision)
    : clock_(clock), path_(std::move(path)), time1_(time1), precision_(static_cast<std::int8_t>(precision)) {}

Status SockClock::open() {
  close();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.empty() || path_.size() >= sizeof addr.sun_path) return Status::BadFormat;
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError;
  // A stale file from a previous run would make bind() fail with EADDRINUSE.
  ::unlink(path_.c_str());
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    ::close(fd);
    return e == EACCES ? Status::PermissionDenied : Status::IoError;
  }
  ::chmod(path_.c_str(), 0600);  // §3.5: only the daemon's user may feed it
  fd_ = fd;
  return Status::Ok;
}

void SockClock::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  fd_ = -1;
}

Status SockClock::poll(std::vector<Sample>& out) {
  if (fd_ < 0) return Status::DeviceMissing;
  Status last = Status::NotReady;
  // One octet more than a record, so oversized datagrams are seen as such.
  std::uint8_t buf[kSockRecordSize + 1];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_TRUNC);
    if (n < 0) break;  // EAGAIN: drained
    const std::size_t len = static_cast<std::size_t>(n) > sizeof buf ? sizeof buf : static_cast<std::size_t>(n);
    auto rec = parse_sock(std::span<const std::uint8_t>(buf, len));
    if (!rec) {
      last = Status::BadFormat;
      counters_.count(last);
      continue;
    }
    // Use the record's tv, not "now": the client measured at that instant.
    const double age = seconds_between(clock_.realtime(), rec->system);
    if (age < -1.0 || age > 4.0) {
      last = Status::Stale;
      counters_.count(last);
      continue;
    }
    Sample s;
    s.system = rec->system;
    s.reference = rec->system.plus_seconds(rec->offset);
    s.offset = rec->offset + time1_;
    s.precision = precision_;
    s.dispersion = std::ldexp(1.0, precision_);
    s.leap = static_cast<Leap>(rec->leap);
    s.seq = ++seq_;
    out.push_back(s);
    last = Status::Ok;
    counters_.count(last);
  }
  return last;
}

}  // namespace ak::hw
