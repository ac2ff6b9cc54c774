// PPS, PHC and RTC: the ioctl layers against fake devices that answer the
// real requests with the real kernel structures (this machine has no
// /dev/pps*, /dev/ptp* or /dev/rtc*), plus the real "not present" paths.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/pps.h>
#include <linux/ptp_clock.h>
#include <linux/rtc.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "fakes.h"
#include "hw/phc.h"
#include "hw/pps.h"
#include "hw/rtc.h"

using namespace ak::hw;

namespace {

constexpr std::int64_t kSec = 1'000'000'000;
const Timespec kT{1'795'714'590, 0};

ptp_clock_time ptp(Timespec t) {
  ptp_clock_time p{};
  p.sec = t.sec;
  p.nsec = static_cast<__u32>(t.nsec);
  return p;
}

// One fake kernel holding a PPS, a PHC and an RTC device.
class FakeKernel final : public DeviceOps {
 public:
  // PPS
  pps_kinfo pps_info{};
  int pps_caps = PPS_CAPTUREASSERT | PPS_CAPTURECLEAR | PPS_CANWAIT | PPS_TSFMT_TSPEC;
  int pps_mode = 0;
  // PHC
  bool precise_ok = false;
  bool extended_ok = true;
  std::vector<PhcReading> phc_readings;
  std::map<unsigned long, int> calls;
  // RTC
  std::int64_t rtc_posix = kT.sec;
  bool uie_ok = true;
  bool uie_on = false;

  int open(const char* path, int) override {
    const std::string p = path;
    if (p == "/fake/pps0") return 10;
    if (p == "/fake/ptp0") return 11;
    if (p == "/fake/rtc0") return 12;
    return -ENOENT;
  }
  int close(int) override { return 0; }
  int ioctl(int fd, unsigned long req, void* arg) override {
    ++calls[req];
    if (fd == 10) return pps_ioctl(req, arg);
    if (fd == 11) return phc_ioctl(req, arg);
    if (fd == 12) return rtc_ioctl(req, arg);
    return -EBADF;
  }
  ssize_t read(int fd, void* buf, std::size_t len) override {
    if (fd != 12 || !uie_on || len < sizeof(unsigned long)) return -EINVAL;
    const unsigned long data = RTC_UF | (1ul << 8);  // one update interrupt
    std::memcpy(buf, &data, sizeof data);
    return sizeof data;
  }
  int clock_gettime(clockid_t, timespec*) override { return -EINVAL; }

 private:
  int pps_ioctl(unsigned long req, void* arg) {
    switch (req) {
      case PPS_GETCAP: *static_cast<int*>(arg) = pps_caps; return 0;
      case PPS_GETPARAMS: {
        auto* p = static_cast<pps_kparams*>(arg);
        p->api_version = PPS_API_VERS_1;
        p->mode = pps_mode;
        return 0;
      }
      case PPS_SETPARAMS: pps_mode = static_cast<pps_kparams*>(arg)->mode; return 0;
      case PPS_FETCH: {
        auto* d = static_cast<pps_fdata*>(arg);
        if (d->timeout.sec != 0 || d->timeout.nsec != 0) return -EINVAL;  // we only allow polling
        d->info = pps_info;
        return 0;
      }
      case PPS_KC_BIND: return -EOPNOTSUPP;  // tickless kernel: no hardpps (§3.2)
      default: return -ENOTTY;
    }
  }
  int phc_ioctl(unsigned long req, void* arg) {
    switch (req) {
      case PTP_CLOCK_GETCAPS: static_cast<ptp_clock_caps*>(arg)->cross_timestamping = precise_ok; return 0;
      case PTP_SYS_OFFSET_PRECISE: {
        if (!precise_ok) return -EOPNOTSUPP;
        auto* p = static_cast<ptp_sys_offset_precise*>(arg);
        p->device = ptp(phc_readings.at(0).phc);
        p->sys_realtime = ptp(phc_readings.at(0).sys_before);
        return 0;
      }
      case PTP_SYS_OFFSET_EXTENDED: {
        if (!extended_ok) return -EOPNOTSUPP;
        auto* e = static_cast<ptp_sys_offset_extended*>(arg);
        if (e->n_samples > PTP_MAX_SAMPLES) return -EINVAL;
        e->n_samples = std::min<unsigned>(e->n_samples, static_cast<unsigned>(phc_readings.size()));
        for (unsigned i = 0; i < e->n_samples; ++i) {
          e->ts[i][0] = ptp(phc_readings[i].sys_before);
          e->ts[i][1] = ptp(phc_readings[i].phc);
          e->ts[i][2] = ptp(phc_readings[i].sys_after);
        }
        return 0;
      }
      case PTP_SYS_OFFSET: {
        auto* s = static_cast<ptp_sys_offset*>(arg);
        s->n_samples = std::min<unsigned>(s->n_samples, static_cast<unsigned>(phc_readings.size()));
        // Interleaved: sys, phc, sys, phc, ..., sys; consecutive readings share stamps.
        for (unsigned i = 0; i < s->n_samples; ++i) {
          s->ts[2 * i] = ptp(phc_readings[i].sys_before);
          s->ts[2 * i + 1] = ptp(phc_readings[i].phc);
          s->ts[2 * i + 2] = ptp(phc_readings[i].sys_after);
        }
        return 0;
      }
      default: return -ENOTTY;
    }
  }
  int rtc_ioctl(unsigned long req, void* arg) {
    switch (req) {
      case RTC_RD_TIME: {
        const RtcTime t = posix_to_rtc(rtc_posix);
        *static_cast<rtc_time*>(arg) = rtc_time{t.sec, t.min, t.hour, t.mday, t.mon, t.year, t.wday, t.yday, 0};
        return 0;
      }
      case RTC_UIE_ON:
        if (!uie_ok) return -EINVAL;
        uie_on = true;
        return 0;
      default: return -ENOTTY;
    }
  }
};

void pulse(FakeKernel& k, Timespec at) {
  ++k.pps_info.assert_sequence;
  k.pps_info.assert_tu.sec = at.sec;
  k.pps_info.assert_tu.nsec = at.nsec;
}

}  // namespace

// ------------------------------------------------------------------- PPS

TEST(PpsDevice, OpensThroughGetcapAndSetsTheCaptureEdge) {
  FakeKernel k;
  SimulatedClock clock(kT);
  PpsClock pps(clock, "/fake/pps0", PpsOptions{}, k);
  ASSERT_EQ(pps.open(), Status::Ok);
  EXPECT_EQ(k.pps_mode, PPS_CAPTUREASSERT | PPS_TSFMT_TSPEC);
  EXPECT_GE(k.calls[PPS_GETCAP], 1);
}

TEST(PpsDevice, DropsTheFirstFetchAndRepeatedSequences) {
  FakeKernel k;
  SimulatedClock clock(kT);
  PpsClock pps(clock, "/fake/pps0", PpsOptions{}, k);
  ASSERT_EQ(pps.open(), Status::Ok);
  std::vector<Sample> out;
  pulse(k, kT.plus_ns(-1 * kSec + 1000));
  EXPECT_EQ(pps.poll(out), Status::NotReady);  // first event may be very stale
  pulse(k, kT.plus_ns(2500));
  clock.set(kT.plus_ns(100'000'000));
  ASSERT_EQ(pps.poll(out), Status::Ok);
  EXPECT_EQ(pps.poll(out), Status::NotReady);  // same sequence again
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].offset, -2.5e-6, 1e-12);  // -nsec: the system clock is late
  EXPECT_EQ(out[0].reference, kT);
  EXPECT_EQ(out[0].precision, -20);
}

TEST(PpsDevice, FoldsTheOffsetAddsTime1AndGatesTheFarPhase) {
  FakeKernel k;
  SimulatedClock clock(kT);
  PpsOptions o;
  o.time1 = 0.000'010;
  PpsClock pps(clock, "/fake/pps0", o, k);
  ASSERT_EQ(pps.open(), Status::Ok);
  std::vector<Sample> out;
  pulse(k, kT);
  (void)pps.poll(out);
  pulse(k, kT.plus_ns(999'990'000));  // 10 us before the next second
  clock.set(kT.plus_ns(kSec + 100'000'000));
  ASSERT_EQ(pps.poll(out), Status::Ok);
  EXPECT_NEAR(out.back().offset, 0.000'020, 1e-12);
  EXPECT_EQ(out.back().reference, kT.plus_ns(kSec));
  pulse(k, kT.plus_ns(kSec + 450'000'000));  // 0.45 s: beyond the 0.4 s phase gate
  EXPECT_EQ(pps.poll(out), Status::OutOfRange);
  EXPECT_EQ(out.size(), 1u);
}

TEST(PpsDevice, ClearEdgeConfigurationReadsTheClearTimestamp) {
  FakeKernel k;
  SimulatedClock clock(kT);
  PpsOptions o;
  o.clear_edge = true;
  PpsClock pps(clock, "/fake/pps0", o, k);
  ASSERT_EQ(pps.open(), Status::Ok);
  EXPECT_EQ(k.pps_mode & PPS_CAPTURECLEAR, PPS_CAPTURECLEAR);
  std::vector<Sample> out;
  k.pps_info.clear_sequence = 1;
  (void)pps.poll(out);
  k.pps_info.clear_sequence = 2;
  k.pps_info.clear_tu.sec = kT.sec;
  k.pps_info.clear_tu.nsec = 1000;
  pulse(k, kT.plus_ns(300'000'000));  // the assert edge must be ignored
  ASSERT_EQ(pps.poll(out), Status::Ok);
  EXPECT_NEAR(out.at(0).offset, -1e-6, 1e-12);
}

TEST(PpsDevice, DropsAZeroTimestamp) {
  ak::hw::testing::FakePpsSource* fake = nullptr;
  auto src = std::make_unique<ak::hw::testing::FakePpsSource>();
  fake = src.get();
  SimulatedClock clock(kT);
  PpsClock pps(clock, "fake", PpsOptions{}, system_device_ops(), std::move(src));
  ASSERT_EQ(pps.open(), Status::Ok);
  std::vector<Sample> out;
  fake->pulse(Timespec{0, 0});
  (void)pps.poll(out);
  fake->pulse(Timespec{0, 0});
  EXPECT_EQ(pps.poll(out), Status::BadFormat);
}

TEST(PpsDevice, KernelBindWithoutHardppsIsUnsupportedNotAnError) {
  FakeKernel k;
  std::unique_ptr<LinuxPpsSource> src;
  ASSERT_EQ(LinuxPpsSource::open(k, "/fake/pps0", src), Status::Ok);
  EXPECT_EQ(src->kernel_bind(PPS_CAPTUREASSERT), Status::Unsupported);
}

TEST(PpsDevice, TheRealPathSaysDeviceMissingWithoutDevPps) {
  if (std::filesystem::exists("/dev/pps0")) GTEST_SKIP() << "/dev/pps0 exists on this host";
  SimulatedClock clock(kT);
  PpsClock pps(clock, "/dev/pps0", PpsOptions{});
  EXPECT_EQ(pps.open(), Status::DeviceMissing);
  std::vector<Sample> out;
  EXPECT_EQ(pps.poll(out), Status::DeviceMissing);
}

TEST(PpsDevice, ANonPpsDeviceIsRefusedAsMissing) {
  std::unique_ptr<LinuxPpsSource> src;
  EXPECT_EQ(LinuxPpsSource::open(system_device_ops(), "/dev/null", src), Status::DeviceMissing);
}

// ------------------------------------------------------------------- PHC

TEST(PhcDevice, FallsBackFromPreciseToExtendedAndSticks) {
  FakeKernel k;
  k.phc_readings = {PhcReading{kT, kT.plus_ns(37 * kSec), kT.plus_ns(1000)}};
  PhcClock phc("/fake/ptp0", PhcOptions{}, k);
  ASSERT_EQ(phc.open(), Status::Ok);
  std::vector<Sample> out;
  ASSERT_EQ(phc.poll(out), Status::Ok);
  EXPECT_EQ(phc.method(), PhcMethod::Extended);
  ASSERT_EQ(phc.poll(out), Status::Ok);
  EXPECT_EQ(k.calls[PTP_SYS_OFFSET_PRECISE], 1);  // tried once, never again
  EXPECT_EQ(k.calls[PTP_SYS_OFFSET_EXTENDED], 2);
  EXPECT_EQ(k.calls[PTP_SYS_OFFSET], 0);
}

TEST(PhcDevice, UsesPreciseCrossTimestampsWhenTheDeviceHasThem) {
  FakeKernel k;
  k.precise_ok = true;
  k.phc_readings = {PhcReading{kT, kT.plus_ns(5000), kT}};
  PhcClock phc("/fake/ptp0", PhcOptions{}, k);
  ASSERT_EQ(phc.open(), Status::Ok);
  std::vector<Sample> out;
  ASSERT_EQ(phc.poll(out), Status::Ok);
  EXPECT_EQ(phc.method(), PhcMethod::Precise);
  EXPECT_NEAR(out[0].offset, 5e-6, 1e-12);
  EXPECT_EQ(out[0].delay, 0.0);
}

TEST(PhcDevice, FallsBackToBasicAndConvertsInterleavedStamps) {
  FakeKernel k;
  k.extended_ok = false;
  // Contiguous readings, as the interleaved array shares the system stamps.
  k.phc_readings = {PhcReading{kT, kT.plus_ns(37 * kSec + 2000), kT.plus_ns(3000)},
                    PhcReading{kT.plus_ns(3000), kT.plus_ns(37 * kSec + 3400), kT.plus_ns(3800)}};
  PhcOptions o;
  o.tai_offset = -37;
  PhcClock phc("/fake/ptp0", o, k);
  ASSERT_EQ(phc.open(), Status::Ok);
  std::vector<Sample> out;
  ASSERT_EQ(phc.poll(out), Status::Ok);
  EXPECT_EQ(phc.method(), PhcMethod::Basic);
  // Shortest window is the second (800 ns), midpoint kT+3400 ns.
  EXPECT_NEAR(out[0].delay, 800e-9, 1e-15);
  EXPECT_NEAR(out[0].offset, 0.0, 1e-12);
}

TEST(PhcEstimator, IsExactOnTheSpecsSyntheticReadings) {
  // hw-adapters.md §6.5: offset 37000001234 ns with an 800 ns window.
  const std::vector<PhcReading> r = {
      PhcReading{kT, kT.plus_ns(37'000'001'234 + 600), kT.plus_ns(1200)},
      PhcReading{kT.plus_ns(2000), kT.plus_ns(2400 + 37'000'001'234), kT.plus_ns(2800)},
      PhcReading{kT.plus_ns(4000), kT.plus_ns(37'000'010'000), kT.plus_ns(9000)},
  };
  PhcEstimate e;
  ASSERT_EQ(estimate_phc(r, e), Status::Ok);
  EXPECT_EQ(e.phc.to_ns() - e.system.to_ns(), 37'000'001'234);
  EXPECT_NEAR(e.delay, 800e-9, 1e-15);
}

TEST(PhcEstimator, ANegativeWindowAbortsTheReading) {
  const std::vector<PhcReading> r = {PhcReading{kT, kT, kT.plus_ns(500)},
                                     PhcReading{kT.plus_ns(1000), kT, kT.plus_ns(999)}};
  PhcEstimate e;
  EXPECT_EQ(estimate_phc(r, e), Status::BadFormat);
  EXPECT_EQ(estimate_phc({}, e), Status::NotReady);
}

TEST(PhcInterleave, BuildsTripletsFromTwoNPlusOneStamps) {
  const std::vector<Timespec> s = {Timespec{1, 0}, Timespec{2, 0}, Timespec{3, 0}, Timespec{4, 0},
                                   Timespec{5, 0}};
  const auto t = phc_triplets_from_interleaved(s);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].sys_before, (Timespec{3, 0}));
  EXPECT_EQ(t[1].phc, (Timespec{4, 0}));
  EXPECT_EQ(t[1].sys_after, (Timespec{5, 0}));
  EXPECT_TRUE(phc_triplets_from_interleaved(std::vector<Timespec>(2)).empty());
}

TEST(PhcDevice, DynamicClockIdsRoundTrip) {
  EXPECT_EQ(fd_to_clockid(3), -29);
  for (int fd : {0, 3, 17, 1023}) EXPECT_EQ(clockid_to_fd(fd_to_clockid(fd)), fd);
}

TEST(PhcDevice, TheRealPathSaysDeviceMissingWithoutDevPtp) {
  if (std::filesystem::exists("/dev/ptp0")) GTEST_SKIP() << "/dev/ptp0 exists on this host";
  PhcClock phc("/dev/ptp0", PhcOptions{});
  EXPECT_EQ(phc.open(), Status::DeviceMissing);
}

TEST(PhcDevice, ANonPhcDescriptorIsRefused) {
  std::unique_ptr<LinuxPhcDevice> d;
  EXPECT_EQ(LinuxPhcDevice::open(system_device_ops(), "/dev/null", d), Status::DeviceMissing);
  const int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  timespec ts{};
  EXPECT_EQ(system_device_ops().clock_gettime(fd_to_clockid(fd), &ts), -EINVAL);  // §4.1
  ::close(fd);
}

// ------------------------------------------------------------------- RTC

TEST(RtcConversion, RoundTripsUtcAndLocalTime) {
  const std::int64_t t = 1'795'714'590;
  auto back = rtc_to_posix(posix_to_rtc(t));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, t);
  const RtcTime cet = posix_to_rtc(t, 3600);  // an RTC kept in CET
  EXPECT_EQ(*rtc_to_posix(cet, 3600), t);
  EXPECT_EQ(*rtc_to_posix(cet), t + 3600);
  RtcTime epoch;  // 1970-01-01 00:00:00 was a Thursday
  EXPECT_EQ(*rtc_to_posix(epoch), 0);
  EXPECT_EQ(posix_to_rtc(0).wday, 4);
  RtcTime bad;
  bad.mon = 1;
  bad.mday = 30;
  EXPECT_EQ(rtc_to_posix(bad).error(), RtcError::BadField);
}

TEST(RtcDevice, SkipsTheFirstUpdateInterruptThenMeasuresAtTheSecondBoundary) {
  FakeKernel k;
  SimulatedClock clock(kT.plus_ns(2'000'000));  // the system is 2 ms late vs. the RTC tick
  RtcClock rtc(clock, "/fake/rtc0", RtcOptions{}, k);
  ASSERT_EQ(rtc.open(), Status::Ok);
  EXPECT_TRUE(k.uie_on);
  EXPECT_EQ(rtc.fd(), 12);
  std::vector<Sample> out;
  EXPECT_EQ(rtc.poll(out), Status::NotReady);
  ASSERT_EQ(rtc.poll(out), Status::Ok);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].reference, kT);
  EXPECT_NEAR(out[0].offset, -0.002, 1e-12);
  EXPECT_EQ(out[0].precision, -10);
}

TEST(RtcDevice, WithoutUpdateInterruptsReadsWholeSecondsOnly) {
  FakeKernel k;
  k.uie_ok = false;
  SimulatedClock clock(kT.plus_ns(400'000'000));
  RtcClock rtc(clock, "/fake/rtc0", RtcOptions{}, k);
  ASSERT_EQ(rtc.open(), Status::Ok);
  EXPECT_EQ(rtc.fd(), -1);
  std::vector<Sample> out;
  ASSERT_EQ(rtc.poll(out), Status::Ok);
  EXPECT_EQ(out[0].dispersion, 1.0);
}

TEST(RtcDevice, TheRealPathSaysDeviceMissingWithoutDevRtc) {
  if (std::filesystem::exists("/dev/rtc0")) GTEST_SKIP() << "/dev/rtc0 exists on this host";
  SimulatedClock clock(kT);
  RtcClock rtc(clock, "/dev/rtc0", RtcOptions{});
  EXPECT_EQ(rtc.open(), Status::DeviceMissing);
}
