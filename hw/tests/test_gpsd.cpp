// gpsd as a real SHM writer (hw-adapters.md §1.5, §6.2): Debian's gpsd reads
// NMEA from a TCP feed this test serves (sentences sent 150 ms after each
// second) and writes SHM unit 0; the adapter must read offsets of about
// -150 ms. Runs in a private IPC namespace so the real "NTP0" key is safe.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "hw/calendar.h"
#include "hw/nmea.h"
#include "hw/shm.h"

using namespace ak::hw;

namespace {

std::string find_gpsd() {
  for (const char* p : {"/usr/sbin/gpsd", "/usr/bin/gpsd", "/usr/local/sbin/gpsd"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

int listen_on_loopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 1) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

std::string sentences_for(std::int64_t sec) {
  const std::int64_t tod = sec % 86400;
  const CivilDate d = civil_from_days(day_of(sec));
  char hms[16], dmy[16];
  std::snprintf(hms, sizeof hms, "%02d%02d%02d.00", static_cast<int>(tod / 3600), static_cast<int>(tod / 60 % 60),
                static_cast<int>(tod % 60));
  std::snprintf(dmy, sizeof dmy, "%02d%02d%02d", d.day, d.month, static_cast<int>(d.year % 100));
  std::string s;
  s += nmea_frame(std::string("GPRMC,") + hms + ",A,4807.038,N,01131.000,E,000.0,000.0," + dmy + ",,,A") + "\r\n";
  s += nmea_frame(std::string("GPGGA,") + hms + ",4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,") + "\r\n";
  return s;
}

}  // namespace

TEST(GpsdInterop, GpsdWritesShmSamplesTheAdapterReadsWithTheExpectedOffset) {
  const std::string gpsd = find_gpsd();
  if (gpsd.empty()) GTEST_SKIP() << "gpsd is not installed (apt-get install gpsd; see scripts/install-deps.sh)";
  if (::geteuid() != 0) GTEST_SKIP() << "gpsd writes unit 0 only as root; this test needs root";
  if (::unshare(CLONE_NEWIPC) != 0)
    GTEST_SKIP() << "cannot create a private IPC namespace; refusing to touch the real NTP0 segment";

  int feed_port = 0, ctl_port = 0;
  const int feed = listen_on_loopback(feed_port);
  const int ctl = listen_on_loopback(ctl_port);  // just to learn a free port for gpsd -S
  ASSERT_GE(feed, 0);
  ASSERT_GE(ctl, 0);
  ::close(ctl);

  constexpr double kDelay = 0.150;
  std::atomic<bool> stop{false};
  std::thread feeder([&] {
    const int c = ::accept(feed, nullptr, nullptr);
    if (c < 0) return;
    RealClock clock;
    while (!stop.load()) {
      // Sleep until 150 ms after the next second, then send that second's sentences.
      const Timespec now = clock.realtime();
      const Timespec at{now.sec + 1, static_cast<std::int32_t>(kDelay * 1e9)};
      std::this_thread::sleep_for(std::chrono::nanoseconds(at.to_ns() - now.to_ns()));
      if (stop.load()) break;
      const std::string s = sentences_for(at.sec);
      if (::send(c, s.data(), s.size(), MSG_NOSIGNAL) < 0) break;
    }
    ::close(c);
  });

  const std::string port_arg = std::to_string(ctl_port);
  const std::string source = "tcp://127.0.0.1:" + std::to_string(feed_port);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl(gpsd.c_str(), "gpsd", "-N", "-n", "-S", port_arg.c_str(), source.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }

  RealClock clock;
  ShmOptions o;
  o.unit = 0;
  o.precision = -9;  // hw-adapters.md §1.3: do not trust gpsd's -20 on an NMEA segment
  ShmClock shm(clock, o);
  std::vector<Sample> samples;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  bool opened = false;
  while (std::chrono::steady_clock::now() < deadline && samples.size() < 3) {
    if (!opened) opened = shm.open() == Status::Ok;
    if (opened) (void)shm.poll(samples);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::shutdown(feed, SHUT_RDWR);
  ::close(feed);
  feeder.join();

  ASSERT_TRUE(opened);
  ASSERT_GE(samples.size(), 2u) << "gpsd wrote no usable samples; counters: not_ready="
                                << shm.counters().not_ready << " bad=" << shm.counters().bad;
  for (const Sample& s : samples) {
    // gpsd: Real = top of the second, Clock = when it parsed the first sentence.
    EXPECT_EQ(s.reference.nsec, 0);
    EXPECT_NEAR(s.offset, -kDelay, 0.030) << "reference " << s.reference.sec << " system " << s.system.sec << "."
                                          << s.system.nsec;
    EXPECT_EQ(s.leap, Leap::None);
  }
}
