#include "hw/pps.h"

#include <fcntl.h>
#include <linux/pps.h>

#include <cmath>

namespace ak::hw {

// hw-adapters.md §3.1, printed from the Debian 12 headers on x86-64.
static_assert(sizeof(pps_ktime) == 16);
static_assert(sizeof(pps_kinfo) == 48);
static_assert(sizeof(pps_fdata) == 64);
static_assert(sizeof(pps_kparams) == 40);
#if defined(__x86_64__)
static_assert(PPS_GETPARAMS == 0x800870a1);
static_assert(PPS_SETPARAMS == 0x400870a2);
static_assert(PPS_GETCAP == 0x800870a3);
static_assert(PPS_FETCH == 0xc00870a4);
static_assert(PPS_KC_BIND == 0x400870a5);
#endif
static_assert(pps::kCaptureAssert == PPS_CAPTUREASSERT && pps::kCaptureClear == PPS_CAPTURECLEAR &&
              pps::kCanWait == PPS_CANWAIT && pps::kTsfmtTspec == PPS_TSFMT_TSPEC);

Status LinuxPpsSource::open(DeviceOps& ops, const std::string& path, std::unique_ptr<LinuxPpsSource>& out) {
  const int fd = ops.open(path.c_str(), O_RDWR);
  if (fd < 0) return status_from_errno(-fd);
  int mode = 0;
  // RFC 2783 time_pps_create: a descriptor that does not answer PPS_GETCAP
  // is not a PPS device.
  const int rc = ops.ioctl(fd, PPS_GETCAP, &mode);
  if (rc < 0) {
    ops.close(fd);
    return status_from_errno(-rc);
  }
  out.reset(new LinuxPpsSource(ops, fd));
  return Status::Ok;
}

LinuxPpsSource::~LinuxPpsSource() { ops_.close(fd_); }

Status LinuxPpsSource::get_cap(int& mode) {
  const int rc = ops_.ioctl(fd_, PPS_GETCAP, &mode);
  return rc < 0 ? status_from_errno(-rc) : Status::Ok;
}

Status LinuxPpsSource::set_params(int mode) {
  pps_kparams p{};
  int rc = ops_.ioctl(fd_, PPS_GETPARAMS, &p);
  if (rc < 0) return status_from_errno(-rc);
  p.mode = mode | PPS_TSFMT_TSPEC;
  rc = ops_.ioctl(fd_, PPS_SETPARAMS, &p);
  return rc < 0 ? status_from_errno(-rc) : Status::Ok;
}

Status LinuxPpsSource::fetch(PpsInfo& out) {
  pps_fdata d{};
  d.timeout.sec = 0;  // zero timeout: return the last event at once
  d.timeout.nsec = 0;
  d.timeout.flags = 0;
  const int rc = ops_.ioctl(fd_, PPS_FETCH, &d);
  if (rc < 0) return status_from_errno(-rc);
  const auto ts = [](const pps_ktime& k) -> std::optional<Timespec> {
    if (k.nsec < 0 || k.nsec > 999'999'999) return std::nullopt;
    return Timespec{k.sec, k.nsec};
  };
  const auto a = ts(d.info.assert_tu);
  const auto c = ts(d.info.clear_tu);
  if (!a || !c) return Status::BadFormat;
  out.assert_sequence = d.info.assert_sequence;
  out.clear_sequence = d.info.clear_sequence;
  out.assert_time = *a;
  out.clear_time = *c;
  out.current_mode = d.info.current_mode;
  return Status::Ok;
}

Status LinuxPpsSource::kernel_bind(int edge) {
  pps_bind_args b{};
  b.tsformat = PPS_TSFMT_TSPEC;
  b.edge = edge;
  b.consumer = PPS_KC_HARDPPS;
  const int rc = ops_.ioctl(fd_, PPS_KC_BIND, &b);
  return rc < 0 ? status_from_errno(-rc) : Status::Ok;
}

PpsClock::PpsClock(const Clock& clock, std::string path, PpsOptions options, DeviceOps& ops,
                   std::unique_ptr<PpsSource> source)
    : clock_(clock), path_(std::move(path)), opt_(options), ops_(ops), source_(std::move(source)) {}

Status PpsClock::open() {
  if (!source_) {
    std::unique_ptr<LinuxPpsSource> s;
    if (const Status st = LinuxPpsSource::open(ops_, path_, s); st != Status::Ok) return st;
    source_ = std::move(s);
  }
  int caps = 0;
  if (const Status st = source_->get_cap(caps); st != Status::Ok) return st;
  const int want = opt_.clear_edge ? pps::kCaptureClear : pps::kCaptureAssert;
  if ((caps & want) == 0) return Status::Unsupported;
  if (const Status st = source_->set_params(want); st != Status::Ok) return st;
  last_seq_.reset();
  return Status::Ok;
}

Status PpsClock::poll(std::vector<Sample>& out) {
  const auto done = [&](Status s) {
    counters_.count(s);
    return s;
  };
  if (!source_) return done(Status::DeviceMissing);
  PpsInfo info;
  if (const Status st = source_->fetch(info); st != Status::Ok) return done(st);
  const std::uint32_t seq = opt_.clear_edge ? info.clear_sequence : info.assert_sequence;
  const Timespec edge = opt_.clear_edge ? info.clear_time : info.assert_time;
  // ntpd refclock_pps: the first event after open may be very old (bug
  // 2689), and a repeated sequence is no new pulse.
  const bool first = !last_seq_.has_value();
  const bool repeated = !first && *last_seq_ == seq;
  last_seq_ = seq;
  if (first || repeated) return done(Status::NotReady);
  if (edge.sec == 0 && edge.nsec == 0) return done(Status::BadFormat);  // chrony: zero timestamp
  if (!numbered_) return done(Status::NotReady);
  // A pulse seen more than two seconds ago cannot be paired with this poll.
  const double age = seconds_between(clock_.realtime(), edge);
  if (age > 2.0 || age < -1.0) return done(Status::Stale);
  const double offset = fold(opt_.time1 - edge.nsec * 1e-9);
  // ntpd phase gate: a pulse far from a second boundary is not this second's edge.
  if (std::fabs(offset) > opt_.phase_gate) return done(Status::OutOfRange);
  Sample s;
  s.system = edge;
  s.reference = Timespec{edge.nsec >= 500'000'000 ? edge.sec + 1 : edge.sec, 0};
  s.offset = offset;
  s.precision = precision();
  s.dispersion = std::ldexp(1.0, s.precision);
  s.leap = Leap::None;
  s.seq = seq;
  out.push_back(s);
  return done(Status::Ok);
}

}  // namespace ak::hw
