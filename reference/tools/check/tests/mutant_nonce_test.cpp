// Built with crypto/iff.cpp and gq.cpp under AK_MUTANT_NONCE_SIZED_BY_CHALLENGE.
#include <gtest/gtest.h>

#include "check/tests/check_test_support.h"

#ifndef AK_MUTANT_NONCE_SIZED_BY_CHALLENGE
#error "this test runs against the nonce-sized-by-challenge mutant"
#endif

namespace ak::check::test {
namespace {

TEST(NonceMutant, OnlyTheNonceSizeCheckFailsAgainstAServerWhoseNonceFollowsTheChallenge) {
  auto server = std::make_unique<core::Engine>(fixture_host("iff-md5-512", "server", {}, 7));
  (void)server->set_synchronized(kNow - 100);
  core::Host me = fixture_host("iff-md5-512", "client");
  const auto o = options(core::Scheme::Iff);
  ServerChecker checker(me, o);
  run(checker, *server, o);
  const Report& r = checker.report();
  EXPECT_EQ(r.find("NONCE-SIZE")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 1u) << r.table();
  EXPECT_EQ(r.count(Verdict::Skip), 0u) << r.table();
}

TEST(NonceMutant, GqServerWhoseNonceFollowsTheChallengeIsCaughtByTheRatioTest) {
  auto server = std::make_unique<core::Engine>(fixture_host("gq-sha1-1024", "server", {}, 7));
  (void)server->set_synchronized(kNow - 100);
  core::Host me = fixture_host("gq-sha1-1024", "client");
  const auto o = options(core::Scheme::Gq);
  ServerChecker checker(me, o);
  run(checker, *server, o);
  const Report& r = checker.report();
  EXPECT_EQ(r.find("NONCE-SIZE")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 1u) << r.table();
}

}  // namespace
}  // namespace ak::check::test
