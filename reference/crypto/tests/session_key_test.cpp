#include "crypto/session_key.h"

#include <gtest/gtest.h>

#include "crypto_test_support.h"

namespace ak::crypto {
namespace {

using test::addr;

TEST(SessionKey, P15ServerCookieIsTheHashOfTheTwoAddressesWithSeedZero) {
  // Digest §6.5 / §13.4: MD5(0a7b0002 0a7b0001 0 0) = 8ac8a20a4213...
  EXPECT_EQ(server_cookie(addr("10.123.0.2"), addr("10.123.0.1"), 0), 0x8ac8a20au);
  EXPECT_EQ(wire::to_hex(session_key(addr("10.123.0.2"), addr("10.123.0.1"), 0, 0).key),
            "8ac8a20a421393498adc7a388552d071");
}

TEST(SessionKey, ServerCookieDependsOnTheSeed) {
  // Digest §13.2 [calc].
  EXPECT_EQ(server_cookie(addr("192.0.2.1"), addr("192.0.2.2"), 0), 0xf29277fdu);
  EXPECT_EQ(server_cookie(addr("192.0.2.1"), addr("192.0.2.2"), 0x11223344), 0x74d9647fu);
}

TEST(SessionKey, IffPacket9KeyMatchesTheCapture) {
  const auto k = session_key(addr("10.123.0.2"), addr("10.123.0.1"), 0x202b4caf, 0x8ac8a20a);
  EXPECT_EQ(wire::to_hex(k.key), "b375d4637511ecdbbd959f9a29889d94");
  EXPECT_EQ(k.next_key_id, 0xb375d463u);
}

TEST(SessionKey, ReplyKeySwapsTheAddresses) {
  // iff-md5-512 packet 10 answers packet 9 under the same key ID.
  EXPECT_EQ(wire::to_hex(session_key(addr("10.123.0.1"), addr("10.123.0.2"), 0x202b4caf, 0x8ac8a20a).key),
            "2b4d7f79ebea3c1be024557dc45ea696");
}

TEST(SessionKey, PacketWithExtensionFieldsUsesCookieZero) {
  // iff-md5-512 packet 1.
  EXPECT_EQ(wire::to_hex(session_key(addr("10.123.0.2"), addr("10.123.0.1"), 0x6373d2e6, 0).key),
            "558188eaa8e96146359b2889758b55b6");
}

TEST(SessionKey, ComputedIpv4VectorsOfTheDigest) {
  const auto c = addr("192.0.2.1"), s = addr("192.0.2.2");
  EXPECT_EQ(wire::to_hex(session_key(c, s, 0x89abcdef, 0xf29277fd).key), "2b1d35725a4f88017ef36d11af57e754");
  EXPECT_EQ(session_key(c, s, 0x89abcdef, 0xf29277fd).next_key_id, 0x2b1d3572u);
  EXPECT_EQ(wire::to_hex(session_key(c, s, 0x89abcdef, 0).key), "6d20da435b3efb3957c8d82ee82e6477");
  EXPECT_EQ(wire::to_hex(session_key(s, c, 0x89abcdef, 0xf29277fd).key), "7fbf527993c093a1cb4ee955f68c3b2e");
  EXPECT_EQ(wire::to_hex(session_key(s, c, 0x89abcdef, 0).key), "9c8d5a0923f7f6c68548e3df37cc23c7");
}

TEST(SessionKey, Ipv6HashesSixteenOctetAddresses) {
  const auto c = addr("2001:db8::1"), s = addr("2001:db8::2");
  EXPECT_EQ(server_cookie(c, s, 0), 0xcc104478u);
  const auto k = session_key(c, s, 0x89abcdef, 0xcc104478);
  EXPECT_EQ(wire::to_hex(k.key), "35a24f1a80869af62f60679980216d10");
  EXPECT_EQ(k.next_key_id, 0x35a24f1au);
}

TEST(SessionKey, OtherDigestsGiveTheirFullLength) {
  const auto k = session_key(addr("10.123.0.2"), addr("10.123.0.1"), 0x202b4caf, 0x8ac8a20a, Digest::SHA1);
  EXPECT_EQ(k.key.size(), 20u);
  EXPECT_NE(k.next_key_id, 0xb375d463u);
}

TEST(SessionKey, NextKeyIdIsTheFirstWordOfTheKey) {
  const auto c = addr("10.123.0.2"), s = addr("10.123.0.1");
  EXPECT_EQ(next_key_id(c, s, 0xf2985e6c, 0x8ac8a20a), session_key(c, s, 0xf2985e6c, 0x8ac8a20a).next_key_id);
}

}  // namespace
}  // namespace ak::crypto
