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

AK_PROPERTY(ReferenceTraces, ClientServerIffMatchesTheModel, 0.3, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  // Up to 10 fair rounds first (enough for the whole dance): traces also start
  // in the identity, cookie, signing and leap steps, and after completion.
  commands::run_trace(
      model::Configuration::ClientServer,
      [seed] { return std::make_unique<ReferenceSystem>(model::Configuration::ClientServer, seed); }, 10);
}

// The fair schedule of World::run_fair applied to both sides, event by
// event: the whole dance on the reference, observed equal to the model at
// every step, ending with every progress bit lit (0x7f00) on both.
TEST(ReferenceTraces, FairRunCompletesIdenticallyOnBothSides) {
  using model::Event;
  using model::EventKind;
  model::World world(model::Configuration::ClientServer);
  ReferenceSystem ref(model::Configuration::ClientServer, 42);
  int steps = 0;
  auto step = [&](const Event& e) {
    world.apply(e);
    ref.apply(e);
    ++steps;
    for (int n = 0; n < 2; ++n) {
      ASSERT_EQ(model::to_string(ref.observe(n)), model::to_string(world.observe(n)))
          << "after " << model::to_string(e) << " step " << steps << ": " << ref.detail(n);
    }
  };
  for (int round = 0; round < 40 && !world.complete(); ++round) {
    for (int n = 1; n >= 0; --n) {
      step(Event{EventKind::PollTimerFires, n});
      while (!world.in_flight().empty()) step(Event{EventKind::NetworkDelivers, 0});
      ASSERT_TRUE(ref.in_flight().empty());
    }
    if (world.observe(0).proventic && !world.host(0).synchronized) step(Event{EventKind::ClockSynchronizes, 0});
  }
  EXPECT_TRUE(world.complete());
  EXPECT_EQ(ref.observe(0).progress, wire::crypto_flag::kAll);
  ASSERT_NE(ref.client_association(), nullptr);
  // The ntpd word of the iff-md5-512 fixture (ntpq.txt): 0x87f23.
  EXPECT_EQ(ref.client_association()->flags, 0x87f23u);
}

}  // namespace
}  // namespace ak::prop
