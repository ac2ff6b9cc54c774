// reference/core behind the System interface (issue 7, second half): the
// model's events mapped onto real datagrams and engine calls, and the
// engine's association abstracted to the model's Observation.
//
// Client/server only, IFF on the iff-md5-512 fixture keys (node 0 the client
// `server 10.123.0.1 autokey ident servername`, node 1 a stateless server);
// the model has one identity step, IFF (docs/model.md), so TC would differ by
// construction. Symmetric and broadcast are not mapped yet (docs/model.md,
// "Comparing with the reference").
//
// The network is a queue of real datagram octets, kept index for index with
// the model's in-flight list: the adapter puts a datagram on it exactly when
// the model puts a packet on its own (see ReferenceSystem::on_network), so
// "deliver packet 2" means the same packet on both sides. Time is NTP
// seconds advancing by one per event (a poll jumps to the association's next
// poll time); randomness is seeded per trace.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.h"
#include "model.h"
#include "system.h"
#include "wire/address.h"
#include "wire/reader.h"

namespace ak::prop {

class ReferenceSystem final : public System {
 public:
  struct Options {
    // Host options of the server (node 1), e.g. CookieSeedPolicy.
    core::HostOptions server_host{};
  };

  static bool supports(model::Configuration c) { return c == model::Configuration::ClientServer; }

  ReferenceSystem(model::Configuration c, std::uint64_t seed);
  ReferenceSystem(model::Configuration c, std::uint64_t seed, Options options);
  ~ReferenceSystem() override;

  std::string name() const override { return "reference"; }
  void apply(const model::Event& e) override;
  model::Observation observe(int node) const override;
  std::string detail(int node) const override;
  std::string broken() const override { return broken_; }

  // For targeted properties.
  const core::Engine& engine(int node) const { return *engines_[static_cast<std::size_t>(node)]; }
  core::Engine& engine(int node) { return *engines_[static_cast<std::size_t>(node)]; }
  const core::Association* client_association() const;
  std::uint32_t now() const { return now_; }

  struct Datagram {
    wire::Bytes bytes;
    wire::Address from;
    wire::Address to;
    // A bit was flipped (the model's mac_ok == false): nothing makes the MAC
    // good again, in the model a rewrite does not either.
    bool flipped = false;
  };
  const std::deque<Datagram>& in_flight() const { return in_flight_; }

  // Targeted properties: the server signs the first field of in-flight
  // datagram `index` again over the same value with `timestamp` (what a
  // replay of an old value, or a server with a bad clock, presents), and the
  // datagram is re-MACed. False if there is no signed value to change.
  bool resign_first_field(std::size_t index, std::uint32_t timestamp);

  static const wire::Address& client_address();
  static const wire::Address& server_address();

 private:
  void start_node(int node);
  void take(const std::vector<core::Action>& actions);
  void on_network(Datagram d);
  int node_of(const wire::Address& a) const;
  void deliver(std::size_t index);
  void flip_bit(Datagram& d) const;
  void rewrite_value(Datagram& d) const;
  std::optional<Datagram> forge_response(int node);

  std::uint64_t seed_;
  Options options_;
  std::uint32_t now_;
  unsigned restarts_ = 0;
  std::unique_ptr<core::Engine> engines_[2];
  std::uint32_t client_assoc_ = 0;
  std::deque<Datagram> in_flight_;
  std::vector<Datagram> seen_;
  std::string broken_;
};

}  // namespace ak::prop
