#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "hw/sock.h"

using namespace ak::hw;

namespace {

const Timespec kNow{1'795'714'590, 500'000'000};

SockRecord record(double offset, int leap = 0) {
  SockRecord r;
  r.system = Timespec{kNow.sec, 250'000'000};
  r.offset = offset;
  r.leap = leap;
  return r;
}

class SockAdapter : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ak-hw-sock-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "chrony.ttyUSB0.sock").string();
    clock_.set(kNow);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A gpsd-like client: connect() once, then send() datagrams.
  int connect_client() {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return -errno;
    }
    return fd;
  }
  static ssize_t send_bytes(int fd, const void* p, std::size_t n) {
    const ssize_t r = ::send(fd, p, n, 0);
    return r >= 0 ? r : -errno;
  }
  std::filesystem::path dir_;
  std::string path_;
  SimulatedClock clock_;
};

}  // namespace

TEST(SockRecord, ParsesAHandBuiltFortyOctetRecord) {
  std::uint8_t b[40] = {};
  const std::int64_t sec = kNow.sec, usec = 123456;
  const double off = -0.151;
  const std::int32_t pulse = 0, leap = 1, magic = 0x534f434b;
  std::memcpy(b + 0, &sec, 8);
  std::memcpy(b + 8, &usec, 8);
  std::memcpy(b + 16, &off, 8);
  std::memcpy(b + 24, &pulse, 4);
  std::memcpy(b + 28, &leap, 4);
  std::memcpy(b + 36, &magic, 4);
  auto r = parse_sock(b);
  ASSERT_TRUE(r.ok()) << message(r.error());
  EXPECT_EQ(r->system, (Timespec{kNow.sec, 123'456'000}));
  EXPECT_DOUBLE_EQ(r->offset, -0.151);
  EXPECT_EQ(r->leap, 1);
  const auto again = encode_sock(*r);
  EXPECT_EQ(std::memcmp(again.data(), b, 40), 0);
}

TEST(SockRecord, RejectsEachMalformation) {
  const auto good = encode_sock(record(0.1));
  EXPECT_EQ(parse_sock(std::span<const std::uint8_t>(good.data(), 36)).error(), SockError::BadLength);
  std::uint8_t longer[44] = {};
  std::memcpy(longer, good.data(), 40);
  EXPECT_EQ(parse_sock(longer).error(), SockError::BadLength);
  EXPECT_EQ(parse_sock(encode_sock(record(0.1), 0x4b434f53)).error(), SockError::BadMagic);
  EXPECT_EQ(parse_sock(encode_sock(record(0.1, 3))).error(), SockError::BadLeap);
  EXPECT_EQ(parse_sock(encode_sock(record(NAN))).error(), SockError::BadOffset);
  SockRecord p = record(0.1);
  p.pulse = 1;
  EXPECT_EQ(parse_sock(encode_sock(p)).error(), SockError::PulseUnsupported);
  auto bad_tv = good;
  const std::int64_t usec = 1'000'000;
  std::memcpy(bad_tv.data() + 8, &usec, 8);
  EXPECT_EQ(parse_sock(bad_tv).error(), SockError::BadTimeval);
  EXPECT_STRNE(message(SockError::BadMagic), "?");
}

TEST_F(SockAdapter, ReferenceIsTheRecordsTimevalPlusItsOffset) {
  SockClock sock(clock_, path_);
  ASSERT_EQ(sock.open(), Status::Ok);
  struct stat st{};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const int c = connect_client();
  ASSERT_GE(c, 0);
  const auto rec = encode_sock(record(-0.151, 1));
  ASSERT_EQ(send_bytes(c, rec.data(), rec.size()), 40);
  std::vector<Sample> out;
  ASSERT_EQ(sock.poll(out), Status::Ok);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].system, (Timespec{kNow.sec, 250'000'000}));
  EXPECT_EQ(out[0].reference, (Timespec{kNow.sec, 99'000'000}));
  EXPECT_DOUBLE_EQ(out[0].offset, -0.151);
  EXPECT_EQ(out[0].leap, Leap::Insert);
  ::close(c);
}

TEST_F(SockAdapter, CountsMalformedDatagramsAndKeepsGoodOnes) {
  SockClock sock(clock_, path_);
  ASSERT_EQ(sock.open(), Status::Ok);
  const int c = connect_client();
  ASSERT_GE(c, 0);
  const auto good = encode_sock(record(0.002));
  std::uint8_t big[44] = {};
  std::memcpy(big, good.data(), 40);
  send_bytes(c, good.data(), 36);
  send_bytes(c, big, 44);
  const auto bad_magic = encode_sock(record(0.002), 0);
  send_bytes(c, bad_magic.data(), 40);
  const auto leap3 = encode_sock(record(0.002, 3));
  send_bytes(c, leap3.data(), 40);
  send_bytes(c, good.data(), 40);
  std::vector<Sample> out;
  EXPECT_EQ(sock.poll(out), Status::Ok);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(sock.counters().bad, 4u);
  EXPECT_EQ(sock.counters().ok, 1u);
  ::close(c);
}

TEST_F(SockAdapter, RemovesAStaleSocketFileOnStart) {
  { std::ofstream(path_) << "stale"; }
  SockClock sock(clock_, path_);
  EXPECT_EQ(sock.open(), Status::Ok);
}

TEST_F(SockAdapter, ClientReconnectsAfterADaemonRestart) {
  auto sock = std::make_unique<SockClock>(clock_, path_);
  EXPECT_EQ(connect_client(), -ENOENT);  // a client started before the daemon
  ASSERT_EQ(sock->open(), Status::Ok);
  const int c = connect_client();
  ASSERT_GE(c, 0);
  sock.reset();  // daemon stops ...
  sock = std::make_unique<SockClock>(clock_, path_);
  ASSERT_EQ(sock->open(), Status::Ok);  // ... and re-binds
  const auto rec = encode_sock(record(0.01));
  EXPECT_EQ(send_bytes(c, rec.data(), rec.size()), -ECONNREFUSED);
  ::close(c);
  const int c2 = connect_client();
  ASSERT_GE(c2, 0);
  ASSERT_EQ(send_bytes(c2, rec.data(), rec.size()), 40);
  std::vector<Sample> out;
  EXPECT_EQ(sock->poll(out), Status::Ok);
  EXPECT_EQ(out.size(), 1u);
  ::close(c2);
}

TEST_F(SockAdapter, RefusesSamplesTooOldForThisPoll) {
  SockClock sock(clock_, path_);
  ASSERT_EQ(sock.open(), Status::Ok);
  const int c = connect_client();
  clock_.set(kNow.plus_ns(10'000'000'000));
  const auto rec = encode_sock(record(0.01));
  send_bytes(c, rec.data(), rec.size());
  std::vector<Sample> out;
  EXPECT_EQ(sock.poll(out), Status::Stale);
  EXPECT_TRUE(out.empty());
  ::close(c);
}
