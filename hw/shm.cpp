#include "hw/shm.h"

#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <cmath>
#include <ctime>

namespace ak::hw {
namespace {

struct Offsets {
  std::size_t mode, count, clock_sec, clock_usec, recv_sec, recv_usec, leap, precision, nsamples, valid,
      clock_nsec, recv_nsec, dummy;
  bool wide_sec;
  std::size_t size;
};

// hw-adapters.md §1.2, measured by compiling the struct.
constexpr Offsets kLp64{0, 4, 8, 16, 24, 32, 36, 40, 44, 48, 52, 56, 60, true, kShmSizeLp64};
constexpr Offsets kIlp32{0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, false, kShmSizeIlp32};

const Offsets& offsets(ShmAbi abi) { return abi == ShmAbi::Lp64 ? kLp64 : kIlp32; }

#if defined(__LP64__)
// The C declaration shared by ntpd, chrony, gpsd and linuxptp, compiled
// natively: our offsets must be the ones the other programs use here.
struct NativeShmTime {
  int mode;
  volatile int count;
  time_t clockTimeStampSec;
  int clockTimeStampUSec;
  time_t receiveTimeStampSec;
  int receiveTimeStampUSec;
  int leap;
  int precision;
  int nsamples;
  volatile int valid;
  unsigned clockTimeStampNSec;
  unsigned receiveTimeStampNSec;
  int dummy[8];
};
static_assert(sizeof(NativeShmTime) == kShmSizeLp64);
static_assert(offsetof(NativeShmTime, count) == kLp64.count);
static_assert(offsetof(NativeShmTime, clockTimeStampSec) == kLp64.clock_sec);
static_assert(offsetof(NativeShmTime, clockTimeStampUSec) == kLp64.clock_usec);
static_assert(offsetof(NativeShmTime, receiveTimeStampSec) == kLp64.recv_sec);
static_assert(offsetof(NativeShmTime, receiveTimeStampUSec) == kLp64.recv_usec);
static_assert(offsetof(NativeShmTime, leap) == kLp64.leap);
static_assert(offsetof(NativeShmTime, precision) == kLp64.precision);
static_assert(offsetof(NativeShmTime, nsamples) == kLp64.nsamples);
static_assert(offsetof(NativeShmTime, valid) == kLp64.valid);
static_assert(offsetof(NativeShmTime, clockTimeStampNSec) == kLp64.clock_nsec);
static_assert(offsetof(NativeShmTime, receiveTimeStampNSec) == kLp64.recv_nsec);
static_assert(offsetof(NativeShmTime, dummy) == kLp64.dummy);
#endif

// Native-endian field access over a span whose size was checked by the caller.
std::int32_t get32(std::span<const std::uint8_t> b, std::size_t off) {
  std::int32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}
std::int64_t get64(std::span<const std::uint8_t> b, std::size_t off) {
  std::int64_t v;
  std::memcpy(&v, b.data() + off, 8);
  return v;
}
void put32(std::span<std::uint8_t> b, std::size_t off, std::int32_t v) { std::memcpy(b.data() + off, &v, 4); }
void put64(std::span<std::uint8_t> b, std::size_t off, std::int64_t v) { std::memcpy(b.data() + off, &v, 8); }

// Seconds: LP64 stores time_t; ILP32 stores 31 low bits, and gpsd's 2038
// convention puts the rest in dummy[0] (clock) / dummy[1] (receive).
std::int64_t get_sec(std::span<const std::uint8_t> b, const Offsets& o, std::size_t off, std::size_t top) {
  if (o.wide_sec) return get64(b, off);
  const auto low = static_cast<std::uint32_t>(get32(b, off)) & 0x7fffffffu;
  const auto hi = static_cast<std::uint32_t>(get32(b, top));
  return (static_cast<std::int64_t>(hi) << 31) | low;
}
void put_sec(std::span<std::uint8_t> b, const Offsets& o, std::size_t off, std::size_t top, std::int64_t s) {
  if (o.wide_sec) return put64(b, off, s);
  put32(b, off, static_cast<std::int32_t>(s & 0x7fffffff));
  put32(b, top, static_cast<std::int32_t>(s >> 31));
}

std::optional<Timespec> stamp(std::int64_t sec, std::int32_t usec, std::uint32_t nsec) {
  if (usec < 0 || usec > 999'999) return std::nullopt;
  // hw-adapters.md §1.3: NSec is trusted only when USec is its truncation
  // (subtract, then compare: cannot wrap).
  const auto us_ns = static_cast<std::uint32_t>(usec) * 1000u;
  if (nsec >= us_ns && nsec - us_ns < 1000u) return Timespec{sec, static_cast<std::int32_t>(nsec)};
  return Timespec{sec, static_cast<std::int32_t>(us_ns)};
}

std::uint32_t load32(const std::uint8_t* p) {
  return __atomic_load_n(reinterpret_cast<const std::uint32_t*>(p), __ATOMIC_ACQUIRE);
}
void store32(std::uint8_t* p, std::uint32_t v) {
  __atomic_store_n(reinterpret_cast<std::uint32_t*>(p), v, __ATOMIC_RELEASE);
}

}  // namespace

std::size_t shm_size(ShmAbi abi) { return offsets(abi).size; }

const char* message(ShmError e) {
  switch (e) {
    case ShmError::TooShort: return "SHM image shorter than the segment layout";
    case ShmError::BadMode: return "SHM mode is neither 0 nor 1";
    case ShmError::BadMicroseconds: return "SHM microseconds outside 0..999999";
  }
  return "?";
}

ak::Result<ShmRecord, ShmError> decode_shm(std::span<const std::uint8_t> b, ShmAbi abi) {
  const Offsets& o = offsets(abi);
  if (b.size() < o.size) return ak::Err{ShmError::TooShort};
  ShmRecord r;
  r.mode = get32(b, o.mode);
  if (r.mode != 0 && r.mode != 1) return ak::Err{ShmError::BadMode};
  r.count = get32(b, o.count);
  r.leap = get32(b, o.leap);
  r.precision = get32(b, o.precision);
  r.nsamples = get32(b, o.nsamples);
  r.valid = get32(b, o.valid);
  const auto c = stamp(get_sec(b, o, o.clock_sec, o.dummy), get32(b, o.clock_usec),
                       static_cast<std::uint32_t>(get32(b, o.clock_nsec)));
  const auto v = stamp(get_sec(b, o, o.recv_sec, o.dummy + 4), get32(b, o.recv_usec),
                       static_cast<std::uint32_t>(get32(b, o.recv_nsec)));
  if (!c || !v) return ak::Err{ShmError::BadMicroseconds};
  r.clock = *c;
  r.receive = *v;
  return r;
}

void encode_shm(const ShmRecord& r, std::span<std::uint8_t> b, ShmAbi abi) {
  const Offsets& o = offsets(abi);
  if (b.size() < o.size) return;
  std::memset(b.data(), 0, o.size);
  put32(b, o.mode, r.mode);
  put32(b, o.count, r.count);
  put_sec(b, o, o.clock_sec, o.dummy, r.clock.sec);
  put32(b, o.clock_usec, r.clock.nsec / 1000);
  put_sec(b, o, o.recv_sec, o.dummy + 4, r.receive.sec);
  put32(b, o.recv_usec, r.receive.nsec / 1000);
  put32(b, o.leap, r.leap);
  put32(b, o.precision, r.precision);
  put32(b, o.nsamples, r.nsamples);
  put32(b, o.valid, r.valid);
  put32(b, o.clock_nsec, r.clock.nsec);
  put32(b, o.recv_nsec, r.receive.nsec);
}

Status read_shm_once(std::uint8_t* base, std::size_t size, ShmAbi abi, ShmRecord& out) {
  const Offsets& o = offsets(abi);
  if (size < o.size) return Status::BadSegment;
  // Order: count, valid, copy, count, valid. hw-adapters.md §1.4 proposes
  // valid, count, copy, count, valid, which leaves one interleaving open:
  // valid reads 1 from write K just before write K+1 starts, count then
  // reads K+1's in-progress value, and if K+1 ends between the second count
  // and the second valid every check passes on a half-written copy.
  // Reading count first closes it without requiring an even count: a write
  // that started before the first count read had already cleared valid, so
  // valid = 1 afterwards means it had finished, and any write starting later
  // moves count before the second read. (The stress test once caught 2 torn
  // samples in 167,737 with the old order and a writer still lacking its
  // release fence; with the fence neither order showed any in ~3 million.)
  const std::uint32_t count1 = load32(base + o.count);
  if (load32(base + o.valid) == 0) return Status::NotReady;
  std::uint8_t copy[kShmSizeLp64];
  for (std::size_t i = 0; i + 4 <= o.size; i += 4) {
    const std::uint32_t w = __atomic_load_n(reinterpret_cast<const std::uint32_t*>(base + i), __ATOMIC_RELAXED);
    std::memcpy(copy + i, &w, 4);
  }
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  const std::uint32_t count2 = load32(base + o.count);
  const std::uint32_t valid2 = load32(base + o.valid);
  auto rec = decode_shm(std::span<const std::uint8_t>(copy, o.size), abi);
  if (!rec) return rec.error() == ShmError::BadMode ? Status::BadMode : Status::BadFormat;
  // Mode 0 writers do not maintain count; for them only valid can be checked.
  if ((rec->mode == 1 && count1 != count2) || valid2 == 0) return Status::Clash;
  store32(base + o.valid, 0);
  out = *rec;
  return Status::Ok;
}

void write_shm_mode1(std::uint8_t* base, const ShmRecord& r, ShmAbi abi) {
  const Offsets& o = offsets(abi);
  std::uint8_t img[kShmSizeLp64];
  ShmRecord tmp = r;
  tmp.mode = 1;
  encode_shm(tmp, std::span<std::uint8_t>(img, o.size), abi);
  // gpsd / linuxptp order: valid=0, count++, fields, count++, valid=1.
  store32(base + o.valid, 0);
  const std::uint32_t c = load32(base + o.count);
  store32(base + o.count, c + 1);  // release: valid = 0 is visible first
  // Seqlock writer: the fields must not become visible before count moved.
  __atomic_thread_fence(__ATOMIC_RELEASE);
  for (std::size_t i = 0; i + 4 <= o.size; i += 4) {
    if (i == o.count || i == o.valid) continue;
    std::uint32_t w;
    std::memcpy(&w, img + i, 4);
    __atomic_store_n(reinterpret_cast<std::uint32_t*>(base + i), w, __ATOMIC_RELAXED);
  }
  store32(base + o.count, c + 2);
  store32(base + o.valid, 1);
}

// ------------------------------------------------------------------ SysV ops

Status SysvShmSegment::open(key_t key, unsigned perm, std::size_t size, bool& created) {
  close();
  created = false;
  // hw-adapters.md §1.1: look up first with size 0 so an existing segment of
  // any size is found (and then checked), never silently adopted by IPC_CREAT.
  int id = ::shmget(key, 0, 0);
  if (id < 0 && errno == ENOENT) {
    id = ::shmget(key, size, IPC_CREAT | IPC_EXCL | static_cast<int>(perm & 0777));
    created = id >= 0;
  }
  if (id < 0) return errno == EACCES || errno == EPERM ? Status::PermissionDenied : Status::IoError;
  shmid_ds ds{};
  if (::shmctl(id, IPC_STAT, &ds) != 0) return Status::IoError;
  info_.uid = ds.shm_perm.uid;
  info_.cuid = ds.shm_perm.cuid;
  info_.mode = ds.shm_perm.mode & 0777;
  info_.size = ds.shm_segsz;
  void* p = ::shmat(id, nullptr, 0);
  if (p == reinterpret_cast<void*>(-1)) return errno == EACCES ? Status::PermissionDenied : Status::IoError;
  id_ = id;
  base_ = static_cast<std::uint8_t*>(p);
  return Status::Ok;
}

void SysvShmSegment::close() {
  if (base_ != nullptr) ::shmdt(base_);
  base_ = nullptr;
  id_ = -1;
}

// ------------------------------------------------------------------ adapter

ShmOptions ShmOptions::from_fudge(int unit, const Fudge& f) {
  ShmOptions o;
  o.unit = unit;
  o.time1 = f.time1;
  // ntpd refclock_shm: flag1 disables the max-delta check; time2 in 1..86400
  // sets it in seconds.
  if (f.flag1) {
    o.max_delta_s = 0;
  } else if (f.time2 >= 1 && f.time2 <= 86400) {
    o.max_delta_s = static_cast<std::int64_t>(f.time2);
  }
  // ntpd: units 0/1 0600, others 0666 unless mode bit 0 (private).
  if (unit >= 2 && (f.mode & 1u) != 0) o.perm = 0600;
  return o;
}

ShmClock::ShmClock(const Clock& clock, ShmOptions options, std::unique_ptr<ShmSegment> segment)
    : clock_(clock), opt_(options), seg_(std::move(segment)) {
  if (!seg_) seg_ = std::make_unique<SysvShmSegment>();
  if (opt_.precision) precision_ = static_cast<std::int8_t>(*opt_.precision);
}

std::string ShmClock::name() const { return "SHM(" + std::to_string(opt_.unit) + ")"; }

Status ShmClock::check(const ShmInfo& info) const {
  // hw-adapters.md §1.1 squatting hazard: an unprivileged user can create
  // the key first. Trust only root, ourselves or the configured writer.
  const auto trusted = [&](uid_t u) { return u == 0 || u == ::geteuid() || (opt_.writer_uid && *opt_.writer_uid == u); };
  if (!trusted(info.uid) || !trusted(info.cuid)) return Status::BadSegment;
  if (info.size < shm_size(opt_.abi)) return Status::BadSegment;
  const unsigned perm = opt_.perm.value_or(opt_.unit < 2 ? 0600u : 0666u);
  // A unit configured private must not be writable by group or others.
  if ((perm & 0022u) == 0 && (info.mode & 0022u) != 0) return Status::BadSegment;
  return Status::Ok;
}

Status ShmClock::open() {
  close();
  const unsigned perm = opt_.perm.value_or(opt_.unit < 2 ? 0600u : 0666u);
  bool created = false;
  const key_t key = opt_.key_base + opt_.unit;
  if (const Status st = seg_->open(key, perm, shm_size(opt_.abi), created); st != Status::Ok) return st;
  if (const Status st = check(seg_->info()); st != Status::Ok) {
    seg_->close();
    return st;
  }
  if (created) {
    // ntpd shm_start: precision -1, nsamples 3, valid 0.
    ShmRecord init;
    init.mode = 0;
    encode_shm(init, std::span<std::uint8_t>(seg_->data(), shm_size(opt_.abi)), opt_.abi);
  }
  open_ = true;
  return Status::Ok;
}

void ShmClock::close() {
  if (open_) seg_->close();
  open_ = false;
}

Status ShmClock::poll(std::vector<Sample>& out) {
  const auto done = [&](Status s) {
    counters_.count(s);
    return s;
  };
  if (!open_) return done(Status::DeviceMissing);
  ShmRecord r;
  const Status st = read_shm_once(seg_->data(), seg_->info().size, opt_.abi, r);
  if (st != Status::Ok) return done(st);
  const Timespec now = clock_.realtime();
  // ntpd shm_timer: the receive stamp must be 0..max_delay seconds old.
  const std::int64_t age = now.sec - r.receive.sec;
  if (age < 0 || age > opt_.max_delay_s) return done(Status::Stale);
  const double delta = seconds_between(r.clock, r.receive);
  if (opt_.max_delta_s > 0 && (delta > static_cast<double>(opt_.max_delta_s) ||
                               -delta > static_cast<double>(opt_.max_delta_s)))
    return done(Status::OutOfRange);
  // ntpd drops the poll on LEAP_NOTINSYNC; chrony rejects leap 3 as bad.
  if (r.leap == 3) return done(Status::LeapUnsync);
  if (r.leap < 0 || r.leap > 3) return done(Status::BadFormat);
  if (!opt_.precision) precision_ = static_cast<std::int8_t>(r.precision < -30 ? -30 : (r.precision > 0 ? 0 : r.precision));
  Sample s;
  s.system = r.receive;
  s.reference = r.clock;
  s.offset = delta + opt_.time1;
  s.precision = precision_;
  s.dispersion = std::ldexp(1.0, precision_);
  s.leap = static_cast<Leap>(r.leap);
  s.seq = static_cast<std::uint32_t>(r.count);
  out.push_back(s);
  return done(Status::Ok);
}

}  // namespace ak::hw
