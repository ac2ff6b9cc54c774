// Framing layer: ExtensionField and ValueStructure edge cases.
#include <gtest/gtest.h>

#include "wire/extension_field.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::hex;

Result<ValueStructure, WireError> value_structure(std::string_view field_hex) {
  const Bytes octets = hex(field_hex);
  auto ef = ExtensionField::parse(ByteView(octets));
  EXPECT_TRUE(ef.ok());
  if (!ef.ok()) return Err{ef.error()};
  return ValueStructure::parse(ef->body);
}

TEST(ExtensionFieldFraming, FirstWordIsRespErrVersionThenCodeThenLength) {
  const Bytes octets = hex("c2070008 0000ab12");
  auto ef = ExtensionField::parse(ByteView(octets));
  ASSERT_TRUE(ef.ok());
  EXPECT_TRUE(ef->response);
  EXPECT_TRUE(ef->error);
  EXPECT_EQ(ef->version, 2);
  EXPECT_EQ(ef->code, 7);
  EXPECT_EQ(ef->length(), 8u);
  EXPECT_EQ(ef->assoc_id, 0xab12u);
  EXPECT_EQ(ef->field_type(), 0xc207);
  EXPECT_TRUE(ef->is_short_form());
}

TEST(ExtensionFieldFraming, ConsumesExactlyTheLengthAndNothingOnFailure) {
  const Bytes octets = hex("02050008 00004edd 02040008 0000d3d9 deadbeef");
  Reader r(octets);
  auto first = ExtensionField::parse(r);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(r.consumed(), 8u);
  EXPECT_EQ(r.consumed() + r.rest().size(), octets.size());
  auto second = ExtensionField::parse(r);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(r.consumed(), 16u);
  auto third = ExtensionField::parse(r);  // "deadbeef": length 0xbeef, odd
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(r.consumed(), 16u);
  EXPECT_EQ(r.consumed() + r.rest().size(), octets.size());
}

TEST(ExtensionFieldFraming, LengthNotMultipleOfFourIsRefused) {
  const Bytes octets = hex("0205000a 00004edd 0000");
  EXPECT_EQ(ExtensionField::parse(ByteView(octets)).error(), WireError::ExtensionLengthNotMultipleOf4);
}

TEST(ExtensionFieldFraming, LengthBelowEightIsRefusedWithoutReadingFurther) {
  // security-history NEW-3: ASSOC with length 4; what follows is not read.
  const Bytes octets = hex("02010004 00000000 00000000 00000000 000000c8");
  Reader r(octets);
  auto ef = ExtensionField::parse(r);
  ASSERT_FALSE(ef.ok());
  EXPECT_EQ(ef.error(), WireError::ExtensionLengthTooSmall);
  EXPECT_EQ(r.consumed(), 0u);
  const Bytes zero = hex("02010000");
  EXPECT_EQ(ExtensionField::parse(ByteView(zero)).error(), WireError::ExtensionLengthTooSmall);
}

TEST(ExtensionFieldFraming, LengthPastTheEndIsRefused) {
  // security-history row 10a: length 0x0400 but 60 octets.
  Bytes octets = hex("02020400 00000001");
  octets.resize(60, 0);
  EXPECT_EQ(ExtensionField::parse(ByteView(octets)).error(), WireError::ExtensionOverrunsPacket);
  const Bytes two = hex("0202");
  EXPECT_EQ(ExtensionField::parse(ByteView(two)).error(), WireError::ExtensionOverrunsPacket);
}

TEST(ExtensionFieldFraming, OctetsAfterASingleFieldAreTrailing) {
  const Bytes octets = hex("02050008 00004edd 00000000");
  EXPECT_EQ(ExtensionField::parse(ByteView(octets)).error(), WireError::TrailingBytes);
}

TEST(ExtensionFieldFraming, SerializeRefusesWhatCouldNotBeParsedBack) {
  ExtensionField ef = make_short_field(Opcode::Cert, false, false, 1);
  ef.body = Bytes(3, 0);
  EXPECT_EQ(ef.serialize().error(), WireError::ExtensionLengthNotMultipleOf4);
  ef.body = Bytes(65528, 0);
  EXPECT_EQ(ef.serialize().error(), WireError::ExtensionTooLong);
  ef.body = Bytes(65524, 0);
  EXPECT_TRUE(ef.serialize().ok());
  ef.body.clear();
  ef.version = 64;
  EXPECT_EQ(ef.serialize().error(), WireError::FieldWiderThanWireBits);
}

TEST(ExtensionFieldFraming, SummaryNamesOpcodeAndResponseOrErrorBit) {
  EXPECT_EQ(summary(make_short_field(Opcode::Assoc, false, false, 1)), "ASSOC");
  EXPECT_EQ(summary(make_short_field(Opcode::Assoc, true, false, 1)), "ASSOC-R");
  EXPECT_EQ(summary(make_short_field(Opcode::Iff, true, true, 1)), "IFF-E");
  ExtensionField odd = make_short_field(Opcode::Cert, false, false, 1);
  odd.code = 42;
  odd.version = 3;
  EXPECT_EQ(summary(odd), "CODE42/v3");
  EXPECT_EQ(name(Opcode::Mv), "MV");
}

TEST(ValueStructure, LengthIsTwentyFourPlusPaddedValueAndSignature) {
  for (std::size_t vl : {1u, 2u, 3u, 4u, 5u, 21u, 367u}) {
    for (std::size_t sl : {0u, 1u, 64u, 65u}) {
      const ValueStructure vs{1, 2, Bytes(vl, 0xaa), Bytes(sl, 0xbb)};
      const ExtensionField ef = make_long_field(Opcode::Cert, true, 9, vs);
      EXPECT_EQ(ef.length(), 24 + pad4(vl) + pad4(sl)) << vl << "/" << sl;
      auto back = ValueStructure::parse(ef.body);
      ASSERT_TRUE(back.ok()) << name(back.error());
      EXPECT_EQ(*back, vs);
    }
  }
}

TEST(ValueStructure, PaddingOctetsAreZeroOnTheWire) {
  const ValueStructure vs{0, 0, testing::text("abcde"), Bytes{0xff}};
  EXPECT_EQ(to_hex(vs.serialize()), "00000000" "00000000" "00000005" "6162636465000000" "00000001" "ff000000");
}

TEST(ValueStructure, SignedOctetsExcludePaddingAndSignatureLength) {
  const ValueStructure vs{0x01020304, 0x05060708, testing::text("abcde"), Bytes(64, 1)};
  EXPECT_EQ(to_hex(vs.signed_octets()), "01020304" "05060708" "00000005" "6162636465");
}

TEST(ValueStructure, ZeroValueLengthIsRefused) {
  EXPECT_EQ(value_structure("82050018 00000001 00000000 00000000 00000000 00000000").error(),
            WireError::ValueLengthZero);
}

TEST(ValueStructure, ValueLengthOneOverTheFieldIsRefused) {
  // L 28: room for vl <= 4.
  EXPECT_TRUE(value_structure("8202001c 00000001 00000000 00000000 00000004 01020304 00000000").ok());
  EXPECT_EQ(value_structure("8202001c 00000001 00000000 00000000 00000005 01020304 00000000").error(),
            WireError::ValueLengthExceedsField);
}

TEST(ValueStructure, SignatureLengthWordIsReadOnlyInsideTheField) {
  // security-history NEW-8: the value fills the field up to the siglen word,
  // which is the field's last word; reading it must stay in bounds.
  const Bytes octets = hex("8202001c 00000001 00000000 00000000 00000004 01020304 00000000");
  auto ef = ExtensionField::parse(ByteView(octets));
  ASSERT_TRUE(ef.ok());
  auto vs = ValueStructure::parse(ef->body);
  ASSERT_TRUE(vs.ok());
  EXPECT_TRUE(vs->signature.empty());
  // With the siglen word missing entirely (a body cut short by a caller),
  // the value leaves no room for it.
  const Bytes cut = hex("00000000 00000000 00000004 01020304 0000");
  EXPECT_EQ(ValueStructure::parse(cut).error(), WireError::ValueLengthExceedsField);
}

TEST(ValueStructure, SignatureLengthThatWouldWrapIsRefused) {
  // security-history row 9b: siglen 0x80000010.
  EXPECT_EQ(value_structure("82040024 00000001 00000002 00000001 00000008 00000001 00000002 80000010 00000000")
                .error(),
            WireError::SignatureLengthExceedsField);
  EXPECT_EQ(value_structure("82040024 00000001 00000002 00000001 00000008 00000001 00000002 00000005 00000000")
                .error(),
            WireError::SignatureLengthExceedsField);
}

TEST(ValueStructure, NonZeroPaddingIsRefused) {
  EXPECT_EQ(value_structure("8202001c 00000001 00000000 00000000 00000003 010203ff 00000000").error(),
            WireError::PaddingNotZero);
  EXPECT_EQ(value_structure("82020020 00000001 00000000 00000000 00000004 01020304 00000001 aa0000ff").error(),
            WireError::PaddingNotZero);
}

TEST(ValueStructure, OctetsAfterTheSignatureAreTrailing) {
  EXPECT_EQ(value_structure("82020020 00000001 00000000 00000000 00000004 01020304 00000000 00000000").error(),
            WireError::TrailingBytes);
}

TEST(ValueStructure, BodyShorterThanSixteenOctetsIsNotALongForm) {
  EXPECT_EQ(value_structure("82020014 00000001 00000000 00000000 00000004").error(), WireError::LongFormTooShort);
}

}  // namespace
}  // namespace ak::wire
