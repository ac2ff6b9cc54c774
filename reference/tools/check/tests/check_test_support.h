// In-process runs of the checkers against our own Engine (no sockets).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <span>
#include <string>

#include "check/client_check.h"
#include "check/server_check.h"
#include "core/engine.h"
#include "core/host.h"
#include "keys/keys_dir.h"
#include "testing/fixtures.h"

namespace ak::check::test {

// Inside the fixture certificates' validity (made at 4004702989).
inline constexpr std::uint32_t kNow = 4004705000u;

inline core::RandomSource seeded(std::uint64_t seed) {
  auto gen = std::make_shared<std::mt19937_64>(seed);
  return [gen](std::span<std::uint8_t> out) {
    for (auto& b : out) b = static_cast<std::uint8_t>((*gen)() >> 24);
  };
}

inline core::Host fixture_host(const std::string& folder, const std::string& side, core::HostOptions o = {},
                               std::uint64_t seed = 1) {
  keys::KeysDirOptions k;
  k.dir = testing::fixture(folder + "/" + side);
  k.host = side == "server" ? "servername" : "clientname";
  k.ident = "servername";
  k.password = side == "server" ? "server_password" : "client_password";
  auto loaded = keys::load_keys_dir(k);
  if (!loaded) throw std::runtime_error("keys: " + keys::describe(loaded.error()));
  auto host = core::Host::create(std::move(loaded).value(), std::move(o), seeded(seed));
  if (!host) throw std::runtime_error("host: " + core::describe(host.error()));
  return std::move(host).value();
}

inline const wire::Address kServer = wire::Address::v4({127, 0, 0, 1});
inline const wire::Address kClient = wire::Address::v4({127, 0, 0, 1});
inline const wire::Address kClient2 = wire::Address::v4({127, 0, 0, 2});

inline ServerCheckOptions options(core::Scheme scheme) {
  ServerCheckOptions o;
  o.scheme = scheme;
  o.group = "servername";
  o.client = kClient;
  o.server = kServer;
  o.second_client = kClient2;
  return o;
}

// Runs every check of `checker` against `server`, one simulated second per exchange.
inline void run(ServerChecker& checker, core::Engine& server, const ServerCheckOptions& o, std::uint32_t now = kNow) {
  while (auto out = checker.next(now)) {
    const wire::Address src = out->from == Source::SecondAddress ? *o.second_client : o.client;
    auto actions = server.handle_datagram(out->bytes, src, o.server, now);
    std::optional<wire::Bytes> reply;
    for (auto& a : actions)
      if (auto* send = std::get_if<core::Send>(&a); send && !reply) reply = send->bytes;
    if (reply) checker.on_reply(wire::ByteView(*reply), now);
    else checker.on_reply(std::nullopt, now);
    ++now;
  }
}

// Our Engine serving a fixture's server keys, synchronized 100 s before kNow.
inline std::unique_ptr<core::Engine> server_engine(const std::string& folder, core::HostOptions o = {}) {
  auto e = std::make_unique<core::Engine>(fixture_host(folder, "server", std::move(o), 7));
  (void)e->set_synchronized(kNow - 100);
  return e;
}

// Every server check, from the fixture's client keys, against server_engine(folder).
inline Report check_engine_server(const std::string& folder, core::Scheme scheme) {
  auto server = server_engine(folder);
  core::Host me = fixture_host(folder, "client");
  const auto o = options(scheme);
  ServerChecker checker(me, o);
  run(checker, *server, o);
  return checker.report();
}

inline std::string verdicts(const Report& r) {
  std::string s;
  for (const auto& row : r.rows()) s += row.id + "=" + std::string(name(row.verdict)) + " ";
  return s;
}

// Our Engine as the client under test, the checker as its server, one
// simulated second per step. AK_CHECK_DEBUG=1 prints the client's actions.
inline Report run_client_mode(const std::string& folder, core::Scheme scheme) {
  core::Host server_keys = fixture_host(folder, "server", {}, 11);
  const wire::Address checker_addr = wire::Address::v4({10, 9, 0, 1});
  const wire::Address client_addr = wire::Address::v4({10, 9, 0, 2});
  ClientChecker checker(server_keys, ClientCheckOptions{checker_addr});
  core::Engine client(fixture_host(folder, "client", {}, 12));
  core::PeerConfig pc;
  pc.remote = checker_addr;
  pc.local = client_addr;
  pc.scheme = scheme;
  pc.ident = scheme == core::Scheme::Tc ? "" : "servername";
  pc.poll_log2 = 1;
  (void)client.set_synchronized(kNow);
  EXPECT_TRUE(client.mobilize(pc, kNow).ok());
  for (std::uint32_t t = kNow; t < kNow + 2000 && !checker.finished(); ++t) {
    for (auto& a : client.handle_timer(t)) {
      auto* send = std::get_if<core::Send>(&a);
      if (!send) continue;
      auto reply = checker.on_datagram(send->bytes, client_addr, t);
      if (reply)
        for (auto& act : client.handle_datagram(*reply, checker_addr, client_addr, t))
          if (std::getenv("AK_CHECK_DEBUG")) std::cerr << core::describe(act) << "\n";
    }
  }
  checker.finish(kNow + 2000);
  return checker.report();
}

}  // namespace ak::check::test
