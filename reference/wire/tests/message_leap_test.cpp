// LEAP (messages/leap.h): table of (octets, value) pairs, both ways.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::decode_error;
using testing::expect_both_ways;
using testing::hex;
using testing::MessageRow;

constexpr const char* kServerSignature =
    "9eae1e30e9f8bf28917295be16a7f55923f1a68a3297e559aa85310ecf9fd72fe1a6c1c6e42ac72c086616a8307e5120b121a38f"
    "4fdeb3c7b0bff73e2d61fff4";

TEST(LeapMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<LeapRequest> rows[] = {
      {"iff-md5-512 packet 17", "02050008 00004edd", LeapRequest{20189}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(LeapMessage, ResponseTableDecodesAndEncodesBothWays) {
  LeapResponse no_table;
  no_table.env = Envelope{20189, 4004702991u, 4004702989u, hex(kServerSignature)};
  LeapResponse with_table;
  with_table.env = Envelope{5, 100, 99, {}};
  with_table.tai_offset = 37;
  with_table.era_start = 0xdd8d7380;
  with_table.expiry = 0x7fffffff;
  const MessageRow<LeapResponse> rows[] = {
      {"iff-md5-512 packet 18: server without leap table, all zero",
       std::string("82050064 00004edd eeb2eb0f eeb2eb0d 0000000c 00000000 00000000 00000000 00000040") +
           kServerSignature,
       no_table},
      {"three words in order tai, era, expiry",
       "82050024 00000005 00000064 00000063 0000000c 00000025 dd8d7380 7fffffff 00000000", with_table},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(LeapMessage, ValueOfOtherSizeIsRefused) {
  // security-history row 26: vallen 8 and 16.
  EXPECT_EQ(decode_error("82050020 00000001 00000002 00000001 00000008 00000000 00000000 00000000"),
            WireError::LeapValueNot12Octets);
  EXPECT_EQ(decode_error("82050028 00000001 00000002 00000001 00000010 00000000 00000000 00000000 00000000 00000000"),
            WireError::LeapValueNot12Octets);
}

TEST(LeapMessage, EmptyValueFromUnsynchronizedServerIsValueLengthZero) {
  // digest §5.5: vl = 0, L = 24; ntpd rejects it with XEVNT_LEN.
  const WireError e = decode_error("82050018 00000001 00000000 00000000 00000000 00000000");
  EXPECT_EQ(e, WireError::ValueLengthZero);
  EXPECT_EQ(xevnt(e), Xevnt::Len);
}

}  // namespace
}  // namespace ak::wire
