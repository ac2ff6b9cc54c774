// Hostile requests that reach the server side (security-history.md §1.2
// rows 4, 9, 10, 19 and §4 properties 1-6, 11): each gets a typed refusal,
// never an exception, and never an answer longer than the 8-octet error or
// empty response — a forged request cannot buy a large reply.
#include <gtest/gtest.h>

#include <random>

#include "core/responder.h"
#include "crypto/errors.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "host_test_support.h"

namespace ak::core {
namespace {

using test::server_of;

constexpr std::uint32_t kUpdate = 4004702991;
constexpr std::uint32_t kNow = 4004703025;
constexpr std::uint32_t kAssoc = 20189;

class ResponderHostile : public ::testing::Test {
 protected:
  ResponderHostile() : host_(test::make_host(server_of("iff-md5-512"))) {
    host_.update(kUpdate);
    ctx_.client = test::client_address_v4();
    ctx_.server = test::server_address_v4();
    ctx_.now = kNow;
  }

  // A request field with a hand-written body (the octets after the
  // association ID), exactly as an attacker would frame it.
  static wire::ExtensionField raw(std::uint8_t code, wire::Bytes body, std::uint32_t assoc = kAssoc) {
    wire::ExtensionField ef;
    ef.code = code;
    ef.assoc_id = assoc;
    ef.body = std::move(body);
    return ef;
  }
  // ts, fs, vl, then `value` octets as given (no padding or siglen added).
  static wire::Bytes body(std::uint32_t vl, const wire::Bytes& value, std::uint32_t ts = 0, std::uint32_t fs = 0) {
    wire::Writer w;
    (void)w.u32(ts);
    (void)w.u32(fs);
    (void)w.u32(vl);
    (void)w.bytes(value);
    return w.data();
  }
  // A well-formed long-form request.
  static wire::ExtensionField request(wire::Opcode op, const wire::Bytes& value) {
    return wire::make_long_field(op, false, kAssoc, wire::ValueStructure{0, 0, value, {}});
  }

  Answer answer(const wire::ExtensionField& ef) const { return respond(ef, ctx_, host_); }

  // The no-amplification property for refusals.
  static void expect_small_refusal(const Answer& a, const wire::ExtensionField& req) {
    ASSERT_NE(a.kind, Answer::Kind::Response);
    ASSERT_TRUE(a.reason.has_value());
    if (!a.has_field()) return;
    EXPECT_EQ(a.field.length(), wire::kShortFormLength);
    EXPECT_LE(a.field.length(), req.length());
    EXPECT_EQ(a.field.assoc_id, req.assoc_id);
    EXPECT_EQ(a.field.code, req.code);
    EXPECT_TRUE(a.field.response);
  }

  Host host_;
  RequestContext ctx_;
};

TEST_F(ResponderHostile, ValueLengthBeyondTheFieldGetsTheErrorResponse) {
  // Row 9 (d): COOK claiming 2000 value octets with 4 present.
  const auto cook = raw(3, body(2000, {1, 2, 3, 4}));
  const Answer a = answer(cook);
  EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(a.reason, ResponderError::UndecodableRequest);
  EXPECT_EQ(a.wire_error, wire::WireError::ValueLengthExceedsField);
  expect_small_refusal(a, cook);
  // Row 9 (e): IFF with vl = 0x10000 and one octet; row 10 (b): GQ and MV
  // with vl = 300 in a 24-octet field; row 10 (c): SIGN with vl = 4000.
  for (const auto& ef : {raw(7, body(0x10000, {1, 0, 0, 0})), raw(8, body(300, {0, 0, 0, 0})),
                         raw(9, body(300, {0, 0, 0, 0})),
                         raw(6, body(4000, {0x30, 0x82, 0x0f, 0xa0, 0, 0, 0, 0}))}) {
    const Answer b = answer(ef);
    EXPECT_EQ(b.kind, Answer::Kind::ErrorResponse) << int{ef.code};
    expect_small_refusal(b, ef);
  }
}

TEST_F(ResponderHostile, WrappingValueLengthIsRefusedWithoutReadingPastTheField) {
  // Row 9 (a) shape on a request: vl = 0xFFFFFFFD, pad4 would wrap to 0.
  const auto ef = raw(2, body(0xFFFFFFFDu, {0, 0, 0, 0}));
  const Answer a = answer(ef);
  EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
  expect_small_refusal(a, ef);
}

TEST_F(ResponderHostile, CertSubjectOf512OctetsIsLookedUpAnd513IsALengthError) {
  // Row 10 (d): the certname[513] boundary.
  const auto at_limit = request(wire::Opcode::Cert, wire::Bytes(512, 'a'));
  const Answer a = answer(at_limit);
  EXPECT_EQ(a.kind, Answer::Kind::EmptyResponse);
  EXPECT_EQ(a.reason, ResponderError::CertNotFound);
  expect_small_refusal(a, at_limit);
  const auto over = request(wire::Opcode::Cert, wire::Bytes(513, 'a'));
  const Answer b = answer(over);
  EXPECT_EQ(b.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(b.reason, ResponderError::CertSubjectLength);
  EXPECT_EQ(xevnt_code(*b.reason), crypto::xevnt::kLen);
  expect_small_refusal(b, over);
}

TEST_F(ResponderHostile, CertRequestForAnUnknownSubjectGetsTheEmptyResponse) {
  const auto ef = request(wire::Opcode::Cert, {'e', 'v', 'i', 'l', '@', 'x'});
  const Answer a = answer(ef);
  EXPECT_EQ(a.kind, Answer::Kind::EmptyResponse);
  EXPECT_EQ(a.reason, ResponderError::CertNotFound);
  EXPECT_FALSE(a.field.error);
  EXPECT_EQ(wire::to_hex(*a.field.serialize()), "8202000800004edd");
}

TEST_F(ResponderHostile, CertRequestToANeverSynchronizedServerGetsTheEmptyResponse) {
  Host fresh = test::make_host(server_of("iff-md5-512"));
  const auto ef = request(wire::Opcode::Cert, wire::Bytes{'s', 'e', 'r', 'v', 'e', 'r', 'n', 'a', 'm', 'e', '@', 's',
                                                          'e', 'r', 'v', 'e', 'r', 'n', 'a', 'm', 'e'});
  const Answer a = respond(ef, ctx_, fresh);
  EXPECT_EQ(a.kind, Answer::Kind::EmptyResponse);
  EXPECT_EQ(a.reason, ResponderError::CertUnsynchronized);
}

TEST_F(ResponderHostile, CookWithAGarbagePublicKeyIsRefusedAsBadPublicKey) {
  std::mt19937 gen(7);
  wire::Bytes garbage(74);
  for (auto& b : garbage) b = static_cast<std::uint8_t>(gen());
  for (const auto& value : {garbage, wire::Bytes{0x30, 0x00}, wire::Bytes{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x03}}) {
    const auto ef = request(wire::Opcode::Cook, value);
    const Answer a = answer(ef);
    EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
    EXPECT_EQ(a.reason, ResponderError::CookPublicKeyUnreadable);
    EXPECT_EQ(xevnt_code(*a.reason), crypto::xevnt::kPub);
    expect_small_refusal(a, ef);
  }
}

TEST_F(ResponderHostile, IffChallengeOfTheWrongLengthIsRefused) {
  // NEW-2 / row 19: a one-octet challenge would let ntpd's nonce shrink to 8 bits.
  // The exact row-19 field: EF(0x0207, 28, 0, 0, 0, vl 1, 01 000000, sl 0).
  const auto short_ef = raw(7, body(1, {0x01, 0, 0, 0, 0, 0, 0, 0}), 0);
  ASSERT_EQ(short_ef.length(), 28u);
  const Answer a = answer(short_ef);
  EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(a.reason, ResponderError::IdentityChallengeLength);
  EXPECT_EQ(xevnt_code(*a.reason), crypto::xevnt::kLen);
  expect_small_refusal(a, short_ef);
  const auto long_ef = request(wire::Opcode::Iff, wire::Bytes(21, 0x01));
  EXPECT_EQ(answer(long_ef).reason, ResponderError::IdentityChallengeLength);
}

TEST_F(ResponderHostile, IffChallengeOutOfRangeIsRefused) {
  const auto zero = request(wire::Opcode::Iff, wire::Bytes(20, 0x00));
  EXPECT_EQ(answer(zero).reason, ResponderError::IdentityChallengeRange);
  const auto above_q = request(wire::Opcode::Iff, wire::Bytes(20, 0xff));
  const Answer a = answer(above_q);
  EXPECT_EQ(a.reason, ResponderError::IdentityChallengeRange);
  expect_small_refusal(a, above_q);
}

TEST_F(ResponderHostile, IdentityRequestForASchemeTheServerDoesNotServeIsRefused) {
  // Row 4: GQ and MV requests to an IFF-only server, no association anywhere.
  for (auto op : {wire::Opcode::Gq, wire::Opcode::Mv}) {
    const auto ef = request(op, wire::Bytes(64, 0x01));
    const Answer a = answer(ef);
    EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse) << wire::name(op);
    EXPECT_EQ(a.reason, ResponderError::IdentityNotServed);
    EXPECT_EQ(xevnt_code(*a.reason), crypto::xevnt::kId);
    expect_small_refusal(a, ef);
  }
}

TEST_F(ResponderHostile, ResponsesAndErrorResponsesAreNotAnswered) {
  for (bool err : {false, true}) {
    auto ef = wire::make_short_field(wire::Opcode::Leap, true, err, kAssoc);
    const Answer a = answer(ef);
    EXPECT_EQ(a.kind, Answer::Kind::None);
    EXPECT_EQ(a.reason, ResponderError::NotARequest);
    EXPECT_FALSE(a.has_field());
  }
  // A response smuggled in as a typed message is refused the same way.
  const Answer b = respond(wire::Message(wire::EmptyResponse{wire::Opcode::Cert, kAssoc}), ctx_, host_);
  EXPECT_EQ(b.kind, Answer::Kind::None);
}

TEST_F(ResponderHostile, NullUnknownCodeAndWrongVersionGetTheErrorResponse) {
  const auto null = wire::make_short_field(wire::Opcode::Null, false, false, kAssoc);
  const Answer a = answer(null);
  EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(a.reason, ResponderError::NullRequest);
  EXPECT_EQ(wire::to_hex(*a.field.serialize()), "c200000800004edd");

  auto unknown = raw(42, {});
  const Answer b = answer(unknown);
  EXPECT_EQ(b.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(b.wire_error, wire::WireError::UnknownOpcode);
  expect_small_refusal(b, unknown);

  auto v3 = wire::make_short_field(wire::Opcode::Leap, false, false, kAssoc);
  v3.version = 3;
  const Answer c = answer(v3);
  EXPECT_EQ(c.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(c.wire_error, wire::WireError::WrongAutokeyVersion);
}

TEST_F(ResponderHostile, LongFormLeapOrAutoRequestIsRefused) {
  const auto ef = request(wire::Opcode::Leap, wire::Bytes(400, 0x41));
  const Answer a = answer(ef);
  EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(a.wire_error, wire::WireError::LongFormWhereShortRequired);
  expect_small_refusal(a, ef);
}

TEST_F(ResponderHostile, AutoRequestNamingNoAssociationIsAProtocolError) {
  const auto ef = wire::make_short_field(wire::Opcode::Auto, false, false, 54233);
  const Answer a = answer(ef);
  EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(a.reason, ResponderError::AutoNoAssociation);
  EXPECT_EQ(xevnt_code(*a.reason), crypto::xevnt::kErr);
  EXPECT_EQ(a.field.assoc_id, 54233u);
}

TEST_F(ResponderHostile, AutoRequestIsAnsweredWithTheNamedAssociationsValues) {
  auto values = host_.sign_autokey(54233, 0x7238009f, 99, kNow);
  ASSERT_TRUE(values.ok());
  RequestContext ctx = ctx_;
  ctx.autokey_values = [&](std::uint32_t id) -> const wire::AutoResponse* {
    return id == 54233 ? &*values : nullptr;
  };
  const Answer a = respond(wire::make_short_field(wire::Opcode::Auto, false, false, 54233), ctx, host_);
  ASSERT_EQ(a.kind, Answer::Kind::Response);
  EXPECT_EQ(a.field, values->to_field());
  const Answer b = respond(wire::make_short_field(wire::Opcode::Auto, false, false, 1), ctx, host_);
  EXPECT_EQ(b.reason, ResponderError::AutoNoAssociation);
}

TEST_F(ResponderHostile, SignRequestIsRefusedWhileUnsynchronizedOrWithAGarbageCertificate) {
  const auto garbage = request(wire::Opcode::Sign, {0x30, 0x82, 0x0f, 0xa0, 0x01, 0x02, 0x03, 0x04});
  const Answer a = answer(garbage);
  EXPECT_EQ(a.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(a.reason, ResponderError::SignCertificateUnreadable);
  EXPECT_EQ(xevnt_code(*a.reason), crypto::xevnt::kCrt);
  expect_small_refusal(a, garbage);
  RequestContext unsynced = ctx_;
  unsynced.now = 0;
  const Answer b = respond(garbage, unsynced, host_);
  EXPECT_EQ(b.reason, ResponderError::SignUnsynchronized);
  EXPECT_EQ(xevnt_code(*b.reason), crypto::xevnt::kTsp);
}

TEST_F(ResponderHostile, SignRequestAfterTheServerCertificateExpiredIsRefused) {
  const auto cap = test::read_fixture_capture("iff-md5-512");
  const auto sign_req = test::parse_packet(cap.frames.at(14).datagram->payload).fields.at(0);
  RequestContext late = ctx_;
  late.now = host_.certificate().not_after_ntp() + 1;
  const Answer a = respond(sign_req, late, host_);
  EXPECT_EQ(a.reason, ResponderError::SignOwnCertificateNotValid);
  EXPECT_EQ(xevnt_code(*a.reason), crypto::xevnt::kPer);
}

TEST_F(ResponderHostile, RandomFieldsNeverThrowAndRefusalsStaySmall) {
  std::mt19937 gen(2026);
  for (int i = 0; i < 3000; ++i) {
    wire::ExtensionField ef;
    ef.code = static_cast<std::uint8_t>(gen() % 12);
    ef.assoc_id = gen();
    ef.version = (gen() % 16 == 0) ? 1 : 2;
    const std::size_t words = gen() % 40;
    ef.body.resize(words * 4);
    for (auto& b : ef.body) b = static_cast<std::uint8_t>(gen());
    // Plausible value lengths half of the time, so that decoding gets deep.
    if (words >= 4 && gen() % 2 == 0) {
      const std::uint32_t vl = gen() % (words * 4);
      ef.body[8] = static_cast<std::uint8_t>(vl >> 24);
      ef.body[9] = static_cast<std::uint8_t>(vl >> 16);
      ef.body[10] = static_cast<std::uint8_t>(vl >> 8);
      ef.body[11] = static_cast<std::uint8_t>(vl);
    }
    Answer a;
    ASSERT_NO_THROW(a = answer(ef)) << i;
    if (a.kind != Answer::Kind::Response) {
      ASSERT_TRUE(a.reason.has_value()) << i;
      if (a.has_field()) {
        EXPECT_EQ(a.field.length(), wire::kShortFormLength) << i;
      }
    }
  }
}

TEST_F(ResponderHostile, AssocWithoutAGroupToAHostWithAGroupIsDroppedSilently) {
  // Digest §9.7; security-history §1.2 rows 2 and 5 (long names).
  for (const std::string& bad : {std::string("clientname"), std::string(300, 'a') + "@b"}) {
    wire::AssocRequest req;
    req.assoc_id = kAssoc;
    req.status = wire::StatusWord::make(wire::nid::kMd5WithRsa, wire::crypto_flag::kEnab);
    req.name = bad;
    const Answer a = respond(wire::Message(req), ctx_, host_);
    EXPECT_EQ(a.kind, Answer::Kind::None);
    EXPECT_EQ(a.reason, ResponderError::AssocNameScreened);
    EXPECT_FALSE(a.has_field());
  }
  // A different group passes: unicast servers do not compare groups.
  wire::AssocRequest other;
  other.assoc_id = kAssoc;
  other.name = "mallory@othergroup";
  EXPECT_EQ(respond(wire::Message(other), ctx_, host_).kind, Answer::Kind::Response);
}

TEST_F(ResponderHostile, ScreenedAssocRequestWithAGoodMacGetsNoReplyAtAll) {
  // Digest §9.7: the screen sits in ntpd's receive(), so the whole packet is
  // dropped: no ASSOC response and no plain time reply either.
  wire::AssocRequest req;
  req.assoc_id = kAssoc;
  req.status = wire::StatusWord::make(wire::nid::kMd5WithRsa, wire::crypto_flag::kEnab);
  req.name = "clientname";
  wire::Packet request;
  request.header.mode = 3;
  request.header.transmit_ts = std::uint64_t{kNow} << 32;
  auto ef = wire::encode(wire::Message(req));
  ASSERT_TRUE(ef.ok());
  request.fields.push_back(*ef);
  const std::uint32_t kid = 0x12345678;
  const auto sk = crypto::session_key(ctx_.client, ctx_.server, kid, 0);  // fields: cookie 0 (§6.4)
  const auto seal = [&] {  // the client's MAC over header and field
    wire::Writer w;
    (void)request.header.serialize(w);
    (void)request.fields.front().serialize(w);
    request.mac = wire::Mac{kid, crypto::mac_digest(sk.key, w.take())};
  };
  seal();
  const ServerReply plan = plan_server_reply(request, ctx_, host_);
  EXPECT_FALSE(plan.crypto_nak);
  EXPECT_TRUE(plan.drop);
  // The same request with the group in the name is answered.
  req.name = "clientname@servername";
  auto ok_ef = wire::encode(wire::Message(req));
  ASSERT_TRUE(ok_ef.ok());
  request.fields.front() = *ok_ef;
  seal();
  const ServerReply answered = plan_server_reply(request, ctx_, host_);
  EXPECT_FALSE(answered.drop);
  ASSERT_TRUE(answered.answer.has_value());
  EXPECT_EQ(answered.answer->kind, Answer::Kind::Response);
}

TEST_F(ResponderHostile, RequestWithABadMacGetsTheCryptoNak) {
  const auto cap = test::read_fixture_capture("iff-md5-512");
  auto payload = cap.frames.at(2).datagram->payload;  // the CERT request
  payload.back() ^= 0x01;
  const wire::Packet request = test::parse_packet(payload);
  const ServerReply plan = plan_server_reply(request, ctx_, host_);
  EXPECT_TRUE(plan.crypto_nak);
  EXPECT_FALSE(plan.answer.has_value());
  wire::Packet reply;
  reply.header.mode = 4;
  ASSERT_TRUE(finish_server_reply(reply, plan, ctx_, host_).ok());
  EXPECT_TRUE(reply.is_crypto_nak());
  EXPECT_EQ(reply.serialize()->size(), 52u);
}

TEST_F(ResponderHostile, RequestWithoutAnAutokeyMacIsNotAnswered) {
  const auto cap = test::read_fixture_capture("iff-md5-512");
  wire::Packet request = test::parse_packet(cap.frames.at(2).datagram->payload);
  request.mac.reset();
  const ServerReply plan = plan_server_reply(request, ctx_, host_);
  EXPECT_TRUE(plan.unauthenticated);
  EXPECT_FALSE(plan.answer.has_value());
}

}  // namespace
}  // namespace ak::core
