// RTC: the battery-backed real-time clock (/dev/rtcN), read with 1 s
// resolution; the update interrupt marks the second boundary, which is how
// chrony measures its phase. hw-adapters.md §5.1.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "hw/device_ops.h"
#include "hw/refclock.h"
#include "wire/result.h"

namespace ak::hw {

// struct rtc_time: tm-like, months 0..11, years since 1900.
struct RtcTime {
  int sec = 0, min = 0, hour = 0, mday = 1, mon = 0, year = 70, wday = 0, yday = 0, isdst = 0;
};

enum class RtcError : std::uint8_t { BadField };
const char* message(RtcError e);

// Pure: RTC fields -> POSIX seconds. `utc_offset_s` is what the RTC is ahead
// of UTC (0 for an RTC kept in UTC; 3600 for CET local time).
ak::Result<std::int64_t, RtcError> rtc_to_posix(const RtcTime& t, std::int64_t utc_offset_s = 0);
RtcTime posix_to_rtc(std::int64_t posix, std::int64_t utc_offset_s = 0);

class RtcDevice {
 public:
  virtual ~RtcDevice() = default;
  virtual Status read_time(RtcTime& out) = 0;       // RTC_RD_TIME
  virtual Status enable_update_interrupts() = 0;    // RTC_UIE_ON
  virtual Status wait_update() = 0;                 // read(): next second boundary
  virtual int fd() const = 0;
};

class LinuxRtcDevice final : public RtcDevice {
 public:
  static Status open(DeviceOps& ops, const std::string& path, std::unique_ptr<LinuxRtcDevice>& out);
  ~LinuxRtcDevice() override;
  Status read_time(RtcTime& out) override;
  Status enable_update_interrupts() override;
  Status wait_update() override;
  int fd() const override { return fd_; }

 private:
  LinuxRtcDevice(DeviceOps& ops, int fd) : ops_(ops), fd_(fd) {}
  DeviceOps& ops_;
  int fd_;
};

struct RtcOptions {
  std::int64_t utc_offset_s = 0;  // RTC kept in local time: its offset from UTC
  double time1 = 0;
};

class RtcClock final : public RefClock {
 public:
  RtcClock(const Clock& clock, std::string path, RtcOptions options, DeviceOps& ops = system_device_ops(),
           std::unique_ptr<RtcDevice> device = nullptr);
  std::string name() const override { return "RTC(" + path_ + ")"; }
  std::uint32_t refid() const override { return refid_from("RTC\0"); }
  std::int8_t precision() const override { return uie_ ? -10 : 0; }
  Status open() override;
  // Readable at each update interrupt when they work.
  int fd() const override { return uie_ && device_ ? device_->fd() : -1; }
  Status poll(std::vector<Sample>& out) override;
  const Counters& counters() const override { return counters_; }
  void close() override { device_.reset(); }

 private:
  const Clock& clock_;
  std::string path_;
  RtcOptions opt_;
  DeviceOps& ops_;
  std::unique_ptr<RtcDevice> device_;
  bool uie_ = false;
  bool first_update_ = true;
  std::uint64_t seq_ = 0;
  Counters counters_;
};

}  // namespace ak::hw
