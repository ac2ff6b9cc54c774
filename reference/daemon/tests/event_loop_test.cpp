// The socket layer under the event loop: datagrams arrive whole.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/event_loop.h"
#include "wire/packet.h"

namespace ak::daemon {
namespace {

TEST(UdpSockets, DatagramsUpToTheLargestAutokeyPacketAndBeyondArriveWhole) {
  // A SIGN or CERT with 2048-bit keys is ~2108 octets; wire::kMaxPacketLength
  // is 2120. Longer datagrams must also arrive whole, so the parser (not the
  // socket) decides they are too long.
  auto sockets = UdpSockets::open(0);
  if (!sockets) GTEST_SKIP() << "no UDP socket on loopback: " << sockets.error();
  // open(0) binds an ephemeral port; read it back from the socket.
  const int fd = sockets->fds().front();
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len), 0);
  const int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(tx, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = bound.sin_port;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (std::size_t size : {std::size_t{48}, std::size_t{2108}, wire::kMaxPacketLength, std::size_t{4000}}) {
    const wire::Bytes sent(size, 0x5a);
    ASSERT_EQ(::sendto(tx, sent.data(), sent.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(size));
    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1) << size;
    const auto got = sockets->receive(fd);
    ASSERT_TRUE(got.has_value()) << size;
    EXPECT_EQ(got->bytes.size(), size);
    EXPECT_EQ(got->bytes, sent);
  }
  ::close(tx);
}

}  // namespace
}  // namespace ak::daemon
