#include "hw/system_clock.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>

#include "hw/calendar.h"

namespace ak::hw {
namespace {

std::atomic<bool> g_forbidden{false};

double clamp_ppm(double ppm) {
  if (ppm > kMaxFreqPpm) return kMaxFreqPpm;
  if (ppm < -kMaxFreqPpm) return -kMaxFreqPpm;
  return ppm;
}

long scaled(double ppm) { return std::lround(ppm * kFreqScale); }

Status from_errno(int e) {
  switch (e) {
    case EPERM:
    case EACCES: return Status::PermissionDenied;
    case EOPNOTSUPP: return Status::Unsupported;
    default: return Status::IoError;
  }
}

KernelState from_timex(int rc, const timex& tx) {
  KernelState s;
  s.state = static_cast<KernelClockState>(rc);
  s.status = tx.status;
  s.freq_scaled = tx.freq;
  s.maxerror_us = tx.maxerror;
  s.esterror_us = tx.esterror;
  s.tai = tx.tai;
  s.tick_us = tx.tick;
  return s;
}

// The real kernel clock. Only make_system_clock() constructs it.
class LinuxSystemClock final : public SystemClock {
 public:
  Timespec now() const override { return RealClock{}.realtime(); }
  KernelState read() const override {
    KernelState s;
    (void)read_real_kernel_state(s);
    return s;
  }
  Status step(std::int64_t delta_ns) override {
    timex tx{};
    tx.modes = ADJ_SETOFFSET | ADJ_NANO;
    const Timespec d = Timespec::from_ns(delta_ns);
    tx.time.tv_sec = static_cast<time_t>(d.sec);
    tx.time.tv_usec = d.nsec;  // nanoseconds with ADJ_NANO
    return write(tx);
  }
  Status set_frequency_ppm(double ppm) override {
    timex tx{};
    tx.modes = ADJ_FREQUENCY;
    tx.freq = scaled(clamp_ppm(ppm));
    return write(tx);
  }
  Status set_leap(Leap leap) override {
    KernelState cur;
    if (read_real_kernel_state(cur) != Status::Ok) return Status::IoError;
    timex tx{};
    tx.modes = ADJ_STATUS;
    tx.status = cur.status & ~(sta::kIns | sta::kDel);
    if (leap == Leap::Insert) tx.status |= sta::kIns;
    if (leap == Leap::Delete) tx.status |= sta::kDel;
    return write(tx);
  }
  Status set_tai_offset(int seconds) override {
    timex tx{};
    tx.modes = ADJ_TAI;
    tx.constant = seconds;
    return write(tx);
  }
  Status set_sync(bool synced, double est_error_s, double max_error_s) override {
    KernelState cur;
    if (read_real_kernel_state(cur) != Status::Ok) return Status::IoError;
    timex tx{};
    tx.modes = ADJ_STATUS | ADJ_ESTERROR | ADJ_MAXERROR;
    // Leaving STA_UNSYNC set keeps the kernel's 11-minute RTC update off
    // (hw-adapters.md §5.1, chrony without rtcsync); we clear it only on sync.
    tx.status = synced ? (cur.status & ~sta::kUnsync) : (cur.status | sta::kUnsync);
    tx.esterror = std::lround(est_error_s * 1e6);
    tx.maxerror = std::lround(max_error_s * 1e6);
    return write(tx);
  }
  bool adjusts_kernel_clock() const override { return true; }
  std::string describe() const override { return "kernel clock (adjtimex)"; }

 private:
  static Status write(timex& tx) {
    // Checked at every write, so the latch holds even for an instance made
    // before it was set.
    if (g_forbidden.load()) return Status::PermissionDenied;
    if (::adjtimex(&tx) < 0) return from_errno(errno);
    return Status::Ok;
  }
};

}  // namespace

// ---------------------------------------------------------------- Null clock

void NullSystemClock::settle() const {
  const Timespec raw = raw_.realtime();
  if (!started_) {
    since_ = raw;
    started_ = true;
    return;
  }
  // chrony sys_null: the frequency correction accumulates with elapsed time.
  const double elapsed = seconds_between(raw, since_);
  frac_ns_ += elapsed * freq_ppm_ * 1e3;  // ppm * s = us; * 1e3 = ns
  const double whole = std::trunc(frac_ns_);
  register_ns_ += static_cast<std::int64_t>(whole);
  frac_ns_ -= whole;
  since_ = raw;
}

Timespec NullSystemClock::now() const {
  settle();
  return raw_.realtime().plus_ns(register_ns_);
}

KernelState NullSystemClock::read() const {
  KernelState s = state_;
  s.freq_scaled = scaled(freq_ppm_);
  return s;
}

Status NullSystemClock::step(std::int64_t delta_ns) {
  settle();
  register_ns_ += delta_ns;
  return Status::Ok;
}

Status NullSystemClock::set_frequency_ppm(double ppm) {
  settle();
  freq_ppm_ = clamp_ppm(ppm);
  return Status::Ok;
}

Status NullSystemClock::set_leap(Leap leap) {
  state_.status &= ~(sta::kIns | sta::kDel);
  if (leap == Leap::Insert) state_.status |= sta::kIns;
  if (leap == Leap::Delete) state_.status |= sta::kDel;
  return Status::Ok;
}

Status NullSystemClock::set_tai_offset(int seconds) {
  state_.tai = seconds;
  return Status::Ok;
}

Status NullSystemClock::set_sync(bool synced, double est_error_s, double max_error_s) {
  if (synced) {
    state_.status &= ~sta::kUnsync;
  } else {
    state_.status |= sta::kUnsync;
  }
  state_.esterror_us = std::lround(est_error_s * 1e6);
  state_.maxerror_us = std::lround(max_error_s * 1e6);
  return Status::Ok;
}

// ----------------------------------------------------------- Simulated clock

SimulatedSystemClock::SimulatedSystemClock(Timespec true_start, double drift_ppm,
                                           std::int64_t initial_error_ns)
    : true_(true_start), sys_(true_start.plus_ns(initial_error_ns)), drift_ppm_(drift_ppm) {
  // The state this VM's kernel reports at boot: PLL|UNSYNC, 16 s errors.
  state_.state = KernelClockState::Error;
  state_.status = sta::kPll | sta::kUnsync;
}

void SimulatedSystemClock::advance(std::int64_t true_ns) {
  true_ = true_.plus_ns(true_ns);
  const double rate = (drift_ppm_ + freq_ppm_) * 1e-6;
  frac_ns_ += static_cast<double>(true_ns) * (1.0 + rate);
  const double whole = std::trunc(frac_ns_);
  frac_ns_ -= whole;
  const Timespec before = sys_;
  sys_ = sys_.plus_ns(static_cast<std::int64_t>(whole));
  // The kernel acts on an armed leap at the next UTC midnight, whatever the
  // month (hw-adapters.md §5.2): insert repeats 23:59:59 (TIME_OOP), delete
  // skips it; then TIME_WAIT until the flag is cleared.
  const std::int64_t midnight = (day_of(before.sec) + 1) * 86400;
  if (state_.status & sta::kIns) {
    if (before.sec < midnight && sys_.sec >= midnight) {
      sys_.sec -= 1;
      state_.tai += 1;
      state_.state = KernelClockState::Wait;
      state_.status &= ~sta::kIns;
      leap_done_ = true;
    }
  } else if (state_.status & sta::kDel) {
    if (before.sec < midnight - 1 && sys_.sec >= midnight - 1) {
      sys_.sec += 1;
      state_.tai -= 1;
      state_.state = KernelClockState::Wait;
      state_.status &= ~sta::kDel;
      leap_done_ = true;
    }
  }
}

void SimulatedSystemClock::external_frequency_write(double ppm) {
  freq_ppm_ = clamp_ppm(ppm);
  state_.freq_scaled = scaled(freq_ppm_);
}

Status SimulatedSystemClock::step(std::int64_t delta_ns) {
  sys_ = sys_.plus_ns(delta_ns);  // atomic and relative, as ADJ_SETOFFSET
  return Status::Ok;
}

Status SimulatedSystemClock::set_frequency_ppm(double ppm) {
  freq_ppm_ = clamp_ppm(ppm);
  state_.freq_scaled = scaled(freq_ppm_);
  return Status::Ok;
}

Status SimulatedSystemClock::set_leap(Leap leap) {
  state_.status &= ~(sta::kIns | sta::kDel);
  if (leap == Leap::Insert) {
    state_.status |= sta::kIns;
    state_.state = KernelClockState::Ins;
  } else if (leap == Leap::Delete) {
    state_.status |= sta::kDel;
    state_.state = KernelClockState::Del;
  } else {
    state_.state = (state_.status & sta::kUnsync) ? KernelClockState::Error : KernelClockState::Ok;
  }
  return Status::Ok;
}

Status SimulatedSystemClock::set_tai_offset(int seconds) {
  state_.tai = seconds;
  return Status::Ok;
}

Status SimulatedSystemClock::set_sync(bool synced, double est_error_s, double max_error_s) {
  if (synced) {
    state_.status &= ~sta::kUnsync;
    if (state_.state == KernelClockState::Error) state_.state = KernelClockState::Ok;
  } else {
    state_.status |= sta::kUnsync;
    state_.state = KernelClockState::Error;
  }
  state_.esterror_us = std::lround(est_error_s * 1e6);
  state_.maxerror_us = std::lround(max_error_s * 1e6);
  return Status::Ok;
}

// ------------------------------------------------------------------ Factory

bool has_cap_sys_time() {
  __user_cap_header_struct hdr{};
  hdr.version = _LINUX_CAPABILITY_VERSION_3;
  hdr.pid = 0;
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &hdr, data) != 0) return false;
  constexpr int bit = CAP_SYS_TIME;  // 25, in the first word
  return (data[bit / 32].effective & (1u << (bit % 32))) != 0;
}

Status read_real_kernel_state(KernelState& out) {
  timex tx{};
  tx.modes = 0;  // read only: allowed without privilege (hw-adapters.md §5.3)
  const int rc = ::adjtimex(&tx);
  if (rc < 0) return from_errno(errno);
  out = from_timex(rc, tx);
  return Status::Ok;
}

void forbid_real_clock_writes() { g_forbidden.store(true); }
bool real_clock_writes_forbidden() { return g_forbidden.load(); }

std::unique_ptr<SystemClock> make_system_clock(const ClockControlOptions& options, const Clock& raw,
                                               const Logger& log) {
  const char* why = nullptr;
  if (!options.discipline_enabled) {
    why = "clock discipline disabled in the configuration (disable ntp)";
  } else if (real_clock_writes_forbidden()) {
    why = "real-clock writes are forbidden in this process";
  } else if (!has_cap_sys_time()) {
    why = "no CAP_SYS_TIME";
  }
  if (why != nullptr) {
    if (log) log(std::string("will not adjust the system clock: ") + why + "; still serving time");
    return std::make_unique<NullSystemClock>(raw);
  }
  return std::make_unique<LinuxSystemClock>();
}

// --------------------------------------------------------------- Discipline

bool is_last_day_of_month(Timespec t) {
  const CivilDate d = civil_from_days(day_of(t.sec));
  return d.day == days_in_month(d.year, d.month);
}

Discipline::Discipline(std::unique_ptr<SystemClock> clock, const Clock& raw, Logger log,
                       DisciplineOptions options)
    : clock_(std::move(clock)), raw_(raw), log_(std::move(log)), opt_(options) {}

void Discipline::fall_back(const char* why) {
  if (fell_back_) return;
  fell_back_ = true;
  if (log_) log_(std::string("will not adjust the system clock: ") + why + "; still serving time");
  clock_ = std::make_unique<NullSystemClock>(raw_);
}

Status Discipline::write_frequency(double ppm) {
  const double clamped = clamp_ppm(ppm);
  Status st = clock_->set_frequency_ppm(clamped);
  if (st == Status::PermissionDenied) {
    // capget can say yes where the kernel says no (user namespaces): the
    // first EPERM switches to the software clock, once, for good.
    fall_back("the kernel refused the write (EPERM)");
    st = clock_->set_frequency_ppm(clamped);
  }
  if (st == Status::Ok) {
    freq_ppm_ = clamped;
    last_written_scaled_ = scaled(clamped);
    wrote_ = true;
  }
  return st;
}

DisciplineAction Discipline::update(double offset_s, double interval_s) {
  if (!std::isfinite(offset_s) || !(interval_s > 0)) return DisciplineAction::Refused;
  const double mag = std::fabs(offset_s);
  if (mag > opt_.panic_threshold_s) return DisciplineAction::Refused;
  if (mag > opt_.step_threshold_s) {
    Status st = clock_->step(std::llround(offset_s * 1e9));
    if (st == Status::PermissionDenied) {
      fall_back("the kernel refused the step (EPERM)");
      st = clock_->step(std::llround(offset_s * 1e9));
    }
    return st == Status::Ok ? DisciplineAction::Stepped : DisciplineAction::Refused;
  }
  // PI loop: the integral tracks the oscillator's frequency error, the
  // proportional part slews a fraction of the phase over the next interval.
  integral_ppm_ = clamp_ppm(integral_ppm_ + opt_.freq_gain * offset_s / interval_s * 1e6);
  const double slew_ppm = opt_.phase_gain * offset_s / interval_s * 1e6;
  return write_frequency(integral_ppm_ + slew_ppm) == Status::Ok ? DisciplineAction::Slewed
                                                                  : DisciplineAction::Refused;
}

Status Discipline::arm_leap(Leap leap) {
  if (leap == Leap::Insert || leap == Leap::Delete) {
    // Leap seconds occur only at the end of a UTC month, and the kernel fires
    // STA_INS/STA_DEL at the next midnight: arm only on that last day.
    if (!is_last_day_of_month(clock_->now())) return Status::OutOfRange;
  } else {
    leap = Leap::None;
  }
  Status st = clock_->set_leap(leap);
  if (st == Status::PermissionDenied) {
    fall_back("the kernel refused the leap flag (EPERM)");
    st = clock_->set_leap(leap);
  }
  return st;
}

bool Discipline::interference_detected() {
  if (!wrote_) return false;
  const KernelState s = clock_->read();
  if (s.freq_scaled != last_written_scaled_) {
    if (log_) log_("system clock interference detected (another NTP client?)");
    return true;
  }
  return false;
}

}  // namespace ak::hw
