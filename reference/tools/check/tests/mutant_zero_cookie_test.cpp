// Built with core/host.cpp under AK_MUTANT_ZERO_COOKIE_SEED.
#include <gtest/gtest.h>

#include "check/tests/check_test_support.h"

#ifndef AK_MUTANT_ZERO_COOKIE_SEED
#error "this test runs against the zero-cookie-seed mutant"
#endif

namespace ak::check::test {
namespace {

TEST(ZeroCookieMutant, OnlyTheZeroSeedCheckFailsAgainstAServerWithTheDefaultRandomSeedPolicy) {
  // The default HostOptions ask for a random seed; the mutant ignores that.
  const Report r = check_engine_server("iff-md5-512", core::Scheme::Iff);
  EXPECT_EQ(r.find("COOKIE-ZERO-SEED")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 1u) << r.table();
}

}  // namespace
}  // namespace ak::check::test
