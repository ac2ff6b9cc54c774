// AUTO (messages/autokey.h): table of (octets, value) pairs, both ways.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::decode_error;
using testing::expect_both_ways;
using testing::hex;
using testing::MessageRow;

constexpr const char* kBroadcastSignature =
    "35d84f890eaed131fff50610f9a9bf0fbd70a639c9588c63484ba39220274065aa240d5c3ad438a253ab56aba524b4236f505318"
    "ca7d5fa9087b2793f611d1f7";

TEST(AutoMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<AutoRequest> rows[] = {
      {"bcast-tc-md5-512 packet 8 (broadcaster's ID)", "02040008 0000d3d9", AutoRequest{54233}},
      {"digest §5.11", "02040008 0000ab12", AutoRequest{0xab12}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(AutoMessage, ResponseTableDecodesAndEncodesBothWays) {
  AutoResponse bcast;
  bcast.env = Envelope{54233, 4004704713u, 4004704712u, hex(kBroadcastSignature)};
  bcast.key_id = 0x7238009f;
  bcast.sequence = 99;
  AutoResponse unsigned_list;
  unsigned_list.env = Envelope{1, 2, 3, {}};
  unsigned_list.key_id = 0x00010000;
  unsigned_list.sequence = 0;
  const MessageRow<AutoResponse> rows[] = {
      {"bcast-tc-md5-512 packet 1: key ID first, then sequence",
       std::string("82040060 0000d3d9 eeb2f1c9 eeb2f1c8 00000008 7238009f 00000063 00000040") + kBroadcastSignature,
       bcast},
      {"unsigned", "82040020 00000001 00000002 00000003 00000008 00010000 00000000 00000000", unsigned_list},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(AutoMessage, ValueOtherThanEightOctetsIsRefused) {
  EXPECT_EQ(decode_error("8204001c 00000001 00000002 00000003 00000004 7238009f 00000000"),
            WireError::AutokeyValueNot8Octets);
}

TEST(AutoMessage, LongFormRequestIsRefused) {
  EXPECT_EQ(decode_error("0204001c 00000001 00000002 00000003 00000004 7238009f 00000000"),
            WireError::LongFormWhereShortRequired);
}

TEST(AutoMessage, HugeValueLengthDoesNotWrap) {
  // security-history row 9a: vl = 0xFFFFFFFD, whose (vl + 3) / 4 wraps in ntpd.
  EXPECT_EQ(decode_error("8204001c 00000001 00000002 00000001 fffffffd 00000000 00000000"),
            WireError::ValueLengthExceedsField);
}

TEST(AutoMessage, DescribeShowsKeyAndSequence) {
  AutoResponse m;
  m.env = Envelope{54233, 4004704713u, 4004704712u, hex(kBroadcastSignature)};
  m.key_id = 0x7238009f;
  m.sequence = 99;
  EXPECT_EQ(describe(Message{m}), "AUTO-R assoc 54233 ts 4004704713 fs 4004704712 key 0x7238009f seq 99 sig 64");
}

}  // namespace
}  // namespace ak::wire
