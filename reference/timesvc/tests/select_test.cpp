#include "timesvc/select.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace ak::timesvc {
namespace {

Candidate cand(std::size_t id, double offset, double distance, double jitter = 0.001,
               int stratum = 2) {
  return Candidate{id, offset, distance, jitter, stratum, false};
}

bool contains(const std::vector<Candidate>& v, std::size_t id) {
  return std::any_of(v.begin(), v.end(), [id](const Candidate& c) { return c.id == id; });
}

TEST(Selection, RejectsOneFalsetickerAmongFourSources) {
  const std::vector<Candidate> c = {cand(0, 0.001, 0.010), cand(1, -0.002, 0.010),
                                    cand(2, 0.000, 0.020), cand(3, 0.500, 0.010)};
  const auto r = intersect(c);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->truechimers.size(), 3u);
  EXPECT_FALSE(contains(r->truechimers, 3));
  EXPECT_LE(r->low, 0.0);
  EXPECT_GE(r->high, 0.0);
}

TEST(Selection, RejectsOneFalsetickerAmongThreeSources) {
  const std::vector<Candidate> c = {cand(0, 0.010, 0.020), cand(1, 0.015, 0.020),
                                    cand(2, -0.900, 0.050)};
  const auto r = intersect(c);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->truechimers.size(), 2u);
  EXPECT_FALSE(contains(r->truechimers, 2));
}

TEST(Selection, FindsNoMajorityBetweenTwoDisagreeingSources) {
  const std::vector<Candidate> c = {cand(0, 0.0, 0.01), cand(1, 1.0, 0.01)};
  EXPECT_FALSE(intersect(c).has_value());
}

TEST(Selection, SingleSourceIsItsOwnMajority) {
  const auto r = intersect({cand(7, 0.25, 0.1)});
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->truechimers.size(), 1u);
  EXPECT_EQ(r->truechimers[0].id, 7u);
}

TEST(Cluster, PrunesTheOutlierWhileMoreThanMinclockRemain) {
  // Five truechimers, one far from the others relative to the peer jitters.
  std::vector<Candidate> c = {cand(0, 0.000, 0.05, 0.0005), cand(1, 0.001, 0.05, 0.0005),
                              cand(2, -0.001, 0.05, 0.0005), cand(3, 0.0005, 0.05, 0.0005),
                              cand(4, 0.040, 0.05, 0.0005)};
  const auto s = cluster(c, 3, 1.5);
  EXPECT_GE(s.size(), 3u);
  EXPECT_FALSE(contains(s, 4));
}

TEST(Cluster, KeepsMinclockSurvivorsEvenIfTheyDisagree) {
  std::vector<Candidate> c = {cand(0, 0.0, 0.1), cand(1, 0.05, 0.1), cand(2, -0.05, 0.1)};
  EXPECT_EQ(cluster(c, 3, 1.5).size(), 3u);
}

TEST(Cluster, OrdersSurvivorsByStratumThenDistance) {
  std::vector<Candidate> c = {cand(0, 0.0, 0.01, 0.001, 3), cand(1, 0.0, 0.20, 0.001, 1),
                              cand(2, 0.0, 0.05, 0.001, 1)};
  const auto s = cluster(c, 3, 1.5);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].id, 2u);
  EXPECT_EQ(s[1].id, 1u);
  EXPECT_EQ(s[2].id, 0u);
}

TEST(Combine, WeightsOffsetsByInverseRootDistance) {
  // Weights 1/0.1 = 10 and 1/0.2 = 5: (10*0 + 5*0.3) / 15 = 0.1.
  const std::vector<Candidate> s = {cand(0, 0.0, 0.1), cand(1, 0.3, 0.2)};
  const auto c = combine(s, 0);
  EXPECT_NEAR(c.offset, 0.1, 1e-12);
  // Selection jitter against the system peer: sqrt(5 * 0.09 / 15).
  EXPECT_NEAR(c.selection_jitter, std::sqrt(0.03), 1e-12);
}

TEST(Combine, PreferPeerBecomesSystemPeerWhenItSurvives) {
  std::vector<Candidate> s = {cand(0, 0.0, 0.1), cand(1, 0.0, 0.2)};
  EXPECT_EQ(pick_system_peer(s), 0u);
  s[1].prefer = true;
  EXPECT_EQ(pick_system_peer(s), 1u);
}

}  // namespace
}  // namespace ak::timesvc
