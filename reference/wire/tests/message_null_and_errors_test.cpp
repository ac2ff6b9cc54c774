// NULL, empty and error responses (messages/null.h, error_responses.h), and
// the dispatch rules of decode() that come before any message.
#include <gtest/gtest.h>

#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

using testing::decode_error;
using testing::expect_both_ways;
using testing::hex;
using testing::MessageRow;

TEST(NullMessage, RequestTableDecodesAndEncodesBothWays) {
  const MessageRow<NullRequest> rows[] = {
      {"digest §5.0", "02000008 0000ab12", NullRequest{0xab12}},
  };
  for (const auto& row : rows) expect_both_ways(row);
}

TEST(NullMessage, LongFormIsRefused) {
  EXPECT_EQ(decode_error("02000018 00000001 00000000 00000000 00000001 00000000"),
            WireError::LongFormWhereShortRequired);
  EXPECT_EQ(decode_error("82000018 00000001 00000000 00000000 00000001 00000000"),
            WireError::LongFormWhereShortRequired);
}

TEST(ErrorResponses, TableDecodesAndEncodesBothWays) {
  const MessageRow<ErrorResponse> errors[] = {
      {"digest §5.11 IFF error", "c2070008 0000ab12", ErrorResponse{Opcode::Iff, 0xab12}},
      {"NULL answered with an error (digest §5.0)", "c2000008 00000001", ErrorResponse{Opcode::Null, 1}},
  };
  for (const auto& row : errors) expect_both_ways(row);
  const MessageRow<EmptyResponse> empties[] = {
      {"NULL response without E", "82000008 00000001", EmptyResponse{Opcode::Null, 1}},
      {"LEAP", "82050008 00000002", EmptyResponse{Opcode::Leap, 2}},
  };
  for (const auto& row : empties) expect_both_ways(row);
}

TEST(ErrorResponses, LongErrorResponseIsRefused) {
  EXPECT_EQ(decode_error("c2070018 00000001 00000000 00000000 00000001 00000000"),
            WireError::LongFormWhereShortRequired);
}

TEST(MessageDispatch, ErrorBitWithoutResponseBitIsRefused) {
  EXPECT_EQ(decode_error("42070008 00000001"), WireError::ErrorBitWithoutResponseBit);
}

TEST(MessageDispatch, CodeAboveNineIsUnknown) {
  const WireError e = decode_error("020a0008 00000001");
  EXPECT_EQ(e, WireError::UnknownOpcode);
  EXPECT_EQ(xevnt(e), Xevnt::Err);
}

TEST(MessageDispatch, VersionOtherThanTwoIsRefused) {
  // security-history row 25: version bits != 2. The RFC 5906 octet order
  // (code first) reads as version 1 with code 2.
  EXPECT_EQ(decode_error("03010008 00000001"), WireError::WrongAutokeyVersion);
  EXPECT_EQ(decode_error("01020008 00000001"), WireError::WrongAutokeyVersion);
}

TEST(MessageDispatch, EncodeRefusesAValueBeyondTheLengthField) {
  CertResponse huge{Envelope{1, 2, 2, {}}, Bytes(70000, 0x30)};
  auto r = encode(Message{huge});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), WireError::ExtensionTooLong);
}

TEST(MessageDispatch, EncodeRefusesEmptyResponseForAssoc) {
  auto r = encode(Message{EmptyResponse{Opcode::Assoc, 1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), WireError::ShortFormWhereLongRequired);
}

TEST(MessageDispatch, QuickFactsMatchTheMessage) {
  const Message m{IdentityResponse{IdentityScheme::Gq, Envelope{42, 1, 1, {}}, hex("30020500")}};
  EXPECT_EQ(opcode(m), Opcode::Gq);
  EXPECT_TRUE(is_response(m));
  EXPECT_FALSE(is_error(m));
  EXPECT_EQ(assoc_id(m), 42u);
  ASSERT_NE(envelope(m), nullptr);
  EXPECT_EQ(envelope(m)->timestamp, 1u);
  const Message e{ErrorResponse{Opcode::Cook, 9}};
  EXPECT_TRUE(is_error(e));
  EXPECT_EQ(opcode(e), Opcode::Cook);
  EXPECT_EQ(envelope(e), nullptr);
  EXPECT_EQ(describe(e), "COOK-E assoc 9");
  EXPECT_FALSE(is_response(Message{AutoRequest{3}}));
}

}  // namespace
}  // namespace ak::wire
