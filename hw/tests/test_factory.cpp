#include <gtest/gtest.h>

#include "hw/factory.h"
#include "hw/local.h"

using namespace ak::hw;

TEST(RefclockAddress, ParsesNtpdsPseudoAddresses) {
  auto a = parse_refclock_address("127.127.28.2");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->type, 28);
  EXPECT_EQ(a->unit, 2);
  EXPECT_FALSE(parse_refclock_address("127.0.0.1").has_value());
  EXPECT_FALSE(parse_refclock_address("127.127.28").has_value());
  EXPECT_FALSE(parse_refclock_address("127.127.28.256").has_value());
  EXPECT_FALSE(parse_refclock_address("127.127.28.0 ").has_value());
  EXPECT_FALSE(parse_refclock_address("127.127.0028.0").has_value());
}

TEST(RefclockFactory, BuildsEachAdapterUnderItsNtpdName) {
  SimulatedClock clock;
  const struct {
    int type;
    const char* name;
  } cases[] = {{1, "LOCAL(0)"}, {20, "NMEA(/dev/gps0)"}, {22, "PPS(/dev/pps0)"}, {28, "SHM(0)"},
               {101, "SOCK(/run/autokeyd/refclock-sock0.sock)"}, {102, "PHC(/dev/ptp0)"}, {103, "RTC(/dev/rtc0)"}};
  for (const auto& c : cases) {
    auto rc = make_refclock(c.type, 0, Fudge{}, clock);
    ASSERT_TRUE(rc.ok()) << c.type;
    EXPECT_EQ((*rc)->name(), c.name);
  }
  EXPECT_EQ(refclock_display_name(28, 1), "SHM(1)");
  EXPECT_EQ(refclock_display_name(20, 0), "GPS_NMEA(0)");
}

TEST(RefclockFactory, RefusesUnknownTypesBadUnitsAndBadFudges) {
  SimulatedClock clock;
  EXPECT_EQ(make_refclock(8, 0, Fudge{}, clock).error(), FactoryError::UnknownType);
  EXPECT_EQ(make_refclock(28, 256, Fudge{}, clock).error(), FactoryError::BadUnit);
  Fudge f;
  f.stratum = 16;
  EXPECT_EQ(make_refclock(1, 0, f, clock).error(), FactoryError::BadFudge);
  EXPECT_STRNE(message(FactoryError::BadFudge), "?");
}

TEST(RefclockFactory, AppliesFudgeStratumRefidAndTime1) {
  SimulatedClock clock(Timespec{1'700'000'000, 0});
  Fudge f;
  f.stratum = 3;
  f.refid = refid_from("LAB\0");
  f.time1 = 0.25;
  auto rc = make_refclock(1, 0, f, clock);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ((*rc)->stratum(), 3);
  std::vector<Sample> out;
  ASSERT_EQ((*rc)->poll(out), Status::Ok);
  EXPECT_DOUBLE_EQ(out.at(0).offset, 0.25);
  const auto vars = clock_variables(**rc, 1, f);
  const auto find = [&](const char* k) {
    for (const auto& [name, value] : vars)
      if (name == k) return value;
    return std::string("<missing>");
  };
  EXPECT_EQ(find("refid"), "LAB");
  EXPECT_EQ(find("stratum"), "3");
  EXPECT_EQ(find("fudgetime1"), "250.000");
  EXPECT_EQ(find("poll"), "1");
}
