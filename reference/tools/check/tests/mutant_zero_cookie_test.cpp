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
  auto server = std::make_unique<core::Engine>(fixture_host("iff-md5-512", "server", {}, 7));
  (void)server->set_synchronized(kNow - 100);
  core::Host me = fixture_host("iff-md5-512", "client");
  const auto o = options(core::Scheme::Iff);
  ServerChecker checker(me, o);
  run(checker, *server, o);
  const Report& r = checker.report();
  EXPECT_EQ(r.find("COOKIE-ZERO-SEED")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 1u) << r.table();
}

}  // namespace
}  // namespace ak::check::test
