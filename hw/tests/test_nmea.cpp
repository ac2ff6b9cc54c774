#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <cmath>
#include <thread>

#include "fakes.h"
#include "hw/nmea.h"

using namespace ak::hw;
using ak::hw::testing::FakePpsSource;

namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string crlf(std::string s) { return s + "\r\n"; }

// 2017-07-14 02:40:00 UTC, the date of the spec's example sentence.
const Timespec k0240{days_from_civil(2017, 7, 14) * 86400 + 2 * 3600 + 40 * 60, 0};

NmeaClock make_clock(const Clock& c, NmeaOptions o = {}, std::unique_ptr<PpsSource> pps = nullptr) {
  return NmeaClock(c, "test", o, nullptr, std::move(pps));
}

}  // namespace

TEST(NmeaParser, AcceptsTheSpecExampleWithItsChecksum) {
  auto s = parse_nmea("$GPRMC,024000.00,A,4807.038,N,01131.000,E,000.0,000.0,140717,,,A*5E");
  ASSERT_TRUE(s.ok()) << message(s.error());
  EXPECT_EQ(s->type, NmeaType::Rmc);
  EXPECT_EQ(s->talker, "GP");
  EXPECT_TRUE(s->fix_valid);
  EXPECT_TRUE(s->has_checksum);
  EXPECT_EQ(nmea_reference_time(*s, k0240.plus_ns(100'000'000)), k0240);
}

TEST(NmeaParser, RejectsAWrongChecksumAndLowerCaseHex) {
  EXPECT_EQ(parse_nmea("$GPRMC,024000.00,A,4807.038,N,01131.000,E,000.0,000.0,140717,,,A*5F").error(),
            NmeaError::ChecksumMismatch);
  const std::string good = nmea_frame("GPGGA,024000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,");
  std::string lower = good;
  lower[lower.size() - 1] = static_cast<char>(std::tolower(lower.back()));
  lower[lower.size() - 2] = static_cast<char>(std::tolower(lower[lower.size() - 2]));
  ASSERT_NE(lower, good) << "pick a sentence whose checksum has a hex letter";
  EXPECT_EQ(parse_nmea(lower).error(), NmeaError::BadChecksumFormat);
  EXPECT_EQ(parse_nmea("$GPZDA,024000,14,07,2017,00,00*4").error(), NmeaError::BadChecksumFormat);
}

TEST(NmeaParser, IsTalkerAgnostic) {
  for (const char* talker : {"GP", "GN", "GL", "GA", "BD"}) {
    auto s = parse_nmea(nmea_frame(std::string(talker) + "ZDA,024000.00,14,07,2017,00,00"));
    ASSERT_TRUE(s.ok()) << talker;
    EXPECT_EQ(s->talker, talker);
    EXPECT_EQ(nmea_reference_time(*s, Timespec{}), k0240);  // ZDA's full date ignores `near`
  }
}

TEST(NmeaParser, ReadsEachTimeSentenceAndItsValidity) {
  auto gga = parse_nmea(nmea_frame("GPGGA,024000.25,4807.038,N,01131.000,E,0,00,,,M,,M,,"));
  ASSERT_TRUE(gga.ok());
  EXPECT_FALSE(gga->fix_valid);
  EXPECT_EQ(gga->nsec, 250'000'000);
  auto gll = parse_nmea(nmea_frame("GPGLL,4807.038,N,01131.000,E,024000,V"));
  ASSERT_TRUE(gll.ok());
  EXPECT_EQ(gll->type, NmeaType::Gll);
  EXPECT_FALSE(gll->fix_valid);
  EXPECT_EQ(gll->hour, 2);
  auto rmc = parse_nmea(nmea_frame("GNRMC,024000,V,,,,,,,140717,,,N"));
  ASSERT_TRUE(rmc.ok());
  EXPECT_FALSE(rmc->fix_valid);
}

TEST(NmeaParser, AcceptsSecondSixtyDuringALeapSecond) {
  auto s = parse_nmea(nmea_frame("GPZDA,235960,31,12,2016,00,00"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->second, 60);
  // POSIX has no 23:59:60: it reads as the first second of the next day.
  EXPECT_EQ(nmea_reference_time(*s, Timespec{}).sec, days_from_civil(2017, 1, 1) * 86400);
  EXPECT_EQ(parse_nmea(nmea_frame("GPZDA,235961,31,12,2016,00,00")).error(), NmeaError::BadTime);
}

TEST(NmeaParser, ResolvesTwoDigitYearsIntoTheNearestCentury) {
  auto s = parse_nmea(nmea_frame("GPRMC,120000,A,,,,,,,010199,,"));
  ASSERT_TRUE(s.ok());
  const Timespec near2001{days_from_civil(2001, 1, 1) * 86400, 0};
  const Timespec near2098{days_from_civil(2098, 6, 1) * 86400, 0};
  EXPECT_EQ(nmea_reference_time(*s, near2001).sec, days_from_civil(1999, 1, 1) * 86400 + 43200);
  EXPECT_EQ(nmea_reference_time(*s, near2098).sec, days_from_civil(2099, 1, 1) * 86400 + 43200);
}

TEST(NmeaParser, GivesDatelessSentencesTheNearestDay) {
  auto s = parse_nmea(nmea_frame("GPGGA,235959.5,,,,,1,,,,,,,,"));
  ASSERT_TRUE(s.ok());
  const Timespec just_after_midnight{days_from_civil(2024, 3, 1) * 86400, 200'000'000};
  EXPECT_EQ(nmea_reference_time(*s, just_after_midnight), (Timespec{just_after_midnight.sec - 1, 500'000'000}));
}

TEST(NmeaParser, RejectsMalformedInput) {
  EXPECT_EQ(parse_nmea("GPZDA,024000,14,07,2017,00,00").error(), NmeaError::NoDollar);
  EXPECT_EQ(parse_nmea("$" + std::string(80, 'A')).error(), NmeaError::TooLong);
  EXPECT_EQ(parse_nmea("$gpzda,024000,14,07,2017").error(), NmeaError::BadAddress);
  EXPECT_EQ(parse_nmea("$GPGSV,3,1,11").error(), NmeaError::Unsupported);
  EXPECT_EQ(parse_nmea("$GPZDA,024000,14,07").error(), NmeaError::MissingField);
  EXPECT_EQ(parse_nmea("$GPZDA,,14,07,2017,00,00").error(), NmeaError::EmptyTime);
  EXPECT_EQ(parse_nmea("$GPZDA,0240x0,14,07,2017,00,00").error(), NmeaError::BadTime);
  EXPECT_EQ(parse_nmea("$GPZDA,024000,30,02,2017,00,00").error(), NmeaError::BadDate);
  EXPECT_EQ(parse_nmea("$GPRMC,024000,A,,,,,,,1407,,").error(), NmeaError::BadDate);
  EXPECT_EQ(parse_nmea(std::string("$GPZDA,024000,14,07,2017\x01")).error(), NmeaError::NonPrintable);
  EXPECT_STRNE(message(NmeaError::BadDate), "?");
}

TEST(NmeaLineAssembler, SkipsGarbageJoinsPartialLinesAndDropsOverlongOnes) {
  NmeaLineAssembler a;
  std::vector<NmeaLineAssembler::Line> out;
  a.feed(bytes("\x01\xffnoise$GPZD"), Timespec{1, 0}, out);
  EXPECT_TRUE(out.empty());
  a.feed(bytes("A,1\r\n"), Timespec{2, 0}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "$GPZDA,1");
  EXPECT_EQ(out[0].end, (Timespec{2, 0}));  // stamped when the LF arrived
  a.feed(bytes("$" + std::string(200, 'X') + "\r\n"), Timespec{3, 0}, out);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(a.overlong(), 1u);
  a.feed(bytes("$GPZDA,2$GPZDA,3\n"), Timespec{4, 0}, out);  // '$' restarts a line
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].text, "$GPZDA,3");
  const std::uint8_t parity[] = {'$' | 0x80, 'A', '\n'};
  a.feed(parity, Timespec{5, 0}, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].text, "$A");
}

TEST(NmeaClock, TimestampsTheEndOfTheSentenceMinusTime2) {
  SimulatedClock c(k0240);
  NmeaOptions o;
  o.time2 = 0.150;
  NmeaClock n = make_clock(c, o);
  std::vector<Sample> out;
  const Timespec lf = k0240.plus_ns(400'000'000);
  ASSERT_EQ(n.feed(bytes(crlf(nmea_frame("GPZDA,024000.00,14,07,2017,00,00"))), lf, out), Status::Ok);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].system, k0240.plus_ns(250'000'000));
  EXPECT_EQ(out[0].reference, k0240);
  EXPECT_NEAR(out[0].offset, -0.250, 1e-12);
  EXPECT_EQ(out[0].precision, -9);
}

TEST(NmeaClock, OnlyTheFirstSentenceOfEachSecondYieldsASample) {
  SimulatedClock c(k0240);
  NmeaClock n = make_clock(c);
  std::vector<Sample> out;
  const Timespec t = k0240.plus_ns(200'000'000);
  EXPECT_EQ(n.process_line(nmea_frame("GPRMC,024000,A,,,,,,,140717,,"), t, out), Status::Ok);
  EXPECT_EQ(n.process_line(nmea_frame("GPGGA,024000,,,,,1,,,,,,,,"), t.plus_ns(50'000'000), out),
            Status::Filtered);
  EXPECT_EQ(n.process_line(nmea_frame("GPZDA,024000,14,07,2017,00,00"), t.plus_ns(80'000'000), out),
            Status::Filtered);
  EXPECT_EQ(n.process_line(nmea_frame("GPGLL,,,,,024001,A"), t.plus_ns(1'000'000'000), out), Status::Ok);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(n.counters().filtered, 2u);
}

TEST(NmeaClock, ReportsNoFixForInvalidSentences) {
  SimulatedClock c(k0240);
  NmeaClock n = make_clock(c);
  std::vector<Sample> out;
  EXPECT_EQ(n.process_line(nmea_frame("GPRMC,024000,V,,,,,,,140717,,"), k0240, out), Status::NoFix);
  EXPECT_EQ(n.process_line(nmea_frame("GPGGA,024001,,,,,0,,,,,,,,"), k0240, out), Status::NoFix);
  EXPECT_EQ(n.process_line(nmea_frame("GPGLL,,,,,024002,V"), k0240, out), Status::NoFix);
  std::string bad = nmea_frame("GPZDA,,,,,,");
  bad.back() = bad.back() == '0' ? '1' : '0';
  EXPECT_EQ(n.process_line(bad, k0240, out), Status::BadChecksum);
  EXPECT_EQ(n.process_line(nmea_frame("GPZDA,,,,,,"), k0240, out), Status::NoFix);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(n.counters().no_fix, 4u);
}

TEST(NmeaClock, RequiresAChecksumOnRmcAndOnceSeenOnOtherTypes) {
  SimulatedClock c(k0240);
  NmeaClock n = make_clock(c);
  std::vector<Sample> out;
  EXPECT_EQ(n.process_line("$GPRMC,024000,A,,,,,,,140717,,", k0240, out), Status::BadChecksum);
  EXPECT_EQ(n.process_line("$GPZDA,024001,14,07,2017,00,00", k0240.plus_ns(1'000'000'000), out), Status::Ok);
  EXPECT_EQ(n.process_line(nmea_frame("GPZDA,024002,14,07,2017,00,00"), k0240.plus_ns(2'000'000'000), out),
            Status::Ok);
  EXPECT_EQ(n.process_line("$GPZDA,024003,14,07,2017,00,00", k0240.plus_ns(3'000'000'000), out),
            Status::BadChecksum);
}

TEST(NmeaClock, HonoursTheSentenceMask) {
  SimulatedClock c(k0240);
  NmeaOptions o;
  o.sentence_mask = 8;  // ZDA only
  NmeaClock n = make_clock(c, o);
  std::vector<Sample> out;
  EXPECT_EQ(n.process_line(nmea_frame("GPRMC,024000,A,,,,,,,140717,,"), k0240, out), Status::NotReady);
  EXPECT_EQ(n.process_line(nmea_frame("GPZDA,024000,14,07,2017,00,00"), k0240, out), Status::Ok);
  EXPECT_EQ(NmeaOptions::from_fudge(Fudge{0, 0.3, {}, {}, true, false, false, false, 0x18, {}}).baud, 9600u);
}

TEST(NmeaClock, PairsWithAPpsEdgeFiftyMillisecondsBeforeTheLineFeed) {
  SimulatedClock c(k0240);
  auto pps = std::make_unique<FakePpsSource>();
  auto* fake = pps.get();
  NmeaOptions o;
  o.pps = true;
  o.time2 = 0.3;
  NmeaClock n = make_clock(c, o, std::move(pps));
  const Timespec lf = k0240.plus_ns(350'000'000);
  fake->pulse(lf.plus_ns(-50'000'000));
  std::vector<Sample> out;
  ASSERT_EQ(n.process_line(nmea_frame("GPZDA,024000,14,07,2017,00,00"), lf, out), Status::Ok);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].system, lf.plus_ns(-50'000'000));
  EXPECT_EQ(out[0].precision, -20);
  EXPECT_NEAR(out[0].offset, -0.300, 1e-9);
}

TEST(NmeaClock, DoesNotPairEdgesInTheNoiseGapOrTooFarAway) {
  SimulatedClock c(k0240);
  auto pps = std::make_unique<FakePpsSource>();
  auto* fake = pps.get();
  NmeaOptions o;
  o.pps = true;
  NmeaClock n = make_clock(c, o, std::move(pps));
  std::vector<Sample> out;
  Timespec lf = k0240.plus_ns(100'000'000);
  fake->pulse(lf.plus_ns(-500'000'000));  // phase 0.5: ambiguous
  ASSERT_EQ(n.process_line(nmea_frame("GPZDA,024000,14,07,2017,00,00"), lf, out), Status::Ok);
  EXPECT_EQ(out.back().system, lf);
  EXPECT_EQ(out.back().precision, -9);
  lf = lf.plus_ns(1'000'000'000);
  fake->pulse(lf.plus_ns(-2'100'000'000));  // more than 2 s old
  ASSERT_EQ(n.process_line(nmea_frame("GPZDA,024001,14,07,2017,00,00"), lf, out), Status::Ok);
  EXPECT_EQ(out.back().system, lf);
}

// ---------------------------------------------------- through a real pty

namespace {
class Pty {
 public:
  Pty() {
    char name[256] = {};
    ok_ = ::openpty(&master_, &slave_, name, nullptr, nullptr) == 0;
    path_ = name;
  }
  ~Pty() {
    if (ok_) {
      ::close(master_);
      ::close(slave_);
    }
  }
  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }
  void write(std::string_view s) { ASSERT_EQ(::write(master_, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

 private:
  int master_ = -1, slave_ = -1;
  bool ok_ = false;
  std::string path_;
};

// Polls until a sample or a status other than NotReady arrives (at most 1 s).
Status poll_until(NmeaClock& n, std::vector<Sample>& out) {
  for (int i = 0; i < 200; ++i) {
    const Status st = n.poll(out);
    if (st != Status::NotReady) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Status::NotReady;
}

std::string zda_for(Timespec t) {
  const std::int64_t tod = t.sec % 86400;
  const CivilDate d = civil_from_days(day_of(t.sec));
  char body[64];
  std::snprintf(body, sizeof body, "GPZDA,%02d%02d%02d.00,%02d,%02d,%04d,00,00", static_cast<int>(tod / 3600),
                static_cast<int>(tod / 60 % 60), static_cast<int>(tod % 60), d.day, d.month,
                static_cast<int>(d.year));
  return nmea_frame(body);
}
}  // namespace

TEST(NmeaOverPty, EachSentenceIsReadAtItsEndOfLineMinusTheOffset) {
  Pty pty;
  if (!pty.ok()) GTEST_SKIP() << "no pseudo-terminals here";
  RealClock clock;
  NmeaOptions o;
  o.time2 = 0.200;
  NmeaClock n(clock, pty.path(), o, std::make_unique<SerialByteSource>(pty.path(), 9600));
  ASSERT_EQ(n.open(), Status::Ok);
  ASSERT_GE(n.fd(), 0);
  std::vector<Sample> out;
  const Timespec before = clock.realtime();
  pty.write(crlf(zda_for(before)));
  ASSERT_EQ(poll_until(n, out), Status::Ok);
  ASSERT_EQ(out.size(), 1u);
  // End of line minus time2, within the scheduling latency of this machine.
  EXPECT_NEAR(seconds_between(out[0].system, before), -0.200, 0.05);
  EXPECT_EQ(out[0].reference.sec, before.sec);
}

TEST(NmeaOverPty, PartialLinesWaitForTheirEndAndBadChecksumsAreCounted) {
  Pty pty;
  if (!pty.ok()) GTEST_SKIP() << "no pseudo-terminals here";
  RealClock clock;
  NmeaClock n(clock, pty.path(), NmeaOptions{}, std::make_unique<SerialByteSource>(pty.path(), 4800));
  ASSERT_EQ(n.open(), Status::Ok);
  std::vector<Sample> out;
  std::string bad = zda_for(clock.realtime());
  bad[bad.size() - 1] = bad.back() == '0' ? '1' : '0';
  pty.write(crlf(bad));
  EXPECT_EQ(poll_until(n, out), Status::BadChecksum);
  pty.write("garbage\r\n");
  const std::string good = zda_for(clock.realtime().plus_ns(1'000'000'000));
  pty.write(good.substr(0, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(n.poll(out), Status::NotReady);
  EXPECT_TRUE(out.empty());
  pty.write(crlf(good.substr(10)));
  EXPECT_EQ(poll_until(n, out), Status::Ok);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(n.counters().bad, 1u);
}

TEST(NmeaOverPty, AMissingSerialDeviceSaysDeviceMissing) {
  RealClock clock;
  NmeaClock n(clock, "/dev/gps-absent", NmeaOptions{},
              std::make_unique<SerialByteSource>("/dev/gps-absent-ak-hw-test", 4800));
  EXPECT_EQ(n.open(), Status::DeviceMissing);
}
