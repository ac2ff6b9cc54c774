// The only way the time service may touch the system clock. The daemon hands
// in an implementation backed by hw/ when (and only when) `enable ntp` is in
// effect; the default and every test use NullDiscipline, which does nothing.
#pragma once

namespace ak::timesvc {

class ClockDiscipline {
 public:
  virtual ~ClockDiscipline() = default;
  // Slew (or step, at the implementation's discretion) by `seconds`:
  // positive means the system clock is behind.
  virtual void adjust_offset(double seconds) = 0;
  // Frequency correction in parts per million.
  virtual void adjust_frequency(double ppm) = 0;
  // Arm the kernel for a leap second at the end of the day: 1 insert,
  // 2 delete, 0 disarm (the leap indicator values, RFC 5905 §7.3).
  virtual void arm_leap(int leap) = 0;
};

// `disable ntp`: select, follow and serve, never adjust.
class NullDiscipline final : public ClockDiscipline {
 public:
  void adjust_offset(double) override {}
  void adjust_frequency(double) override {}
  void arm_leap(int) override {}
};

}  // namespace ak::timesvc
