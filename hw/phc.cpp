#include "hw/phc.h"

#include <fcntl.h>
#include <linux/ptp_clock.h>

#include <cerrno>
#include <algorithm>
#include <cmath>

namespace ak::hw {

// hw-adapters.md §4.2 (x86-64 values from the Debian 12 headers).
static_assert(sizeof(ptp_clock_time) == 16);
static_assert(sizeof(ptp_sys_offset) == 832);
static_assert(sizeof(ptp_sys_offset_extended) == 1216);
static_assert(sizeof(ptp_sys_offset_precise) == 64);
#if defined(__x86_64__)
static_assert(PTP_CLOCK_GETCAPS == 0x80503d01);
static_assert(PTP_SYS_OFFSET == 0x43403d05);
static_assert(PTP_SYS_OFFSET_PRECISE == 0xc0403d08);
static_assert(PTP_SYS_OFFSET_EXTENDED == 0xc4c03d09);
#endif

namespace {
std::optional<Timespec> from_ptp(const ptp_clock_time& t) {
  if (t.nsec > 999'999'999u) return std::nullopt;
  return Timespec{t.sec, static_cast<std::int32_t>(t.nsec)};
}
// "The driver does not do this" errors: try the next method.
bool unsupported(int err) { return err == EOPNOTSUPP || err == EINVAL || err == ENOTTY; }
}  // namespace

const char* to_string(PhcMethod m) {
  switch (m) {
    case PhcMethod::Auto: return "auto";
    case PhcMethod::Precise: return "precise";
    case PhcMethod::Extended: return "extended";
    case PhcMethod::Basic: return "basic";
  }
  return "?";
}

Status LinuxPhcDevice::open(DeviceOps& ops, const std::string& path, std::unique_ptr<LinuxPhcDevice>& out) {
  const int fd = ops.open(path.c_str(), O_RDWR);
  if (fd < 0) return status_from_errno(-fd);
  ptp_clock_caps caps{};
  const int rc = ops.ioctl(fd, PTP_CLOCK_GETCAPS, &caps);
  if (rc < 0) {
    ops.close(fd);
    return status_from_errno(-rc);  // not a PHC: DeviceMissing
  }
  out.reset(new LinuxPhcDevice(ops, fd));
  return Status::Ok;
}

LinuxPhcDevice::~LinuxPhcDevice() { ops_.close(fd_); }

Status LinuxPhcDevice::read_precise(PhcReading& out) {
  ptp_sys_offset_precise p{};
  const int rc = ops_.ioctl(fd_, PTP_SYS_OFFSET_PRECISE, &p);
  if (rc < 0) return unsupported(-rc) ? Status::Unsupported : status_from_errno(-rc);
  const auto dev = from_ptp(p.device), sys = from_ptp(p.sys_realtime);
  if (!dev || !sys) return Status::BadFormat;
  // A hardware cross-timestamp: both clocks at one instant, zero window.
  out = PhcReading{*sys, *dev, *sys};
  return Status::Ok;
}

Status LinuxPhcDevice::read_extended(unsigned n, std::vector<PhcReading>& out) {
  ptp_sys_offset_extended e{};
  e.n_samples = n > PTP_MAX_SAMPLES ? PTP_MAX_SAMPLES : n;
  const int rc = ops_.ioctl(fd_, PTP_SYS_OFFSET_EXTENDED, &e);
  if (rc < 0) return unsupported(-rc) ? Status::Unsupported : status_from_errno(-rc);
  out.clear();
  for (unsigned i = 0; i < e.n_samples && i < PTP_MAX_SAMPLES; ++i) {
    const auto a = from_ptp(e.ts[i][0]), p = from_ptp(e.ts[i][1]), b = from_ptp(e.ts[i][2]);
    if (!a || !p || !b) return Status::BadFormat;
    out.push_back(PhcReading{*a, *p, *b});
  }
  return Status::Ok;
}

Status LinuxPhcDevice::read_basic(unsigned n, std::vector<PhcReading>& out) {
  ptp_sys_offset s{};
  s.n_samples = n > PTP_MAX_SAMPLES ? PTP_MAX_SAMPLES : n;
  const int rc = ops_.ioctl(fd_, PTP_SYS_OFFSET, &s);
  if (rc < 0) return unsupported(-rc) ? Status::Unsupported : status_from_errno(-rc);
  std::vector<Timespec> stamps;
  for (unsigned i = 0; i < 2 * s.n_samples + 1 && i < 2 * PTP_MAX_SAMPLES + 1; ++i) {
    const auto t = from_ptp(s.ts[i]);
    if (!t) return Status::BadFormat;
    stamps.push_back(*t);
  }
  out = phc_triplets_from_interleaved(stamps);
  return Status::Ok;
}

std::vector<PhcReading> phc_triplets_from_interleaved(std::span<const Timespec> stamps) {
  std::vector<PhcReading> r;
  // (ts[2i], ts[2i+1], ts[2i+2]) for each i with ts[2i+2] present.
  for (std::size_t i = 0; stamps.size() >= 3 && i <= (stamps.size() - 3) / 2; ++i)
    r.push_back(PhcReading{stamps[2 * i], stamps[2 * i + 1], stamps[2 * i + 2]});
  return r;
}

Status estimate_phc(std::span<const PhcReading> readings, PhcEstimate& out) {
  if (readings.empty()) return Status::NotReady;
  std::int64_t best = -1;
  std::size_t best_i = 0;
  for (std::size_t i = 0; i < readings.size(); ++i) {
    const std::int64_t d = readings[i].sys_after.to_ns() - readings[i].sys_before.to_ns();
    if (d < 0) return Status::BadFormat;  // the system clock stepped mid-reading
    if (best < 0 || d < best) {
      best = d;
      best_i = i;
    }
  }
  const PhcReading& r = readings[best_i];
  out.system = r.sys_before.plus_ns(best / 2);
  out.phc = r.phc;
  out.delay = static_cast<double>(best) * 1e-9;
  return Status::Ok;
}

PhcClock::PhcClock(std::string path, PhcOptions options, DeviceOps& ops, std::unique_ptr<PhcDevice> device)
    : path_(std::move(path)), opt_(options), ops_(ops), device_(std::move(device)), method_(options.method) {}

Status PhcClock::open() {
  if (device_) return Status::Ok;
  std::unique_ptr<LinuxPhcDevice> d;
  const Status st = LinuxPhcDevice::open(ops_, path_, d);
  if (st == Status::Ok) device_ = std::move(d);
  return st;
}

Status PhcClock::read(std::vector<PhcReading>& r) {
  const auto try_one = [&](PhcMethod m) -> Status {
    switch (m) {
      case PhcMethod::Precise: {
        PhcReading one;
        const Status st = device_->read_precise(one);
        if (st == Status::Ok) r.assign(1, one);
        return st;
      }
      case PhcMethod::Extended: return device_->read_extended(opt_.samples, r);
      case PhcMethod::Basic: return device_->read_basic(opt_.samples, r);
      case PhcMethod::Auto: break;
    }
    return Status::Unsupported;
  };
  if (method_ != PhcMethod::Auto) return try_one(method_);
  for (PhcMethod m : {PhcMethod::Precise, PhcMethod::Extended, PhcMethod::Basic}) {
    const Status st = try_one(m);
    if (st == Status::Unsupported) continue;
    if (st == Status::Ok) method_ = m;  // sticky, as chrony
    return st;
  }
  return Status::Unsupported;
}

Status PhcClock::poll(std::vector<Sample>& out) {
  const auto done = [&](Status s) {
    counters_.count(s);
    return s;
  };
  if (!device_) return done(Status::DeviceMissing);
  std::vector<PhcReading> readings;
  if (const Status st = read(readings); st != Status::Ok) return done(st);
  PhcEstimate e;
  if (const Status st = estimate_phc(readings, e); st != Status::Ok) return done(st);
  Sample s;
  s.system = e.system;
  s.reference = e.phc.plus_seconds(opt_.tai_offset);
  s.offset = seconds_between(s.reference, s.system) + opt_.time1;
  s.delay = e.delay;
  s.precision = precision();
  s.dispersion = std::max(e.delay / 2, std::ldexp(1.0, s.precision));
  s.leap = Leap::None;
  s.seq = ++seq_;
  out.push_back(s);
  return done(Status::Ok);
}

}  // namespace ak::hw
