// autokey-q: reassembly and ntpq's printing against the mode6-ntpq capture
// and ntpq's own text output, then the built program over loopback.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "capture_source.h"
#include "q/print.h"
#include "q/q.h"
#include "testing/fixtures.h"

namespace ak::q {
namespace {

struct Answer {
  wire::ControlMessage request;
  std::vector<wire::ControlMessage> fragments;
};

std::vector<Answer> captured_answers() {
  auto cap = capture::read_capture(ak::testing::fixture("mode6-ntpq/ntpq-queries.pcap").string());
  EXPECT_TRUE(cap.ok());
  std::vector<Answer> out;
  if (!cap.ok()) return out;
  for (const auto& d : cap->datagrams()) {
    auto m = wire::ControlMessage::parse(d.payload);
    EXPECT_TRUE(m.ok());
    if (!m.ok()) continue;
    if (d.dst_port == 123) out.push_back({*m, {}});
    else if (!out.empty()) out.back().fragments.push_back(*m);
  }
  return out;
}

Response reassemble(const Answer& a) {
  Reassembler r(a.request.opcode, a.request.sequence);
  for (const auto& f : a.fragments) EXPECT_TRUE(r.add(f).ok());
  EXPECT_TRUE(r.complete());
  return r.take();
}

// ntpq-output.txt, cut into the views it holds (the order the capture
// script ran them): rv 0 flags,cert / -p / as / rv 36732 flags / rv 0 / rv 36732.
struct NtpqViews {
  std::string rv0_flags_cert, peers, as, rv_assoc_flags, rv0, rv_assoc;
};

NtpqViews ntpq_views() {
  const std::string text = ak::testing::read_text(ak::testing::fixture("mode6-ntpq/ntpq-output.txt"));
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
  const auto join = [&](std::size_t from, std::size_t to) {
    std::string s;
    for (std::size_t i = from; i < to && i < lines.size(); ++i) s += lines[i];
    return s;
  };
  const auto find = [&](const std::string& prefix) {
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].rfind(prefix, 0) == 0) return i;
    ADD_FAILURE() << "no line starting " << prefix;
    return lines.size();
  };
  NtpqViews v;
  const std::size_t peers = find("     remote"), as = find("ind assid"), rv0 = find("associd=0 "),
                    rva = find("associd=36732 ");
  v.rv0_flags_cert = join(0, peers);
  v.peers = join(peers, peers + 3);
  v.as = join(as, as + 3);
  v.rv_assoc_flags = join(as + 3, rv0);
  v.rv0 = join(rv0, rva);
  v.rv_assoc = join(rva, lines.size());
  return v;
}

constexpr std::uint32_t kCaptureClock = 0xeeb2ea7d;  // the system `clock` when ntpq ran

TEST(QFixture, CapturedAnswersPrintExactlyAsNtpqPrintedThem) {
  const auto answers = captured_answers();
  ASSERT_EQ(answers.size(), 8u);
  const NtpqViews want = ntpq_views();
  // Requests: 1 READSTAT, 3 rv 0 flags,cert, 5+7 -p, 10 as, 12 rv 36732 flags,
  // 14 rv 0, 17 rv 36732.
  EXPECT_EQ(format_readvar(reassemble(answers[1]), true), want.rv0_flags_cert);
  const auto assocs = parse_readstat(reassemble(answers[2]).data);
  ASSERT_EQ(assocs.size(), 1u);
  EXPECT_EQ(assocs[0].id, 36732);
  EXPECT_EQ(assocs[0].status, 0xf61e);
  const Response peer = reassemble(answers[3]);
  EXPECT_EQ(format_peers({{peer.status, split_variables(peer.data)}}, kCaptureClock), want.peers);
  EXPECT_EQ(format_associations(parse_readstat(reassemble(answers[4]).data)), want.as);
  EXPECT_EQ(format_readvar(reassemble(answers[5]), true), want.rv_assoc_flags);
  EXPECT_EQ(format_readvar(reassemble(answers[6]), false), want.rv0);
  EXPECT_EQ(format_readvar(reassemble(answers[7]), false), want.rv_assoc);
}

TEST(QReassembly, FragmentsInAnyOrderReassembleByOffset) {
  const auto answers = captured_answers();
  ASSERT_GE(answers.size(), 7u);
  const Answer& a = answers[6];  // two fragments
  ASSERT_EQ(a.fragments.size(), 2u);
  Reassembler r(a.request.opcode, a.request.sequence);
  ASSERT_TRUE(r.add(a.fragments[1]).ok());
  EXPECT_FALSE(r.complete());  // the last one alone leaves a gap
  ASSERT_TRUE(r.add(a.fragments[0]).ok());
  EXPECT_TRUE(r.complete());
  EXPECT_EQ(r.take().data.size(), 468u + 266u);
}

TEST(QReassembly, DuplicatesOverlapsForeignAndErrorRepliesAreRejected) {
  wire::ControlMessage f;
  f.response = true;
  f.opcode = 2;
  f.sequence = 9;
  f.more = true;
  f.data.assign(100, 'a');
  Reassembler r(2, 9);
  ASSERT_TRUE(r.add(f).ok());
  EXPECT_EQ(r.add(f).error(), QError::DuplicateFragment);
  wire::ControlMessage overlap = f;
  overlap.offset = 50;
  EXPECT_EQ(r.add(overlap).error(), QError::OverlappingFragment);
  wire::ControlMessage other = f;
  other.sequence = 8;
  EXPECT_EQ(r.add(other).error(), QError::NotAResponse);
  wire::ControlMessage request = f;
  request.response = false;
  EXPECT_EQ(r.add(request).error(), QError::NotAResponse);
  wire::ControlMessage err = f;
  err.error = true;
  err.status = 4 << 8;
  EXPECT_EQ(r.add(err).error(), QError::ServerError);
  EXPECT_EQ(r.error_code(), 4);
}

TEST(QReassembly, MoreThanThirtyTwoFragmentsAreRefused) {
  Reassembler r(2, 1);
  wire::ControlMessage f;
  f.response = true;
  f.opcode = 2;
  f.sequence = 1;
  f.more = true;
  f.data.assign(4, 'x');
  for (std::size_t i = 0; i < kMaxFragments; ++i) {
    f.offset = static_cast<std::uint16_t>(i * 4);
    ASSERT_TRUE(r.add(f).ok());
  }
  f.offset = static_cast<std::uint16_t>(kMaxFragments * 4);
  EXPECT_EQ(r.add(f).error(), QError::TooManyFragments);
}

TEST(QPrint, SplitVariablesKeepsCommasInsideQuotes) {
  const auto v = split_variables(" a=1,\r\nb=\"x, y\", c ,d=\r\n");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[1], (Variable{"b", "\"x, y\""}));
  EXPECT_EQ(v[2], (Variable{"c", ""}));
  EXPECT_EQ(v[3], (Variable{"d", ""}));
}

TEST(QPrint, StatusWordsDecodeAsNtpqDoes) {
  EXPECT_EQ(system_status_text(0x0616), "leap_none, sync_ntp, 1 event, restart");
  EXPECT_EQ(peer_status_text(0xf63a), "conf, authenb, auth, reach, sel_sys.peer, 3 events, sys_peer");
  EXPECT_EQ(peer_status_text(0xc011), "conf, authenb, sel_reject, 1 event, mobilize");
  EXPECT_EQ(format_associations({{12345, 0xf63a}, {12346, 0xc011}}),
            "ind assid status  conf reach auth condition  last_event cnt\n"
            "===========================================================\n"
            "  1 12345  f63a   yes   yes   ok   sys.peer    sys_peer  3\n"
            "  2 12346  c011   yes    no   bad    reject    mobilize  1\n");
}

TEST(QPrint, ReferenceClocksShowTheirDriverNameUnlessNumeric) {
  PeerRow local{0x963a, split_variables("srcadr=127.127.1.0, stratum=3, refid=TEST, hmode=3, hpoll=3, ppoll=3, "
                                        "reach=0x7, delay=0.000, offset=0.000, jitter=0.001")};
  PeerRow nmea{0x8011, split_variables("srcadr=127.127.20.1, stratum=0, refid=GPS, hmode=3, hpoll=4, ppoll=4")};
  const std::string named = format_peers({local, nmea}, 0);
  EXPECT_NE(named.find("\n*LOCAL(0)        .TEST.           3 l"), std::string::npos) << named;
  EXPECT_NE(named.find("\n GPS_NMEA(1)     .GPS.            0 l"), std::string::npos) << named;
  const std::string numeric = format_peers({local, nmea}, 0, true);
  EXPECT_NE(numeric.find("\n*127.127.1.0     .TEST.           3 l"), std::string::npos) << numeric;
  EXPECT_NE(numeric.find("\n 127.127.20.1    .GPS.            0 l"), std::string::npos) << numeric;
}

TEST(QPrint, ClockVariablesPrintWithNtpqsClockStatus) {
  EXPECT_EQ(clock_status_text(0x0000), "clk_unspec, last_clk_unspec");
  EXPECT_EQ(clock_status_text(0x0301), "clk_fault, last_clk_no_reply");
  EXPECT_EQ(clock_status_text(0x0900), "clk_9, last_clk_unspec");
  const Response r{0x0000, 17288, "device=\"LOCAL(0)\", type=1, poll=12,\r\nrefid=TEST\r\n"};
  EXPECT_EQ(format_clockvar(r, false),
            "associd=17288 status=0000 clk_unspec, last_clk_unspec,\n"
            "device=\"LOCAL(0)\", type=1, poll=12, refid=TEST\n");
  EXPECT_EQ(format_clockvar(r, true), "device=\"LOCAL(0)\", type=1, poll=12, refid=TEST\n");
}

// --- the built program against an in-process responder on loopback ---

struct Run {
  int status = -1;
  std::string out;
};

Run run_q(std::uint16_t port, const std::string& args) {
  const std::string cmd = std::string(AK_Q_BINARY) + " --port " + std::to_string(port) + " " + args + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  r.status = ::pclose(p);
  return r;
}

TEST(QLoopback, AutokeyQAgainstAkControlPrintsWhatNtpqPrinted) {
  const auto source = control::testing::mode6_capture_source();
  control::testing::UdpResponder server(source, 0);
  ASSERT_TRUE(server.ok());
  server.start();
  const NtpqViews want = ntpq_views();
  auto r = run_q(server.port(), "-c 'rv 0 flags,cert' 127.0.0.1");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, want.rv0_flags_cert);
  r = run_q(server.port(), "-n -c as -c 'rv 36732 flags' -c rv -c 'rv 36732' 127.0.0.1");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, want.as + want.rv_assoc_flags + want.rv0 + want.rv_assoc);
  // -p: identical but for `when`, which depends on today's clock.
  r = run_q(server.port(), "-p 127.0.0.1");
  EXPECT_EQ(r.status, 0);
  ASSERT_EQ(r.out.size(), want.peers.size()) << r.out;
  const std::size_t row = want.peers.rfind('*');
  EXPECT_EQ(r.out.substr(0, row + 37), want.peers.substr(0, row + 37));
  EXPECT_EQ(r.out.substr(row + 42), want.peers.substr(row + 42));
  server.stop();
}

TEST(QLoopback, ServerErrorsAndSilenceAreReportedWithFailureStatus) {
  const auto source = control::testing::mode6_capture_source();
  control::testing::UdpResponder server(source, 0);
  ASSERT_TRUE(server.ok());
  server.start();
  auto r = run_q(server.port(), "-c 'rv 999' 127.0.0.1");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out, "***Server reports unknown association\n");
  r = run_q(server.port(), "-c 'rv 0 nosuch' 127.0.0.1");
  EXPECT_EQ(r.out, "***Server reports unknown variable\n");
  r = run_q(server.port(), "-c frob 127.0.0.1");
  EXPECT_NE(r.status, 0);
  server.stop();
}

}  // namespace
}  // namespace ak::q
