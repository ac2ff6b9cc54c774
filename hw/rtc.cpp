#include "hw/rtc.h"

#include <fcntl.h>
#include <linux/rtc.h>

#include <cerrno>
#include <cmath>

#include "hw/calendar.h"

namespace ak::hw {

static_assert(sizeof(rtc_time) == 36);
#if defined(__x86_64__)
static_assert(RTC_RD_TIME == 0x80247009);
static_assert(RTC_SET_TIME == 0x4024700a);
static_assert(RTC_UIE_ON == 0x7003);
#endif

const char* message(RtcError e) {
  switch (e) {
    case RtcError::BadField: return "RTC time field out of range";
  }
  return "?";
}

ak::Result<std::int64_t, RtcError> rtc_to_posix(const RtcTime& t, std::int64_t utc_offset_s) {
  const std::int64_t year = 1900 + static_cast<std::int64_t>(t.year);
  if (t.mon < 0 || t.mon > 11 || t.mday < 1 || t.mday > days_in_month(year, t.mon + 1) || t.hour < 0 ||
      t.hour > 23 || t.min < 0 || t.min > 59 || t.sec < 0 || t.sec > 60)
    return ak::Err{RtcError::BadField};
  return days_from_civil(year, t.mon + 1, t.mday) * 86400 + t.hour * 3600 + t.min * 60 + t.sec - utc_offset_s;
}

RtcTime posix_to_rtc(std::int64_t posix, std::int64_t utc_offset_s) {
  const std::int64_t local = posix + utc_offset_s;
  const std::int64_t day = day_of(local);
  const std::int64_t tod = local - day * 86400;
  const CivilDate d = civil_from_days(day);
  RtcTime t;
  t.year = static_cast<int>(d.year - 1900);
  t.mon = d.month - 1;
  t.mday = d.day;
  t.hour = static_cast<int>(tod / 3600);
  t.min = static_cast<int>(tod / 60 % 60);
  t.sec = static_cast<int>(tod % 60);
  t.wday = static_cast<int>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  t.yday = static_cast<int>(day - days_from_civil(d.year, 1, 1));
  return t;
}

Status LinuxRtcDevice::open(DeviceOps& ops, const std::string& path, std::unique_ptr<LinuxRtcDevice>& out) {
  const int fd = ops.open(path.c_str(), O_RDONLY);
  if (fd < 0) return status_from_errno(-fd);
  rtc_time t{};
  const int rc = ops.ioctl(fd, RTC_RD_TIME, &t);  // proves it is an RTC
  if (rc < 0) {
    ops.close(fd);
    return status_from_errno(-rc);
  }
  out.reset(new LinuxRtcDevice(ops, fd));
  return Status::Ok;
}

LinuxRtcDevice::~LinuxRtcDevice() { ops_.close(fd_); }

Status LinuxRtcDevice::read_time(RtcTime& out) {
  rtc_time t{};
  const int rc = ops_.ioctl(fd_, RTC_RD_TIME, &t);
  if (rc < 0) return status_from_errno(-rc);
  out = RtcTime{t.tm_sec, t.tm_min, t.tm_hour, t.tm_mday, t.tm_mon, t.tm_year, t.tm_wday, t.tm_yday, t.tm_isdst};
  return Status::Ok;
}

Status LinuxRtcDevice::enable_update_interrupts() {
  const int rc = ops_.ioctl(fd_, RTC_UIE_ON, nullptr);
  return rc < 0 ? (rc == -EINVAL ? Status::Unsupported : status_from_errno(-rc)) : Status::Ok;
}

Status LinuxRtcDevice::wait_update() {
  unsigned long data = 0;
  const ssize_t n = ops_.read(fd_, &data, sizeof data);
  if (n < 0) return status_from_errno(static_cast<int>(-n));
  if (static_cast<std::size_t>(n) != sizeof data) return Status::BadFormat;
  return (data & RTC_UF) != 0 ? Status::Ok : Status::NotReady;
}

RtcClock::RtcClock(const Clock& clock, std::string path, RtcOptions options, DeviceOps& ops,
                   std::unique_ptr<RtcDevice> device)
    : clock_(clock), path_(std::move(path)), opt_(options), ops_(ops), device_(std::move(device)) {}

Status RtcClock::open() {
  if (!device_) {
    std::unique_ptr<LinuxRtcDevice> d;
    if (const Status st = LinuxRtcDevice::open(ops_, path_, d); st != Status::Ok) return st;
    device_ = std::move(d);
  }
  uie_ = device_->enable_update_interrupts() == Status::Ok;
  first_update_ = true;
  return Status::Ok;
}

Status RtcClock::poll(std::vector<Sample>& out) {
  const auto done = [&](Status s) {
    counters_.count(s);
    return s;
  };
  if (!device_) return done(Status::DeviceMissing);
  if (uie_) {
    if (const Status st = device_->wait_update(); st != Status::Ok) return done(st);
    // The first interrupt after enabling may be pending from before (chrony
    // rtc_linux skips it as possibly bogus).
    if (first_update_) {
      first_update_ = false;
      return done(Status::NotReady);
    }
  }
  const Timespec sys = clock_.realtime();
  RtcTime t;
  if (const Status st = device_->read_time(t); st != Status::Ok) return done(st);
  auto posix = rtc_to_posix(t, opt_.utc_offset_s);
  if (!posix) return done(Status::BadFormat);
  Sample s;
  s.system = sys;
  // After an update interrupt the RTC has just ticked: its second began now.
  // Without interrupts only whole seconds are known.
  s.reference = Timespec{*posix, 0};
  s.offset = seconds_between(s.reference, sys) + opt_.time1;
  s.precision = precision();
  s.dispersion = uie_ ? std::ldexp(1.0, s.precision) : 1.0;
  s.leap = Leap::None;
  s.seq = ++seq_;
  out.push_back(s);
  return done(Status::Ok);
}

}  // namespace ak::hw
