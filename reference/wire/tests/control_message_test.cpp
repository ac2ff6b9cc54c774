// Mode 6 framing (control_message.h).
#include <gtest/gtest.h>

#include "wire/control_message.h"
#include "wire/datagram.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::hex;

TEST(ControlMessage, ReadvarRequestWithPaddingParsesAndRoundTrips) {
  // mode6-ntpq packet 3: READVAR "flags,cert", 10 octets + 2 pad.
  const Bytes d = hex("16020001 00000000 0000000a 666c6167 732c6365 72740000");
  auto m = ControlMessage::parse(d);
  ASSERT_TRUE(m.ok()) << name(m.error());
  EXPECT_EQ(m->version, 2);
  EXPECT_FALSE(m->response);
  EXPECT_EQ(m->opcode, 2);
  EXPECT_EQ(control_opcode_name(m->opcode), "READVAR");
  EXPECT_EQ(m->sequence, 1);
  EXPECT_EQ(std::string(m->data.begin(), m->data.end()), "flags,cert");
  EXPECT_FALSE(m->mac.has_value());
  EXPECT_EQ(*m->serialize(), d);
}

TEST(ControlMessage, FragmentedResponseKeepsItsBits) {
  // mode6-ntpq packet 8's header: R and M set, READVAR, status f61e, assoc 36732.
  Bytes d = hex("16a20002 f61e8f7c 000001d4");
  d.resize(12 + 468, 'x');
  auto m = ControlMessage::parse(d);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->response);
  EXPECT_TRUE(m->more);
  EXPECT_FALSE(m->error);
  EXPECT_EQ(m->status, 0xf61e);
  EXPECT_EQ(m->assoc_id, 36732);
  EXPECT_EQ(m->data.size(), 468u);
  EXPECT_EQ(*m->serialize(), d);
}

TEST(ControlMessage, MacFollowsDataPaddedToEightOctets) {
  // 12 + 1 data octet -> padded to 16 (a multiple of 8), then key 1 + 16 digest.
  const Bytes d = hex("16020005 00000000 00000001 61000000 00000001 000102030405060708090a0b0c0d0e0f");
  auto m = ControlMessage::parse(d);
  ASSERT_TRUE(m.ok()) << name(m.error());
  ASSERT_TRUE(m->mac.has_value());
  EXPECT_EQ(m->mac->key_id, 1u);
  EXPECT_EQ(m->mac->digest.size(), 16u);
  EXPECT_EQ(*m->serialize(), d);
  // 12 + 5 data octets -> 20 (pad4) -> 24 (pad8): four more zero octets before the MAC.
  ControlMessage k = *m;
  k.data = testing::text("abcde");
  auto out = k.serialize();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 24u + 20u);
  EXPECT_EQ(*ControlMessage::parse(*out), k);
}

TEST(ControlMessage, MalformedFramesAreRefused) {
  EXPECT_EQ(ControlMessage::parse(hex("16020001 0000")).error(), WireError::ControlShorterThanHeader);
  EXPECT_EQ(ControlMessage::parse(hex("23020001 00000000 00000000")).error(), WireError::NotControlMode);
  EXPECT_EQ(ControlMessage::parse(hex("16020001 00000000 00000000 00")).error(),
            WireError::ControlLengthNotMultipleOf4);
  EXPECT_EQ(ControlMessage::parse(hex("16020001 00000000 00000008 61626364")).error(),
            WireError::ControlCountExceedsPacket);
  EXPECT_EQ(ControlMessage::parse(hex("16020001 00000000 00000001 61000001")).error(),
            WireError::ControlPaddingNotZero);
  // After the padded data: 4 octets where the 8-octet padding must go, no MAC.
  EXPECT_EQ(ControlMessage::parse(hex("16020001 00000000 00000005 61626364 65000000 00000000")).error(),
            WireError::ControlTrailerNotMac);
  // 4 padding octets, then 28: longer than any MAC.
  Bytes too_long = hex("16020001 00000000 00000000");
  too_long.resize(12 + 4 + 28, 0);
  EXPECT_EQ(ControlMessage::parse(too_long).error(), WireError::ControlTrailerNotMac);
}

TEST(ControlMessage, SerializeRefusesOutOfRangeFields) {
  ControlMessage m;
  m.opcode = 32;
  EXPECT_EQ(m.serialize().error(), WireError::FieldWiderThanWireBits);
  m.opcode = 1;
  m.mac = Mac{1, Bytes(21, 0)};
  EXPECT_EQ(m.serialize().error(), WireError::MacDigestTooLong);
}

TEST(ControlMessage, ParseDatagramDispatchesModeSix) {
  const Bytes d = hex("16010001 00000000 00000000");
  auto parsed = parse_datagram(d);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(std::holds_alternative<ControlMessage>(*parsed));
  EXPECT_EQ(control_opcode_name(std::get<ControlMessage>(*parsed).opcode), "READSTAT");
}

}  // namespace
}  // namespace ak::wire
