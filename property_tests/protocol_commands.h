// The protocol events as rapidcheck commands, shared by every suite that
// drives the model and a System side by side (stateful_model_test.cpp with
// the model or, via AK_PROPERTY_SYSTEM, the reference; reference_traces_test.cpp
// always with the reference; the mutant binaries). One command per protocol
// event; each step applies the event to the model and to the System, checks
// the model's safety rules and compares abstraction(observe) of both.
#pragma once

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "model.h"
#include "system.h"

namespace ak::prop::commands {

using model::Event;
using model::EventKind;
using model::World;
using wire::Opcode;

using Command = rc::state::Command<World, System>;

inline std::string describe_packet(const model::Packet& p) {
  std::ostringstream os;
  os << p.from << "->" << p.to << (p.broadcast ? " broadcast" : "") << (p.mac_ok ? "" : " bad-MAC");
  for (const auto& fld : p.fields)
    os << " " << wire::name(fld.code) << (fld.error ? "-E" : fld.response ? "-R" : "");
  return os.str();
}

// One command per protocol event (CRTP): D::make(world) draws the event,
// D::fits(world, event) is its precondition, checked again while shrinking
// (deps-probe: without checkPreconditions shrinking yields bogus traces).
template <class D>
struct Step : Command {
  Event event;
  std::string detail;  // what the event touched when it was generated

  explicit Step(const World& w) : event(D::make(w)) {
    RC_PRE(D::fits(w, event));
    detail = D::describe(w, event);
  }

  void checkPreconditions(const World& w) const override { RC_PRE(D::fits(w, event)); }

  void apply(World& w) const override { w.apply(event); }

  void run(const World& before, System& sut) const override {
    World after = before;
    const auto report = after.apply(event);
    sut.apply(event);
    // Safety rules of the model (docs/model.md).
    const auto broken = after.check_invariants();
    RC_ASSERT(broken == std::string());
    const auto step_broken = model::check_step(before, after, report);
    RC_ASSERT(step_broken == std::string());
    // The System's own safety rule (ReferenceSystem: security-history §4
    // property 8, a refused datagram changes nothing).
    const auto sut_broken = sut.broken();
    if (!sut_broken.empty()) RC_FAIL(sut.name() + ": " + sut_broken);
    // The comparison (issue 7): the System observes what the model does.
    for (int n = 0; n < 2; ++n) {
      const auto want = abstraction(after.observe(n));
      const auto got = abstraction(sut.observe(n));
      if (!(want == got)) {
        const auto why = sut.detail(n);
        RC_FAIL("node " + std::to_string(n) + ": " + sut.name() + " has " + model::to_string(got) +
                ", the model " + model::to_string(want) + (why.empty() ? std::string() : " (" + why + ")"));
      }
    }
  }

  void show(std::ostream& os) const override {
    // "NetworkDelivers(node 0, packet 1) [1->0 CERT-R]"
    const auto text = model::to_string(event);
    os << D::kName << text.substr(text.find('('));
    if (!detail.empty()) os << " [" << detail << "]";
  }
};

inline std::size_t pick_packet(const World& w) {
  return w.in_flight().empty() ? 0 : *rc::gen::inRange<std::size_t>(0, w.in_flight().size());
}

inline std::string packet_detail(const World& w, const Event& e) {
  return e.index < w.in_flight().size() ? describe_packet(w.in_flight()[e.index]) : std::string();
}

struct PollTimerFires : Step<PollTimerFires> {
  using Step::Step;
  static constexpr const char* kName = "PollTimerFires";
  static Event make(const World&) { return Event{EventKind::PollTimerFires, *rc::gen::inRange(0, 2)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World& w, const Event& e) {
    const auto r = w.next_request(e.node);
    return r ? std::string("sends ") + std::string(wire::name(*r)) : std::string();
  }
};

// The client's first step, named as in the issue.
struct ClientSendsAssoc : Step<ClientSendsAssoc> {
  using Step::Step;
  static constexpr const char* kName = "ClientSendsAssoc";
  static Event make(const World&) { return Event{EventKind::PollTimerFires, 0}; }
  static bool fits(const World& w, const Event& e) { return w.next_request(e.node) == Opcode::Assoc; }
  static std::string describe(const World&, const Event&) { return {}; }
};

struct NetworkDelivers : Step<NetworkDelivers> {
  using Step::Step;
  static constexpr const char* kName = "NetworkDelivers";
  static Event make(const World& w) { return Event{EventKind::NetworkDelivers, 0, pick_packet(w)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World& w, const Event& e) { return packet_detail(w, e); }
};

// A server answering a CERT request (named in the issue; any delivery of a
// request to node 1 in the client/server and broadcast configurations).
struct ServerAnswersCert : Step<ServerAnswersCert> {
  using Step::Step;
  static constexpr const char* kName = "ServerAnswersCert";
  static Event make(const World& w) { return Event{EventKind::NetworkDelivers, 1, pick_packet(w)}; }
  static bool fits(const World& w, const Event& e) {
    if (!w.enabled(e) || w.symmetric()) return false;
    const auto& p = w.in_flight()[e.index];
    return p.to == 1 && !p.fields.empty() && p.fields.front().code == Opcode::Cert && !p.fields.front().response;
  }
  static std::string describe(const World& w, const Event& e) { return packet_detail(w, e); }
};

struct NetworkDropsPacket : Step<NetworkDropsPacket> {
  using Step::Step;
  static constexpr const char* kName = "NetworkDropsPacket";
  static Event make(const World& w) { return Event{EventKind::NetworkDropsPacket, 0, pick_packet(w)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World& w, const Event& e) { return packet_detail(w, e); }
};

struct NetworkDuplicatesPacket : Step<NetworkDuplicatesPacket> {
  using Step::Step;
  static constexpr const char* kName = "NetworkDuplicatesPacket";
  static Event make(const World& w) { return Event{EventKind::NetworkDuplicatesPacket, 0, pick_packet(w)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World& w, const Event& e) { return packet_detail(w, e); }
};

struct NetworkReordersPackets : Step<NetworkReordersPackets> {
  using Step::Step;
  static constexpr const char* kName = "NetworkReordersPackets";
  static Event make(const World& w) { return Event{EventKind::NetworkReordersPackets, 0, pick_packet(w), pick_packet(w)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World&, const Event&) { return {}; }
};

struct AttackerReplaysOldResponse : Step<AttackerReplaysOldResponse> {
  using Step::Step;
  static constexpr const char* kName = "AttackerReplaysOldResponse";
  static Event make(const World& w) {
    const std::size_t i = w.seen().empty() ? 0 : *rc::gen::inRange<std::size_t>(0, w.seen().size());
    return Event{EventKind::AttackerReplaysOldPacket, 0, i};
  }
  static bool fits(const World& w, const Event& e) {
    return w.enabled(e) && !w.seen()[e.index].fields.empty() && w.seen()[e.index].fields.front().response;
  }
  static std::string describe(const World& w, const Event& e) {
    return e.index < w.seen().size() ? describe_packet(w.seen()[e.index]) : std::string();
  }
};

struct AttackerFlipsBit : Step<AttackerFlipsBit> {
  using Step::Step;
  static constexpr const char* kName = "AttackerFlipsBit";
  static Event make(const World& w) { return Event{EventKind::AttackerFlipsBit, 0, pick_packet(w)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World& w, const Event& e) { return packet_detail(w, e); }
};

struct AttackerRewritesSignedValue : Step<AttackerRewritesSignedValue> {
  using Step::Step;
  static constexpr const char* kName = "AttackerRewritesSignedValue";
  static Event make(const World& w) { return Event{EventKind::AttackerRewritesField, 0, pick_packet(w)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World& w, const Event& e) { return packet_detail(w, e); }
};

struct AttackerForgesResponse : Step<AttackerForgesResponse> {
  using Step::Step;
  static constexpr const char* kName = "AttackerForgesResponse";
  static Event make(const World&) { return Event{EventKind::AttackerInjectsResponse, *rc::gen::inRange(0, 2)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World& w, const Event& e) {
    const auto& a = w.host(e.node).assoc;
    return a && a->outstanding ? std::string("to ") + std::string(wire::name(*a->outstanding)) : std::string();
  }
};

struct ServerRestarts : Step<ServerRestarts> {
  using Step::Step;
  static constexpr const char* kName = "ServerRestarts";
  static Event make(const World&) { return Event{EventKind::HostRestarts, 1}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World&, const Event&) { return {}; }
};

struct ClockSynchronizes : Step<ClockSynchronizes> {
  using Step::Step;
  static constexpr const char* kName = "ClockSynchronizes";
  static Event make(const World&) { return Event{EventKind::ClockSynchronizes, *rc::gen::inRange(0, 2)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World&, const Event&) { return {}; }
};

struct KeyListExpires : Step<KeyListExpires> {
  using Step::Step;
  static constexpr const char* kName = "KeyListExpires";
  static Event make(const World&) { return Event{EventKind::KeyListExpires, *rc::gen::inRange(0, 2)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World&, const Event&) { return {}; }
};

struct RefreshTimerFires : Step<RefreshTimerFires> {
  using Step::Step;
  static constexpr const char* kName = "RefreshTimerFires";
  static Event make(const World&) { return Event{EventKind::RefreshTimerFires, *rc::gen::inRange(0, 2)}; }
  static bool fits(const World& w, const Event& e) { return w.enabled(e); }
  static std::string describe(const World&, const Event&) { return {}; }
};

// Deliveries and polls come up more often than faults, so traces get deep
// into the dance (rapidcheck picks each listed command with equal weight).
inline auto protocol_events() {
  return rc::state::gen::execOneOfWithArgs<PollTimerFires, PollTimerFires, ClientSendsAssoc, NetworkDelivers,
                                           NetworkDelivers, NetworkDelivers, NetworkDelivers, ServerAnswersCert,
                                           NetworkDropsPacket, NetworkDuplicatesPacket, NetworkReordersPackets,
                                           AttackerReplaysOldResponse, AttackerFlipsBit, AttackerRewritesSignedValue,
                                           AttackerForgesResponse, ServerRestarts, ClockSynchronizes, KeyListExpires,
                                           RefreshTimerFires>();
}

// Applies one event to both sides outside rapidcheck's command list (the
// fair prefix below) and compares them as Step::run does.
inline void apply_both(World& w, System& sut, const Event& e) {
  w.apply(e);
  sut.apply(e);
  for (int n = 0; n < 2; ++n) {
    const auto want = abstraction(w.observe(n));
    const auto got = abstraction(sut.observe(n));
    if (!(want == got)) {
      RC_FAIL("fair prefix, after " + model::to_string(e) + ", node " + std::to_string(n) + ": " + sut.name() +
              " has " + model::to_string(got) + ", the model " + model::to_string(want) + " (" + sut.detail(n) + ")");
    }
  }
}

// `rounds` rounds of World::run_fair's schedule (both nodes poll, every
// packet is delivered, clocks synchronize as there), so that random traces
// also start deep in the dance and not only at ASSOC.
inline void fair_prefix(World& w, System& sut, int rounds) {
  for (int round = 0; round < rounds && !w.complete(); ++round) {
    for (int n = 1; n >= 0; --n) {
      apply_both(w, sut, Event{EventKind::PollTimerFires, n});
      while (!w.in_flight().empty()) apply_both(w, sut, Event{EventKind::NetworkDelivers, 0});
    }
    for (int n = 0; n < 2; ++n) {
      const auto& a = w.host(n).assoc;
      if (!w.host(n).synchronized && (!a || a->mode == model::Mode::Symmetric || (a->flags & wire::crypto_flag::kProv) != 0))
        apply_both(w, sut, Event{EventKind::ClockSynchronizes, n});
    }
  }
}

// One trace: optionally a fair prefix of up to `max_prefix_rounds` rounds
// (drawn by rapidcheck, shrinking towards none), then generated commands run
// against the model and the System from `make`; afterwards, the model's
// liveness (refresh, then fair delivery completes the association).
inline void run_trace(model::Configuration config, const std::function<std::unique_ptr<System>()>& make,
                      int max_prefix_rounds = 0, model::Identity identity = model::Identity::Iff) {
  World initial(config, identity);
  auto sut = make();
  const int prefix = max_prefix_rounds > 0 ? *rc::gen::inRange(0, max_prefix_rounds + 1) : 0;
  fair_prefix(initial, *sut, prefix);
  RC_CLASSIFY(prefix > 0, "fair prefix");
  const auto commands = *rc::state::gen::commands(initial, protocol_events());
  rc::state::runAll(commands, initial, *sut);
  // Liveness: whatever happened, once the old traffic is gone (a replayed
  // ASSOC broadcast could bind a fresh broadcast client to a dead
  // association again), refreshing and then fair delivery completes.
  World end = initial;
  rc::state::applyAll(commands, end);
  RC_CLASSIFY(end.observe(0).proventic, "proventic before the fair run");
  while (!end.in_flight().empty()) end.apply(Event{EventKind::NetworkDropsPacket, 0, 0});
  end.apply(Event{EventKind::RefreshTimerFires, 0});
  end.apply(Event{EventKind::RefreshTimerFires, 1});
  RC_ASSERT(end.run_fair(60).has_value());
}

}  // namespace ak::prop::commands
