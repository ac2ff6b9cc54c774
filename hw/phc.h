// PHC: a PTP hardware clock (/dev/ptpN) read against the system clock.
// hw-adapters.md §4. Offset ioctls tried in chrony's order, PRECISE ->
// EXTENDED -> BASIC, sticking with the first that works.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hw/device_ops.h"
#include "hw/refclock.h"

namespace ak::hw {

// One measurement: system time before, PHC time, system time after.
struct PhcReading {
  Timespec sys_before;
  Timespec phc;
  Timespec sys_after;
};

enum class PhcMethod : std::uint8_t { Auto, Precise, Extended, Basic };
const char* to_string(PhcMethod m);

class PhcDevice {
 public:
  virtual ~PhcDevice() = default;
  virtual Status read_precise(PhcReading& out) = 0;                        // PTP_SYS_OFFSET_PRECISE
  virtual Status read_extended(unsigned n, std::vector<PhcReading>& out) = 0;  // PTP_SYS_OFFSET_EXTENDED
  virtual Status read_basic(unsigned n, std::vector<PhcReading>& out) = 0;     // PTP_SYS_OFFSET
};

class LinuxPhcDevice final : public PhcDevice {
 public:
  // Opens `path` and checks it answers PTP_CLOCK_GETCAPS.
  static Status open(DeviceOps& ops, const std::string& path, std::unique_ptr<LinuxPhcDevice>& out);
  ~LinuxPhcDevice() override;
  Status read_precise(PhcReading& out) override;
  Status read_extended(unsigned n, std::vector<PhcReading>& out) override;
  Status read_basic(unsigned n, std::vector<PhcReading>& out) override;
  int fd() const { return fd_; }

 private:
  LinuxPhcDevice(DeviceOps& ops, int fd) : ops_(ops), fd_(fd) {}
  DeviceOps& ops_;
  int fd_;
};

// BASIC's interleaved sys, phc, sys, ..., sys (2n+1 stamps) as triplets.
std::vector<PhcReading> phc_triplets_from_interleaved(std::span<const Timespec> stamps);

struct PhcEstimate {
  Timespec system;  // midpoint of the shortest window
  Timespec phc;
  double delay = 0;
};
// linuxptp sysoff_estimate: the reading with the shortest system window,
// offset at its midpoint. A negative window (a step in the middle of a
// reading) aborts the whole set: BadFormat.
Status estimate_phc(std::span<const PhcReading> readings, PhcEstimate& out);

struct PhcOptions {
  PhcMethod method = PhcMethod::Auto;
  unsigned samples = 10;
  double tai_offset = 0;  // -37 for a PHC running TAI (ptp4l)
  double time1 = 0;
};

class PhcClock final : public RefClock {
 public:
  PhcClock(std::string path, PhcOptions options, DeviceOps& ops = system_device_ops(),
           std::unique_ptr<PhcDevice> device = nullptr);
  std::string name() const override { return "PHC(" + path_ + ")"; }
  std::uint32_t refid() const override { return refid_from("PHC0"); }
  std::int8_t precision() const override { return -24; }
  Status open() override;
  Status poll(std::vector<Sample>& out) override;
  const Counters& counters() const override { return counters_; }
  void close() override { device_.reset(); }
  // The method in use once one has worked (sticky).
  PhcMethod method() const { return method_; }

 private:
  Status read(std::vector<PhcReading>& r);
  std::string path_;
  PhcOptions opt_;
  DeviceOps& ops_;
  std::unique_ptr<PhcDevice> device_;
  PhcMethod method_;
  std::uint64_t seq_ = 0;
  Counters counters_;
};

}  // namespace ak::hw
