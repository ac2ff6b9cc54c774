// CERT (messages/cert.h): table of (octets, value) pairs, both ways.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::decode_error;
using testing::expect_both_ways;
using testing::hex;
using testing::MessageRow;

TEST(CertMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<CertRequest> rows[] = {
      {"iff-md5-512 packet 3 (unsynchronized: ts 0, fs 0)",
       "02020030 00004edd 00000000 00000000 00000015"
       "73657276 65726e61 6d654073 65727665 726e616d 65000000 00000000",
       CertRequest{Envelope{20189, 0, 0, {}}, "servername@servername"}},
      {"sym-tc-md5-512 packet 2, second field",
       "02020024 00001f16 eeb2f0a3 eeb2f0a2 00000009 70656572 62406772 70000000 00000000",
       CertRequest{Envelope{7958, 4004704419u, 4004704418u, {}}, "peerb@grp"}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(CertMessage, ResponseTableDecodesAndEncodesBothWays) {
  const MessageRow<CertResponse> rows[] = {
      {"5-octet value, 3 pad octets, 4-octet signature",
       "82020024 00004edd eeb2eb0f eeb2eb0d 00000005 30030201 05000000 00000004 a1a2a3a4",
       CertResponse{Envelope{20189, 4004702991u, 4004702989u, hex("a1a2a3a4")}, hex("3003020105")}},
      {"unsigned",
       "8202001c 00000007 00000001 00000001 00000004 30020500 00000000",
       CertResponse{Envelope{7, 1, 1, {}}, hex("30020500")}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(CertMessage, NoCertificateIsTheEightOctetEmptyResponse) {
  const MessageRow<EmptyResponse> row{"digest §5.2: 0x82020008", "82020008 00004edd",
                                      EmptyResponse{Opcode::Cert, 20189}};
  expect_both_ways(row);
}

TEST(CertMessage, ShortRequestAndOverlongSubjectAreRefused) {
  EXPECT_EQ(decode_error("02020008 00004edd"), WireError::ShortFormWhereLongRequired);
  auto r = encode(Message{CertRequest{Envelope{1, 0, 0, {}}, std::string(513, 'x')}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), WireError::NameTooLong);
}

TEST(CertMessage, SignedOctetsAreTimestampFilestampLengthAndValueWithoutPadding) {
  const CertResponse m{Envelope{20189, 0x01020304, 0x05060708, hex("a1a2a3a4")}, hex("3003020105")};
  EXPECT_EQ(to_hex(m.signed_octets()), "01020304" "05060708" "00000005" "3003020105");
}

}  // namespace
}  // namespace ak::wire
