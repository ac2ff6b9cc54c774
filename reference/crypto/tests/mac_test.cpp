#include "crypto/mac.h"

#include <gtest/gtest.h>

#include "crypto/session_key.h"
#include "crypto_test_support.h"

namespace ak::crypto {
namespace {

using test::addr;

// Digest §6.4: cookie 0 whenever EFs are present (and for every broadcast),
// otherwise the server cookie of the client/server pair.
std::uint32_t cookie_for(const test::Packet& p) {
  if (!p.efs.empty()) return 0;
  return server_cookie(addr("10.123.0.2"), addr("10.123.0.1"), 0);
}

TEST(Mac, EveryMacOfTheIffSessionVerifies) {
  const auto ps = test::packets("iff-md5-512");
  ASSERT_EQ(ps.size(), 28u);
  for (const auto& p : ps) {
    const auto key = session_key(p.datagram.src, p.datagram.dst, p.key_id, cookie_for(p));
    EXPECT_EQ(p.mac_digest.size(), 16u) << "packet " << p.datagram.number;
    EXPECT_TRUE(mac_matches(key.key, p.authenticated(), p.mac_digest)) << "packet " << p.datagram.number;
  }
}

TEST(Mac, EveryMacOfAllFiveCapturesVerifies) {
  std::size_t n = 0;
  for (const char* folder :
       {"iff-md5-512", "tc-md5-512", "gq-sha1-1024", "sym-tc-md5-512", "bcast-tc-md5-512"}) {
    for (const auto& p : test::packets(folder)) {
      const auto key = session_key(p.datagram.src, p.datagram.dst, p.key_id, cookie_for(p));
      EXPECT_TRUE(mac_matches(key.key, p.authenticated(), p.mac_digest))
          << folder << " packet " << p.datagram.number;
      ++n;
    }
  }
  EXPECT_EQ(n, 120u);  // digest §2.1: "all 120 MACs of the five captures"
}

TEST(Mac, MakeMacReproducesTheTrailerOfPacket9) {
  const auto ps = test::packets("iff-md5-512");
  const auto& p = test::frame(ps, 9);
  const auto key = session_key(p.datagram.src, p.datagram.dst, p.key_id, 0x8ac8a20a);
  EXPECT_EQ(wire::to_hex(make_mac(p.key_id, key.key, p.authenticated())),
            "202b4caf"
            "ac9d7324bfc3c341dea8d03071bfc1c8");
}

TEST(Mac, WrongCookieOrUnswappedAddressesFail) {
  const auto ps = test::packets("iff-md5-512");
  const auto& reply = test::frame(ps, 10);
  const auto right = session_key(reply.datagram.src, reply.datagram.dst, reply.key_id, 0x8ac8a20a);
  ASSERT_TRUE(mac_matches(right.key, reply.authenticated(), reply.mac_digest));
  const auto unswapped = session_key(reply.datagram.dst, reply.datagram.src, reply.key_id, 0x8ac8a20a);
  EXPECT_FALSE(mac_matches(unswapped.key, reply.authenticated(), reply.mac_digest));
  const auto cookie0 = session_key(reply.datagram.src, reply.datagram.dst, reply.key_id, 0);
  EXPECT_FALSE(mac_matches(cookie0.key, reply.authenticated(), reply.mac_digest));
}

TEST(Mac, AFlippedBitOrATruncatedDigestFails) {
  const auto ps = test::packets("iff-md5-512");
  const auto& p = test::frame(ps, 4);
  const auto key = session_key(p.datagram.src, p.datagram.dst, p.key_id, 0);
  wire::Bytes msg(p.authenticated().begin(), p.authenticated().end());
  msg[100] ^= 0x01;
  EXPECT_FALSE(mac_matches(key.key, msg, p.mac_digest));
  EXPECT_FALSE(mac_matches(key.key, p.authenticated(), p.mac_digest.first(15)));
  EXPECT_FALSE(mac_matches(key.key, p.authenticated(), {}));
}

TEST(Mac, DigestOfTheComputedSampleHeader) {
  // Digest §13.2 [calc]: header 23 00 06 ec then 44 zero octets, no EF.
  wire::Bytes header(48, 0);
  header[0] = 0x23;
  header[2] = 0x06;
  header[3] = 0xec;
  const auto key = session_key(addr("192.0.2.1"), addr("192.0.2.2"), 0x89abcdef, 0xf29277fd);
  EXPECT_EQ(wire::to_hex(make_mac(0x89abcdef, key.key, header)), "89abcdef23635956c196c43827d50b88d8808844");
}

TEST(Mac, LongDigestsAreTruncatedToTwentyOctets) {
  EXPECT_EQ(mac_digest_size(Digest::MD5), 16u);
  EXPECT_EQ(mac_digest_size(Digest::SHA1), 20u);
  EXPECT_EQ(mac_digest_size(Digest::SHA256), 20u);
  const wire::Bytes key(32, 7), msg(48, 1);
  const auto full = hash(Digest::SHA256, [&] {
    wire::Bytes m = key;
    m.insert(m.end(), msg.begin(), msg.end());
    return m;
  }());
  EXPECT_EQ(mac_digest(key, msg, Digest::SHA256), wire::Bytes(full.begin(), full.begin() + 20));
  EXPECT_TRUE(mac_matches(key, msg, wire::ByteView(full).first(20), Digest::SHA256));
}

}  // namespace
}  // namespace ak::crypto
