// ASSOC (messages/assoc.h): table of (octets, value) pairs, both ways, and
// the rules specific to ASSOC.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::expect_both_ways;
using testing::decode_error;
using testing::MessageRow;

AssocRequest assoc_request(std::uint32_t id, std::uint32_t ts, std::uint32_t status, std::string name) {
  AssocRequest m;
  m.assoc_id = id;
  m.timestamp = ts;
  m.status = StatusWord{status};
  m.name = std::move(name);
  return m;
}

AssocResponse assoc_response(std::uint32_t id, std::uint32_t ts, std::uint32_t status, std::string name) {
  AssocResponse m;
  m.assoc_id = id;
  m.timestamp = ts;
  m.status = StatusWord{status};
  m.name = std::move(name);
  return m;
}

TEST(AssocMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<AssocRequest> rows[] = {
      {"iff-md5-512 packet 1 (unsynchronized client)",
       "02010030 00004edd 00000000 00080001 00000015"
       "636c6965 6e746e61 6d654073 65727665 726e616d 65000000 00000000",
       assoc_request(20189, 0, 0x00080001, "clientname@servername")},
      {"sym-tc-md5-512 packet 1 (L 36)",
       "02010024 000060eb eeb2f0a2 00080003 00000009 70656572 62406772 70000000 00000000",
       assoc_request(24811, 4004704418u, 0x00080003, "peerb@grp")},
      {"digest §5.11 alice@blue",
       "02010024 0000ab12 00000000 00080001 0000000a 616c6963 6540626c 75650000 00000000",
       assoc_request(0xab12, 0, 0x00080001, "alice@blue")},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(AssocMessage, ResponseTableDecodesAndEncodesBothWays) {
  const MessageRow<AssocResponse> rows[] = {
      {"iff-md5-512 packet 2 (IFF server)",
       "82010030 00004edd eeb2eb0f 00080023 00000015"
       "73657276 65726e61 6d654073 65727665 726e616d 65000000 00000000",
       assoc_response(20189, 4004702991u, 0x00080023, "servername@servername")},
      {"sym-tc-md5-512 packet 2, first field",
       "82010024 00001f16 eeb2f0a2 00080003 00000009 70656572 61406772 70000000 00000000",
       assoc_response(7958, 4004704418u, 0x00080003, "peera@grp")},
      {"digest §5.11 bob@blue",
       "82010020 0000ab12 eeb2eb0f 00080023 00000008 626f6240 626c7565 00000000",
       assoc_response(0xab12, 4004702991u, 0x00080023, "bob@blue")},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(AssocMessage, StatusWordOfIffServerNamesMd5AndItsBits) {
  const StatusWord s{0x00080023};
  EXPECT_EQ(s.signature_nid(), nid::kMd5WithRsa);
  EXPECT_TRUE(s.enabled());
  EXPECT_TRUE(s.tai());
  EXPECT_EQ(s.identity_bits(), crypto_flag::kIff);
  EXPECT_EQ(s.to_string(), "0x00080023 nid=8 ENAB|TAI|IFF");
  EXPECT_EQ(StatusWord::make(nid::kSha1WithRsa, crypto_flag::kEnab | crypto_flag::kTai | crypto_flag::kGq).raw,
            0x00410043u);  // gq-sha1-1024 packet 2
}

TEST(AssocMessage, ShortFormIsRefusedAsInNtpdAssert) {
  // digest §11.3: p15 asserts on an ASSOC shorter than 24 octets.
  EXPECT_EQ(decode_error("02010008 00004edd"), WireError::ShortFormWhereLongRequired);
  EXPECT_EQ(decode_error("82010008 00004edd"), WireError::ShortFormWhereLongRequired);
  EXPECT_EQ(decode_error("02010014 00004edd 00000000 00080001 00000001"), WireError::LongFormTooShort);
}

TEST(AssocMessage, NameOf512OctetsIsAcceptedAnd513Refused) {
  AssocRequest ok = assoc_request(1, 0, 0x00080001, std::string(512, 'a'));
  EXPECT_TRUE(encode(Message{ok}).ok());
  AssocRequest too_long = assoc_request(1, 0, 0x00080001, std::string(513, 'a'));
  auto r = encode(Message{too_long});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), WireError::NameTooLong);
  EXPECT_EQ(xevnt(r.error()), Xevnt::Len);
}

TEST(AssocMessage, EmptyNameIsValueLengthZero) {
  EXPECT_EQ(decode_error("02010018 00000001 00000000 00080001 00000000 00000000"), WireError::ValueLengthZero);
  auto r = encode(Message{assoc_request(1, 0, 0x00080001, "")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), WireError::ValueLengthZero);
}

TEST(AssocMessage, DescribeShowsStatusAndName) {
  EXPECT_EQ(describe(Message{assoc_response(20189, 4004702991u, 0x00080023, "servername@servername")}),
            "ASSOC-R assoc 20189 ts 4004702991 status 0x00080023 nid=8 ENAB|TAI|IFF name "
            "\"servername@servername\"");
}

}  // namespace
}  // namespace ak::wire
