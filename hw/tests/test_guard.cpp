// Before any test runs: no test in this binary may write the real clock
// (hw-adapters.md §6.7). The latch makes every real write PermissionDenied.
#include <gtest/gtest.h>

#include "hw/system_clock.h"

namespace {
const bool kLatched = [] {
  ak::hw::forbid_real_clock_writes();
  return true;
}();
}  // namespace

TEST(RealClockGuard, TestBinaryForbidsRealClockWritesBeforeAnyTest) {
  EXPECT_TRUE(kLatched);
  EXPECT_TRUE(ak::hw::real_clock_writes_forbidden());
}

TEST(RealClockGuard, FactoryRefusesToHandOutTheKernelClockInTests) {
  ak::hw::RealClock raw;
  std::vector<std::string> log;
  auto c = ak::hw::make_system_clock({true}, raw, [&](const std::string& s) { log.push_back(s); });
  EXPECT_FALSE(c->adjusts_kernel_clock());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("will not adjust the system clock"), std::string::npos);
}

TEST(RealClockGuard, DisableNtpGivesTheSoftwareClockAndSaysSoOnce) {
  ak::hw::RealClock raw;
  std::vector<std::string> log;
  auto c = ak::hw::make_system_clock({false}, raw, [&](const std::string& s) { log.push_back(s); });
  EXPECT_FALSE(c->adjusts_kernel_clock());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("disable ntp"), std::string::npos);
}

TEST(RealClockGuard, ReadingTheKernelStateNeedsNoPrivilege) {
  ak::hw::KernelState ks;
  ASSERT_EQ(ak::hw::read_real_kernel_state(ks), ak::hw::Status::Ok);
  // Every kernel reports the 500 ppm tolerance as scaled ppm; the tick is ~1e6/USER_HZ.
  EXPECT_GT(ks.tick_us, 0);
}
