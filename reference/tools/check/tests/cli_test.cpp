// autokey-check end to end: the program's command line and UDP driver
// against autokeyd (and a mutant autokeyd) on 127.0.0.1, --pcap read back.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "capture/capture.h"
#include "check/cli.h"
#include "check/client_check.h"
#include "check/net.h"
#include "check/tests/check_test_support.h"
#include "core/engine.h"
#include "testing/fixtures.h"
#include "trace/trace.h"
#include "wire/packet.h"

extern char** environ;

namespace ak::check::test {
namespace {

namespace fs = std::filesystem;

std::uint16_t free_udp_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// An autokeyd serving the iff-md5-512 fixture keys on 127.0.0.1:port.
class Daemon {
 public:
  Daemon(const std::string& program, const fs::path& dir, const std::string& folder = "iff-md5-512")
      : port_(free_udp_port()) {
    fs::create_directories(dir);
    const fs::path conf = dir / "server.conf";
    std::ofstream(conf) << "server 127.127.1.0 minpoll 3 maxpoll 3 prefer\n"
                           "fudge 127.127.1.0 stratum 3\n"
                           "disable ntp\n"
                           "keysdir " << testing::fixture(folder + "/server").string() << "/\n"
                           "crypto pw server_password host servername ident servername\n";
    const std::string port = std::to_string(port_), conf_s = conf.string(), log = (dir / "daemon.log").string();
    std::vector<std::string> args = {program, "-n", "-c", conf_s, "--port", port, "-l", log};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, program.c_str(), nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ~Daemon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
  }
  bool running() const { return pid_ > 0; }
  std::uint16_t port() const { return port_; }

 private:
  std::uint16_t port_;
  pid_t pid_ = -1;
};

fs::path temp_dir(const std::string& name) {
  return fs::temp_directory_path() / ("ak-check-" + name + "-" + std::to_string(::getpid()));
}

int check(const Daemon& d, const fs::path& pcap, std::string& out, bool json = false,
          const std::string& folder = "iff-md5-512") {
  std::vector<std::string> args = {"server",  "127.0.0.1:" + std::to_string(d.port()),
                                   "--keys",  testing::fixture(folder + "/client").string() + ":client_password",
                                   "--group", "servername",
                                   "--timeout", "0.3",
                                   "--pcap", pcap.string()};
  if (json) args.push_back("--json");
  std::ostringstream o, e;
  const int rc = run_cli(args, o, e);
  out = o.str() + e.str();
  return rc;
}

TEST(CheckProgram, EveryCheckPassesAgainstAutokeydOverLoopbackAndThePcapHoldsTheExchange) {
  const fs::path dir = temp_dir("ok");
  Daemon d(AK_AUTOKEYD, dir);
  ASSERT_TRUE(d.running());
  std::string out;
  EXPECT_EQ(check(d, dir / "x.pcap", out), 0) << out;
  EXPECT_NE(out.find("19 checks, 19 passed, 0 failed, 0 skipped"), std::string::npos) << out;
  auto cap = capture::read_capture((dir / "x.pcap").string());
  ASSERT_TRUE(cap.ok());
  const auto grams = cap->datagrams();
  ASSERT_GE(grams.size(), 30u);
  EXPECT_EQ(grams[0].dst_port, d.port());
  EXPECT_EQ(grams[1].src_port, d.port());
  EXPECT_TRUE(wire::Packet::parse(grams[1].payload).ok());  // the ASSOC response
  // Second opinion from autokey-trace's verifier, holding both ends' keys:
  // every datagram the server sent passes every check it can make.
  auto keys = trace::load_trace_keys({{testing::fixture("iff-md5-512/client"), "client_password"},
                                      {testing::fixture("iff-md5-512/server"), "server_password"}});
  const trace::Report tr = trace::verify(*cap, keys);
  std::size_t server_checks = 0;
  for (const auto& p : tr.packets) {
    if (p.src != "127.0.0.1:" + std::to_string(d.port())) continue;
    for (const auto& c : p.checks) {
      ++server_checks;
      EXPECT_TRUE(c.ok) << "packet " << p.number << ": " << c.what;
    }
  }
  EXPECT_GE(server_checks, 30u);
  fs::remove_all(dir);
}

TEST(CheckProgram, EveryApplicableCheckPassesAgainstATcAutokeyd) {
  const fs::path dir = temp_dir("tc");
  Daemon d(AK_AUTOKEYD, dir, "tc-md5-512");
  ASSERT_TRUE(d.running());
  std::string out;
  EXPECT_EQ(check(d, dir / "x.pcap", out, false, "tc-md5-512"), 0) << out;
  EXPECT_NE(out.find("19 checks, 16 passed, 0 failed, 3 skipped"), std::string::npos) << out;
  fs::remove_all(dir);
}

TEST(CheckProgram, TheNonceMutantDaemonFailsOnlyNonceSizeAndTheExitStatusSaysSo) {
  const fs::path dir = temp_dir("nonce");
  Daemon d(AK_AUTOKEYD_MUTANT_NONCE, dir);
  ASSERT_TRUE(d.running());
  std::string out;
  EXPECT_EQ(check(d, dir / "x.pcap", out, true), 1) << out;
  EXPECT_NE(out.find("\"id\":\"NONCE-SIZE\",\"requirement\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"failed\":1,"), std::string::npos) << out;
  const auto at = out.find("\"id\":\"NONCE-SIZE\"");
  EXPECT_NE(out.find("\"result\":\"FAIL\"", at), std::string::npos) << out;
  EXPECT_LT(out.find("\"result\":\"FAIL\"", at), out.find("\"id\":\"NONCE-CHALLENGE-LENGTH\"")) << out;
  fs::remove_all(dir);
}

TEST(CheckProgram, TheZeroCookieMutantDaemonFailsOnlyTheZeroSeedCheck) {
  const fs::path dir = temp_dir("cookie");
  Daemon d(AK_AUTOKEYD_MUTANT_ZERO_COOKIE, dir);
  ASSERT_TRUE(d.running());
  std::string out;
  EXPECT_EQ(check(d, dir / "x.pcap", out), 1) << out;
  EXPECT_NE(out.find("19 checks, 18 passed, 1 failed, 0 skipped"), std::string::npos) << out;
  const auto at = out.find("COOKIE-ZERO-SEED");
  EXPECT_EQ(out.substr(at, 34).find("FAIL"), 26u) << out;
  fs::remove_all(dir);
}

TEST(CheckProgram, ClientModeDriverServesAnEngineClientOverLoopbackUdp) {
  // The checker listens on a real socket (run_client_check); our Engine is
  // the client, on a socket of its own, with its timers run as fast as the
  // replies come.
  const std::uint16_t port = free_udp_port();
  const wire::Address lo = wire::Address::v4({127, 0, 0, 1});
  core::Host server_keys = fixture_host("iff-md5-512", "server", {}, 21);
  ClientChecker checker(server_keys, ClientCheckOptions{lo});
  DriverOptions o;
  o.timeout_s = 20;
  std::atomic<bool> done{false};
  std::thread listener([&] {
    EXPECT_TRUE(run_client_check(checker, Endpoint{lo, port}, o).ok());
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  timeval tv{0, 200000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  core::Engine client(fixture_host("iff-md5-512", "client", {}, 22));
  core::PeerConfig pc;
  pc.remote = lo;
  pc.local = lo;
  pc.scheme = core::Scheme::Iff;
  pc.ident = "servername";
  pc.poll_log2 = 1;
  const std::uint32_t t0 = ntp_now();
  (void)client.set_synchronized(t0);
  ASSERT_TRUE(client.mobilize(pc, t0).ok());
  for (std::uint32_t t = t0; t < t0 + 400 && !done; ++t) {
    for (auto& a : client.handle_timer(t)) {
      auto* send = std::get_if<core::Send>(&a);
      if (!send) continue;
      ::send(fd, send->bytes.data(), send->bytes.size(), 0);
      std::uint8_t buf[2048];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) (void)client.handle_datagram(wire::ByteView(buf, static_cast<std::size_t>(n)), lo, lo, t);
    }
  }
  listener.join();
  ::close(fd);
  const Report& r = checker.report();
  EXPECT_EQ(r.find("CLIENT-VALID-SESSION")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-BAD-SIGNATURE")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-REPLAYED-COOKIE")->verdict, Verdict::Pass) << r.table();
}

TEST(CheckProgram, UsageErrorsExitWithTwo) {
  std::ostringstream o, e;
  EXPECT_EQ(run_cli({}, o, e), 2);
  EXPECT_EQ(run_cli({"server", "127.0.0.1"}, o, e), 2);                       // no --keys
  EXPECT_EQ(run_cli({"server", "not-an-address", "--keys", testing::fixture("iff-md5-512/client").string() +
                                                               ":client_password"},
                    o, e),
            2);
  EXPECT_EQ(run_cli({"client", "--keys", "/nonexistent"}, o, e), 2);  // no --listen
}

}  // namespace
}  // namespace ak::check::test
