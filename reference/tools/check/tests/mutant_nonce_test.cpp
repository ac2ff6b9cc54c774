// Built with crypto/iff.cpp and gq.cpp under AK_MUTANT_NONCE_SIZED_BY_CHALLENGE.
#include <gtest/gtest.h>

#include "check/tests/check_test_support.h"

#ifndef AK_MUTANT_NONCE_SIZED_BY_CHALLENGE
#error "this test runs against the nonce-sized-by-challenge mutant"
#endif

namespace ak::check::test {
namespace {

TEST(NonceMutant, OnlyTheNonceSizeCheckFailsAgainstAServerWhoseNonceFollowsTheChallenge) {
  const Report r = check_engine_server("iff-md5-512", core::Scheme::Iff);
  EXPECT_EQ(r.find("NONCE-SIZE")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 1u) << r.table();
  EXPECT_EQ(r.count(Verdict::Skip), 0u) << r.table();
}

TEST(NonceMutant, GqServerWhoseNonceFollowsTheChallengeIsCaughtByTheRatioTest) {
  const Report r = check_engine_server("gq-sha1-1024", core::Scheme::Gq);
  EXPECT_EQ(r.find("NONCE-SIZE")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 1u) << r.table();
}

}  // namespace
}  // namespace ak::check::test
