#include "daemon/event_loop.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ak::daemon {

namespace {

wire::Address from_in(const in_addr& a) {
  std::array<std::uint8_t, 4> o{};
  std::memcpy(o.data(), &a, 4);
  return wire::Address::v4(o);
}
wire::Address from_in6(const in6_addr& a) {
  std::array<std::uint8_t, 16> o{};
  std::memcpy(o.data(), &a, 16);
  return wire::Address::v6(o);
}

int bind_socket(int family, std::uint16_t port, std::string* why) {
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *why = std::strerror(errno);
    return -1;
  }
  const int one = 1;
  int rc;
  if (family == AF_INET) {
    ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    // `broadcast ADDR autokey` sends to a broadcast address (RFC 5906 §9.5).
    ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(port);
    sa.sin6_addr = in6addr_any;
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  if (rc != 0) {
    *why = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

Result<UdpSockets, std::string> UdpSockets::open(std::uint16_t port) {
  UdpSockets s;
  s.port_ = port;
  std::string why;
  s.v4_ = bind_socket(AF_INET, port, &why);
  if (s.v4_ < 0) return Err{"cannot bind UDP port " + std::to_string(port) + " (IPv4): " + why};
  s.fds_.push_back(s.v4_);
  s.v6_ = bind_socket(AF_INET6, port, &why);  // optional: hosts without IPv6 still serve IPv4
  if (s.v6_ >= 0) s.fds_.push_back(s.v6_);
  return s;
}

UdpSockets::UdpSockets(UdpSockets&& other) noexcept
    : fds_(std::move(other.fds_)), v4_(other.v4_), v6_(other.v6_), port_(other.port_) {
  other.fds_.clear();
  other.v4_ = other.v6_ = -1;
}

UdpSockets::~UdpSockets() {
  for (int fd : fds_) ::close(fd);
}

std::optional<UdpSockets::Received> UdpSockets::receive(int fd) {
  // Room for any UDP datagram, so nothing arrives cut short: an Autokey
  // packet may reach wire::kMaxPacketLength (2120 octets: a SIGN or CERT
  // with 2048-bit keys is ~2108), and anything longer must reach the parser
  // whole to be refused with the right error rather than misread.
  static thread_local std::uint8_t buf[65536];
  sockaddr_storage src{};
  alignas(cmsghdr) std::uint8_t control[256];
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_name = &src;
  msg.msg_namelen = sizeof src;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd, &msg, 0);
  if (n < 0) return std::nullopt;
  Received r;
  r.bytes.assign(buf, buf + n);
  r.to.port = port_;
  if (src.ss_family == AF_INET) {
    const auto* sa = reinterpret_cast<const sockaddr_in*>(&src);
    r.from = Endpoint{from_in(sa->sin_addr), ntohs(sa->sin_port)};
    r.to.address = *wire::Address::parse("127.0.0.1");
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo pi{};
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        r.to.address = from_in(pi.ipi_addr);
      }
  } else if (src.ss_family == AF_INET6) {
    const auto* sa = reinterpret_cast<const sockaddr_in6*>(&src);
    r.from = Endpoint{from_in6(sa->sin6_addr), ntohs(sa->sin6_port)};
    r.to.address = *wire::Address::parse("::1");
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo pi{};
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        r.to.address = from_in6(pi.ipi6_addr);
      }
  } else {
    return std::nullopt;
  }
  return r;
}

bool UdpSockets::send(const Datagram& d) {
  iovec iov{const_cast<std::uint8_t*>(d.bytes.data()), d.bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))]{};
  sockaddr_in sa4{};
  sockaddr_in6 sa6{};
  int fd;
  const auto src = d.from.address.octets();
  const auto dst = d.to.address.octets();
  if (d.to.address.is_v4()) {
    fd = v4_;
    sa4.sin_family = AF_INET;
    sa4.sin_port = htons(d.to.port);
    std::memcpy(&sa4.sin_addr, dst.data(), 4);
    msg.msg_name = &sa4;
    msg.msg_namelen = sizeof sa4;
    if (d.from.address.is_v4()) {
      // Answer from the address the request was sent to (the session key
      // covers it, RFC 5906 §4).
      msg.msg_control = control;
      msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo pi{};
      std::memcpy(&pi.ipi_spec_dst, src.data(), 4);
      std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    }
  } else {
    fd = v6_;
    sa6.sin6_family = AF_INET6;
    sa6.sin6_port = htons(d.to.port);
    std::memcpy(&sa6.sin6_addr, dst.data(), 16);
    msg.msg_name = &sa6;
    msg.msg_namelen = sizeof sa6;
    if (d.from.address.is_v6()) {
      msg.msg_control = control;
      msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
      in6_pktinfo pi{};
      std::memcpy(&pi.ipi6_addr, src.data(), 16);
      std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    }
  }
  if (fd < 0) return false;
  return ::sendmsg(fd, &msg, 0) == static_cast<ssize_t>(d.bytes.size());
}

std::vector<wire::Address> resolve_host(const std::string& name, int family) {
  addrinfo hints{};
  hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  std::vector<wire::Address> out;
  if (::getaddrinfo(name.c_str(), nullptr, &hints, &res) != 0) return out;
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET)
      out.push_back(from_in(reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr));
    else if (ai->ai_family == AF_INET6)
      out.push_back(from_in6(reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr));
  }
  ::freeaddrinfo(res);
  return out;
}

std::optional<wire::Address> local_address_for(const wire::Address& remote) {
  const int family = remote.is_v4() ? AF_INET : AF_INET6;
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  std::optional<wire::Address> result;
  // A broadcast address is a valid destination too (`broadcast ADDR`).
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  const auto o = remote.octets();
  if (remote.is_v4()) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(123);
    std::memcpy(&sa.sin_addr, o.data(), 4);
    sockaddr_in me{};
    socklen_t len = sizeof me;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) == 0)
      result = from_in(me.sin_addr);
  } else {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(123);
    std::memcpy(&sa.sin6_addr, o.data(), 16);
    sockaddr_in6 me{};
    socklen_t len = sizeof me;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) == 0)
      result = from_in6(me.sin6_addr);
  }
  ::close(fd);
  return result;
}

void run_event_loop(Daemon& daemon, UdpSockets& sockets, Output& output, volatile std::sig_atomic_t* stop) {
  auto send_all = [&](const std::vector<Datagram>& ds) {
    for (const auto& d : ds)
      if (!sockets.send(d)) output.log("send to " + d.to.to_string() + " failed: " + std::strerror(errno));
  };
  send_all(daemon.handle_timer());
  std::vector<pollfd> pfds;
  for (int fd : sockets.fds()) pfds.push_back(pollfd{fd, POLLIN, 0});
  while (!*stop) {
    const hw::Timespec due = daemon.next_wakeup();
    const double wait = hw::seconds_between(due, daemon.clock().realtime());
    const int timeout_ms = wait <= 0 ? 0 : static_cast<int>(std::min(wait, 1.0) * 1000.0) + 1;
    const int n = ::poll(pfds.data(), pfds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) {
      output.log(std::string("poll failed: ") + std::strerror(errno));
      return;
    }
    for (auto& p : pfds) {
      if (!(p.revents & POLLIN)) continue;
      // Drain the socket: several requests may be queued.
      for (int i = 0; i < 64; ++i) {
        auto r = sockets.receive(p.fd);
        if (!r) break;
        send_all(daemon.handle_datagram(r->bytes, r->from, r->to));
      }
    }
    if (hw::seconds_between(daemon.clock().realtime(), due) >= 0) send_all(daemon.handle_timer());
  }
}

}  // namespace ak::daemon
