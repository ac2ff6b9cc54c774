// The system the stateful suites drive: the model itself (ModelSystem) or
// reference/core behind the same interface (ReferenceSystem,
// reference_system.h). Each step of a trace applies one protocol event to
// the model and to the System and compares what they observe after an
// abstraction function.
#pragma once

#include <memory>
#include <string>

#include "model.h"

namespace ak::prop {

class System {
 public:
  virtual ~System() = default;
  virtual std::string name() const = 0;
  // The same event the model receives. Events are stated in the model's
  // words (which packet, which node); an adapter for the reference maps them
  // onto handle_packet / handle_timer calls.
  virtual void apply(const model::Event& e) = 0;
  // The system's association on `node`, already abstracted to the model's
  // observation (CRYPTO_FLAG progress bits, awaited request, proventic).
  virtual model::Observation observe(int node) const = 0;
  // Anything that helps read a disagreement (e.g. the reference's last
  // refusal); printed next to the two observations, never compared.
  virtual std::string detail(int /*node*/) const { return {}; }
  // A safety rule of the system itself that the last event broke, "" if
  // none (the reference: a refused datagram changed the association).
  virtual std::string broken() const { return {}; }
};

// The model as a System: the comparison is then trivially equal, and the
// suite checks the model's own safety rules along every trace.
class ModelSystem final : public System {
 public:
  explicit ModelSystem(model::Configuration c) : world_(c) {}
  std::string name() const override { return "model"; }
  void apply(const model::Event& e) override { world_.apply(e); }
  model::Observation observe(int node) const override { return world_.observe(node); }

 private:
  model::World world_;
};

// Which System a suite runs: "model" (default) or "reference", chosen with
// AK_PROPERTY_SYSTEM.
std::unique_ptr<System> make_system(model::Configuration c);

// The abstraction function: what of an observation is compared. All of it:
// ReferenceSystem::observe already maps the engine's association onto the
// model's terms (docs/model.md, "The abstraction function").
inline model::Observation abstraction(const model::Observation& o) { return o; }

}  // namespace ak::prop
