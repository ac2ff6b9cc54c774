// Packet framing: ntpd's receive() walk (docs/wire-format.md).
#include <gtest/gtest.h>

#include "wire/datagram.h"
#include "wire/packet.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::hex;

// H(3) of security-history §1.2: LI 0, VN 4, client.
Bytes header(std::uint8_t mode = 3) {
  Bytes h(48, 0);
  h[0] = static_cast<std::uint8_t>(0x20 | mode);
  return h;
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes mac20() { return hex("9e3779b9 00112233 44556677 8899aabb ccddeeff"); }

TEST(PacketWalk, HeaderAloneHasNoFieldsAndNoMac) {
  auto p = Packet::parse(header());
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->fields.empty());
  EXPECT_FALSE(p->mac.has_value());
  EXPECT_EQ(p->authenticated_length(), 48u);
}

TEST(PacketWalk, EveryTrailerOfFourToTwentyFourOctetsIsAMac) {
  for (std::size_t n = 4; n <= 24; n += 4) {
    const Bytes trailer = hex("02050008 00004edd 00000000 00000000 00000000 00000000");  // looks like an EF
    auto p = Packet::parse(concat(header(), Bytes(trailer.begin(), trailer.begin() + static_cast<long>(n))));
    ASSERT_TRUE(p.ok()) << n;
    EXPECT_TRUE(p->fields.empty()) << n;
    ASSERT_TRUE(p->mac.has_value());
    EXPECT_EQ(p->mac->size(), n);
    EXPECT_EQ(p->mac->key_id, 0x02050008u);
  }
}

TEST(PacketWalk, ALastFieldOfTwentyFourOctetsWithoutMacIsReadAsMac) {
  // security-history row 25: an EF of exactly 24 octets at the end.
  const Bytes ef = hex("82050018 00000001 00000000 00000000 00000000 00000000");
  auto p = Packet::parse(concat(header(), ef));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->fields.empty());
  ASSERT_TRUE(p->mac.has_value());
  EXPECT_EQ(p->mac->digest.size(), 20u);
}

TEST(PacketWalk, ARemainderOfTwentyEightOctetsStartsWithAField) {
  // LEAP request + 20-octet MAC, as iff-md5-512 packet 17.
  auto p = Packet::parse(concat(concat(header(), hex("02050008 00004edd")), mac20()));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->fields.size(), 1u);
  EXPECT_EQ(summary(p->fields[0]), "LEAP");
  EXPECT_EQ(p->authenticated_length(), 56u);
  EXPECT_EQ(p->size(), 76u);
}

TEST(PacketWalk, ShorterThanHeaderIsRefused) {
  EXPECT_EQ(Packet::parse(Bytes(47, 0x23)).error(), WireError::PacketShorterThanHeader);
  EXPECT_EQ(parse_datagram(Bytes{}).error(), WireError::PacketShorterThanHeader);
}

TEST(PacketWalk, LongerThanReceiveBufferIsRefused) {
  Bytes big = header();
  big.resize(2124, 0);
  EXPECT_EQ(Packet::parse(big).error(), WireError::PacketLongerThanReceiveBuffer);
}

TEST(PacketWalk, TrailerOfOddLengthIsRefused) {
  EXPECT_EQ(Packet::parse(concat(header(), Bytes(2, 0))).error(), WireError::TrailerNotMultipleOf4);
  EXPECT_EQ(Packet::parse(concat(header(), Bytes(30, 0))).error(), WireError::TrailerNotMultipleOf4);
}

TEST(PacketWalk, FieldRunningPastTheEndIsRefused) {
  // security-history row 10a: length 0x0400, 60 octets follow the header.
  Bytes tail = hex("02020400 00000001");
  tail.resize(60, 0);
  const WireError e = Packet::parse(concat(header(), tail)).error();
  EXPECT_EQ(e, WireError::ExtensionOverrunsPacket);
}

TEST(PacketWalk, AssocFieldOfLengthFourIsRefusedWithoutReadingPastIt) {
  // security-history NEW-3: H(3) EF(0x0201, len 4) EF(0x0000, len 8) ... MAC,
  // the "vallen" word 16 octets after the ASSOC EF holding 0xC8, placed as
  // late as possible in a 2120-octet datagram.
  Bytes d = header();
  const std::size_t filler = 2120 - 48 - 20 - 20;
  for (std::size_t i = 0; i < filler / 8; ++i) {
    const Bytes f = hex("02000008 00000000");
    d.insert(d.end(), f.begin(), f.end());
  }
  const Bytes tail = hex("02010004 02000010 00000000 00000000 000000c8");
  d.insert(d.end(), tail.begin(), tail.end());
  const Bytes m = mac20();
  d.insert(d.end(), m.begin(), m.end());
  ASSERT_EQ(d.size(), 2120u);
  auto p = Packet::parse(d);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), WireError::ExtensionLengthTooSmall);
}

TEST(PacketWalk, CryptoNakIsTheHeaderAndAZeroKeyId) {
  auto p = Packet::parse(concat(header(4), hex("00000000")));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->is_crypto_nak());
  EXPECT_EQ(summary(*p), "server key 0x00000000 mac 4 crypto-NAK len 52");
}

TEST(PacketWalk, TwoFieldsThenMacAsInSymmetricMode) {
  const Bytes a = hex("82010024 00001f16 eeb2f0a2 00080003 00000009 70656572 61406772 70000000 00000000");
  const Bytes b = hex("02020024 00001f16 eeb2f0a3 eeb2f0a2 00000009 70656572 62406772 70000000 00000000");
  const Bytes d = concat(concat(concat(header(1), a), b), mac20());
  auto p = Packet::parse(d);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->fields.size(), 2u);
  EXPECT_EQ(p->authenticated_length(), 48u + 36u + 36u);
  EXPECT_EQ(summary(*p),
            "sym-active ASSOC-R[assoc 7958 len 36] CERT[assoc 7958 len 36] key 0x9e3779b9 mac 20 len 140");
  auto out = p->serialize();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, d);
}

TEST(PacketSerialize, RefusesALastFieldThatWouldBeReadAsMac) {
  Packet p;
  p.fields.push_back(make_short_field(Opcode::Leap, false, false, 1));
  EXPECT_EQ(p.serialize().error(), WireError::LastFieldReadsAsMac);  // 8 <= 24
  p.mac = Mac{0, {}};
  EXPECT_EQ(p.serialize().error(), WireError::LastFieldReadsAsMac);  // 8 + 4 <= 24
  p.mac = Mac{5, Bytes(16, 1)};
  EXPECT_TRUE(p.serialize().ok());  // 8 + 20 > 24
}

TEST(PacketSerialize, RefusesMacDigestsThatDoNotFit) {
  Packet p;
  p.mac = Mac{1, Bytes(24, 0)};
  EXPECT_EQ(p.serialize().error(), WireError::MacDigestTooLong);
  p.mac = Mac{1, Bytes(3, 0)};
  EXPECT_EQ(p.serialize().error(), WireError::TrailerNotMultipleOf4);
}

TEST(PacketSerialize, RefusesPacketsLongerThanTheReceiveBuffer) {
  Packet p;
  ExtensionField big = make_short_field(Opcode::Cert, true, false, 1);
  big.body = Bytes(2060, 0);
  p.fields.push_back(big);
  p.mac = Mac{1, Bytes(16, 0)};
  EXPECT_EQ(p.serialize().error(), WireError::PacketLongerThanReceiveBuffer);
}

TEST(PacketSerialize, WhatSerializesParsesBackEqual) {
  Packet p;
  p.header.mode = 4;
  p.header.transmit_ts = 0x0123456789abcdefULL;
  ExtensionField ef = make_short_field(Opcode::Auto, true, false, 77);
  ef.body = ValueStructure{1, 2, Bytes(8, 9), Bytes(64, 7)}.serialize();
  p.fields.push_back(ef);
  p.mac = Mac{0x9e3779b9, Bytes(16, 0x5a)};
  auto out = p.serialize();
  ASSERT_TRUE(out.ok());
  auto back = Packet::parse(*out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
}

TEST(Datagram, ModeSevenIsKeptAsOpaqueOctets) {
  const Bytes d = hex("17000300 00000000");
  auto parsed = parse_datagram(d);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(std::holds_alternative<PrivateMessage>(*parsed));
  EXPECT_EQ(*serialize(*parsed), d);
}

}  // namespace
}  // namespace ak::wire
