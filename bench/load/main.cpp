// autokey-load: sends Autokey client requests (ASSOC, valid MAC) at a target
// rate from many distinct loopback client addresses and reports responses
// per second and latency percentiles.
//
//   autokey-load [--server ADDR] [--port N] [--rate N] [--duration S]
//                [--clients N] [--name HOST@GROUP] [--pid PID] [--plain] [--json]
//
// --clients N sends from N distinct addresses 127.1.0.0 + i (loopback, one
// socket, IP_PKTINFO); --pid reads the server's resident memory before and
// after, to show whether it grows with the number of clients, and the CPU
// time the server used meanwhile: answers per CPU-second is the server's rate
// on one core, which on a shared machine says more than the wall-clock rate
// (docs/performance.md §6). --name is the
// ASSOC name sent: a server whose certificate names a group answers only
// members ("loadclient@GROUP"), as ntpd does. --plain sends bare 48-octet
// mode-3 requests instead (no extension field, no MAC): the comparison point
// for a server without Autokey (docs/performance.md §6).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/load.h"
#include "wire/ntp_header.h"

namespace {

using Clock = std::chrono::steady_clock;

long rss_kb(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// utime + stime of a process in seconds (/proc/PID/stat fields 14 and 15,
// after the parenthesised command name); -1 if unreadable.
double cpu_seconds(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = all.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(all.substr(close + 1));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Fields 3..13 first (state, ppid, ... cmajflt).
  for (int i = 3; i <= 13 && rest >> field; ++i) {
  }
  if (!(rest >> utime >> stime)) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The usage text: on stdout with status 0 when asked for (-h, --help), on
// stderr with status 2 after a mistake.
int usage(bool asked = false) {
  std::fputs("usage: autokey-load [--server ADDR] [--port N] [--rate N] [--duration S] [--clients N] [--name HOST@GROUP]\n"
             "                    [--pid PID] [--plain] [--json]\n",
             asked ? stdout : stderr);
  return asked ? 0 : 2;
}

// A plain client request: the header alone, as an unauthenticated client
// sends it. The transmit stamp still matches the reply to its request.
ak::wire::Bytes plain_request(std::uint64_t transmit) {
  ak::wire::NtpHeader h;
  h.leap = 3;
  h.version = 4;
  h.mode = 3;
  h.poll = 6;
  h.precision = -20;
  h.transmit_ts = transmit;
  ak::wire::Writer w;
  (void)h.serialize(w);
  return std::move(w).take();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ak::daemon::load;
  std::string server_text = "127.0.0.1", pid, name = "loadclient";
  unsigned port = 123, clients = 1;
  double rate = 10000, duration = 5;
  bool json = false, plain = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "-h" || a == "--help") return usage(true);
    if (a == "--json") json = true;
    else if (a == "--plain") plain = true;
    else if ((a == "--server" || a == "--port" || a == "--rate" || a == "--duration" || a == "--clients" ||
              a == "--pid" || a == "--name") && (v = next()) != nullptr) {
      try {
        if (a == "--server") server_text = v;
        else if (a == "--port") port = static_cast<unsigned>(std::stoul(v));
        else if (a == "--rate") rate = std::stod(v);
        else if (a == "--duration") duration = std::stod(v);
        else if (a == "--clients") clients = static_cast<unsigned>(std::stoul(v));
        else if (a == "--name") name = v;
        else pid = v;
      } catch (const std::exception&) {
        return usage();
      }
    } else {
      return usage();
    }
  }
  auto server = ak::wire::Address::parse(server_text);
  if (!server || !server->is_v4() || port == 0 || port > 65535 || rate <= 0 || duration <= 0 || clients == 0 ||
      clients > (1u << 24) - (1u << 16)) return usage();

  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  const int one = 1, big = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  sockaddr_in me{};
  me.sin_family = AF_INET;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me) != 0) {
    std::perror("autokey-load: bind");
    return 1;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  std::memcpy(&to.sin_addr, server->octets().data(), 4);

  const long rss_before = pid.empty() ? -1 : rss_kb(pid);
  const double cpu_before = pid.empty() ? -1 : cpu_seconds(pid);
  const auto total = static_cast<std::uint64_t>(rate * duration);
  std::vector<Clock::time_point> sent_at(total);
  std::vector<double> latencies;
  latencies.reserve(total);
  std::uint64_t sent = 0;
  std::uint8_t buf[2048];

  auto receive_all = [&] {
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      auto origin = answered_transmit(ak::wire::ByteView(buf, static_cast<std::size_t>(n)));
      if (!origin || *origin == 0 || *origin > sent) continue;
      const auto d = Clock::now() - sent_at[*origin - 1];
      latencies.push_back(std::chrono::duration<double, std::micro>(d).count());
    }
  };

  const auto start = Clock::now();
  while (sent < total) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const auto due = std::min<std::uint64_t>(total, static_cast<std::uint64_t>(elapsed * rate) + 1);
    while (sent < due) {
      RequestSpec spec;
      spec.client = client_address(static_cast<std::uint32_t>(sent % clients));
      spec.server = *server;
      spec.key_id = 0x10000u + static_cast<std::uint32_t>(sent % 0x7fff0000u);
      spec.transmit = sent + 1;
      spec.host_name = name;
      const auto bytes = plain ? plain_request(spec.transmit) : make_request(spec);
      iovec iov{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
      alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in_pktinfo))]{};
      msghdr msg{};
      msg.msg_name = &to;
      msg.msg_namelen = sizeof to;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo pi{};
      std::memcpy(&pi.ipi_spec_dst, spec.client.octets().data(), 4);
      std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
      sent_at[sent] = Clock::now();
      if (::sendmsg(fd, &msg, 0) < 0) {
        if (errno == EAGAIN) break;
        std::perror("autokey-load: sendmsg");
        return 1;
      }
      ++sent;
    }
    receive_all();
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 1);
  }
  const double send_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // Late answers: wait up to a second for the rest.
  const auto drain_until = Clock::now() + std::chrono::seconds(1);
  while (latencies.size() < sent && Clock::now() < drain_until) {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 10);
    receive_all();
  }
  ::close(fd);
  const Summary s = summarize(sent, latencies, send_seconds);
  const long rss_after = pid.empty() ? -1 : rss_kb(pid);
  const double cpu_used = pid.empty() || cpu_before < 0 ? -1 : cpu_seconds(pid) - cpu_before;
  if (json) {
    std::printf("%s\n", to_json(s).c_str());
  } else {
    std::printf("autokey-load: %s (target %.0f/s, %u distinct clients%s)\n", to_text(s).c_str(), rate, clients,
                plain ? ", plain mode 3" : "");
    if (rss_before >= 0)
      std::printf("autokey-load: server resident memory %ld kB before, %ld kB after\n", rss_before, rss_after);
    if (cpu_used > 0)
      std::printf("autokey-load: server CPU time %.2f s: %.0f answers per server CPU-second\n", cpu_used,
                  static_cast<double>(s.received) / cpu_used);
  }
  return s.received > 0 ? 0 : 1;
}
