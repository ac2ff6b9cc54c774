// The mode 6 responder against ntpd's own answers (mode6-ntpq capture):
// every captured request, fed to handle_request with the capture's state,
// must give back the captured response datagrams octet for octet.
#include <gtest/gtest.h>

#include "capture/capture.h"
#include "capture_source.h"
#include "control/responder.h"
#include "testing/fixtures.h"

namespace ak::control {
namespace {

using testing::kCaptureAssocId;
using testing::mode6_capture_source;

struct Exchange {
  std::size_t request_number = 0;
  wire::Bytes request;
  std::vector<wire::Bytes> responses;
};

std::vector<Exchange> captured_exchanges() {
  auto cap = capture::read_capture(ak::testing::fixture("mode6-ntpq/ntpq-queries.pcap").string());
  EXPECT_TRUE(cap.ok());
  std::vector<Exchange> out;
  if (!cap.ok()) return out;
  for (const auto& d : cap->datagrams()) {
    if (d.dst_port == 123) {
      out.push_back({d.number, d.payload, {}});
    } else if (!out.empty()) {
      out.back().responses.push_back(d.payload);
    }
  }
  return out;
}

std::string text(const wire::Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(ControlGolden, EveryCapturedRequestGetsNtpdsExactResponse) {
  const auto source = mode6_capture_source();
  const auto exchanges = captured_exchanges();
  ASSERT_EQ(exchanges.size(), 8u);
  for (const auto& e : exchanges) {
    const auto ours = handle_request(e.request, source);
    ASSERT_EQ(ours.size(), e.responses.size()) << "request packet " << e.request_number;
    for (std::size_t i = 0; i < ours.size(); ++i)
      EXPECT_EQ(text(ours[i]), text(e.responses[i])) << "request packet " << e.request_number << " fragment " << i;
  }
}

wire::ControlMessage request(std::uint8_t opcode, std::uint16_t assoc, std::string data = "") {
  wire::ControlMessage m;
  m.version = 2;
  m.opcode = opcode;
  m.sequence = 7;
  m.assoc_id = assoc;
  m.data.assign(data.begin(), data.end());
  return m;
}

std::vector<wire::ControlMessage> ask(const VariableSource& s, const wire::ControlMessage& req) {
  std::vector<wire::ControlMessage> out;
  for (const auto& b : handle_request(*req.serialize(), s)) {
    auto m = wire::ControlMessage::parse(b);
    EXPECT_TRUE(m.ok());
    if (m.ok()) out.push_back(*m);
  }
  return out;
}

TEST(ControlReadVar, NamedVariablesComeBackInCodeOrderNotRequestOrder) {
  const auto s = mode6_capture_source();
  const auto r = ask(s, request(2, 0, "signature, digest ,host"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(text(r[0].data), "host=\"clientname@servername\", signature=\"md5WithRSAEncryption\",\r\ndigest=\"md5\"\r\n");
}

TEST(ControlReadVar, UntilAloneReturnsNothingAndDuplicatesCollapse) {
  const auto s = mode6_capture_source();
  auto r = ask(s, request(2, 0, "until"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].data.empty());
  EXPECT_FALSE(r[0].error);
  r = ask(s, request(2, 0, "flags,flags=3"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(text(r[0].data), "flags=0x80003\r\n");
}

TEST(ControlReadVar, UnknownVariableGetsUnknownVarError) {
  const auto s = mode6_capture_source();
  const auto r = ask(s, request(2, 0, "flags,nosuchvar"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].error);
  EXPECT_TRUE(r[0].response);
  EXPECT_EQ(r[0].status, 5u << 8);
  EXPECT_EQ(r[0].sequence, 7);
  EXPECT_TRUE(r[0].data.empty());
}

TEST(ControlReadVar, UnknownAssociationGetsBadAssocError) {
  const auto s = mode6_capture_source();
  for (std::uint8_t op : {1, 2}) {
    const auto r = ask(s, request(op, 999, "flags"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(r[0].error);
    EXPECT_EQ(r[0].status, 4u << 8);
    EXPECT_EQ(r[0].assoc_id, 999);
  }
}

TEST(ControlReadVar, PeerAutokeyValuesTravelTogetherAndNeverAlone) {
  auto s = mode6_capture_source();
  s.peer(kCaptureAssocId)->autokey = AutokeyValuesInfo{95, 0x7238009f, calendar_date(2026, 11, 26, 17, 30)};
  auto r = ask(s, request(2, kCaptureAssocId, "timestamp,initsequence,ident"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(text(r[0].data), "initsequence=95, initkey=0x7238009f, timestamp=202611261730,\r\nident=\"servername\"\r\n");
  r = ask(s, request(2, kCaptureAssocId, "initkey,timestamp,valid"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].data.empty());
}

TEST(ControlReadStat, PeerReadStatIsTheDefaultPeerList) {
  const auto s = mode6_capture_source();
  const auto stat = ask(s, request(1, kCaptureAssocId));
  const auto var = ask(s, request(2, kCaptureAssocId));
  ASSERT_EQ(stat.size(), 2u);
  ASSERT_EQ(var.size(), 2u);
  EXPECT_EQ(stat[0].data, var[0].data);
  EXPECT_EQ(stat[1].data, var[1].data);
  EXPECT_EQ(stat[0].opcode, 1);
}

TEST(ControlReadStat, ManyAssociationsFragmentAt468Octets) {
  StaticVariableSource s;
  for (std::uint16_t i = 1; i <= 200; ++i) s.peers.emplace_back(i, StaticVariableSource::Peer{0x8011, {}, {}});
  const auto r = ask(s, request(1, 0));
  ASSERT_EQ(r.size(), 2u);  // 800 octets
  EXPECT_TRUE(r[0].more);
  EXPECT_FALSE(r[1].more);
  EXPECT_EQ(r[0].data.size(), 468u);
  EXPECT_EQ(r[1].offset, 468);
  EXPECT_EQ(r[1].data.size(), 800u - 468u);
  EXPECT_EQ(r[1].data[800 - 468 - 4], 0);  // last pair: assoc 200 = 0x00c8
  EXPECT_EQ(r[1].data[800 - 468 - 3], 200);
}

TEST(ControlRequests, ResponsesFragmentsNonZeroOffsetAndBadVersionsAreDropped) {
  const auto s = mode6_capture_source();
  auto resp = request(1, 0);
  resp.response = true;
  EXPECT_TRUE(handle_request(*resp.serialize(), s).empty());
  auto frag = request(1, 0);
  frag.more = true;
  EXPECT_TRUE(handle_request(*frag.serialize(), s).empty());
  auto off = request(1, 0);
  off.offset = 4;
  EXPECT_TRUE(handle_request(*off.serialize(), s).empty());
  auto v5 = request(1, 0);
  v5.version = 5;
  EXPECT_TRUE(handle_request(*v5.serialize(), s).empty());
  EXPECT_TRUE(handle_request(wire::Bytes{0x16, 0x01, 0, 1}, s).empty());
}

TEST(ControlRequests, CountBeyondThePacketGetsBadFormat) {
  const auto s = mode6_capture_source();
  wire::Bytes b = *request(2, 0, "flags").serialize();
  b[11] = 200;  // count claims more than is there
  const auto r = handle_request(b, s);
  ASSERT_EQ(r.size(), 1u);
  auto m = wire::ControlMessage::parse(r[0]);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->error);
  EXPECT_EQ(m->status, 2u << 8);
}

TEST(ControlRequests, WriteOperationsArePermissionDeniedAndUnknownOpcodesBadOpcode) {
  const auto s = mode6_capture_source();
  auto r = ask(s, request(3, 0, "leap=1"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 1u << 8);
  r = ask(s, request(20, 0));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 3u << 8);
  EXPECT_EQ(describe(ControlError::BadOpcode), "unknown opcode");
}

StaticVariableSource with_local_clock(std::uint16_t assoc) {
  StaticVariableSource s = mode6_capture_source();
  ClockReading c;
  c.status = 0x0000;
  c.variables = {{"device", Quoted{"LOCAL(0)"}}, {"type", std::uint64_t{1}}, {"poll", std::uint64_t{12}},
                 {"fudgetime1", Text{"0.000"}}, {"stratum", std::uint64_t{3}}, {"refid", Text{"TEST"}}};
  s.clocks[assoc] = c;
  return s;
}

TEST(ControlReadClock, ClockAssociationAnswersItsVariablesInOrder) {
  const auto s = with_local_clock(kCaptureAssocId);
  const auto r = ask(s, request(4, kCaptureAssocId));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].error);
  EXPECT_EQ(r[0].opcode, 4);
  EXPECT_EQ(text(r[0].data), "device=\"LOCAL(0)\", type=1, poll=12, fudgetime1=0.000, stratum=3,\r\nrefid=TEST\r\n");
}

TEST(ControlReadClock, NamedVariablesAreFilteredAndUnknownNamesRefused) {
  const auto s = with_local_clock(kCaptureAssocId);
  auto r = ask(s, request(4, kCaptureAssocId, "refid,type"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(text(r[0].data), "type=1, refid=TEST\r\n");
  r = ask(s, request(4, kCaptureAssocId, "type,timecode"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].error);
  EXPECT_EQ(r[0].status, 5u << 8);
}

TEST(ControlReadClock, NetworkAssociationHasNoClockVariables) {
  const auto s = mode6_capture_source();  // its only association is a network server
  const auto r = ask(s, request(4, kCaptureAssocId));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].error);
  EXPECT_EQ(r[0].status, 4u << 8);
}

TEST(ControlFormat, LongTextIsSplitAcrossFragmentsAndReassemblesExactly) {
  wire::ControlMessage h = request(2, 0);
  ResponseBuilder b(h);
  std::string expected;
  for (int i = 0; i < 60; ++i) {
    const std::string item = "v" + std::to_string(i) + "=\"" + std::string(30, 'x') + "\"";
    b.text_item(item);
  }
  const auto frags = b.finish();
  ASSERT_GE(frags.size(), 5u);
  std::string all;
  std::size_t offset = 0;
  for (std::size_t i = 0; i < frags.size(); ++i) {
    EXPECT_EQ(frags[i].offset, offset);
    EXPECT_EQ(frags[i].more, i + 1 < frags.size());
    if (i + 1 < frags.size()) {
      EXPECT_EQ(frags[i].data.size(), kMaxFragmentData);
    }
    offset += frags[i].data.size();
    all += text(frags[i].data);
  }
  // Lines never reach 72 columns except for single long items, and the
  // list is the items joined by ", " or ",\r\n".
  std::size_t line_start = 0;
  for (std::size_t p = all.find("\r\n"); p != std::string::npos; p = all.find("\r\n", line_start)) {
    EXPECT_LT(p - line_start, kMaxLineLength);
    line_start = p + 2;
  }
  EXPECT_EQ(all.substr(all.size() - 2), "\r\n");
}

TEST(ControlFormat, ValuesUseNtpdsPrintfFormats) {
  EXPECT_EQ(format_value(Hex{0x87f23}), "0x87f23");
  EXPECT_EQ(format_value(NtpTimestamp{0xeeb2ea72, 0x5327f161}), "0xeeb2ea72.5327f161");
  EXPECT_EQ(format_value(NtpTimestamp{1, 2}), "0x00000001.00000002");
  EXPECT_EQ(format_value(Quoted{""}), "\"\"");
  EXPECT_EQ(format_value(std::int64_t{-24}), "-24");
  EXPECT_EQ(format_value(keyid_value(65535)), "65535");
  EXPECT_EQ(format_value(keyid_value(65536)), "0x10000");
  EXPECT_EQ(format_value(fixed(10.9514, 3)), "10.951");
  EXPECT_EQ(format_value(calendar_date(2027, 11, 26, 17, 25)), "202711261725");
  EXPECT_EQ(format_value(calendar_date(2000, 2, 29, 0, 0)), "200002290000");
  // 2026-11-26 17:25 UTC as NTP seconds: 1795713900 + 2208988800.
  EXPECT_EQ(format_value(calendar_from_ntp_seconds(4004702700u)), "202611261725");
}

TEST(ControlStatus, PeerAndSystemWordsMatchTheDigestsWorkedExamples) {
  PeerStatus p;
  p.configured = p.auth_enabled = p.authentic = p.reachable = true;
  p.selection = Selection::SysPeer;
  p.event_count = 3;
  p.last_event = 10;
  EXPECT_EQ(p.word(), 0xf63a);
  EXPECT_EQ(PeerStatus::from_word(0xf63a), p);
  EXPECT_EQ(PeerStatus::from_word(0xc011).word(), 0xc011);
  EXPECT_FALSE(PeerStatus::from_word(0xc011).authentic);
  p.event_count = 40;  // saturates
  EXPECT_EQ(p.word() & 0xf0, 0xf0);
  SystemStatus s{0, 6, 1, 6};
  EXPECT_EQ(s.word(), 0x0616);
  EXPECT_EQ(SystemStatus::from_word(0x0616), s);
  EXPECT_EQ(system_event_name(6), "restart");
  EXPECT_EQ(clock_source_name(6), "sync_ntp");
  EXPECT_EQ(selection_name(6), "sys.peer");
  EXPECT_EQ(peer_event_name(14), "interleave_mode");
}

TEST(ControlVariables, NamesAndCodesRoundTrip) {
  EXPECT_EQ(system_variable_named("digest"), SystemVariable::Digest);
  EXPECT_EQ(static_cast<int>(SystemVariable::Digest), 101);
  EXPECT_EQ(name(SystemVariable::Cert), "cert");
  EXPECT_EQ(peer_variable_named("initsequence"), PeerVariable::InitSequence);
  EXPECT_EQ(name(PeerVariable::KeyId), "keyid");
  EXPECT_FALSE(peer_variable_named("digest").has_value());
  for (const auto v : default_system_variables()) EXPECT_EQ(system_variable_named(name(v)), v);
  for (const auto v : default_peer_variables()) EXPECT_EQ(peer_variable_named(name(v)), v);
}

}  // namespace
}  // namespace ak::control
