// The model on its own: each configuration completes under fair delivery, in
// the order the protocol prescribes, and the safety rules hold under faults
// and attacks (docs/model.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <random>
#include <vector>

#include "model.h"

namespace ak::model {
namespace {

namespace f = wire::crypto_flag;
using wire::Opcode;

// Every request a node sent, in order (from the packets delivered to its peer).
std::vector<Opcode> requests_sent(const World& w, int node) {
  std::vector<Opcode> out;
  for (const auto& p : w.seen())
    if (p.from == node && !p.broadcast)
      for (const auto& fld : p.fields)
        if (!fld.response) out.push_back(fld.code);
  return out;
}

TEST(ModelClientServer, FairDeliveryLightsEveryFlagInProtocolOrder) {
  World w(Configuration::ClientServer);
  ASSERT_TRUE(w.run_fair().has_value());
  const auto o = w.observe(0);
  EXPECT_EQ(o.progress, f::kAll);
  EXPECT_TRUE(o.proventic);
  EXPECT_FALSE(o.outstanding.has_value());
  // digest §9.4: ASSOC, CERT, identity, COOK, then (synchronized) SIGN, LEAP.
  const std::vector<Opcode> want{Opcode::Assoc, Opcode::Cert, Opcode::Iff, Opcode::Cook, Opcode::Sign, Opcode::Leap};
  EXPECT_EQ(requests_sent(w, 0), want);
  EXPECT_EQ(w.check_invariants(), "");
}

TEST(ModelClientServer, ClientWaitsForItsClockBeforeSign) {
  World w(Configuration::ClientServer);
  for (int i = 0; i < 10; ++i) {
    w.apply({EventKind::PollTimerFires, 0});
    while (!w.in_flight().empty()) w.apply({EventKind::NetworkDelivers, 0});
  }
  const auto o = w.observe(0);
  // ASSOC pre-lit AUTO; the server has TAI so LEAP stays dark; no SIGN yet.
  EXPECT_EQ(o.progress, f::kCert | f::kVrfy | f::kProv | f::kCook | f::kAuto);
  EXPECT_FALSE(o.outstanding.has_value());
  w.apply({EventKind::ClockSynchronizes, 0});
  w.apply({EventKind::PollTimerFires, 0});
  EXPECT_EQ(w.observe(0).outstanding, Opcode::Sign);
}

TEST(ModelSymmetric, BothPeersCompleteUnderFairDelivery) {
  World w(Configuration::Symmetric);
  ASSERT_TRUE(w.run_fair().has_value());
  for (int n = 0; n < 2; ++n) {
    EXPECT_EQ(w.observe(n).progress, f::kAll) << n;
    EXPECT_TRUE(w.observe(n).proventic) << n;
  }
  EXPECT_EQ(w.check_invariants(), "");
}

TEST(ModelBroadcast, ClientMobilizesOnBroadcastAndCompletesItsVolley) {
  World w(Configuration::Broadcast);
  EXPECT_FALSE(w.observe(0).mobilized);
  ASSERT_TRUE(w.run_fair().has_value());
  EXPECT_EQ(w.observe(0).progress, f::kAll);
  // digest §9.5: no ASSOC request (the broadcast carried it), AUTO asked for.
  const auto sent = requests_sent(w, 0);
  EXPECT_EQ(std::count(sent.begin(), sent.end(), Opcode::Assoc), 0);
  EXPECT_LE(std::count(sent.begin(), sent.end(), Opcode::Auto), 1);
}

TEST(ModelBroadcast, BroadcastsOfAListWhoseAutoPushWasLostAreRefusedAndChangeNothing) {
  World w(Configuration::Broadcast);
  ASSERT_TRUE(w.run_fair().has_value());
  w.apply({EventKind::KeyListExpires, 1});
  w.apply({EventKind::PollTimerFires, 1});  // the AUTO push of the new list ...
  w.apply({EventKind::NetworkDropsPacket, 1, 0});  // ... is lost
  w.apply({EventKind::PollTimerFires, 1});
  const auto before = w.host(0).assoc;
  auto report = w.apply({EventKind::NetworkDelivers, 1, 0});
  ASSERT_EQ(report.fields.size(), 1u);
  EXPECT_EQ(report.fields[0].second, Verdict::BrokenKeyChain);
  EXPECT_EQ(w.host(0).assoc, before);  // AUTO stays lit (ntpd clears it)
  // The next list's push is signed, and its broadcasts chain again.
  w.apply({EventKind::KeyListExpires, 1});
  w.apply({EventKind::PollTimerFires, 1});
  report = w.apply({EventKind::NetworkDelivers, 1, 0});
  ASSERT_EQ(report.fields.size(), 1u);
  EXPECT_EQ(report.fields[0].second, Verdict::Accepted);
  w.apply({EventKind::PollTimerFires, 1});
  report = w.apply({EventKind::NetworkDelivers, 1, 0});
  ASSERT_EQ(report.fields.size(), 1u);
  EXPECT_EQ(report.fields[0].second, Verdict::Ignored);  // a good broadcast: timekeeping only
}

TEST(ModelSymmetric, WithTcAPushedAutoRightAfterTheTrustedRootInOnePacketIsTaken) {
  // TC: the CERT response lights VRFY, so values pushed behind it in the
  // same packet verify with the key it just brought (check_step follows).
  World w(Configuration::Symmetric, Identity::Tc);
  ASSERT_TRUE(w.run_fair().has_value());
  auto exchange = [&](int from) {
    w.apply({EventKind::PollTimerFires, from});
    StepReport last;
    while (!w.in_flight().empty()) {
      World before = w;
      last = w.apply({EventKind::NetworkDelivers, 0, 0});
      EXPECT_EQ(check_step(before, w, last), "");
    }
    return last;
  };
  w.apply({EventKind::RefreshTimerFires, 0});
  exchange(0);  // ASSOC request, queued at node 1
  exchange(1);  // its response
  exchange(0);  // CERT request, queued
  w.apply({EventKind::KeyListExpires, 1});
  const auto report = exchange(1);  // CERT response, then the new list's values
  ASSERT_EQ(report.fields.size(), 2u);
  EXPECT_EQ(report.fields[0].first.code, Opcode::Cert);
  EXPECT_EQ(report.fields[1].first.code, Opcode::Auto);
  EXPECT_EQ(report.fields[1].second, Verdict::Accepted);
  EXPECT_NE(w.observe(0).progress & f::kVrfy, 0u);
  EXPECT_NE(w.observe(0).progress & f::kAuto, 0u);
}

TEST(ModelAttack, ReplayedResponseToAnOlderRequestChangesNothing) {
  World w(Configuration::ClientServer);
  w.apply({EventKind::PollTimerFires, 0});
  w.apply({EventKind::NetworkDelivers, 0, 0});  // ASSOC request
  w.apply({EventKind::NetworkDelivers, 0, 0});  // ASSOC response
  const std::size_t old_response = w.seen().size() - 1;
  w.apply({EventKind::PollTimerFires, 0});      // CERT request
  const auto before = w.host(0).assoc;
  w.apply({EventKind::AttackerReplaysOldPacket, 0, old_response});
  const auto report = w.apply({EventKind::NetworkDelivers, 0, w.in_flight().size() - 1});
  ASSERT_EQ(report.fields.size(), 1u);
  EXPECT_EQ(report.fields[0].second, Verdict::WrongKeyId);
  EXPECT_EQ(w.host(0).assoc, before);
}

TEST(ModelAttack, RewrittenSignedValueFailsItsSignature) {
  World w(Configuration::ClientServer);
  for (int i = 0; i < 3; ++i) {  // ASSOC, CERT, IFF
    w.apply({EventKind::PollTimerFires, 0});
    while (!w.in_flight().empty()) w.apply({EventKind::NetworkDelivers, 0});
  }
  w.apply({EventKind::PollTimerFires, 0});      // COOK request
  w.apply({EventKind::NetworkDelivers, 0, 0});  // COOK response in flight
  const auto before = w.host(0).assoc;
  w.apply({EventKind::AttackerRewritesField, 0, 0});
  const auto report = w.apply({EventKind::NetworkDelivers, 0, 0});
  ASSERT_EQ(report.fields.size(), 1u);
  EXPECT_EQ(report.fields[0].second, Verdict::BadSignature);
  EXPECT_EQ(w.host(0).assoc, before);
}

TEST(ModelAttack, ForgedTrustedRootNeverBecomesProventicAndRefreshRecovers) {
  World w(Configuration::ClientServer);
  w.apply({EventKind::PollTimerFires, 0});
  while (!w.in_flight().empty()) w.apply({EventKind::NetworkDelivers, 0});
  w.apply({EventKind::PollTimerFires, 0});  // CERT request
  w.apply({EventKind::AttackerInjectsResponse, 0});
  // The forged certificate arrives first: TC trusts any self-signed root.
  const auto report = w.apply({EventKind::NetworkDelivers, 0, w.in_flight().size() - 1});
  ASSERT_EQ(report.fields.size(), 1u);
  EXPECT_EQ(report.fields[0].second, Verdict::Accepted);
  EXPECT_EQ(w.host(0).assoc->verify_key, Principal::Attacker);
  // ... but the identity scheme stops it: never VRFY, never proventic.
  EXPECT_FALSE(w.run_fair(20).has_value());
  EXPECT_EQ(w.observe(0).progress & (f::kVrfy | f::kProv), 0u);
  w.apply({EventKind::RefreshTimerFires, 0});
  EXPECT_TRUE(w.run_fair().has_value());
}

TEST(ModelAttack, ForgedIdentityProofIsRejected) {
  World w(Configuration::ClientServer);
  for (int i = 0; i < 2; ++i) {  // ASSOC, CERT
    w.apply({EventKind::PollTimerFires, 0});
    while (!w.in_flight().empty()) w.apply({EventKind::NetworkDelivers, 0});
  }
  w.apply({EventKind::PollTimerFires, 0});  // IFF request
  w.apply({EventKind::AttackerInjectsResponse, 0});
  const auto report = w.apply({EventKind::NetworkDelivers, 0, w.in_flight().size() - 1});
  ASSERT_EQ(report.fields.size(), 1u);
  // Signed with the attacker's key: fails the signature before the proof.
  EXPECT_EQ(report.fields[0].second, Verdict::BadSignature);
  EXPECT_EQ(w.observe(0).outstanding, Opcode::Iff);
}

TEST(ModelBroadcast, BroadcasterRestartIsRefusedUntilTheClientStartsOver) {
  World w(Configuration::Broadcast);
  ASSERT_TRUE(w.run_fair().has_value());
  w.apply({EventKind::HostRestarts, 1});
  w.apply({EventKind::ClockSynchronizes, 1});
  const auto before = w.host(0).assoc;
  for (int i = 0; i < 2; ++i) {  // the new list's AUTO push, then an ASSOC: both name the new association
    w.apply({EventKind::PollTimerFires, 1});
    const auto report = w.apply({EventKind::NetworkDelivers, 0, 0});
    ASSERT_EQ(report.fields.size(), 1u);
    EXPECT_EQ(report.fields[0].second, Verdict::WrongAssocId);
    EXPECT_EQ(w.host(0).assoc, before);
  }
  w.apply({EventKind::RefreshTimerFires, 0});  // the client starts over ...
  EXPECT_FALSE(w.observe(0).mobilized);
  EXPECT_TRUE(w.run_fair().has_value());  // ... with the new association
}

TEST(ModelDocs, ModelMdShowsTheTransitionTableAsTheCodeHasIt) {
  std::ifstream in(AK_MODEL_DOC);
  ASSERT_TRUE(in.good()) << AK_MODEL_DOC;
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_NE(doc.str().find(transition_table_markdown()), std::string::npos)
      << "docs/model.md should contain, verbatim:\n" << transition_table_markdown();
}

// Random event sequences: the invariants hold after every step, a rejected
// field never changes its association, and nothing but a verified field adds
// progress. Fair delivery afterwards still completes (after a refresh, which
// undoes an attacker's root certificate).
class ModelUnderFaults : public ::testing::TestWithParam<Configuration> {};

TEST_P(ModelUnderFaults, SafetyHoldsAndFairDeliveryStillCompletes) {
  for (unsigned seed = 1; seed <= 150; ++seed) {
    std::mt19937 rng(seed);
    World w(GetParam());
    auto pick = [&rng](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n)(rng); };
    for (int step = 0; step < 120; ++step) {
      Event e;
      e.kind = static_cast<EventKind>(pick(static_cast<std::size_t>(EventKind::RefreshTimerFires)));
      e.node = static_cast<int>(pick(1));
      // Deliveries dominate, as on a real network.
      if (pick(2) != 0) e.kind = EventKind::NetworkDelivers;
      e.index = pick(World::kMaxSeen);
      e.other = pick(World::kMaxInFlight);
      if (e.kind == EventKind::NetworkDelivers && !w.in_flight().empty()) e.index %= w.in_flight().size();
      std::optional<Association> before_to;
      if (e.kind == EventKind::NetworkDelivers && e.index < w.in_flight().size())
        before_to = w.host(w.in_flight()[e.index].to).assoc;
      const World before_world = w;
      const auto report = w.apply(e);
      ASSERT_EQ(w.check_invariants(), "") << "seed " << seed << " step " << step << " " << to_string(e);
      EXPECT_EQ(check_step(before_world, w, report), "") << "seed " << seed << " step " << step << " " << to_string(e);
      if (report.node < 0 || !before_to || !w.host(report.node).assoc) continue;
      bool any_accepted = false;
      for (const auto& fv : report.fields) any_accepted |= fv.second == Verdict::Accepted;
      if (!any_accepted) {
        EXPECT_EQ(w.host(report.node).assoc->flags & ~before_to->flags & f::kAll, 0u)
            << "progress gained without a verified field: seed " << seed << " step " << step;
      }
    }
    w.apply({EventKind::RefreshTimerFires, 0});
    w.apply({EventKind::RefreshTimerFires, 1});
    EXPECT_TRUE(w.run_fair(60).has_value()) << "seed " << seed << ": " << to_string(w.observe(0)) << " / "
                                            << to_string(w.observe(1));
  }
}

std::string configuration_name(const ::testing::TestParamInfo<Configuration>& info) {
  switch (info.param) {
    case Configuration::ClientServer: return "ClientServer";
    case Configuration::Symmetric: return "Symmetric";
    case Configuration::Broadcast: return "Broadcast";
    case Configuration::SymmetricPassive: return "SymmetricPassive";
  }
  return "Unknown";
}

INSTANTIATE_TEST_SUITE_P(EveryConfiguration, ModelUnderFaults,
                         ::testing::Values(Configuration::ClientServer, Configuration::Symmetric,
                                           Configuration::Broadcast, Configuration::SymmetricPassive),
                         configuration_name);

}  // namespace
}  // namespace ak::model
