#include "trace/trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "testing/fixtures.h"

namespace ak::trace {
namespace {

struct Session {
  capture::Capture cap;
  TraceKeys keys;
};

Session load(const std::string& folder, const std::string& client_dir = "client",
             const std::string& client_pw = "client_password", const std::string& server_dir = "server",
             const std::string& server_pw = "server_password") {
  Session s;
  auto cap = capture::read_capture(testing::fixture(folder + "/exchange.pcap").string());
  EXPECT_TRUE(cap.ok());
  if (cap) s.cap = std::move(cap).value();
  s.keys = load_trace_keys({{testing::fixture(folder + "/" + client_dir), client_pw},
                            {testing::fixture(folder + "/" + server_dir), server_pw}});
  return s;
}

std::vector<const Check*> failures(const PacketReport& p) {
  std::vector<const Check*> out;
  for (const auto& c : p.checks)
    if (!c.ok) out.push_back(&c);
  return out;
}

bool has_failure(const Report& r, std::size_t packet, CheckKind kind) {
  for (const auto& p : r.packets)
    if (p.number == packet)
      for (const auto* c : failures(p))
        if (c->kind == kind) return true;
  return false;
}

wire::Bytes& payload(Session& s, std::size_t packet) { return s.cap.frames.at(packet - 1).datagram->payload; }

TEST(TraceVerify, IffSessionVerifiesWithEveryMacSignatureAndTheIdentityProofChecked) {
  auto s = load("iff-md5-512");
  EXPECT_TRUE(s.keys.errors.empty());
  const auto t = verify(s.cap, s.keys).totals();
  EXPECT_EQ(t.packets, 28u);
  EXPECT_EQ(t.macs_ok, 28u);  // every packet carries a MAC, and every one was checked
  // CERT-R, IFF-R, COOK-R, SIGN (client), SIGN-R, LEAP-R.
  EXPECT_EQ(t.signatures_ok, 6u);
  EXPECT_EQ(t.identity_ok, 1u);
  EXPECT_EQ(t.failures, 0u);
}

TEST(TraceVerify, TcSessionVerifiesWithZeroFailures) {
  auto s = load("tc-md5-512");
  const auto t = verify(s.cap, s.keys).totals();
  EXPECT_EQ(t.packets, 16u);
  EXPECT_EQ(t.macs_ok, 16u);
  EXPECT_EQ(t.signatures_ok, 5u);
  EXPECT_EQ(t.failures, 0u);
}

TEST(TraceVerify, CookieIsDecryptedWithTheClientHostKeyAndRecognisedAsTheZeroSeedCookie) {
  auto s = load("iff-md5-512");
  const auto r = verify(s.cap, s.keys);
  const auto& p8 = r.packets.at(7);
  const auto cookie = std::find_if(p8.checks.begin(), p8.checks.end(),
                                   [](const Check& c) { return c.kind == CheckKind::Cookie; });
  ASSERT_NE(cookie, p8.checks.end());
  EXPECT_TRUE(cookie->ok);
  EXPECT_NE(cookie->what.find("0x8ac8a20a"), std::string::npos);
  ASSERT_FALSE(p8.notes.empty());
  EXPECT_NE(p8.notes.front().find("server seed is zero"), std::string::npos);
}

TEST(TraceVerify, FlippedBitInAMacIsCaughtAtThatPacket) {
  auto s = load("iff-md5-512");
  payload(s, 9).back() ^= 0x01;
  const auto r = verify(s.cap, s.keys);
  EXPECT_TRUE(has_failure(r, 9, CheckKind::Mac));
  EXPECT_EQ(r.totals().failures, 1u);
}

TEST(TraceVerify, FlippedBitInASignatureIsCaughtAtThatPacket) {
  auto s = load("iff-md5-512");
  auto& p = payload(s, 4);
  // The CERT-R signature (64 octets, no padding) ends just before the 20-octet MAC.
  p[p.size() - 20 - 5] ^= 0x80;
  const auto r = verify(s.cap, s.keys);
  EXPECT_TRUE(has_failure(r, 4, CheckKind::Signature));
  EXPECT_TRUE(has_failure(r, 4, CheckKind::Mac));  // the MAC covers the signature too
  EXPECT_FALSE(has_failure(r, 4, CheckKind::Certificate));
}

TEST(TraceVerify, FlippedBitInAnIdentityResponseIsCaughtAtThatPacket) {
  auto s = load("iff-md5-512");
  // Header 48 + EF word, assoc, ts, fs, vl (20) = value starts at 68; y's
  // octets start after the DER SEQUENCE and INTEGER headers.
  payload(s, 6)[68 + 8] ^= 0x04;
  const auto r = verify(s.cap, s.keys);
  EXPECT_TRUE(has_failure(r, 6, CheckKind::Identity));
  EXPECT_EQ(r.totals().identity_ok, 0u);
}

TEST(TraceVerify, FlippedBitInTheCookieCiphertextFailsTheCookieAndLaterMacs) {
  auto s = load("iff-md5-512");
  payload(s, 8)[68 + 3] ^= 0x10;
  const auto r = verify(s.cap, s.keys);
  EXPECT_TRUE(has_failure(r, 8, CheckKind::Cookie));
  // Without the cookie, the next packets fall back to the zero-seed cookie,
  // which for ntpd 4.2.8p15 is right: they still verify.
  EXPECT_FALSE(has_failure(r, 9, CheckKind::Mac));
}

TEST(TraceVerify, GqSessionFailsEveryProofAndExplainsItByTheNtpdDefect) {
  auto s = load("gq-sha1-1024");
  const auto r = verify(s.cap, s.keys);
  std::size_t gq_failures = 0;
  for (const auto& p : r.packets)
    for (const auto* c : failures(p)) {
      EXPECT_EQ(c->kind, CheckKind::Identity) << "packet " << p.number << ": " << c->what;
      EXPECT_NE(c->what.find("defective GQ arithmetic"), std::string::npos);
      ++gq_failures;
    }
  EXPECT_EQ(gq_failures, 8u);
  EXPECT_EQ(r.totals().macs_ok, 20u);
}

TEST(TraceVerify, BroadcastKeyIdsChainToTheAdvertisedAutokey) {
  auto s = load("bcast-tc-md5-512");
  const auto r = verify(s.cap, s.keys);
  std::size_t chains = 0;
  for (const auto& p : r.packets)
    for (const auto& c : p.checks)
      if (c.kind == CheckKind::Chain) {
        EXPECT_TRUE(c.ok) << "packet " << p.number;
        ++chains;
      }
  EXPECT_GE(chains, 6u);
  EXPECT_EQ(r.totals().failures, 0u);
}

TEST(TraceVerify, SymmetricPeersMacsVerifyWithCookieZero) {
  auto s = load("sym-tc-md5-512", "a", "apw", "b", "bpw");
  const auto t = verify(s.cap, s.keys).totals();
  EXPECT_EQ(t.macs_ok, 33u);
  EXPECT_EQ(t.failures, 0u);
}

TEST(TraceKeys, WrongPasswordIsReportedPerFileAndTheCookieCannotBeDecrypted) {
  auto s = load("iff-md5-512", "client", "not_the_password");
  ASSERT_FALSE(s.keys.errors.empty());
  EXPECT_NE(s.keys.errors.front().find("ntpkey_RSAhost_clientname"), std::string::npos);
  const auto r = verify(s.cap, s.keys);
  EXPECT_TRUE(has_failure(r, 8, CheckKind::Cookie));
}

TEST(TraceKeys, KeySourceSplitsAtTheLastColon) {
  const auto k = parse_key_source("keys/dir:pw");
  EXPECT_EQ(k.dir, "keys/dir");
  EXPECT_EQ(k.password, "pw");
  EXPECT_EQ(parse_key_source("plain").password, "");
}

TEST(TraceDecode, Mode6QueriesDecodeAsControlMessages) {
  auto cap = capture::read_capture(testing::fixture("mode6-ntpq/ntpq-queries.pcap").string());
  ASSERT_TRUE(cap.ok());
  const auto r = decode(*cap);
  ASSERT_EQ(r.packets.size(), cap->frames.size());
  for (const auto& p : r.packets) EXPECT_EQ(p.summary.rfind("control ", 0), 0u) << p.summary;
}

TEST(TraceReport, SummaryLineHasTheDocumentedForm) {
  Totals t;
  t.packets = 3;
  t.macs_ok = 2;
  t.signatures_ok = 1;
  t.identity_ok = 1;
  t.failures = 0;
  EXPECT_EQ(summary_line(t), "3 packets, 2 MACs ok, 1 signatures ok, 1 identity proofs ok, 0 failures");
}

TEST(TraceReport, JsonCarriesTheSummaryAndEscapesStrings) {
  Report r;
  PacketReport p;
  p.number = 1;
  p.summary = "quote \" and \\ backslash";
  p.checks.push_back({CheckKind::Mac, false, "bad"});
  r.packets.push_back(p);
  std::ostringstream out;
  print_json(out, r, true);
  EXPECT_NE(out.str().find("\"failures\":1"), std::string::npos);
  EXPECT_NE(out.str().find("quote \\\" and \\\\ backslash"), std::string::npos);
}

// The program itself: exit status and the packet named in the output.
std::pair<int, std::string> run(const std::string& args) {
  const std::string cmd = std::string(AK_TRACE_BINARY) + " " + args + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  const int status = pclose(f);
  return {WEXITSTATUS(status), out};
}

TEST(TraceProgram, VerifyOfTheIffFixtureExitsZeroWithTheSummaryLast) {
  const auto dir = testing::fixture("iff-md5-512").string();
  auto [rc, out] = run("verify " + dir + "/exchange.pcap --keys " + dir + "/client:client_password --keys " + dir +
                       "/server:server_password");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("28 packets, 28 MACs ok, 6 signatures ok, 1 identity proofs ok, 0 failures\n"),
            std::string::npos)
      << out;
}

TEST(TraceProgram, VerifyOfACaptureWithAFlippedMacBitExitsNonZeroNamingThePacket) {
  const auto dir = testing::fixture("iff-md5-512").string();
  auto file = testing::read_bytes(dir + "/exchange.pcap");
  auto cap = capture::read_capture(dir + "/exchange.pcap");
  ASSERT_TRUE(cap.ok());
  const auto& p9 = cap->frames.at(8).datagram->payload;
  auto at = std::search(file.begin(), file.end(), p9.begin(), p9.end());
  ASSERT_NE(at, file.end());
  *(at + static_cast<std::ptrdiff_t>(p9.size()) - 1) ^= 0x01;
  const std::string out_path = ::testing::TempDir() + "flipped_mac.pcap";
  std::ofstream(out_path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()),
                                                  static_cast<std::streamsize>(file.size()));
  auto [rc, out] = run("verify " + out_path + " --keys " + dir + "/client:client_password --keys " + dir +
                       "/server:server_password");
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("(packet 9)"), std::string::npos) << out;
  EXPECT_NE(out.find(", 1 failures"), std::string::npos) << out;
}

TEST(TraceProgram, UnknownOptionIsAUsageError) {
  auto [rc, out] = run("verify x.pcap --frobnicate");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("unknown option"), std::string::npos);
}

}  // namespace
}  // namespace ak::trace
