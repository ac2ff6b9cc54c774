#include "check/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <thread>

#include "check/client_check.h"
#include "check/server_check.h"
#include "wire/packet.h"

namespace ak::check {

namespace {

constexpr std::int64_t kNtpUnixOffset = 2208988800LL;

socklen_t to_sockaddr(const wire::Address& a, std::uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (a.is_v4()) {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    std::memcpy(&s4->sin_addr, a.octets().data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
  s6->sin6_family = AF_INET6;
  s6->sin6_port = htons(port);
  std::memcpy(&s6->sin6_addr, a.octets().data(), 16);
  return sizeof(sockaddr_in6);
}

std::pair<wire::Address, std::uint16_t> from_sockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto* s4 = reinterpret_cast<const sockaddr_in*>(&ss);
    std::array<std::uint8_t, 4> o{};
    std::memcpy(o.data(), &s4->sin_addr, 4);
    return {wire::Address::v4(o), ntohs(s4->sin_port)};
  }
  const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  std::array<std::uint8_t, 16> o{};
  std::memcpy(o.data(), &s6->sin6_addr, 16);
  return {wire::Address::v6(o), ntohs(s6->sin6_port)};
}

void now_unix(std::int64_t& sec, std::int64_t& usec) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  sec = tv.tv_sec;
  usec = tv.tv_usec;
}

void record(const DriverOptions& o, const wire::Address& src, std::uint16_t sp, const wire::Address& dst,
            std::uint16_t dp, wire::ByteView b) {
  if (!o.pcap) return;
  std::int64_t sec = 0, usec = 0;
  now_unix(sec, usec);
  o.pcap->write(src, sp, dst, dp, b, sec, usec);
}

// A UDP socket of the family of `a`, bound to (bind_addr or any, port 0).
int open_socket(const wire::Address& family_of, const std::optional<wire::Address>& bind_addr) {
  const int fd = ::socket(family_of.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  if (bind_addr) {
    sockaddr_storage ss{};
    const socklen_t len = to_sockaddr(*bind_addr, 0, ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      ::close(fd);
      return -1;
    }
  }
  return fd;
}

}  // namespace

std::optional<Endpoint> parse_endpoint(const std::string& text, std::uint16_t default_port) {
  Endpoint e;
  e.port = default_port;
  std::string host = text;
  auto parse_port = [&e](const std::string& p) {
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    const unsigned long v = std::stoul(p);
    if (v == 0 || v > 65535) return false;
    e.port = static_cast<std::uint16_t>(v);
    return true;
  };
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':' || !parse_port(text.substr(close + 2))) return std::nullopt;
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    if (!parse_port(text.substr(colon + 1))) return std::nullopt;
  }
  auto a = wire::Address::parse(host);
  if (!a) return std::nullopt;
  e.address = *a;
  return e;
}

std::uint32_t ntp_now() {
  std::int64_t sec = 0, usec = 0;
  now_unix(sec, usec);
  return static_cast<std::uint32_t>(sec + kNtpUnixOffset);
}

Result<std::unique_ptr<ClientSockets>, std::string> ClientSockets::open(const Endpoint& target) {
  std::unique_ptr<ClientSockets> s(new ClientSockets());
  s->target_ = target;
  sockaddr_storage ts{};
  const socklen_t tlen = to_sockaddr(target.address, target.port, ts);
  const bool loopback_v4 = target.address.is_v4() && target.address.octets()[0] == 127;
  for (int i = 0; i < 3; ++i) {
    std::optional<wire::Address> bind_addr;
    if (i == 2) {
      if (!loopback_v4) break;
      // A second client address: 127.0.0.2 (127.0.0.3 if the target is .2).
      const std::uint8_t last = target.address.octets()[3] == 2 ? 3 : 2;
      bind_addr = wire::Address::v4({127, 0, 0, last});
    }
    const int fd = open_socket(target.address, bind_addr);
    if (fd < 0) {
      if (i == 2) break;  // no second address: COOKIE-BINDING says so
      return Err{std::string("socket: ") + std::strerror(errno)};
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ts), tlen) != 0) {
      ::close(fd);
      if (i == 2) break;
      return Err{"cannot reach " + target.address.to_string() + ": " + std::strerror(errno)};
    }
    sockaddr_storage ls{};
    socklen_t llen = sizeof ls;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&ls), &llen);
    auto [addr, port] = from_sockaddr(ls);
    s->fds_[i] = fd;
    s->ports_[i] = port;
    if (i == 0) s->local_ = addr;
    if (i == 2) s->second_ = addr;
  }
  return s;
}

ClientSockets::~ClientSockets() {
  for (int fd : fds_)
    if (fd >= 0) ::close(fd);
}

std::optional<wire::Bytes> ClientSockets::exchange(const Outgoing& out, const DriverOptions& o) {
  const int index = out.from == Source::SecondPort ? 1 : out.from == Source::SecondAddress ? 2 : 0;
  const int fd = fds_[index] >= 0 ? fds_[index] : fds_[0];
  const wire::Address& src = index == 2 && second_ ? *second_ : local_;
  if (out.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(out.delay_ms));
  const unsigned attempts = 1 + (out.retry_on_silence ? o.retries : 0);
  std::optional<std::uint32_t> request_key;
  if (auto p = wire::Packet::parse(out.bytes); p && p->mac) request_key = p->mac->key_id;
  for (unsigned attempt = 0; attempt < attempts; ++attempt) {
    if (::send(fd, out.bytes.data(), out.bytes.size(), 0) < 0) continue;
    record(o, src, ports_[index], target_.address, target_.port, out.bytes);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.timeout_s);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      std::uint8_t buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n < 0) {
        // ICMP port unreachable (nobody listening yet): silence, but wait
        // out the timeout before the retry.
        std::this_thread::sleep_until(deadline);
        break;
      }
      wire::Bytes reply(buf, buf + n);
      record(o, target_.address, target_.port, src, ports_[index], reply);
      // A late answer to an earlier request (its key ID is not this one's):
      // keep waiting. A crypto-NAK has key ID 0 and always counts.
      if (request_key && reply.size() >= wire::NtpHeader::kSize + 4) {
        auto parsed = wire::Packet::parse(reply);
        if (parsed && parsed->mac && parsed->mac->key_id != 0 && parsed->mac->key_id != *request_key) continue;
      }
      return reply;
    }
  }
  return std::nullopt;
}

void run_server_check(ServerChecker& checker, ClientSockets& sockets, const DriverOptions& o) {
  while (auto out = checker.next(ntp_now())) {
    auto reply = sockets.exchange(*out, o);
    if (reply) checker.on_reply(wire::ByteView(*reply), ntp_now());
    else checker.on_reply(std::nullopt, ntp_now());
  }
}

Status<std::string> run_client_check(ClientChecker& checker, const Endpoint& listen, const DriverOptions& o) {
  const int fd = open_socket(listen.address, std::nullopt);
  if (fd < 0) return Err{std::string("socket: ") + std::strerror(errno)};
  sockaddr_storage ls{};
  const socklen_t llen = to_sockaddr(listen.address, listen.port, ls);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ls), llen) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return Err{"cannot listen on " + listen.address.to_string() + ":" + std::to_string(listen.port) + ": " + why};
  }
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.timeout_s);
  while (!checker.finished()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000))) <= 0) continue;
    std::uint8_t buf[4096];
    sockaddr_storage from{};
    socklen_t flen = sizeof from;
    const ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    if (n <= 0) continue;
    auto [addr, port] = from_sockaddr(from);
    const wire::ByteView in(buf, static_cast<std::size_t>(n));
    record(o, addr, port, listen.address, listen.port, in);
    auto reply = checker.on_datagram(in, addr, ntp_now());
    if (reply) {
      ::sendto(fd, reply->data(), reply->size(), 0, reinterpret_cast<sockaddr*>(&from), flen);
      record(o, listen.address, listen.port, addr, port, *reply);
    }
  }
  ::close(fd);
  checker.finish(ntp_now());
  return Ok{};
}

}  // namespace ak::check
