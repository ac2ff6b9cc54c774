// reference/core behind the System interface (issue 7, second half): the
// model's events mapped onto real datagrams and engine calls, and the
// engine's associations abstracted to the model's Observation.
//
// All four configurations of the model, with IFF (below) or TC
// (Options::identity: the TC fixtures of the same shape):
//   ClientServer  node 0 `server 10.123.0.1 autokey ident servername`, node 1
//                 a stateless server: the iff-md5-512 fixture keys.
//   Symmetric     node 0 and node 1 `peer` each other (symmetric active):
//                 the sym-tc-md5-512 keys (peerb, peera; both trusted roots)
//                 with iff-md5-512's IFF group key given to both.
//   Broadcast     node 1 `broadcast 10.123.0.255 autokey`, node 0
//                 `broadcastclient` with `ident servername`: iff-md5-512.
//   SymmetricPassive  as Symmetric, but only node 0 has a `peer` line; node
//                 1 accepts passive peers (`ident grp`).
// Node 0 is 10.123.0.2, node 1 is 10.123.0.1.
//
// The network is a queue of real datagram octets, kept index for index with
// the model's in-flight list: the adapter puts a datagram on it exactly when
// the model puts a packet on its own (see ReferenceSystem::on_network), so
// "deliver packet 2" means the same packet on both sides. Each node has its
// own clock (NTP seconds): it moves only when the node's poll timer fires
// (to the next poll time) and when its key list is made to expire, so key
// lists end by use, as the model's do, never by the time other events take.
// Randomness is seeded per trace.
#pragma once

#include <array>
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
    // Host options of node 1 (the server, peer or broadcaster), e.g. CookieSeedPolicy.
    core::HostOptions server_host{};
    // IFF (the keys above) or TC (tc-md5-512, sym-tc-md5-512 without the
    // IFF group key, bcast-tc-md5-512), as the model's World.
    model::Identity identity = model::Identity::Iff;
  };

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
  // The association node `node` is observed by (nullptr: none mobilized).
  const core::Association* association(int node) const;
  const core::Association* client_association() const { return association(0); }
  std::uint32_t now(int node) const { return now_[static_cast<std::size_t>(node)]; }

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

  static const wire::Address& client_address();     // node 0
  static const wire::Address& server_address();     // node 1
  static const wire::Address& broadcast_address();  // node 1's broadcasts

 private:
  void start_node(int node);
  core::Scheme scheme() const;
  void take(int node, const std::vector<core::Action>& actions);
  void on_network(Datagram d);
  int node_of(const wire::Address& a) const;
  void deliver(std::size_t index);
  void flip_bit(Datagram& d) const;
  void rewrite_value(Datagram& d) const;
  void expire_key_list(int node);
  std::optional<Datagram> forge_response(int node);

  model::Configuration config_;
  std::uint64_t seed_;
  Options options_;
  std::array<std::uint32_t, 2> now_;
  unsigned restarts_ = 0;
  std::unique_ptr<core::Engine> engines_[2];
  std::array<std::uint32_t, 2> assoc_{};  // the observed association per node, 0 = none
  std::deque<Datagram> in_flight_;
  std::vector<Datagram> seen_;
  std::string broken_;
};

}  // namespace ak::prop
