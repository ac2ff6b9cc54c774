// autokey-fuzz-net on loopback: against a tiny UDP server built from core's
// stateless responder (plan_server_reply / finish_server_reply) on the
// iff-md5-512 server keys, the program runs for a few seconds, every
// liveness probe is answered and nothing is recorded; against the same
// server told to fall silent after a number of datagrams, the batch before
// the silence is recorded.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "core/responder.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "keys/keys_dir.h"
#include "net/net_fuzzer.h"
#include "testing/fixtures.h"
#include "wire/packet.h"

namespace ak::fuzz::net {
namespace {

constexpr std::uint32_t kNow = 4004705000u;

core::Host server_host() {
  keys::KeysDirOptions o;
  o.dir = testing::fixture("iff-md5-512/server");
  o.host = "servername";
  o.ident = "servername";
  o.password = "server_password";
  auto loaded = keys::load_keys_dir(o);
  if (!loaded) throw std::runtime_error("fixture keys");
  auto host = core::Host::create(std::move(loaded).value(), {}, core::system_random());
  if (!host) throw std::runtime_error("fixture host");
  host->update(kNow);
  return std::move(host).value();
}

// Answers client-mode packets on 127.0.0.1:<ephemeral> from a thread, as the
// engine's server path does; with mute_after > 0 it stops answering after
// that many datagrams (a server that "died").
class LoopbackServer {
 public:
  explicit LoopbackServer(std::uint64_t mute_after = 0) : host_(server_host()), mute_after_(mute_after) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t answered() const { return answered_; }

 private:
  void serve() {
    std::uint8_t buf[4096];
    const auto loopback = wire::Address::v4({127, 0, 0, 1});
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      ++received_;
      if (mute_after_ && received_ > mute_after_) continue;
      auto request = wire::Packet::parse(wire::ByteView(buf, static_cast<std::size_t>(n)));
      if (!request || request->header.mode != 3) continue;
      core::RequestContext ctx;
      ctx.client = loopback;
      ctx.server = loopback;
      ctx.now = kNow;
      const auto plan = core::plan_server_reply(*request, ctx, host_);
      wire::Packet reply;
      reply.header.version = request->header.version;
      reply.header.mode = 4;
      reply.header.stratum = 3;
      reply.header.origin_ts = request->header.transmit_ts;
      reply.header.receive_ts = reply.header.transmit_ts = std::uint64_t{kNow} << 32;
      if (!core::finish_server_reply(reply, plan, ctx, host_)) continue;
      auto bytes = reply.serialize();
      if (!bytes) continue;
      ::sendto(fd_, bytes->data(), bytes->size(), 0, reinterpret_cast<sockaddr*>(&from), len);
      ++answered_;
    }
  }

  core::Host host_;
  std::uint64_t mute_after_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> received_{0}, answered_{0};
  std::thread thread_;
};

struct ProgramRun {
  int exit_code = -1;
  std::string output;
};

ProgramRun run_program(const std::string& args) {
  ProgramRun r;
  FILE* p = ::popen((std::string(AK_FUZZ_NET_PROGRAM) + " " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  char line[512];
  while (std::fgets(line, sizeof line, p)) r.output += line;
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::filesystem::path fresh_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("ak-fuzz-net-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  return d;
}

TEST(AutokeyFuzzNet, ServerFromCoreResponderAnswersEveryProbeForThreeSeconds) {
  LoopbackServer server;
  const auto out = fresh_dir("alive");
  const ProgramRun r = run_program("--target 127.0.0.1:" + std::to_string(server.port()) +
                            " --rate 200 --seconds 3 --batch 25 --seed 7 --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("silences 0"), std::string::npos) << r.output;
  EXPECT_GT(server.received(), 300u);  // about 200/s for 3 s
  EXPECT_GT(server.answered(), 20u);   // probes and the mutations it chose to answer
  EXPECT_FALSE(std::filesystem::exists(out / "silence-1"));
  std::filesystem::remove_all(out);
}

TEST(AutokeyFuzzNet, LoadsClientKeysForCookAndSignTemplatesAndKeepsTheServerAnswering) {
  LoopbackServer server;
  const auto out = fresh_dir("keys");
  const std::string keys = testing::fixture("iff-md5-512/client").string() + ":client_password:clientname";
  const ProgramRun r = run_program("--target 127.0.0.1:" + std::to_string(server.port()) +
                                   " --rate 200 --seconds 2 --seed 9 --keys " + keys + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_GT(server.answered(), 10u);
  std::filesystem::remove_all(out);
}

TEST(AutokeyFuzzNet, RecordsTheBatchBeforeAServerFallsSilent) {
  LoopbackServer server(/*mute_after=*/60);
  const auto out = fresh_dir("silent");
  const ProgramRun r = run_program("--target 127.0.0.1:" + std::to_string(server.port()) +
                            " --rate 400 --seconds 4 --batch 20 --seed 8 --out " + out.string());
  EXPECT_EQ(r.exit_code, 3) << r.output;
  ASSERT_TRUE(std::filesystem::exists(out / "silence-1")) << r.output;
  EXPECT_TRUE(std::filesystem::exists(out / "silence-1" / "0000.bin"));
  EXPECT_TRUE(std::filesystem::exists(out / "silence-1" / "probe.bin"));
  std::filesystem::remove_all(out);
}

TEST(AutokeyFuzzNet, RefusesUnboundedRatesAndDurations) {
  EXPECT_FALSE(parse_command_line({"--target", "127.0.0.1:123", "--rate", "100000"}).options);
  EXPECT_FALSE(parse_command_line({"--target", "127.0.0.1:123", "--seconds", "0"}).options);
  EXPECT_FALSE(parse_command_line({"--rate", "10"}).options);
  EXPECT_FALSE(parse_target("127.0.0.1"));
  EXPECT_FALSE(parse_target("127.0.0.1:70000"));
  const auto v6 = parse_target("[::1]:123");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 123);
}

TEST(AutokeyFuzzNet, ProbeIsAWellFormedAssocRequestWithAValidCookieZeroMac) {
  Mutator m(1, {127, 0, 0, 1}, {127, 0, 0, 1});
  const auto probe = m.probe(0x0102030405060708ull);
  auto p = wire::Packet::parse(probe);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->fields.size(), 1u);
  auto msg = wire::decode(p->fields[0]);
  ASSERT_TRUE(msg.ok());
  EXPECT_NE(std::get_if<wire::AssocRequest>(&*msg), nullptr);
  ASSERT_TRUE(p->mac.has_value());
  const auto loopback = wire::Address::v4({127, 0, 0, 1});
  const auto sk = crypto::session_key(loopback, loopback, p->mac->key_id, 0);
  EXPECT_TRUE(crypto::mac_matches(sk.key, wire::ByteView(probe).first(p->authenticated_length()), p->mac->digest));
}

TEST(AutokeyFuzzNet, MutatedDatagramsStayWithinTheReceiveBufferPlusMac) {
  Mutator m(3, {10, 0, 0, 1}, {10, 0, 0, 2});
  std::size_t parsed = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto d = m.next();
    EXPECT_LE(d.size(), 2120u + 64 + 24);
    EXPECT_GE(d.size(), 48u);
    parsed += wire::Packet::parse(d).ok();
  }
  // Some are well framed (the server gets past framing), most are hostile.
  EXPECT_GT(parsed, 100u);
  EXPECT_LT(parsed, 2000u);
}

}  // namespace
}  // namespace ak::fuzz::net
