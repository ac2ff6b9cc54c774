#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "check/tests/check_test_support.h"
#include "crypto/session_key.h"

namespace ak::check::test {
namespace {

struct Served {
  std::unique_ptr<core::Engine> engine;
};


TEST(ServerCheck, EveryCheckPassesAgainstOurIffServer) {
  auto server = server_engine("iff-md5-512");
  core::Host me = fixture_host("iff-md5-512", "client");
  const auto o = options(core::Scheme::Iff);
  ServerChecker checker(me, o);
  run(checker, *server, o);
  ASSERT_TRUE(checker.finished());
  const Report& r = checker.report();
  EXPECT_EQ(r.count(Verdict::Fail), 0u) << r.table();
  EXPECT_EQ(r.count(Verdict::Skip), 0u) << r.table();
  EXPECT_EQ(r.rows().size(), ServerChecker::check_ids().size());
}

TEST(ServerCheck, EveryApplicableCheckPassesAgainstOurTcServer) {
  auto server = server_engine("tc-md5-512");
  core::Host me = fixture_host("tc-md5-512", "client");
  auto o = options(core::Scheme::Tc);
  o.group = "";
  ServerChecker checker(me, o);
  run(checker, *server, o);
  const Report& r = checker.report();
  EXPECT_EQ(r.count(Verdict::Fail), 0u) << r.table();
  // TC proves nothing beyond the trusted certificate: no identity or nonce rows.
  EXPECT_EQ(r.find("IDENTITY")->verdict, Verdict::Skip);
  EXPECT_EQ(r.find("NONCE-SIZE")->verdict, Verdict::Skip);
  EXPECT_EQ(r.count(Verdict::Skip), 3u) << r.table();
}

TEST(ServerCheck, EveryCheckPassesAgainstOurGqServer) {
  auto server = server_engine("gq-sha1-1024");
  core::Host me = fixture_host("gq-sha1-1024", "client");
  const auto o = options(core::Scheme::Gq);
  ServerChecker checker(me, o);
  run(checker, *server, o);
  const Report& r = checker.report();
  EXPECT_EQ(r.count(Verdict::Fail), 0u) << r.table();
  EXPECT_EQ(r.count(Verdict::Skip), 0u) << r.table();
}

TEST(ServerCheck, ZeroCookieSeedFailsOnlyTheZeroSeedCheck) {
  core::HostOptions insecure;
  insecure.cookie_seed = core::CookieSeedPolicy::NtpdCompatibleZero_INSECURE;
  auto server = server_engine("iff-md5-512", insecure);
  core::Host me = fixture_host("iff-md5-512", "client");
  const auto o = options(core::Scheme::Iff);
  ServerChecker checker(me, o);
  run(checker, *server, o);
  const Report& r = checker.report();
  EXPECT_EQ(r.find("COOKIE-ZERO-SEED")->verdict, Verdict::Fail) << r.table();
  EXPECT_EQ(r.count(Verdict::Fail), 1u) << r.table();
}

TEST(ServerCheck, ZeroSeedCookieOfTheFixtureAddressesIsTheCapturedOne) {
  // iff-md5-512: client 10.123.0.2, server 10.123.0.1, COOK response cookie 8ac8a20a.
  EXPECT_EQ(zero_seed_cookie(wire::Address::v4({10, 123, 0, 2}), wire::Address::v4({10, 123, 0, 1})), 0x8ac8a20au);
}

TEST(ServerCheck, SilentServerFailsTheExchangesAndSkipsWhatDependsOnThem) {
  core::Host me = fixture_host("iff-md5-512", "client");
  const auto o = options(core::Scheme::Iff);
  ServerChecker checker(me, o);
  std::uint32_t now = kNow;
  while (auto out = checker.next(now)) checker.on_reply(std::nullopt, now++);
  const Report& r = checker.report();
  EXPECT_EQ(r.find("ASSOC")->verdict, Verdict::Fail);
  EXPECT_EQ(r.find("COOKIE")->verdict, Verdict::Skip);
  EXPECT_TRUE(r.any_failed());
  EXPECT_NE(r.summary_line().find(std::to_string(ServerChecker::check_ids().size()) + " checks"), std::string::npos);
}

TEST(ServerCheck, CorruptedAndRandomRepliesEndInFailuresNotCrashes) {
  // The checker talks to servers it does not trust: flip octets of our own
  // server's replies, or answer with random octets, at every step.
  std::mt19937_64 gen(5);
  for (int round = 0; round < 20; ++round) {
    auto server = server_engine("iff-md5-512");
    core::Host me = fixture_host("iff-md5-512", "client", {}, static_cast<std::uint64_t>(round) + 2);
    const auto o = options(core::Scheme::Iff);
    ServerChecker checker(me, o);
    std::uint32_t now = kNow;
    while (auto out = checker.next(now)) {
      auto actions = server->handle_datagram(out->bytes, o.client, o.server, now);
      wire::Bytes reply;
      for (auto& a : actions)
        if (auto* send = std::get_if<core::Send>(&a)) reply = send->bytes;
      if (round % 2 == 0 && !reply.empty()) {
        for (int i = 0; i < 3; ++i) reply[gen() % reply.size()] ^= static_cast<std::uint8_t>(1u << (gen() % 8));
      } else {
        reply.resize(gen() % 600);
        for (auto& b : reply) b = static_cast<std::uint8_t>(gen());
      }
      checker.on_reply(wire::ByteView(reply), now++);
    }
    EXPECT_TRUE(checker.finished());
    EXPECT_TRUE(checker.report().any_failed()) << checker.report().table();
  }
}

TEST(NonceStatistics, IffDifferencesOfSmallNoncesAreSmall) {
  const Botan::BigInt q = Botan::BigInt("0xE95E4A5F737059DC60DFC7AD95B3D8139515620F");  // 160 bits
  const Botan::BigInt b = Botan::BigInt("0x123456789ABCDEF0123456789ABCDEF01234567");
  const Botan::BigInt r(0xa5);
  std::vector<Botan::BigInt> small = {(Botan::BigInt(17) + b * r) % q, (Botan::BigInt(200) + b * r) % q,
                                      (Botan::BigInt(3) + b * r) % q};
  EXPECT_LE(iff_max_difference_bits(small, q), 8u);
  std::vector<Botan::BigInt> big = {(Botan::BigInt("0x9000000000000000000000000000000000000001") + b * r) % q,
                                    (Botan::BigInt("0x1000000000000000000000000000000000000005") + b * r) % q};
  EXPECT_GT(iff_max_difference_bits(big, q), 80u);
}

TEST(NonceStatistics, GqRatioOfSmallNoncesIsFound) {
  const Botan::BigInt n("0xC7D2A3E1F4B5968778695A4B3C2D1E0F11223344556677889900AABBCCDDEEFF1");
  const Botan::BigInt ur("0x1F2E3D4C5B6A79880123456789ABCDEF0123456789ABCDEF0123456789ABCDE");
  const Botan::BigInt y1 = (Botan::BigInt(77) * ur) % n, y2 = (Botan::BigInt(151) * ur) % n;
  EXPECT_TRUE(gq_small_ratio(y1, y2, n, 4096).has_value());
  const Botan::BigInt z1 = (Botan::BigInt("0x5A17C3E99D02B4F6618E0C7D3B29") * ur) % n;
  const Botan::BigInt z2 = (Botan::BigInt("0x3E8B51F0A6C4D92775E13B08FA61") * ur) % n;
  EXPECT_FALSE(gq_small_ratio(z1, z2, n, 4096).has_value());
}

}  // namespace
}  // namespace ak::check::test
