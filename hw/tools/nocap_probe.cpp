// Run by ctest under `capsh --drop=cap_sys_time`: the daemon's clock-control
// start-up path must refuse to discipline, say so once, and keep serving.
//
// Guard (hw-adapters.md §6.7): if CAP_SYS_TIME is present this probe does
// nothing and exits 77 (skipped), so it can never write the real clock.
#include <cstdio>
#include <string>
#include <vector>

#include "hw/local.h"
#include "hw/system_clock.h"

int main() {
  using namespace ak::hw;
  if (has_cap_sys_time()) {
    std::puts("SKIP: CAP_SYS_TIME is present; run me under capsh --drop=cap_sys_time");
    return 77;
  }
  int failures = 0;
  auto check = [&](bool ok, const char* what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) ++failures;
  };

  std::vector<std::string> lines;
  RealClock raw;
  ClockControlOptions opts;
  opts.discipline_enabled = true;  // the operator asked for discipline ...
  auto clock = make_system_clock(opts, raw, [&](const std::string& s) { lines.push_back(s); });
  check(!clock->adjusts_kernel_clock(), "without CAP_SYS_TIME the factory gives the software clock");
  check(lines.size() == 1, "it says so exactly once");
  check(!lines.empty() && lines[0].find("CAP_SYS_TIME") != std::string::npos,
        "the message names CAP_SYS_TIME");
  for (const auto& l : lines) std::printf("log: %s\n", l.c_str());

  // ... and the daemon keeps serving: discipline goes to the register.
  Discipline d(std::move(clock), raw, [&](const std::string& s) { lines.push_back(s); });
  check(d.update(0.010, 16.0) == DisciplineAction::Slewed, "discipline updates still succeed");
  check(!d.controlling(), "and still do not control the kernel clock");
  const Timespec served = d.clock().now();
  check(served.sec > 1'600'000'000, "served time is plausible");
  check(lines.size() == 1, "no further warnings");

  // Reading the kernel state needs no privilege.
  KernelState ks;
  check(read_real_kernel_state(ks) == Status::Ok, "adjtimex(modes=0) reads without privilege");
  return failures == 0 ? 0 : 1;
}
