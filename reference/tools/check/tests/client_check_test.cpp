#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "check/client_check.h"
#include "check/tests/check_test_support.h"

namespace ak::check::test {
namespace {

TEST(ClientCheck, OurIffClientRefusesTheTamperedAnswersAndCompletesTheSession) {
  const Report r = run_client_mode("iff-md5-512", core::Scheme::Iff);
  EXPECT_EQ(r.find("CLIENT-VALID-SESSION")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-CRYPTO-NAK")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-WRONG-GROUP-NAME")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-WRONG-GROUP")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-BAD-SIGNATURE")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-REPLAYED-COOKIE")->verdict, Verdict::Pass) << r.table();
  // Found by this checker: the engine (like ntpd 4.2.8p15) once trusted an
  // expired root; core now refuses it (AssocError::CertificateExpired).
  EXPECT_EQ(r.find("CLIENT-EXPIRED-CERT")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 0u) << r.table();
}

TEST(ClientCheck, OurTcClientSkipsOnlyTheIdentityScenario) {
  const Report r = run_client_mode("tc-md5-512", core::Scheme::Tc);
  EXPECT_EQ(r.find("CLIENT-VALID-SESSION")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-WRONG-GROUP")->verdict, Verdict::Skip) << r.table();
  EXPECT_EQ(r.find("CLIENT-WRONG-GROUP-NAME")->verdict, Verdict::Pass) << r.table();
  if (std::getenv("AK_CHECK_DEBUG")) std::cout << r.table();
  EXPECT_EQ(r.find("CLIENT-CRYPTO-NAK")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-EXPIRED-CERT")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-BAD-SIGNATURE")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-REPLAYED-COOKIE")->verdict, Verdict::Pass) << r.table();
}

TEST(ClientCheck, RandomAndTruncatedDatagramsAreIgnoredWithoutAVerdict) {
  core::Host server_keys = fixture_host("iff-md5-512", "server", {}, 11);
  ClientChecker checker(server_keys, ClientCheckOptions{wire::Address::v4({10, 9, 0, 1})});
  std::mt19937_64 gen(9);
  for (int i = 0; i < 200; ++i) {
    wire::Bytes junk(gen() % 300);
    for (auto& b : junk) b = static_cast<std::uint8_t>(gen());
    if (!junk.empty()) junk[0] = 0x23;  // mode 3, so more of it is looked at
    (void)checker.on_datagram(junk, wire::Address::v4({10, 9, 0, 2}), kNow);
  }
  EXPECT_FALSE(checker.finished());
  checker.finish(kNow);
  EXPECT_EQ(checker.report().find("CLIENT-VALID-SESSION")->verdict, Verdict::Fail);
}

}  // namespace
}  // namespace ak::check::test
