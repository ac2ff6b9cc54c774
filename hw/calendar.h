// Proleptic Gregorian calendar arithmetic on POSIX days (no time zones, no
// libc): the NMEA, RTC and leap-second code all need it and must not depend
// on TZ or on the C library's notion of the current year.
#pragma once

#include <cstdint>

namespace ak::hw {

struct CivilDate {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Days since 1970-01-01 (H. Hinnant's algorithm).
constexpr std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{m <= 2 ? y + 1 : y, m, d};
}

constexpr bool is_leap_year(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(std::int64_t y, int m) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// Floor division of POSIX seconds into days.
constexpr std::int64_t day_of(std::int64_t posix_sec) {
  return posix_sec >= 0 ? posix_sec / 86400 : -((-posix_sec + 86399) / 86400);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2017, 1, 1) == 17167);
static_assert(civil_from_days(17166).day == 31 && civil_from_days(17166).month == 12);

}  // namespace ak::hw
