// Built with core/association.cpp under AK_MUTANT_ACCEPT_BAD_SIGNATURE.
#include <gtest/gtest.h>

#include "check/tests/check_test_support.h"

#ifndef AK_MUTANT_ACCEPT_BAD_SIGNATURE
#error "this test runs against the accept-bad-signature mutant"
#endif

namespace ak::check::test {
namespace {

TEST(BadSignatureMutant, ClientModeSeesTheClientAcceptABadlySignedCookie) {
  const Report r = run_client_mode("iff-md5-512", core::Scheme::Iff);
  EXPECT_EQ(r.find("CLIENT-BAD-SIGNATURE")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.find("CLIENT-VALID-SESSION")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-CRYPTO-NAK")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-WRONG-GROUP")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-WRONG-GROUP-NAME")->verdict, Verdict::Pass) << r.table();
  EXPECT_EQ(r.find("CLIENT-REPLAYED-COOKIE")->verdict, Verdict::Pass) << r.table();
}

}  // namespace
}  // namespace ak::check::test
