// The comparison (issue 7): random protocol traces run through the model and
// through reference/core (ReferenceSystem) side by side; after every event
// the reference's association, abstracted, must be what the model says
// (docs/model.md, "Comparing with the reference"). A disagreement shrinks
// to a protocol trace, one event per line, with the reference's last
// refusal next to the two observations.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <memory>

#include "property.h"
#include "protocol_commands.h"
#include "reference_system.h"
#include "wire/flags.h"

namespace ak::prop {
namespace {

// One comparison trace against a fresh ReferenceSystem of that
// configuration and identity, its seed drawn by rapidcheck. Up to 10 fair
// rounds first (enough for the whole dance): traces also start in the
// identity, cookie, signing and leap steps, and after completion.
void reference_trace(model::Configuration c, model::Identity id = model::Identity::Iff) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  ReferenceSystem::Options o;
  o.identity = id;
  commands::run_trace(
      c, [c, seed, o] { return std::make_unique<ReferenceSystem>(c, seed, o); }, 10, id);
}

AK_PROPERTY(ReferenceTraces, ClientServerIffMatchesTheModel, 0.3, ()) {
  reference_trace(model::Configuration::ClientServer);
}
AK_PROPERTY(ReferenceTraces, SymmetricPeersIffMatchTheModel, 0.3, ()) {
  reference_trace(model::Configuration::Symmetric);
}
AK_PROPERTY(ReferenceTraces, BroadcastIffMatchesTheModel, 0.3, ()) {
  reference_trace(model::Configuration::Broadcast);
}
AK_PROPERTY(ReferenceTraces, SymmetricPassivePeerIffMatchesTheModel, 0.2, ()) {
  reference_trace(model::Configuration::SymmetricPassive);
}

// TC: the trusted root is the proof (the TC fixtures of the same shapes).
AK_PROPERTY(ReferenceTraces, ClientServerTcMatchesTheModel, 0.1, ()) {
  reference_trace(model::Configuration::ClientServer, model::Identity::Tc);
}
AK_PROPERTY(ReferenceTraces, SymmetricPeersTcMatchTheModel, 0.1, ()) {
  reference_trace(model::Configuration::Symmetric, model::Identity::Tc);
}
AK_PROPERTY(ReferenceTraces, BroadcastTcMatchesTheModel, 0.1, ()) {
  reference_trace(model::Configuration::Broadcast, model::Identity::Tc);
}

// The fair schedule of World::run_fair applied to both sides, event by
// event: the whole dance on the reference, observed equal to the model at
// every step, ending with every progress bit lit (0x7f00). Returns the
// reference for the caller to look at its associations.
std::unique_ptr<ReferenceSystem> fair_run_on_both(model::Configuration c, std::uint64_t seed,
                                                  model::Identity id = model::Identity::Iff) {
  using model::Event;
  using model::EventKind;
  model::World world(c, id);
  ReferenceSystem::Options o;
  o.identity = id;
  auto ref = std::make_unique<ReferenceSystem>(c, seed, o);
  int steps = 0;
  auto step = [&](const Event& e) {
    world.apply(e);
    ref->apply(e);
    ++steps;
    for (int n = 0; n < 2; ++n) {
      EXPECT_EQ(model::to_string(ref->observe(n)), model::to_string(world.observe(n)))
          << "after " << model::to_string(e) << " step " << steps << ", node " << n << ": " << ref->detail(n);
    }
  };
  for (int round = 0; round < 40 && !world.complete() && !::testing::Test::HasFailure(); ++round) {
    for (int n = 1; n >= 0; --n) {
      step(Event{EventKind::PollTimerFires, n});
      while (!world.in_flight().empty()) step(Event{EventKind::NetworkDelivers, 0});
      EXPECT_TRUE(ref->in_flight().empty());
    }
    for (int n = 0; n < 2; ++n) {
      const auto& a = world.host(n).assoc;
      if (!world.host(n).synchronized && a && (a->flags & wire::crypto_flag::kProv) != 0)
        step(Event{EventKind::ClockSynchronizes, n});
    }
  }
  EXPECT_TRUE(world.complete());
  return ref;
}

// The ntpd word of the iff-md5-512 fixture (ntpq.txt): 0x87f23, i.e. the
// peer's status word 0x80023 (md5WithRSAEncryption, ENAB, TAI, IFF) with
// every progress bit lit.
constexpr std::uint32_t kIffComplete = 0x87f23u;

TEST(ReferenceTraces, FairClientServerRunCompletesIdenticallyOnBothSides) {
  const auto ref = fair_run_on_both(model::Configuration::ClientServer, 42);
  ASSERT_NE(ref->association(0), nullptr);
  EXPECT_EQ(ref->association(0)->flags, kIffComplete);
}

TEST(ReferenceTraces, FairSymmetricRunCompletesIdenticallyOnBothSides) {
  const auto ref = fair_run_on_both(model::Configuration::Symmetric, 43);
  for (int n = 0; n < 2; ++n) {
    ASSERT_NE(ref->association(n), nullptr) << n;
    EXPECT_EQ(ref->association(n)->flags, kIffComplete) << n;
  }
  // Digest §6.6: both halves of the cookie agree.
  EXPECT_EQ(ref->association(0)->pcookie, ref->association(1)->pcookie);
}

TEST(ReferenceTraces, FairBroadcastRunCompletesIdenticallyOnBothSides) {
  const auto ref = fair_run_on_both(model::Configuration::Broadcast, 44);
  ASSERT_NE(ref->association(0), nullptr);
  EXPECT_EQ(ref->association(0)->flags, kIffComplete);
  EXPECT_EQ(ref->association(0)->config.mode, core::PeerMode::BroadcastClient);
}

TEST(ReferenceTraces, FairSymmetricPassiveRunCompletesIdenticallyOnBothSides) {
  const auto ref = fair_run_on_both(model::Configuration::SymmetricPassive, 46);
  for (int n = 0; n < 2; ++n) {
    ASSERT_NE(ref->association(n), nullptr) << n;
    EXPECT_EQ(ref->association(n)->flags, kIffComplete) << n;
  }
  EXPECT_EQ(ref->association(1)->config.mode, core::PeerMode::SymmetricPassive);
  EXPECT_EQ(ref->association(0)->pcookie, ref->association(1)->pcookie);
}

// TC: the fixtures' ntpq view, 0x87f03 (no IFF bit in the status word).
TEST(ReferenceTraces, FairTcRunsCompleteIdenticallyOnBothSidesInEveryConfiguration) {
  for (const auto c : {model::Configuration::ClientServer, model::Configuration::Symmetric,
                       model::Configuration::Broadcast}) {
    const auto ref = fair_run_on_both(c, 45, model::Identity::Tc);
    ASSERT_NE(ref->association(0), nullptr);
    EXPECT_EQ(ref->association(0)->flags, 0x87f03u) << static_cast<int>(c);
  }
}

}  // namespace
}  // namespace ak::prop
