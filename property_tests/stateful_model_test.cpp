// Stateful properties: random protocol traces, one rapidcheck command per
// protocol event. Each step runs the event through the model and through a
// System (system.h) and compares their observations; along the way the
// model's safety rules must hold, and after the trace fair delivery must
// still complete the association. A shrunk counterexample prints as a
// protocol trace, one event per line.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdlib>
#include <string>

#include "model.h"
#include "property.h"
#include "protocol_commands.h"
#include "reference_system.h"
#include "system.h"

namespace ak::prop {

std::unique_ptr<System> make_system(model::Configuration c) {
  // AK_PROPERTY_SYSTEM=reference runs these suites against reference/core
  // (reference_system.h, every configuration); otherwise, and by default,
  // the model is compared with itself and only its safety rules are at
  // stake. ReferenceTraces (reference_traces_test.cpp) always runs the
  // reference, with a fair prefix.
  const char* which = std::getenv("AK_PROPERTY_SYSTEM");
  if (which != nullptr && std::string(which) == "reference")
    return std::make_unique<ReferenceSystem>(c, *rc::gen::arbitrary<std::uint64_t>());
  return std::make_unique<ModelSystem>(c);
}

namespace {

void run_trace(model::Configuration config) {
  commands::run_trace(config, [config] { return make_system(config); });
}

AK_PROPERTY(ProtocolTraces, ClientServerMatchesTheModel, 0.4, ()) { run_trace(model::Configuration::ClientServer); }
AK_PROPERTY(ProtocolTraces, SymmetricPeersMatchTheModel, 0.3, ()) { run_trace(model::Configuration::Symmetric); }
AK_PROPERTY(ProtocolTraces, BroadcastMatchesTheModel, 0.3, ()) { run_trace(model::Configuration::Broadcast); }
AK_PROPERTY(ProtocolTraces, SymmetricPassivePeerMatchesTheModel, 0.2, ()) {
  run_trace(model::Configuration::SymmetricPassive);
}

}  // namespace
}  // namespace ak::prop
