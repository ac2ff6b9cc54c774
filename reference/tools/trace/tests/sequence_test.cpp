// autokey-trace sequence: the arrows come from the capture, one per packet.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "testing/fixtures.h"
#include "trace/sequence.h"

namespace {

using ak::trace::Sequence;

Sequence sequence_of(const std::string& capture) {
  auto cap = ak::capture::read_capture(ak::testing::fixture(capture).string());
  EXPECT_TRUE(cap.ok());
  if (!cap) return {};
  return ak::trace::build_sequence(*cap);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

TEST(Sequence, IffSessionHasAClientAndAServerLifelineAndOneArrowPerPacket) {
  auto cap = ak::capture::read_capture(ak::testing::fixture("iff-md5-512/exchange.pcap").string());
  ASSERT_TRUE(cap.ok());
  const Sequence s = ak::trace::build_sequence(*cap);
  ASSERT_EQ(s.lifelines.size(), 2u);
  EXPECT_EQ(s.lifelines[0].role, "client");
  EXPECT_EQ(s.lifelines[0].address, "10.123.0.2");
  EXPECT_EQ(s.lifelines[1].role, "server");
  EXPECT_EQ(s.lifelines[1].address, "10.123.0.1");
  EXPECT_EQ(s.arrows.size(), cap->datagrams().size());
  for (const auto& a : s.arrows) EXPECT_NE(a.from, a.to) << "packet " << a.number;
}

TEST(Sequence, IffArrowsNameTheFieldsWithTheirResponseBitAndTheAssocStatusFlags) {
  const Sequence s = sequence_of("iff-md5-512/exchange.pcap");
  ASSERT_GE(s.arrows.size(), 18u);
  // Packets 1-2: the client announces ENAB only, the server ENAB|TAI|IFF
  // (status words 0x00080001 and 0x00080023, digest §5.11).
  EXPECT_EQ(s.arrows[0].label, "ASSOC [ENAB]");
  EXPECT_EQ(s.arrows[0].from, 0u);
  EXPECT_EQ(s.arrows[1].label, "ASSOC-R [ENAB|TAI|IFF]");
  EXPECT_EQ(s.arrows[1].from, 1u);
  EXPECT_EQ(s.arrows[4].label, "IFF");
  EXPECT_EQ(s.arrows[5].label, "IFF-R");
  EXPECT_EQ(s.arrows[8].label, "MAC 0x202b4caf");  // first plain autokey packet
  EXPECT_EQ(s.arrows[17].label, "LEAP-R");
  EXPECT_EQ(s.arrows[0].mode, "client");
}

TEST(Sequence, BroadcastCapturePutsTheBroadcastAddressOnItsOwnLifeline) {
  const Sequence s = sequence_of("bcast-tc-md5-512/exchange.pcap");
  ASSERT_EQ(s.lifelines.size(), 3u);
  EXPECT_EQ(s.lifelines[0].role, "client");
  EXPECT_EQ(s.lifelines[1].role, "server");
  EXPECT_EQ(s.lifelines[2].role, "broadcast");
  EXPECT_EQ(s.lifelines[2].address, "10.123.0.255");
  ASSERT_FALSE(s.arrows.empty());
  EXPECT_EQ(s.arrows[0].label, "AUTO-R");
  EXPECT_EQ(s.arrows[0].from, 1u);
  EXPECT_EQ(s.arrows[0].to, 2u);
  EXPECT_EQ(s.arrows[0].mode, "broadcast");
}

TEST(Sequence, SymmetricPacketWithTwoFieldsShowsBoth) {
  const Sequence s = sequence_of("sym-tc-md5-512/exchange.pcap");
  ASSERT_EQ(s.lifelines.size(), 2u);
  EXPECT_EQ(s.lifelines[0].role, "peer");
  EXPECT_EQ(s.lifelines[1].role, "peer");
  ASSERT_GE(s.arrows.size(), 2u);
  EXPECT_EQ(s.arrows[1].label, "ASSOC-R [ENAB|TAI] + CERT");
}

TEST(Sequence, SvgDrawsOneArrowPerPacketAndIsTheSameEveryTime) {
  const Sequence s = sequence_of("tc-md5-512/exchange.pcap");
  std::ostringstream a, b;
  ak::trace::print_sequence_svg(a, s, "t <&> t");
  ak::trace::print_sequence_svg(b, sequence_of("tc-md5-512/exchange.pcap"), "t <&> t");
  EXPECT_EQ(a.str(), b.str());
  EXPECT_EQ(count(a.str(), "marker-end="), s.arrows.size());
  EXPECT_NE(a.str().find("<title>t &lt;&amp;&gt; t</title>"), std::string::npos);
  EXPECT_NE(a.str().find(">COOK-R</text>"), std::string::npos);
}

TEST(Sequence, MermaidHasOneMessagePerPacket) {
  const Sequence s = sequence_of("tc-md5-512/exchange.pcap");
  std::ostringstream m;
  ak::trace::print_sequence_mermaid(m, s);
  EXPECT_EQ(m.str().rfind("sequenceDiagram\n", 0), 0u);
  EXPECT_EQ(count(m.str(), "->>"), s.arrows.size());
  EXPECT_NE(m.str().find("H0->>H1: 5 (32.001 s) COOK"), std::string::npos);
}

TEST(Sequence, TextLanesDrawEachArrowInItsDirection) {
  const Sequence s = sequence_of("iff-md5-512/exchange.pcap");
  std::ostringstream t;
  ak::trace::print_sequence_text(t, s);
  std::istringstream lines(t.str());
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_NE(header.find("client 10.123.0.2"), std::string::npos);
  EXPECT_NE(first.find("-- ASSOC [ENAB] --"), std::string::npos) << first;
  EXPECT_NE(first.find("->|"), std::string::npos) << first;
  EXPECT_NE(second.find("|<- ASSOC-R"), std::string::npos) << second;
}

std::pair<int, std::string> run_trace(const std::string& args) {
  const std::string cmd = std::string(AK_TRACE_BINARY) + " " + args + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  if (!f) return {-1, out};
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  return {pclose(f), out};
}

TEST(SequenceCommand, PrintsSvgForACapture) {
  const auto [rc, out] =
      run_trace("sequence " + ak::testing::fixture("iff-md5-512/exchange.pcap").string() + " --svg --title T");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("<svg"), std::string::npos);
  EXPECT_NE(out.find("<title>T</title>"), std::string::npos);
}

TEST(SequenceCommand, RefusesAnUnknownOption) {
  const auto [rc, out] = run_trace("sequence x.pcap --png");
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("unknown option '--png'"), std::string::npos) << out;
}

}  // namespace
