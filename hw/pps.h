// PPS via /dev/ppsN (RFC 2783 over Linux's linux/pps.h ioctls) and the ntpd
// "atom" driver (type 22). hw-adapters.md §3.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hw/device_ops.h"
#include "hw/refclock.h"

namespace ak::hw {

// RFC 2783 mode bits (linux/pps.h values).
namespace pps {
inline constexpr int kCaptureAssert = 0x01;
inline constexpr int kCaptureClear = 0x02;
inline constexpr int kCanWait = 0x100;
inline constexpr int kTsfmtTspec = 0x1000;
}  // namespace pps

struct PpsInfo {
  std::uint32_t assert_sequence = 0;
  std::uint32_t clear_sequence = 0;
  Timespec assert_time;
  Timespec clear_time;
  int current_mode = 0;
};

// The RFC 2783 calls the adapters need.
class PpsSource {
 public:
  virtual ~PpsSource() = default;
  virtual Status get_cap(int& mode) = 0;
  virtual Status set_params(int mode) = 0;
  // Zero timeout: the last captured event, at once (ntpd and chrony poll so).
  virtual Status fetch(PpsInfo& out) = 0;
  // PPS_KC_BIND: EOPNOTSUPP (no hardpps, the normal case) -> Unsupported.
  virtual Status kernel_bind(int edge) = 0;
};

// time_pps_create/fetch over the kernel ioctls, through DeviceOps.
class LinuxPpsSource final : public PpsSource {
 public:
  // Opens `path` and validates it with PPS_GETCAP (RFC 2783 time_pps_create).
  static Status open(DeviceOps& ops, const std::string& path, std::unique_ptr<LinuxPpsSource>& out);
  ~LinuxPpsSource() override;
  Status get_cap(int& mode) override;
  Status set_params(int mode) override;
  Status fetch(PpsInfo& out) override;
  Status kernel_bind(int edge) override;

 private:
  LinuxPpsSource(DeviceOps& ops, int fd) : ops_(ops), fd_(fd) {}
  DeviceOps& ops_;
  int fd_;
};

struct PpsOptions {
  bool clear_edge = false;  // fudge flag2
  double time1 = 0;         // fudge time1: cable and receiver delay
  double phase_gate = 0.4;  // ntpd refclock_pps: reject |offset| > 0.4 s
};

// ntpd type 22 semantics: a pulse marks the edge of a second another source
// has numbered; the offset is the edge's phase, folded into +-0.5 s.
class PpsClock final : public RefClock {
 public:
  // `source` may be null until open() creates it from `path` with `ops`.
  PpsClock(const Clock& clock, std::string path, PpsOptions options, DeviceOps& ops = system_device_ops(),
           std::unique_ptr<PpsSource> source = nullptr);
  std::string name() const override { return "PPS(" + path_ + ")"; }
  std::uint32_t refid() const override { return refid_from("PPS\0"); }
  std::int8_t precision() const override { return -20; }
  Status open() override;
  Status poll(std::vector<Sample>& out) override;
  const Counters& counters() const override { return counters_; }
  void close() override { source_.reset(); }
  // ntpd atom_poll: no samples until some other source has numbered the seconds.
  void set_seconds_numbered(bool yes) { numbered_ = yes; }
  bool hardpps() const { return hardpps_; }

 private:
  const Clock& clock_;
  std::string path_;
  PpsOptions opt_;
  DeviceOps& ops_;
  std::unique_ptr<PpsSource> source_;
  std::optional<std::uint32_t> last_seq_;
  bool numbered_ = true;
  bool hardpps_ = false;
  Counters counters_;
};

}  // namespace ak::hw
