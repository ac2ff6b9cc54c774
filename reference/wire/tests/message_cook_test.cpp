// COOK (messages/cook.h): table of (octets, value) pairs, both ways.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::decode_error;
using testing::expect_both_ways;
using testing::hex;
using testing::MessageRow;

// iff-md5-512 packet 7: the client's 512-bit RSA host key as PKCS#1 RSAPublicKey.
constexpr const char* kClientKey =
    "3048024100c2334f7a8704cd53170c701cfca89012806c25bf58d025fc4d820f212de230658aa10e1b4f856c55fbcd3932ad7c7"
    "b8af9b8c23480f5ec5a09dcfbbefa7999cd0203010001";
// iff-md5-512 packet 8: OAEP ciphertext and the server's signature.
constexpr const char* kCiphertext =
    "2f71151068770366e36d379c7c32bc749525a50e3bf2972fcded6c7d9286ebb9382cd3e9fe45d0929e8723e1913706b59391c822"
    "bade6fb0d077409b97ec20f0";
constexpr const char* kSignature =
    "0bb32b9067dcb55b1225593188779b1a1484b566972f7f9ea3bb82febaa503e4e74063a0d3b27b919dc54955bffefb8a7016b70c"
    "8592de845a09fd0ad9d31fe0";

TEST(CookMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<CookRequest> rows[] = {
      {"iff-md5-512 packet 7 (74-octet key, 2 pad octets, unsigned)",
       std::string("02030064 00004edd 00000000 eeb2eb0d 0000004a") + kClientKey + "0000 00000000",
       CookRequest{Envelope{20189, 0, 4004702989u, {}}, hex(kClientKey)}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(CookMessage, ResponseTableDecodesAndEncodesBothWays) {
  const MessageRow<CookResponse> rows[] = {
      {"iff-md5-512 packet 8 (L 152 = 24 + 64 + 64)",
       std::string("82030098 00004edd eeb2eb41 eeb2eb0f 00000040") + kCiphertext + "00000040" + kSignature,
       CookResponse{Envelope{20189, 4004703041u, 4004702991u, hex(kSignature)}, hex(kCiphertext)}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(CookMessage, ShortResponseIsAnEmptyResponseNotACookie) {
  const Bytes octets = hex("82030008 00004edd");
  auto m = decode(*ExtensionField::parse(ByteView(octets)));
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(std::holds_alternative<EmptyResponse>(*m));
}

TEST(CookMessage, RequestWithValueLongerThanFieldIsRefused) {
  // security-history row 9d: vl = 2000 with 4 value octets.
  EXPECT_EQ(decode_error("0203001c 00000000 00000000 00000000 000007d0 01020304 00000000"),
            WireError::ValueLengthExceedsField);
}

}  // namespace
}  // namespace ak::wire
