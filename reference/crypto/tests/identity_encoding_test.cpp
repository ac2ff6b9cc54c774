// The encodings shared by IFF, GQ and MV (digest §7.1) and their errors.
#include "crypto/identity_encoding.h"

#include <gtest/gtest.h>

#include "crypto/bighash.h"
#include "crypto/identity_errors.h"
#include "identity_test_support.h"

namespace ak::crypto {
namespace {

using idtest::rng;

Botan::BigInt hex(const char* text) { return Botan::BigInt(std::string("0x") + text); }

TEST(Bighash, HashesTheMinimalBigEndianOctets) {
  EXPECT_EQ(bighash(0), hex("d41d8cd98f00b204e9800998ecf8427e"));    // MD5("")
  EXPECT_EQ(bighash(256), hex("25daad3d9e60b45043a70c4ab7d3b1c6"));  // MD5(01 00)
  // MD5(ff) = 00594f...: read back as an integer, the leading zero vanishes.
  EXPECT_EQ(bighash(255), hex("00594fd4f42ba43fc1ca0427a0576295"));
  EXPECT_EQ(bighash(255).bytes(), 15u);
  EXPECT_NE(bighash(255), hex("d07d34efac6328007ad67c7e0a985e00"));  // MD5(00 ff): not padded
}

TEST(IdentityChallenge, IsLeftPaddedToTheModulusLengthAndInRange) {
  // With a real modulus an r one octet short comes once in ~256 draws; a
  // 2-octet modulus makes it frequent (r < 256 about 1 in 18) so the test
  // sees the padding: ntpd would have sent such an r left-aligned (§7.1).
  const Botan::BigInt modulus(0x1234);
  bool saw_short = false;
  for (int run = 0; run < 1000; ++run) {
    const wire::Bytes field = make_challenge(rng(), modulus);
    ASSERT_EQ(field.size(), 2u);
    const auto r = parse_challenge(field, modulus);
    ASSERT_TRUE(r.ok());
    EXPECT_GE(*r, 1);
    EXPECT_LT(*r, modulus);
    if (field[0] == 0) saw_short = true;  // padded on the left, value kept
  }
  EXPECT_TRUE(saw_short);
}

TEST(IdentityChallenge, FieldOfTheWrongLengthIsALengthError) {
  const Botan::BigInt modulus = Botan::BigInt::power_of_2(159) + 7;  // 20 octets
  for (std::size_t n : {0u, 1u, 19u, 21u}) {
    const auto r = parse_challenge(wire::Bytes(n, 1), modulus);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), IdentityError::ChallengeWrongLength);
    EXPECT_EQ(xevnt_code(r.error()), 0x101);  // XEVNT_LEN
  }
}

TEST(IdentityResponse, RoundTripsThroughCanonicalDer) {
  const std::vector<Botan::BigInt> values{0, 127, 128, hex("ffffffffffffffffffff")};
  const wire::Bytes der = encode_integer_sequence(values);
  const auto decoded = decode_integer_sequence(der, values.size());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, values);
  // 128 needs a leading zero octet in DER (two's complement).
  EXPECT_EQ(wire::to_hex(encode_integer_sequence({128})), "3004020200" "80");
}

TEST(IdentityResponse, BerOnlyEncodingsAreNotDer) {
  const std::vector<std::pair<const char*, wire::Bytes>> cases{
      {"non-minimal integer", {0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x06}},
      {"long-form length", {0x30, 0x81, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06}},
      {"indefinite length", {0x30, 0x80, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06, 0x00, 0x00}},
      {"empty integer", {0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x06}},
      {"one integer", {0x30, 0x03, 0x02, 0x01, 0x05}},
      {"three integers", {0x30, 0x09, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06, 0x02, 0x01, 0x07}},
      {"SET instead of SEQUENCE", {0x31, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x06}},
      {"OCTET STRING item", {0x30, 0x06, 0x04, 0x01, 0x05, 0x02, 0x01, 0x06}},
      {"truncated", {0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01}},
      {"length beyond input", {0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02}},
      {"empty", {}},
  };
  for (const auto& [name, der] : cases) {
    const auto r = decode_integer_sequence(der, 2);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error(), IdentityError::ResponseNotDer) << name;
    EXPECT_EQ(xevnt_code(r.error()), 0x10F) << name;  // XEVNT_ERR: ntpd restarts
  }
}

TEST(IdentityResponse, OctetsAfterTheSequenceAreTrailingBytes) {
  wire::Bytes der = encode_integer_sequence({5, 6});
  der.push_back(0x00);
  const auto r = decode_integer_sequence(der, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), IdentityError::ResponseTrailingBytes);
}

TEST(IdentityResponse, NegativeIntegersDecodeAsNegative) {
  const auto r = decode_integer_sequence(wire::Bytes{0x30, 0x06, 0x02, 0x01, 0xff, 0x02, 0x01, 0x06}, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].is_negative());  // the schemes refuse it as out of range
}

TEST(IdentityErrors, EveryErrorHasAMessageAndAnXevntCode) {
  for (int e = 0; e <= static_cast<int>(IdentityError::KeyPairMismatch); ++e) {
    const auto error = static_cast<IdentityError>(e);
    EXPECT_STRNE(message(error), "unknown identity error") << e;
    EXPECT_GE(xevnt_code(error), 0x101) << e;
    EXPECT_LE(xevnt_code(error), 0x10F) << e;
  }
  EXPECT_EQ(xevnt_code(IdentityError::ProofRejected), 0x10E);
}

}  // namespace
}  // namespace ak::crypto
