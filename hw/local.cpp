#include "hw/local.h"

namespace ak::hw {

LocalClock::LocalClock(const Clock& clock, int unit, const Fudge& fudge)
    : clock_(clock), unit_(unit), fudge_(fudge) {}

std::string LocalClock::name() const { return "LOCAL(" + std::to_string(unit_) + ")"; }

std::uint32_t LocalClock::refid() const { return fudge_.refid.value_or(refid_from("LOCL")); }

int LocalClock::stratum() const { return fudge_.stratum.value_or(kDefaultStratum); }

Status LocalClock::open() {
  leap_ = Leap::Unsync;
  return Status::Ok;
}

Status LocalClock::poll(std::vector<Sample>& out) {
  // The local clock is its own reference: both stamps are the same instant.
  const Timespec now = clock_.realtime();
  leap_ = Leap::None;
  Sample s;
  s.system = now;
  s.reference = now.plus_seconds(fudge_.time1);
  s.offset = fudge_.time1;
  s.dispersion = kDispersion;
  s.precision = precision();
  s.leap = leap_;
  s.seq = ++seq_;
  out.push_back(s);
  counters_.count(Status::Ok);
  return Status::Ok;
}

}  // namespace ak::hw
