#include "capture_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "control/responder.h"

namespace ak::control::testing {

StaticVariableSource mode6_capture_source() {
  StaticVariableSource s;
  s.leap = 0;
  s.status = 0x0616;  // leap_none, sync_ntp, 1 event, restart
  using S = SystemVariable;
  s.system = {
      {S::Version, Quoted{"ntpd 4.2.8p15@1.3728-o Thu Nov 26 17:13:24 UTC 2026 (2)"}},
      {S::Processor, Quoted{"x86_64"}},
      {S::System, Quoted{"Linux/6.18.44-fc-v782"}},
      {S::Leap, std::uint64_t{0}},
      {S::Stratum, std::uint64_t{5}},
      {S::Precision, std::int64_t{-24}},
      {S::RootDelay, fixed(0.879, 3)},
      {S::RootDisp, fixed(10.951, 3)},
      {S::Refid, Text{"10.123.0.1"}},
      {S::Reftime, NtpTimestamp{0xeeb2ea72, 0x5327f161}},
      {S::Clock, NtpTimestamp{0xeeb2ea7d, 0x4da31eec}},
      {S::Peer, std::uint64_t{kCaptureAssocId}},
      {S::Tc, std::uint64_t{4}},
      {S::Mintc, std::uint64_t{3}},
      {S::Offset, fixed(0.0, 6)},
      {S::Frequency, fixed(0.0, 3)},
      {S::SysJitter, fixed(0.0, 6)},
      {S::ClkJitter, fixed(0.0, 3)},
      {S::ClkWander, fixed(0.0, 3)},
      {S::Host, Quoted{"clientname@servername"}},
      {S::Flags, Hex{0x80003}},
      {S::Digest, Quoted{"md5"}},
      {S::Signature, Quoted{"md5WithRSAEncryption"}},
      {S::Update, calendar_date(2026, 11, 26, 17, 25)},
  };
  s.certs = {
      {"clientname@servername", "servername@servername", 0x4, calendar_date(2027, 11, 26, 17, 25)},
      {"servername@servername", "servername@servername", 0x5, calendar_date(2027, 11, 26, 17, 14)},
      {"clientname@servername", "clientname@servername", 0x0, calendar_date(2027, 11, 26, 17, 17)},
  };
  StaticVariableSource::Peer p;
  p.status = 0xf61e;  // conf, authenb, auth, reach, sys.peer, 1 event, code 14 (§4.5 TAI quirk)
  using P = PeerVariable;
  p.variables = {
      {P::SrcAdr, Text{"10.123.0.1"}},
      {P::SrcPort, std::uint64_t{123}},
      {P::DstAdr, Text{"10.123.0.2"}},
      {P::DstPort, std::uint64_t{123}},
      {P::Leap, std::uint64_t{0}},
      {P::Stratum, std::uint64_t{4}},
      {P::Precision, std::int64_t{-24}},
      {P::RootDelay, fixed(0.0, 3)},
      {P::RootDisp, fixed(10.117, 3)},
      {P::Refid, Text{"127.127.1.0"}},
      {P::Reftime, NtpTimestamp{0xeeb2ea70, 0xfb118313}},
      {P::Rec, NtpTimestamp{0xeeb2ea72, 0x5327f161}},
      {P::Reach, Hex{0x7f}},
      {P::Unreach, std::uint64_t{0}},
      {P::Hmode, std::uint64_t{3}},
      {P::Pmode, std::uint64_t{4}},
      {P::Hpoll, std::int64_t{4}},
      {P::Ppoll, std::int64_t{4}},
      {P::Headway, std::uint64_t{50}},
      {P::Flash, Hex{0}},
      {P::KeyId, keyid_value(0xb54c9345)},
      {P::Offset, fixed(0.427, 3)},
      {P::Delay, fixed(0.879, 3)},
      {P::Dispersion, fixed(0.258, 3)},
      {P::Jitter, fixed(0.596, 3)},
      {P::Xleave, fixed(0.951, 3)},
      {P::FiltDelay, Text{" 0.88 0.22 0.28 0.23 0.31 0.17 0.05 1.91"}},
      {P::FiltOffset, Text{" 0.43 0.10 0.09 0.10 0.14 0.07 0.01 -0.90"}},
      {P::FiltDisp, Text{" 0.00 0.27 0.54 0.81 1.08 1.35 1.47 1.50"}},
      {P::Host, Quoted{"servername@servername"}},
      {P::Flags, Hex{0x87f23}},
      {P::Signature, Quoted{"md5WithRSAEncryption"}},
      {P::Ident, Quoted{"servername"}},
  };
  s.peers.emplace_back(kCaptureAssocId, std::move(p));
  return s;
}

UdpResponder::UdpResponder(const VariableSource& source, std::uint16_t port) : source_(source) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd_ < 0) return;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  port_ = ntohs(a.sin_port);
}

UdpResponder::~UdpResponder() {
  stop();
  if (fd_ >= 0) ::close(fd_);
}

void UdpResponder::serve() {
  std::uint8_t buf[2048];
  while (!stop_.load()) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) continue;
    for (const auto& reply : handle_request(wire::ByteView(buf, static_cast<std::size_t>(n)), source_))
      ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
  }
}

void UdpResponder::start() { thread_ = std::thread([this] { serve(); }); }

void UdpResponder::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

}  // namespace ak::control::testing
