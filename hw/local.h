// LOCAL (ntpd type 1): the undisciplined local clock, for labs and isolated
// networks. It always agrees with the system clock: offset 0, a fixed
// dispersion, and the stratum the operator fudges (hw-adapters.md §7.2).
#pragma once

#include "hw/refclock.h"

namespace ak::hw {

class LocalClock final : public RefClock {
 public:
  // ntpd refclock_local.c defaults: stratum 5, precision -7, 10 ms dispersion.
  static constexpr int kDefaultStratum = 5;
  static constexpr double kDispersion = 0.010;

  LocalClock(const Clock& clock, int unit, const Fudge& fudge);

  std::string name() const override;
  std::uint32_t refid() const override;
  int stratum() const override;
  std::int8_t precision() const override { return -7; }
  Status open() override;
  Status poll(std::vector<Sample>& out) override;
  const Counters& counters() const override { return counters_; }
  void close() override {}
  // What the next sample would announce (Unsync until the first poll, as
  // ntpd's local_start does).
  Leap leap() const { return leap_; }

 private:
  const Clock& clock_;
  int unit_;
  Fudge fudge_;
  Leap leap_ = Leap::Unsync;
  std::uint64_t seq_ = 0;
  Counters counters_;
};

}  // namespace ak::hw
