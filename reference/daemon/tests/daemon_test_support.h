// Two (or more) Daemons in one process on a simulated timeline: datagrams go
// straight from one handle_* result into the addressee's handle_datagram.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/output.h"
#include "hw/refclock.h"
#include "testing/fixtures.h"

namespace ak::daemon::testing {

// 2026-11-26 17:31:29 UTC: 100 s after the fixture keys were made (filestamp
// 4004702989), so their certificates are valid.
inline constexpr std::int64_t kFixtureUnix = 4004702989LL - 2208988800LL + 100;

// A deterministic random source (xorshift), one stream per daemon.
inline core::RandomSource test_random(std::uint64_t seed) {
  auto state = std::make_shared<std::uint64_t>(seed | 1);
  return [state](std::span<std::uint8_t> out) {
    for (auto& b : out) {
      std::uint64_t x = *state;
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      *state = x;
      b = static_cast<std::uint8_t>(x >> 24);
    }
  };
}

inline config::Config parse(const std::string& text) {
  auto c = config::parse_config(text, "test.conf");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message());
  return c.ok() ? std::move(c).value() : config::Config{};
}

struct Node {
  std::string name;
  wire::Address address;
  std::vector<wire::Address> also;  // broadcast addresses it listens on
  MemoryOutput output;
  std::unique_ptr<Daemon> daemon;
};

class Network {
 public:
  explicit Network(std::int64_t start_unix = kFixtureUnix) : clock_(hw::Timespec{start_unix, 0}) {}

  hw::SimulatedClock& clock() { return clock_; }

  // Starts a daemon at `address` (port 123); a failure is returned, not asserted.
  Result<Node*, StartupError> start(const std::string& name, const std::string& address, const config::Config& cfg,
                                    std::optional<int> poll_log2 = 1, std::uint64_t seed = 1) {
    auto node = std::make_unique<Node>();
    node->name = name;
    node->address = *wire::Address::parse(address);
    Environment env;
    env.clock = &clock_;
    env.output = &node->output;
    env.random = test_random(seed);
    env.system_host = name;
    const wire::Address mine = node->address;
    env.local_address_for = [mine](const wire::Address&) { return std::optional<wire::Address>(mine); };
    env.poll_log2 = poll_log2;
    // Host names resolve through `names` (a stand-in DNS), filtered by family.
    env.resolve = [this](const std::string& host_name, int family) {
      std::vector<wire::Address> out;
      auto it = names.find(host_name);
      if (it == names.end()) return out;
      for (const auto& a : it->second)
        if (family == 0 || (family == 4) == a.is_v4()) out.push_back(a);
      return out;
    };
    auto d = Daemon::create(cfg, env);
    if (!d) return Err{d.error()};
    node->daemon = std::move(d).value();
    nodes_.push_back(std::move(node));
    return nodes_.back().get();
  }

  // Stops node's daemon and starts a new one in its place (same address),
  // as a restarted process: all state lost, keys read again.
  Status<StartupError> restart(Node* node, const config::Config& cfg, std::optional<int> poll_log2 = 1,
                               std::uint64_t seed = 99) {
    Environment env;
    env.clock = &clock_;
    env.output = &node->output;
    env.random = test_random(seed);
    env.system_host = node->name;
    const wire::Address mine = node->address;
    env.local_address_for = [mine](const wire::Address&) { return std::optional<wire::Address>(mine); };
    env.poll_log2 = poll_log2;
    node->daemon.reset();
    auto d = Daemon::create(cfg, env);
    if (!d) return Err{d.error()};
    node->daemon = std::move(d).value();
    return Ok{};
  }

  // Advances the timeline in `step` seconds for `seconds`, running every
  // daemon's timers and delivering every datagram (1 ms in flight). Stops
  // early when `done` says so.
  void run(double seconds, std::function<bool()> done = {}, double step = 0.25) {
    const hw::Timespec end = clock_.realtime().plus_seconds(seconds);
    while (hw::seconds_between(end, clock_.realtime()) > 0) {
      for (auto& n : nodes_) {
        if (hw::seconds_between(clock_.realtime(), n->daemon->next_wakeup()) >= 0) deliver(n->daemon->handle_timer());
      }
      if (done && done()) return;
      clock_.advance_ns(static_cast<std::int64_t>(step * 1e9));
    }
  }

  void deliver(std::vector<Datagram> datagrams) {
    while (!datagrams.empty()) {
      std::vector<Datagram> next;
      for (auto& d : datagrams) {
        ++delivered_;
        if (record_wire) wire_log.push_back(d);
        clock_.advance_ns(1'000'000);
        for (auto& n : nodes_) {
          // A broadcast reaches every listener but its sender.
          const bool mine = n->address == d.to.address ||
                            (std::find(n->also.begin(), n->also.end(), d.to.address) != n->also.end() &&
                             !(n->address == d.from.address));
          if (mine && n->daemon->port() == d.to.port) {
            auto replies = n->daemon->handle_datagram(d.bytes, d.from, d.to);
            for (auto& r : replies) next.push_back(std::move(r));
          }
        }
      }
      datagrams = std::move(next);
    }
  }

  std::size_t delivered() const { return delivered_; }
  // What host names resolve to for the daemons started from now on.
  std::map<std::string, std::vector<wire::Address>> names;
  bool record_wire = false;
  // Datagrams in flight so far, for tests that look at the wire.
  std::vector<Datagram> wire_log;

 private:
  hw::SimulatedClock clock_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::size_t delivered_ = 0;
};

inline std::string fixture_dir(const std::string& rel) {
  return ak::testing::fixture(rel).string();
}

inline std::string server_config(const std::string& scheme_dir = "iff-md5-512") {
  return "server 127.127.1.0 minpoll 3 maxpoll 3 prefer\n"
         "fudge 127.127.1.0 stratum 3\n"
         "disable ntp\n"
         "keysdir " + fixture_dir(scheme_dir + "/server") + "/\n"
         "crypto pw server_password host servername ident servername\n";
}

inline std::string client_config(const std::string& scheme_dir = "iff-md5-512", bool ident = true) {
  return "keysdir " + fixture_dir(scheme_dir + "/client") + "/\n"
         "crypto pw client_password host clientname" + std::string(ident ? " ident servername" : "") + "\n"
         "server 10.123.0.1 autokey" + std::string(ident ? " ident servername" : "") + " iburst minpoll 4 maxpoll 4\n"
         "disable ntp\n";
}

}  // namespace ak::daemon::testing
