// The system clock: always readable, disciplined only when allowed.
//
// Three implementations sit behind SystemClock (hw-adapters.md §5, §7.1):
//  - the Linux clock (adjtimex / clock_adjtime). It is NOT constructible from
//    outside system_clock.cpp: the only way to obtain it is
//    make_system_clock(), which hands it out only when discipline is enabled
//    in the configuration AND the process holds CAP_SYS_TIME, and only while
//    forbid_real_clock_writes() has not been called. Test binaries call that
//    latch before main(), so no test can write the real clock.
//  - NullSystemClock: a software frequency/offset register over an
//    undisciplined clock (chronyd -x style). The daemon keeps serving
//    corrected time from it when it may not or must not adjust the clock.
//  - SimulatedSystemClock: a virtual timeline with an oscillator error, the
//    kernel's units and limits, and the leap-second state machine. Every
//    discipline test runs against it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hw/refclock.h"

namespace ak::hw {

// adjtimex() return values (hw-adapters.md §5.2).
enum class KernelClockState : int { Ok = 0, Ins = 1, Del = 2, Oop = 3, Wait = 4, Error = 5 };

// STA_* bits (same values as <sys/timex.h>).
namespace sta {
inline constexpr int kPll = 0x0001;
inline constexpr int kIns = 0x0010;
inline constexpr int kDel = 0x0020;
inline constexpr int kUnsync = 0x0040;
inline constexpr int kNano = 0x2000;
}  // namespace sta

// Scaled ppm, as the kernel's `freq` field: ppm * 65536. Limit 500 ppm.
inline constexpr long kFreqScale = 65536;
inline constexpr double kMaxFreqPpm = 500.0;

struct KernelState {
  KernelClockState state = KernelClockState::Error;
  int status = sta::kUnsync;
  long freq_scaled = 0;
  long maxerror_us = 16'000'000;
  long esterror_us = 16'000'000;
  int tai = 0;
  long tick_us = 10'000;
};

class SystemClock {
 public:
  virtual ~SystemClock() = default;
  // The time the daemon serves (the Null clock adds its register).
  virtual Timespec now() const = 0;
  virtual KernelState read() const = 0;  // adjtimex(modes = 0): no privilege needed
  virtual Status step(std::int64_t delta_ns) = 0;      // ADJ_SETOFFSET | ADJ_NANO
  virtual Status set_frequency_ppm(double ppm) = 0;    // ADJ_FREQUENCY, clamped to +-500 ppm
  virtual Status set_leap(Leap leap) = 0;              // STA_INS / STA_DEL / neither
  virtual Status set_tai_offset(int seconds) = 0;      // ADJ_TAI
  virtual Status set_sync(bool synced, double est_error_s, double max_error_s) = 0;
  // True only for the implementation that really adjusts the kernel clock.
  virtual bool adjusts_kernel_clock() const = 0;
  virtual std::string describe() const = 0;
};

// A software register over an undisciplined clock: corrections are applied
// to what now() returns, never to the machine (chrony sys_null).
class NullSystemClock final : public SystemClock {
 public:
  explicit NullSystemClock(const Clock& raw) : raw_(raw) {}
  Timespec now() const override;
  KernelState read() const override;
  Status step(std::int64_t delta_ns) override;
  Status set_frequency_ppm(double ppm) override;
  Status set_leap(Leap leap) override;
  Status set_tai_offset(int seconds) override;
  Status set_sync(bool synced, double est_error_s, double max_error_s) override;
  bool adjusts_kernel_clock() const override { return false; }
  std::string describe() const override { return "software clock register (clock control disabled)"; }
  double frequency_ppm() const { return freq_ppm_; }

 private:
  // Fold the frequency correction accumulated so far into the register.
  void settle() const;
  const Clock& raw_;
  mutable std::int64_t register_ns_ = 0;
  mutable Timespec since_{};
  mutable bool started_ = false;
  mutable double frac_ns_ = 0;
  double freq_ppm_ = 0;
  KernelState state_{};
};

// A virtual machine clock: true time advances when the test says so; the
// system clock runs at (1 + (drift + correction) * 1e-6) of it.
class SimulatedSystemClock final : public SystemClock {
 public:
  SimulatedSystemClock(Timespec true_start, double drift_ppm, std::int64_t initial_error_ns = 0);

  // Advance true time; the leap second (if armed) happens at UTC midnight.
  void advance(std::int64_t true_ns);
  Timespec true_time() const { return true_; }
  // Another process writes the frequency (for interference detection).
  void external_frequency_write(double ppm);
  double error_seconds() const { return seconds_between(sys_, true_); }
  bool leap_second_happened() const { return leap_done_; }

  Timespec now() const override { return sys_; }
  KernelState read() const override { return state_; }
  Status step(std::int64_t delta_ns) override;
  Status set_frequency_ppm(double ppm) override;
  Status set_leap(Leap leap) override;
  Status set_tai_offset(int seconds) override;
  Status set_sync(bool synced, double est_error_s, double max_error_s) override;
  bool adjusts_kernel_clock() const override { return false; }
  std::string describe() const override { return "simulated clock"; }

 private:
  Timespec true_;
  Timespec sys_;
  double drift_ppm_;
  double freq_ppm_ = 0;
  double frac_ns_ = 0;
  bool leap_done_ = false;
  KernelState state_{};
};

using Logger = std::function<void(const std::string&)>;

struct ClockControlOptions {
  // `disable ntp` in the configuration turns this off.
  bool discipline_enabled = true;
};

// Whether the process holds CAP_SYS_TIME in its effective set (capget).
bool has_cap_sys_time();
// adjtimex(modes = 0) on the real clock: read-only, needs no privilege.
Status read_real_kernel_state(KernelState& out);

// After this call no real-clock write is ever issued by this process
// (every write returns PermissionDenied). Test binaries call it first.
void forbid_real_clock_writes();
bool real_clock_writes_forbidden();

// The daemon's only way to a system clock. Returns the real, disciplining
// clock only if enabled, permitted (CAP_SYS_TIME) and not forbidden;
// otherwise a NullSystemClock over `raw`, after logging once, clearly, why
// the clock will not be adjusted.
std::unique_ptr<SystemClock> make_system_clock(const ClockControlOptions& options, const Clock& raw,
                                               const Logger& log);

struct DisciplineOptions {
  double step_threshold_s = 0.128;  // ntpd CLOCK_MAX
  double panic_threshold_s = 1000;  // ntpd CLOCK_PANIC: refuse, do not step
  double phase_gain = 0.25;         // fraction of the offset slewed per update interval
  double freq_gain = 0.02;          // fraction of the offset fed into the frequency
};

enum class DisciplineAction : std::uint8_t { Slewed, Stepped, Refused, Disabled };

// chrony-style discipline: steps beyond the step threshold, otherwise steers
// the frequency (phase by a temporary frequency change, PI loop). Owns the
// SystemClock so it can fall back to a NullSystemClock on the first EPERM.
class Discipline {
 public:
  Discipline(std::unique_ptr<SystemClock> clock, const Clock& raw, Logger log,
             DisciplineOptions options = {});

  // `offset_s` = reference - system, measured now; `interval_s` = time since
  // the previous update.
  DisciplineAction update(double offset_s, double interval_s);
  // RFC 5905 / kernel: STA_INS armed at any time fires at the NEXT UTC
  // midnight, so a leap is armed only on the last UTC day of a month (leap
  // seconds happen only at month ends). Elsewhere: OutOfRange, nothing written.
  Status arm_leap(Leap leap);
  // Compare the kernel state with what we wrote (chrony's "System clock
  // interference detected").
  bool interference_detected();

  SystemClock& clock() { return *clock_; }
  bool controlling() const { return clock_->adjusts_kernel_clock(); }
  double frequency_ppm() const { return freq_ppm_; }

 private:
  Status write_frequency(double ppm);
  void fall_back(const char* why);

  std::unique_ptr<SystemClock> clock_;
  const Clock& raw_;
  Logger log_;
  DisciplineOptions opt_;
  double integral_ppm_ = 0;
  double freq_ppm_ = 0;
  long last_written_scaled_ = 0;
  bool wrote_ = false;
  bool fell_back_ = false;
};

// True when the UTC day containing `t` is the last day of its month.
bool is_last_day_of_month(Timespec t);

}  // namespace ak::hw
