#include <gtest/gtest.h>

#include <cmath>

#include "hw/calendar.h"
#include "hw/local.h"
#include "hw/system_clock.h"

using namespace ak::hw;

namespace {
constexpr std::int64_t kSec = 1'000'000'000;
// 2016-12-31 00:00:00 UTC, the last day before the last leap second.
const Timespec kLastDay2016{days_from_civil(2016, 12, 31) * 86400, 0};
}  // namespace

TEST(Timespec, NormalisesNegativeNanoseconds) {
  const Timespec t = Timespec::from_ns(-1);
  EXPECT_EQ(t.sec, -1);
  EXPECT_EQ(t.nsec, 999'999'999);
  EXPECT_DOUBLE_EQ(seconds_between(Timespec{10, 0}, Timespec{9, 500'000'000}), 0.5);
}

TEST(Fold, FoldsIntoHalfOpenHalfPeriodInterval) {
  EXPECT_NEAR(fold(0.7), -0.3, 1e-12);
  EXPECT_NEAR(fold(-0.7), 0.3, 1e-12);
  EXPECT_NEAR(fold(0.5), -0.5, 1e-12);
  EXPECT_NEAR(fold(3.25), 0.25, 1e-12);
}

TEST(LocalClock, ReportsUnsyncUntilTheFirstPoll) {
  SimulatedClock clock(Timespec{1'700'000'000, 0});
  LocalClock local(clock, 0, Fudge{});
  ASSERT_EQ(local.open(), Status::Ok);
  EXPECT_EQ(local.leap(), Leap::Unsync);
  std::vector<Sample> out;
  ASSERT_EQ(local.poll(out), Status::Ok);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].leap, Leap::None);
  EXPECT_EQ(out[0].offset, 0.0);
  EXPECT_DOUBLE_EQ(out[0].dispersion, 0.010);
  EXPECT_EQ(out[0].system, clock.realtime());
}

TEST(LocalClock, UsesNtpdDefaultsAndHonoursFudgedStratumAndRefid) {
  SimulatedClock clock;
  EXPECT_EQ(LocalClock(clock, 0, Fudge{}).stratum(), 5);
  EXPECT_EQ(refid_to_string(LocalClock(clock, 0, Fudge{}).refid()), "LOCL");
  Fudge f;
  f.stratum = 3;  // the reference server of the lab fudges LOCAL to stratum 3
  f.refid = refid_from("LAB\0");
  LocalClock fudged(clock, 1, f);
  EXPECT_EQ(fudged.stratum(), 3);
  EXPECT_EQ(refid_to_string(fudged.refid()), "LAB");
  EXPECT_EQ(fudged.name(), "LOCAL(1)");
}

TEST(SimulatedSystemClock, RunsFastByItsDrift) {
  SimulatedSystemClock c(Timespec{1'700'000'000, 0}, 100.0);
  c.advance(1000 * kSec);
  EXPECT_NEAR(c.error_seconds(), 0.1, 1e-9);  // 100 ppm of 1000 s
}

TEST(SimulatedSystemClock, ClampsFrequencyAtFiveHundredPpmInScaledUnits) {
  SimulatedSystemClock c(Timespec{1'700'000'000, 0}, 0.0);
  ASSERT_EQ(c.set_frequency_ppm(900.0), Status::Ok);
  EXPECT_EQ(c.read().freq_scaled, 500 * kFreqScale);
  ASSERT_EQ(c.set_frequency_ppm(-1.5), Status::Ok);
  EXPECT_EQ(c.read().freq_scaled, -98304);  // -1.5 * 65536
}

TEST(SimulatedSystemClock, StepIsRelativeAndAtomic) {
  SimulatedSystemClock c(Timespec{1'700'000'000, 0}, 0.0, -250'000'000);
  ASSERT_EQ(c.step(250'000'000), Status::Ok);
  EXPECT_EQ(c.now(), c.true_time());
}

TEST(SimulatedSystemClock, InsertedLeapRepeatsASecondAndBumpsTai) {
  SimulatedSystemClock c(kLastDay2016.plus_ns(86398 * kSec), 0.0);
  ASSERT_EQ(c.set_tai_offset(36), Status::Ok);
  ASSERT_EQ(c.set_leap(Leap::Insert), Status::Ok);
  EXPECT_EQ(c.read().state, KernelClockState::Ins);
  c.advance(3 * kSec);  // 23:59:58 + 3 s of true time
  EXPECT_TRUE(c.leap_second_happened());
  EXPECT_EQ(c.read().tai, 37);
  EXPECT_EQ(c.read().state, KernelClockState::Wait);
  EXPECT_NEAR(c.error_seconds(), -1.0, 1e-9);  // UTC is one second behind the count of SI seconds
}

TEST(Discipline, OffsetsConvergeAndFrequencyLearnsTheDrift) {
  SimulatedSystemClock* sim = nullptr;
  auto owned = std::make_unique<SimulatedSystemClock>(Timespec{1'700'000'000, 0}, 50.0, 60'000'000);
  sim = owned.get();
  SimulatedClock raw;
  Discipline d(std::move(owned), raw, nullptr);
  const double interval = 16.0;
  for (int i = 0; i < 200; ++i) {
    const double offset = -sim->error_seconds();  // reference - system
    const auto action = d.update(offset, interval);
    ASSERT_NE(action, DisciplineAction::Refused);
    EXPECT_NE(action, DisciplineAction::Stepped) << "60 ms is below the step threshold";
    sim->advance(static_cast<std::int64_t>(interval * kSec));
  }
  EXPECT_LT(std::fabs(sim->error_seconds()), 1e-5);
  EXPECT_NEAR(d.frequency_ppm(), -50.0, 0.5);
}

TEST(Discipline, StepsOffsetsBeyondTheStepThreshold) {
  auto owned = std::make_unique<SimulatedSystemClock>(Timespec{1'700'000'000, 0}, 0.0, -2'000'000'000);
  auto* sim = owned.get();
  SimulatedClock raw;
  Discipline d(std::move(owned), raw, nullptr);
  EXPECT_EQ(d.update(-sim->error_seconds(), 16), DisciplineAction::Stepped);
  EXPECT_NEAR(sim->error_seconds(), 0.0, 1e-9);
  EXPECT_EQ(d.update(5000.0, 16), DisciplineAction::Refused);  // beyond the panic threshold
}

TEST(Discipline, ArmsALeapOnlyOnTheLastDayOfTheMonth) {
  // 2016-12-30 12:00: a leap announced for the end of the month is not armed yet.
  auto owned = std::make_unique<SimulatedSystemClock>(kLastDay2016.plus_ns(-43200 * kSec), 0.0);
  auto* sim = owned.get();
  SimulatedClock raw;
  Discipline d(std::move(owned), raw, nullptr);
  EXPECT_EQ(d.arm_leap(Leap::Insert), Status::OutOfRange);
  EXPECT_EQ(sim->read().status & sta::kIns, 0);
  sim->advance(43200 * kSec);  // 2016-12-31 00:00
  EXPECT_EQ(d.arm_leap(Leap::Insert), Status::Ok);
  EXPECT_NE(sim->read().status & sta::kIns, 0);
  sim->advance(86400 * kSec);
  EXPECT_TRUE(sim->leap_second_happened());
}

TEST(Discipline, RefusesToArmALeapOnTheLastDayOfAMonthOnlyWhenItIsNot) {
  EXPECT_TRUE(is_last_day_of_month(Timespec{days_from_civil(2024, 2, 29) * 86400 + 5, 0}));
  EXPECT_FALSE(is_last_day_of_month(Timespec{days_from_civil(2023, 2, 28) * 86400 - 1, 0}));
  EXPECT_TRUE(is_last_day_of_month(Timespec{days_from_civil(2015, 6, 30) * 86400 + 86399, 0}));
  EXPECT_FALSE(is_last_day_of_month(Timespec{days_from_civil(2015, 7, 1) * 86400, 0}));
}

TEST(Discipline, DetectsAnotherProcessWritingTheFrequency) {
  auto owned = std::make_unique<SimulatedSystemClock>(Timespec{1'700'000'000, 0}, 0.0);
  auto* sim = owned.get();
  SimulatedClock raw;
  std::vector<std::string> log;
  Discipline d(std::move(owned), raw, [&](const std::string& s) { log.push_back(s); });
  d.update(0.001, 16);
  EXPECT_FALSE(d.interference_detected());
  sim->external_frequency_write(12.0);
  EXPECT_TRUE(d.interference_detected());
  EXPECT_EQ(log.size(), 1u);
}

TEST(NullSystemClock, ServesCorrectedTimeWithoutTouchingTheMachine) {
  SimulatedClock raw(Timespec{1'700'000'000, 0});
  NullSystemClock c(raw);
  EXPECT_EQ(c.now(), raw.realtime());
  ASSERT_EQ(c.step(-500'000'000), Status::Ok);
  ASSERT_EQ(c.set_frequency_ppm(100.0), Status::Ok);
  raw.advance_ns(1000 * kSec);
  // -0.5 s register plus 100 ppm of 1000 s.
  EXPECT_NEAR(seconds_between(c.now(), raw.realtime()), -0.5 + 0.1, 1e-6);
  EXPECT_FALSE(c.adjusts_kernel_clock());
}

TEST(Discipline, KeepsServingThroughTheSoftwareClockWhenDisabled) {
  SimulatedClock raw(Timespec{1'700'000'000, 0});
  std::vector<std::string> log;
  auto c = make_system_clock({false}, raw, [&](const std::string& s) { log.push_back(s); });
  Discipline d(std::move(c), raw, [&](const std::string& s) { log.push_back(s); });
  EXPECT_EQ(d.update(0.5, 16), DisciplineAction::Stepped);
  EXPECT_NEAR(seconds_between(d.clock().now(), raw.realtime()), 0.5, 1e-9);
  EXPECT_FALSE(d.controlling());
  EXPECT_EQ(log.size(), 1u);
}
