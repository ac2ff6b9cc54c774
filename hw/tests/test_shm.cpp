#include <gtest/gtest.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>

#include "hw/shm.h"

using namespace ak::hw;

namespace {

constexpr std::int64_t kBase = 1'795'714'590;

// Every test gets its own keys, and a private IPC namespace when the kernel
// lets us (root in CI): then even the real "NTP0" keys would be safe.
class ShmAdapter : public ::testing::Test {
 protected:
  void SetUp() override {
    in_namespace_ = ::unshare(CLONE_NEWIPC) == 0;
    key_base_ = static_cast<key_t>(0x4E500000 + ((::getpid() & 0xffff) << 4));
    clock_.set(Timespec{kBase + 1, 0});
  }
  void TearDown() override {
    for (int unit = 0; unit < 16; ++unit) {
      const int id = ::shmget(key_base_ + unit, 0, 0);
      if (id >= 0) ::shmctl(id, IPC_RMID, nullptr);
    }
  }
  // A raw segment made by "someone else" (the writer), with the given mode and size.
  std::uint8_t* make_segment(int unit, unsigned mode, std::size_t size) {
    const int id = ::shmget(key_base_ + unit, size, IPC_CREAT | static_cast<int>(mode));
    EXPECT_GE(id, 0) << std::strerror(errno);
    void* p = ::shmat(id, nullptr, 0);
    EXPECT_NE(p, reinterpret_cast<void*>(-1));
    std::memset(p, 0, size);
    return static_cast<std::uint8_t*>(p);
  }
  ShmOptions options(int unit) {
    ShmOptions o;
    o.unit = unit;
    o.key_base = key_base_;
    return o;
  }
  static ShmRecord record(std::int32_t clock_ns, std::int32_t recv_ns) {
    ShmRecord r;
    r.clock = Timespec{kBase, clock_ns};
    r.receive = Timespec{kBase, recv_ns};
    r.leap = 0;
    r.precision = -20;
    return r;
  }

  bool in_namespace_ = false;
  key_t key_base_ = 0;
  SimulatedClock clock_;
};

}  // namespace

TEST(ShmLayout, DecodesAHandBuiltLp64ImageAtTheDocumentedOffsets) {
  std::uint8_t img[96] = {};
  const auto put32 = [&](std::size_t off, std::int32_t v) { std::memcpy(img + off, &v, 4); };
  const auto put64 = [&](std::size_t off, std::int64_t v) { std::memcpy(img + off, &v, 8); };
  put32(0, 1);              // mode
  put32(4, 42);             // count
  put64(8, kBase);          // clockTimeStampSec
  put32(16, 123456);        // clockTimeStampUSec
  put64(24, kBase);         // receiveTimeStampSec
  put32(32, 151215);        // receiveTimeStampUSec
  put32(36, 1);             // leap
  put32(40, -20);           // precision
  put32(44, 3);             // nsamples
  put32(48, 1);             // valid
  put32(52, 123456789);     // clockTimeStampNSec
  put32(56, 151215090);     // receiveTimeStampNSec
  auto r = decode_shm(img);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 42);
  EXPECT_EQ(r->clock, (Timespec{kBase, 123456789}));
  EXPECT_EQ(r->receive, (Timespec{kBase, 151215090}));
  EXPECT_EQ(r->leap, 1);
  EXPECT_EQ(r->precision, -20);
  EXPECT_EQ(r->valid, 1);
}

TEST(ShmLayout, DecodesAHandBuiltIlp32ImageAtTheDocumentedOffsets) {
  std::uint8_t img[80] = {};
  const auto put32 = [&](std::size_t off, std::int32_t v) { std::memcpy(img + off, &v, 4); };
  put32(0, 0);
  put32(8, static_cast<std::int32_t>(kBase));
  put32(12, 5);
  put32(16, static_cast<std::int32_t>(kBase - 1));
  put32(20, 999999);
  put32(24, 2);
  put32(36, 1);
  put32(40, 5000);
  put32(44, 999999999);
  auto r = decode_shm(std::span<const std::uint8_t>(img, 80), ShmAbi::Ilp32);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->clock, (Timespec{kBase, 5000}));
  EXPECT_EQ(r->receive, (Timespec{kBase - 1, 999999999}));
  EXPECT_EQ(r->leap, 2);
  EXPECT_EQ(shm_size(ShmAbi::Ilp32), 80u);
}

TEST(ShmLayout, RoundTripsBothAbis) {
  for (ShmAbi abi : {ShmAbi::Lp64, ShmAbi::Ilp32}) {
    ShmRecord r;
    r.count = 7;
    r.clock = Timespec{kBase, 1};
    r.receive = Timespec{kBase - 3, 999'999'999};
    r.leap = 1;
    r.precision = -7;
    r.valid = 1;
    std::uint8_t img[96];
    encode_shm(r, img, abi);
    auto d = decode_shm(std::span<const std::uint8_t>(img, shm_size(abi)), abi);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->clock, r.clock);
    EXPECT_EQ(d->receive, r.receive);
    EXPECT_EQ(d->count, 7);
  }
}

TEST(ShmLayout, RefusesShortImagesAndUnknownModes) {
  std::uint8_t img[96] = {};
  EXPECT_EQ(decode_shm(std::span<const std::uint8_t>(img, 95)).error(), ShmError::TooShort);
  const std::int32_t two = 2;
  std::memcpy(img, &two, 4);
  EXPECT_EQ(decode_shm(img).error(), ShmError::BadMode);
  EXPECT_STRNE(message(ShmError::BadMode), "?");
}

TEST(ShmLayout, RoundedMicrosecondsFallBackToMicroseconds) {
  ShmRecord r = {};
  r.clock = Timespec{kBase, 123456789};
  r.receive = Timespec{kBase, 0};
  std::uint8_t img[96];
  encode_shm(r, img);
  const std::int32_t rounded = 123457;  // a writer that rounds instead of truncating
  std::memcpy(img + 16, &rounded, 4);
  auto d = decode_shm(img);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->clock.nsec, 123457000);
}

TEST_F(ShmAdapter, ModeOneSampleHasTheExactOffsetAndValidIsCleared) {
  ShmClock shm(clock_, options(0));
  ASSERT_EQ(shm.open(), Status::Ok);
  std::uint8_t* seg = static_cast<std::uint8_t*>(::shmat(::shmget(key_base_, 0, 0), nullptr, 0));
  write_shm_mode1(seg, record(0, 151'215'090));
  std::vector<Sample> out;
  ASSERT_EQ(shm.poll(out), Status::Ok);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].offset, -0.151215090, 1e-12);
  EXPECT_EQ(out[0].reference, (Timespec{kBase, 0}));
  EXPECT_EQ(out[0].system, (Timespec{kBase, 151'215'090}));
  EXPECT_EQ(out[0].precision, -20);
  EXPECT_EQ(decode_shm(std::span<const std::uint8_t>(seg, 96))->valid, 0);
  EXPECT_EQ(shm.poll(out), Status::NotReady);
  EXPECT_EQ(shm.counters().not_ready, 1u);
  ::shmdt(seg);
}

TEST_F(ShmAdapter, CreatesAMissingSegmentTheWayNtpdDoes) {
  ShmClock shm(clock_, options(1));
  ASSERT_EQ(shm.open(), Status::Ok);
  const int id = ::shmget(key_base_ + 1, 0, 0);
  ASSERT_GE(id, 0);
  shmid_ds ds{};
  ASSERT_EQ(::shmctl(id, IPC_STAT, &ds), 0);
  EXPECT_EQ(ds.shm_perm.mode & 0777, 0600u);
  EXPECT_EQ(ds.shm_segsz, 96u);
  std::uint8_t* seg = static_cast<std::uint8_t*>(::shmat(id, nullptr, 0));
  auto d = decode_shm(std::span<const std::uint8_t>(seg, 96));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->precision, -1);
  EXPECT_EQ(d->nsamples, 3);
  EXPECT_EQ(d->valid, 0);
  ::shmdt(seg);
}

TEST_F(ShmAdapter, AcceptsModeZeroAndRefusesModeTwo) {
  std::uint8_t* seg = make_segment(0, 0600, 96);
  ShmClock shm(clock_, options(0));
  ASSERT_EQ(shm.open(), Status::Ok);
  ShmRecord r = record(500, 0);
  r.mode = 0;
  r.valid = 1;
  encode_shm(r, std::span<std::uint8_t>(seg, 96));
  std::vector<Sample> out;
  ASSERT_EQ(shm.poll(out), Status::Ok);
  EXPECT_NEAR(out.at(0).offset, 500e-9, 1e-15);
  r.mode = 2;
  encode_shm(r, std::span<std::uint8_t>(seg, 96));
  EXPECT_EQ(shm.poll(out), Status::BadMode);
  ::shmdt(seg);
}

TEST_F(ShmAdapter, RefusesStaleAndOutOfRangeSamplesAndLeapThree) {
  std::uint8_t* seg = make_segment(0, 0600, 96);
  ShmClock shm(clock_, options(0));
  ASSERT_EQ(shm.open(), Status::Ok);
  std::vector<Sample> out;
  clock_.set(Timespec{kBase + 6, 0});  // older than max_delay = 5 s
  write_shm_mode1(seg, record(0, 0));
  EXPECT_EQ(shm.poll(out), Status::Stale);
  clock_.set(Timespec{kBase - 1, 0});  // from the future
  write_shm_mode1(seg, record(0, 0));
  EXPECT_EQ(shm.poll(out), Status::Stale);
  clock_.set(Timespec{kBase + 1, 0});
  ShmRecord far = record(0, 0);
  far.clock.sec += 4 * 3600 + 1;
  write_shm_mode1(seg, far);
  EXPECT_EQ(shm.poll(out), Status::OutOfRange);
  ShmRecord unsync = record(0, 0);
  unsync.leap = 3;
  write_shm_mode1(seg, unsync);
  EXPECT_EQ(shm.poll(out), Status::LeapUnsync);
  EXPECT_TRUE(out.empty());
  ::shmdt(seg);
}

TEST_F(ShmAdapter, FudgeFlag1DisablesTheMaxDeltaCheck) {
  std::uint8_t* seg = make_segment(0, 0600, 96);
  Fudge f;
  f.flag1 = true;
  ShmOptions o = ShmOptions::from_fudge(0, f);
  o.key_base = key_base_;
  ShmClock shm(clock_, o);
  ASSERT_EQ(shm.open(), Status::Ok);
  ShmRecord far = record(0, 0);
  far.clock.sec += 5 * 3600;
  write_shm_mode1(seg, far);
  std::vector<Sample> out;
  EXPECT_EQ(shm.poll(out), Status::Ok);
  ::shmdt(seg);
}

TEST_F(ShmAdapter, RefusesASegmentOwnedBySomeoneElse) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a segment to uid 65534";
  std::uint8_t* seg = make_segment(0, 0600, 96);
  const int id = ::shmget(key_base_, 0, 0);
  shmid_ds ds{};
  ASSERT_EQ(::shmctl(id, IPC_STAT, &ds), 0);
  ds.shm_perm.uid = 65534;  // the squatter of hw-adapters.md §1.1
  ASSERT_EQ(::shmctl(id, IPC_SET, &ds), 0);
  ShmClock shm(clock_, options(0));
  EXPECT_EQ(shm.open(), Status::BadSegment);
  ::shmdt(seg);
}

TEST_F(ShmAdapter, RefusesAWorldWritableSegmentOnAPrivateUnit) {
  std::uint8_t* seg = make_segment(0, 0666, 96);
  ShmClock shm(clock_, options(0));
  EXPECT_EQ(shm.open(), Status::BadSegment);
  // Units 2 and above are 0666 by default, as in ntpd and gpsd.
  std::uint8_t* seg2 = make_segment(2, 0666, 96);
  ShmClock shared(clock_, options(2));
  EXPECT_EQ(shared.open(), Status::Ok);
  ::shmdt(seg);
  ::shmdt(seg2);
}

TEST_F(ShmAdapter, RefusesASegmentTooSmallAndAcceptsALargerOne) {
  std::uint8_t* small = make_segment(0, 0600, 80);  // a 32-bit writer's segment
  ShmClock shm(clock_, options(0));
  EXPECT_EQ(shm.open(), Status::BadSegment);
  std::uint8_t* big = make_segment(1, 0600, 4096);
  ShmClock shm1(clock_, options(1));
  EXPECT_EQ(shm1.open(), Status::Ok);
  ::shmdt(small);
  ::shmdt(big);
}

TEST_F(ShmAdapter, ConcurrentWriterNeverYieldsATornSample) {
  std::uint8_t* seg = make_segment(0, 0600, 96);
  ShmClock shm(clock_, options(0));
  ASSERT_EQ(shm.open(), Status::Ok);
  std::atomic<bool> stop{false};
  // Each write n carries n in every time field: a sample mixing two writes
  // shows up as fields that disagree.
  std::thread writer([&] {
    std::int32_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      n = (n + 1) % 999'999'999;
      ShmRecord r;
      r.clock = Timespec{kBase, n};
      r.receive = Timespec{kBase, 999'999'999 - n};
      r.leap = 0;
      r.precision = -20;
      write_shm_mode1(seg, r);
      // On a loaded machine the threads may share a core; yielding now and
      // then with a complete sample in place lets the reader in, while the
      // other 63 writes of 64 still race it when both threads have a core.
      if (n % 64 == 0) std::this_thread::yield();
    }
  });
  std::uint64_t accepted = 0, torn = 0;
  std::vector<Sample> out;
  // At least 1.5 s and 1000 accepted samples (at most 6 s): this machine's
  // load decides how often the two threads really overlap.
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::steady_clock::now() - start; };
  while (elapsed() < std::chrono::seconds(6) && (elapsed() < std::chrono::milliseconds(1500) || accepted < 1000)) {
    out.clear();
    if (shm.poll(out) != Status::Ok) continue;
    ++accepted;
    if (out[0].reference.nsec + out[0].system.nsec != 999'999'999) ++torn;
  }
  stop = true;
  writer.join();
  std::printf("accepted %llu torn %llu clashes %llu\n", static_cast<unsigned long long>(accepted),
              static_cast<unsigned long long>(torn), static_cast<unsigned long long>(shm.counters().clash));
  EXPECT_GT(accepted, 10u);
  EXPECT_EQ(torn, 0u) << "accepted " << accepted << ", clashes " << shm.counters().clash;
  ::shmdt(seg);
}
