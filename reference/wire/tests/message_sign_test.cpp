// SIGN (messages/sign.h): table of (octets, value) pairs, both ways.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::decode_error;
using testing::expect_both_ways;
using testing::hex;
using testing::MessageRow;

TEST(SignMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<SignRequest> rows[] = {
      {"6-octet DER, 2 pad octets, 8-octet signature",
       "02060028 00004edd eeb2eb47 eeb2eb0d 00000006 30040202 01010000 00000008 0102030405060708",
       SignRequest{Envelope{20189, 4004703047u, 4004702989u, hex("0102030405060708")}, hex("300402020101")}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(SignMessage, ResponseTableDecodesAndEncodesBothWays) {
  const MessageRow<SignResponse> rows[] = {
      {"filestamp echoed from the request",
       "82060020 00004edd eeb2eb49 eeb2eb0d 00000004 30020500 00000004 aabbccdd",
       SignResponse{Envelope{20189, 4004703049u, 4004702989u, hex("aabbccdd")}, hex("30020500")}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(SignMessage, ValueLengthPastFieldIsRefused) {
  // security-history row 10c: vl = 4000 with 8 octets of DER prefix.
  EXPECT_EQ(decode_error("02060020 00000000 00000000 00000000 00000fa0 30820fa0 00000000 00000000"),
            WireError::ValueLengthExceedsField);
}

}  // namespace
}  // namespace ak::wire
