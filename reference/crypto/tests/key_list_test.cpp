#include "crypto/key_list.h"

#include <botan/auto_rng.h>
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "crypto/session_key.h"
#include "crypto_test_support.h"

namespace ak::crypto {
namespace {

using test::addr;

TEST(KeyList, ListLengthFollowsThePollInterval) {
  // Digest §6.7 examples with automax 12.
  EXPECT_EQ(key_list_length(6), 65u);
  EXPECT_EQ(key_list_length(10), 5u);
  EXPECT_EQ(key_list_length(4), 100u);
  EXPECT_EQ(key_list_length(12), 2u);
  EXPECT_EQ(key_list_length(17), 1u);
}

TEST(KeyList, ComputedChainOfTheDigestGivesItsAutokeyValues) {
  // Digest §13.2: four IDs from 0x89abcdef, key 0xe0c49c6c, seq 3.
  KeyListParams p{addr("192.0.2.1"), addr("192.0.2.2"), 0x89abcdef, 0xf29277fd, 4};
  const auto list = make_key_list(p);
  EXPECT_EQ(list.ids, (std::vector<std::uint32_t>{0x89abcdef, 0x2b1d3572, 0x0c214674, 0xfef6dba0}));
  EXPECT_EQ(list.autokey, 0xe0c49c6cu);
  EXPECT_EQ(list.seq, 3u);
}

TEST(KeyList, BroadcastKeyIdHashesToTheAdvertisedAutokey) {
  // bcast-tc-md5-512 packet 1: key ID 0xf77cfc19, cookie 0, (server, broadcast address).
  const auto ps = test::packets("bcast-tc-md5-512");
  const auto& p1 = test::frame(ps, 1);
  ASSERT_EQ(p1.key_id, 0xf77cfc19u);
  EXPECT_EQ(next_key_id(addr("10.123.0.1"), addr("10.123.0.255"), 0xf77cfc19, 0), 0x7238009fu);
  // Its AUTO response advertises exactly that key and seq 99.
  bool saw_auto = false;
  for (const auto& ef : p1.efs) {
    if (ef.code() != 4 || !ef.response()) continue;
    saw_auto = true;
    EXPECT_EQ(wire::to_hex(ef.value()), "7238009f00000063");
  }
  EXPECT_TRUE(saw_auto);
  // A list started at that key ID with seq 99 (poll 16 s) ends at that key.
  KeyListParams kp{addr("10.123.0.1"), addr("10.123.0.255"), 0xf77cfc19, 0, key_list_length(4)};
  const auto list = make_key_list(kp);
  EXPECT_EQ(list.seq, 99u);
  EXPECT_EQ(list.ids[1], 0x7238009fu);
}

TEST(KeyList, EveryLaterBroadcastChainsToTheAutokeyOneStepFurther) {
  const auto ps = test::packets("bcast-tc-md5-512");
  const std::uint32_t autokey[] = {0x7238009f};
  std::uint32_t expected = 1;
  for (const auto& p : ps) {
    if (p.datagram.dst != addr("10.123.0.255")) continue;
    const auto n = key_id_chain_length(p.datagram.src, p.datagram.dst, p.key_id, 0, autokey, 99 + 2);
    ASSERT_TRUE(n.has_value()) << "packet " << p.datagram.number;
    EXPECT_EQ(*n, expected) << "packet " << p.datagram.number;
    ++expected;
  }
  EXPECT_EQ(expected, 10u);  // nine broadcasts
}

TEST(KeyList, ClientChainAfterSynchronisationRunsBackwards) {
  // iff-md5-512 packets 15..27 (client, cookie 0x8ac8a20a): next(K(t+1)) == K(t).
  const auto ps = test::packets("iff-md5-512");
  const auto c = addr("10.123.0.2"), s = addr("10.123.0.1");
  EXPECT_EQ(next_key_id(c, s, 0xf2985e6c, 0x8ac8a20a), 0xe7cac73fu);
  EXPECT_EQ(test::frame(ps, 15).key_id, 0xe7cac73fu);
  EXPECT_EQ(test::frame(ps, 17).key_id, 0xf2985e6cu);
  for (std::size_t n = 17; n <= 27; n += 2) {
    const std::uint32_t earlier[] = {test::frame(ps, n - 2).key_id};
    EXPECT_TRUE(key_id_chains_to(c, s, test::frame(ps, n).key_id, 0x8ac8a20a, earlier, 1)) << "packet " << n;
    // The forward relation never holds.
    const std::uint32_t later[] = {test::frame(ps, n).key_id};
    EXPECT_FALSE(key_id_chains_to(c, s, test::frame(ps, n - 2).key_id, 0x8ac8a20a, later, 1))
        << "packet " << n;
  }
}

TEST(KeyList, ChainCheckFailsWithTheWrongCookieOrTooFewHashes) {
  const auto c = addr("10.123.0.2"), s = addr("10.123.0.1");
  const std::uint32_t target[] = {0xe7cac73f};
  EXPECT_FALSE(key_id_chains_to(c, s, 0xf2985e6c, 0, target, 5));
  EXPECT_FALSE(key_id_chains_to(c, s, 0xf2985e6c, 0x8ac8a20a, target, 0));
  // Two steps back along a generated list needs two hashes.
  KeyListParams p{c, s, 0x10000001, 0x8ac8a20a, 10};
  const auto list = make_key_list(p);
  const std::uint32_t t2[] = {list.ids[5]};
  EXPECT_EQ(key_id_chain_length(c, s, list.ids[3], 0x8ac8a20a, t2, 10), 2u);
  EXPECT_FALSE(key_id_chain_length(c, s, list.ids[3], 0x8ac8a20a, t2, 1).has_value());
}

TEST(KeyList, ForgedHugeSeqIsCappedAtOneHundredAndOneHashes) {
  const auto c = addr("10.123.0.2"), s = addr("10.123.0.1");
  KeyListParams p{c, s, 0x10000001, 0, 100};
  const auto list = make_key_list(p);
  ASSERT_EQ(list.ids.size(), 100u);
  const std::uint32_t end[] = {list.autokey};
  EXPECT_EQ(key_id_chain_length(c, s, list.ids[0], 0, end, 0x80000000u), 100u);
  // One step beyond the longest list is never searched.
  const std::uint32_t beyond[] = {next_key_id(c, s, next_key_id(c, s, list.autokey, 0), 0)};
  EXPECT_FALSE(key_id_chain_length(c, s, list.ids[0], 0, beyond, 0x80000000u).has_value());
}

TEST(KeyList, StopsAtAKnownKeyOrTheSymmetricRange) {
  const auto c = addr("10.123.0.2"), s = addr("10.123.0.1");
  KeyListParams p{c, s, 0x10000001, 0, 10};
  const auto full = make_key_list(p);
  ASSERT_EQ(full.ids.size(), 10u);
  const std::uint32_t known = full.ids[4];
  const auto cut = make_key_list(p, [&](std::uint32_t k) { return k == known; });
  EXPECT_EQ(cut.ids.size(), 4u);
  EXPECT_EQ(cut.seq, 3u);
  EXPECT_EQ(cut.autokey, known);
}

TEST(KeyList, UnsynchronisedHostBuildsOneKey) {
  KeyListParams p{addr("10.123.0.2"), addr("10.123.0.1"), 0x6373d2e6, 0, 1};
  const auto list = make_key_list(p);
  EXPECT_EQ(list.ids.size(), 1u);
  EXPECT_EQ(list.seq, 0u);
  EXPECT_EQ(list.autokey, next_key_id(p.src, p.dst, 0x6373d2e6, 0));
}

TEST(KeyList, FirstKeyIdIsThirtyOneBitsAboveTheSymmetricRange) {
  Botan::AutoSeeded_RNG rng;
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 200; ++i) {
    const auto k = draw_first_key_id(rng, [&](std::uint32_t id) { return seen.count(id) > 0; });
    EXPECT_GT(k, kMaxSymmetricKeyId);
    EXPECT_LT(k, 0x80000000u);
    EXPECT_TRUE(seen.insert(k).second);
  }
}

}  // namespace
}  // namespace ak::crypto
