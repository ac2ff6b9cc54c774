// A deterministic little network for engine tests: engines exchange the
// datagrams their Send actions ask for, under a seeded fault model (drop,
// duplicate, reorder/delay, corrupt, replay), one simulated second per step.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "core/engine.h"
#include "core/tests/host_test_support.h"
#include "wire/flags.h"

namespace ak::core::test {

// Around the fixtures' own date (their files are stamped 4004702989..4004704710).
inline constexpr std::uint32_t kT0 = 4004705000u;

struct Faults {
  double drop = 0, duplicate = 0, corrupt = 0, replay = 0;
  std::uint32_t max_delay = 0;  // seconds; > 0 reorders
};

struct Node {
  Engine* engine = nullptr;
  wire::Address address;
  bool sync_when_proventic = false;  // stands in for the clock discipline
  bool timers = true;                // false for an extra listening address
};

class Net {
 public:
  explicit Net(std::uint64_t seed, Faults faults = {}) : rng_(seed), faults_(faults) {}

  void add(Engine& e, const wire::Address& a, bool sync_when_proventic = false) {
    nodes_.push_back(Node{&e, a, sync_when_proventic});
  }

  // Also deliver datagrams sent to `a` (a broadcast address) to `e`.
  void listen(Engine& e, const wire::Address& a) { nodes_.push_back(Node{&e, a, false, false}); }

  // Every action any engine returned, in order (for inspection).
  std::vector<Action> log;
  // Every datagram an engine sent, with the time, before any fault.
  std::vector<std::pair<std::uint32_t, Send>> sent;
  std::size_t delivered = 0;
  // Called after every step; a test asserts its invariants here.
  std::function<void(std::uint32_t)> after_step;

  void take(std::vector<Action> actions, std::uint32_t now) {
    for (auto& a : actions) {
      if (auto* s = std::get_if<Send>(&a)) send(*s, now);
      log.push_back(std::move(a));
    }
  }

  // Runs from `from` to `to` (inclusive) or until done() holds after a step.
  // Returns the time it stopped.
  std::uint32_t run(std::uint32_t from, std::uint32_t to, const std::function<bool()>& done) {
    for (std::uint32_t t = from; t <= to; ++t) {
      step(t);
      if (after_step) after_step(t);
      if (done()) return t;
    }
    return to;
  }

  void step(std::uint32_t t) {
    // Deliver what is due, earliest first (stable: same-time datagrams keep order).
    std::stable_sort(flight_.begin(), flight_.end(), [](const auto& x, const auto& y) { return x.at < y.at; });
    std::vector<InFlight> due;
    auto it = std::find_if(flight_.begin(), flight_.end(), [t](const InFlight& f) { return f.at > t; });
    due.assign(flight_.begin(), it);
    flight_.erase(flight_.begin(), it);
    for (auto& f : due) deliver(f, t);
    for (auto& n : nodes_) {
      if (!n.timers) continue;
      take(n.engine->handle_timer(t), t);
      if (n.sync_when_proventic && !n.engine->synchronized()) {
        for (const auto& v : n.engine->associations()) {
          if (v.flags & wire::crypto_flag::kProv) {
            take(n.engine->set_synchronized(t), t);
            break;
          }
        }
      }
    }
  }

  std::size_t in_flight() const { return flight_.size(); }

 private:
  struct InFlight {
    std::uint32_t at;
    Send s;
  };

  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  void send(const Send& s, std::uint32_t now) {
    sent.emplace_back(now, s);
    seen_.push_back(s);
    if (seen_.size() > 64) seen_.erase(seen_.begin());
    if (chance(faults_.drop)) return;
    int copies = chance(faults_.duplicate) ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      Send c = s;
      if (chance(faults_.corrupt) && !c.bytes.empty()) {
        const auto bit = std::uniform_int_distribution<std::size_t>(0, c.bytes.size() * 8 - 1)(rng_);
        c.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      }
      const std::uint32_t delay =
          faults_.max_delay ? std::uniform_int_distribution<std::uint32_t>(0, faults_.max_delay)(rng_) : 0;
      flight_.push_back(InFlight{now + delay, std::move(c)});
    }
    if (chance(faults_.replay) && !seen_.empty()) {
      const auto k = std::uniform_int_distribution<std::size_t>(0, seen_.size() - 1)(rng_);
      flight_.push_back(InFlight{now + 1, seen_[k]});
    }
  }

  void deliver(const InFlight& f, std::uint32_t t) {
    for (auto& n : nodes_) {
      if (n.address == f.s.to) {
        ++delivered;
        take(n.engine->handle_datagram(f.s.bytes, f.s.from, f.s.to, t), t);
      }
    }
  }

  std::mt19937_64 rng_;
  Faults faults_;
  std::vector<Node> nodes_;
  std::vector<InFlight> flight_;
  std::vector<Send> seen_;
};

inline std::uint32_t flags_of(const Engine& e, std::uint32_t id) {
  const Association* a = e.association(id);
  return a ? a->flags : 0;
}

}  // namespace ak::core::test
