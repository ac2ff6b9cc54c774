// IFF, GQ, MV (messages/identity.h): table of (octets, value) pairs, both ways.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::decode_error;
using testing::expect_both_ways;
using testing::hex;
using testing::MessageRow;

constexpr const char* kIffChallenge = "0f63eec62a39812d451143a2ac8d0ee2bca1940a";
constexpr const char* kIffResponse =
    "302802145a908b10563c32254077092a6e9beba59f3721b8021044d99e7f16cf5207c233c2e66d880f75";
constexpr const char* kIffSignature =
    "2e6865962f7fe538a418180b5c5c80d7ced6f3442450e66c5df489dc9d562ba4e5cea12b5b6f47e3f1f9f243f4b6c23deebc5cee"
    "0d1db24e37a95a9b187e7387";

TEST(IdentityMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<IdentityRequest> rows[] = {
      {"iff-md5-512 packet 5 (20-octet challenge, unsigned)",
       std::string("0207002c 00004edd 00000000 eeb2eb0d 00000014") + kIffChallenge + "00000000",
       IdentityRequest{IdentityScheme::Iff, Envelope{20189, 0, 4004702989u, {}}, hex(kIffChallenge)}},
      {"GQ", "0208001c 00000001 00000000 00000002 00000004 01020304 00000000",
       IdentityRequest{IdentityScheme::Gq, Envelope{1, 0, 2, {}}, hex("01020304")}},
      {"MV", "0209001c 00000001 00000000 00000002 00000001 ff000000 00000000",
       IdentityRequest{IdentityScheme::Mv, Envelope{1, 0, 2, {}}, hex("ff")}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(IdentityMessage, ResponseTableDecodesAndEncodesBothWays) {
  const MessageRow<IdentityResponse> rows[] = {
      {"iff-md5-512 packet 6 (42-octet DER, signed)",
       std::string("82070084 00004edd eeb2eb31 eeb2eb0d 0000002a") + kIffResponse + "0000 00000040" + kIffSignature,
       IdentityResponse{IdentityScheme::Iff, Envelope{20189, 4004703025u, 4004702989u, hex(kIffSignature)},
                        hex(kIffResponse)}},
      {"MV", "8209001c 00000001 00000005 00000002 00000004 30020500 00000000",
       IdentityResponse{IdentityScheme::Mv, Envelope{1, 5, 2, {}}, hex("30020500")}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(IdentityMessage, ChallengeLongerThanFieldIsRefused) {
  // security-history row 9e: IFF request with vl = 0x10000 and 1 octet;
  // row 10b: GQ request, L 24, vl 300.
  EXPECT_EQ(decode_error("0207001c 00000000 00000000 00000000 00010000 01000000 00000000"),
            WireError::ValueLengthExceedsField);
  EXPECT_EQ(decode_error("02080018 00000000 00000000 00000000 0000012c 00000000"),
            WireError::ValueLengthExceedsField);
}

TEST(IdentityMessage, SchemeFollowsTheOpcode) {
  EXPECT_EQ(identity_scheme(Opcode::Gq), IdentityScheme::Gq);
  EXPECT_EQ(identity_scheme(Opcode::Cert), std::nullopt);
  EXPECT_EQ(name(IdentityScheme::Mv), "MV");
}

}  // namespace
}  // namespace ak::wire
