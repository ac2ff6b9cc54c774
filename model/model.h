// The executable model of Autokey (RFC 5906) at the level of messages and
// flags: what an association must do, stated small enough to read in one
// sitting and to compare with reference/core step by step.
//
// What is modelled
//   * Two hosts (node 0 and node 1) joined by a network that can drop,
//     duplicate, reorder and replay packets, plus an attacker that can flip
//     bits (the MAC then fails) or rewrite a field of a packet whose MAC it
//     can recompute (every packet carrying extension fields is MACed with
//     cookie 0, RFC 5906 §6.3, so anyone on the path can re-MAC it).
//   * Four configurations: client/server, symmetric active/active, symmetric
//     active/passive (the passive side mobilized by a packet) and
//     broadcast (server node 1, client node 0).
//   * Symbolic crypto: a signature is valid iff the expected principal signed
//     exactly these (timestamp, filestamp, value) fields; an identity proof is
//     valid iff it was made with the honest group key for the challenge the
//     association sent; a certificate carries a subject key and an issuer.
//
// What is observable (Observation): for each association, its CRYPTO_FLAG
// progress bits (wire/flags.h, digest §9.1), the request it is waiting for,
// and whether it is proventic. That is what the property tests compare with
// the reference after an abstraction function.
//
// The transition rules live in one table (kSteps in model.cpp): which request
// a host sends next (digest §9.2) and what a verified response lights.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "wire/extension_field.h"
#include "wire/flags.h"

namespace ak::model {

// Who holds a private key. Nobody = unsigned.
enum class Principal : std::uint8_t { Nobody, Node0, Node1, Attacker };
// The key an identity proof was made with (RFC 5906 §7: only group members
// hold the honest one).
enum class GroupKey : std::uint8_t { None, Honest, Forged };

// SymmetricPassive: node 0 `peer`s node 1, which has no association until
// node 0's first packet mobilizes a passive one (digest §9.6, ntpd's
// ephemeral symmetric passive); it is dropped on refresh or restart.
enum class Configuration : std::uint8_t { ClientServer, Symmetric, Broadcast, SymmetricPassive };
// The identity step (RFC 5906 §6.3): an IFF proof, or TC, where the trusted
// root the certificate trail ends in is the whole proof (CERT lights VRFY).
enum class Identity : std::uint8_t { Iff, Tc };
enum class Mode : std::uint8_t { Client, Symmetric, BroadcastClient };

// One extension field, symbolically. Fields a message kind does not use stay 0.
struct Field {
  wire::Opcode code = wire::Opcode::Null;
  bool response = false;
  bool error = false;
  std::uint32_t assoc_id = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t filestamp = 0;   // ASSOC: the sender's status word (RFC 5906 §10.1)
  std::uint64_t value = 0;       // challenge, cookie, autokey list, leap values
  std::uint32_t seq = 0;         // AUTO response: last index of the key list
  Principal subject = Principal::Nobody;  // CERT/SIGN certificate: whose key it carries
  Principal issuer = Principal::Nobody;   // ... and who signed the certificate
  bool trusted = false;                   // CERT: self-signed with the trustRoot EKU
  GroupKey proof = GroupKey::None;        // identity response
  Principal signer = Principal::Nobody;   // signature over ts || fs || vl || value
  std::uint64_t signed_digest = 0;        // digest() of the fields when signed

  // A stand-in for the octets a signature covers (RFC 5906 §10: timestamp,
  // filestamp, value length and value); any change of those fields changes it.
  std::uint64_t digest() const;
  bool operator==(const Field&) const = default;
};

struct Packet {
  int from = 0;
  int to = 1;
  bool broadcast = false;
  std::uint32_t key_id = 0;  // MAC key ID: a reply echoes the request's (digest §6.9)
  bool mac_ok = true;        // false once a bit was flipped without re-MACing
  bool synchronized = false; // the sender's leap indicator: its clock is set
  std::vector<Field> fields;
  bool operator==(const Packet&) const = default;
};

// Why a field was not accepted; the ntpd XEVNT_* equivalent is in comments.
enum class Verdict : std::uint8_t {
  Accepted,
  Ignored,            // not for us / nothing outstanding / duplicate
  BadMac,             // packet dropped before crypto processing (TEST5)
  WrongKeyId,         // reply to an older request (digest §6.9)
  ErrorResponse,      // E bit (XEVNT_ERR; ntpd restarts, the model discards, see docs/model.md)
  WrongAssocId,       // XEVNT_ERR
  BadTimestamp,       // XEVNT_TSP: zero, older than filestamp, or older than stored
  BadSignature,       // XEVNT_SIG: wrong signer or tampered fields
  NoVerificationKey,  // XEVNT_ERR: signed response before a certificate
  BadCertificate,     // XEVNT_CRT: not a trusted self-signed certificate
  BadIdentity,        // XEVNT_ID: proof not made with the group key
  BrokenKeyChain,     // TEST8: broadcast key ID not in the announced list
};
std::string_view to_string(Verdict v);

// An association (ntpd's struct peer, Autokey part).
struct Association {
  Mode mode = Mode::Client;
  std::uint32_t own_id = 0;
  std::uint32_t peer_id = 0;      // remote association ID (symmetric, broadcast)
  std::uint32_t flags = 0;        // remote status bits | progress bits (digest §9.1)
  std::optional<wire::Opcode> outstanding;  // request sent, response not yet accepted
  std::uint32_t last_key_id = 0;  // key ID of our last transmission
  std::uint64_t challenge = 0;
  Principal verify_key = Principal::Nobody;  // public key of the first certificate
  std::array<std::uint32_t, 10> stored_ts{};  // per opcode: last accepted timestamp
  std::uint64_t autokey_list = 0;  // AUTO values: which list, and its last index
  std::uint32_t autokey_seq = 0;
  std::optional<Field> queued;     // symmetric: one queued request from the peer
  // Symmetric: what the peer's last authentic packet, once PROV was lit,
  // said of its clock (ntpd's peer->leap, digest §9.3); rule 4 reads it.
  bool peer_synced = false;
  // Symmetric sender side: a key list exists (COOK purges it, a restart
  // drops it, it expires) and its values still have to be pushed (§6.8).
  bool list_in_use = false;
  bool push_auto = false;
  bool operator==(const Association&) const = default;
};

struct Host {
  Principal key = Principal::Nobody;
  GroupKey group = GroupKey::Honest;  // identity key it proves with
  bool iff = true;                    // it serves IFF (status word); TC hosts do not
  bool synchronized = false;
  std::uint32_t signature_update = 0;  // hostval timestamp: last crypto_update, 0 = never
  std::uint32_t own_assoc = 0;         // broadcast association ID / symmetric own ID
  std::uint64_t key_list = 1;          // current key list (broadcast / symmetric sender)
  std::uint32_t key_index = 0;         // next index to use, counting down
  std::uint32_t key_list_time = 0;     // when the current list was generated
  std::uint32_t key_list_fs = 0;       // signature_update at that time (its values' filestamp)
  bool push_auto = false;              // broadcast: send an AUTO response next (digest §6.8)
  std::optional<Association> assoc;
  std::uint32_t status() const;        // the status word it advertises
  bool operator==(const Host&) const = default;
};

// The part that is compared with the reference.
struct Observation {
  bool mobilized = false;
  std::uint32_t progress = 0;  // flags & crypto_flag::kAll
  std::optional<wire::Opcode> outstanding;
  std::optional<wire::Opcode> queued;
  bool proventic = false;
  bool operator==(const Observation&) const = default;
};
std::string to_string(const Observation& o);

enum class EventKind : std::uint8_t {
  PollTimerFires,        // node's poll timer: send the next request (or broadcast)
  NetworkDelivers,       // deliver in-flight packet `index`
  NetworkDropsPacket,    // lose in-flight packet `index`
  NetworkDuplicatesPacket,
  NetworkReordersPackets,  // swap in-flight packets `index` and `other`
  AttackerReplaysOldPacket,  // re-inject seen packet `index`
  AttackerFlipsBit,      // corrupt in-flight packet `index` (MAC fails)
  AttackerRewritesField, // change the value of in-flight packet `index`, re-MAC (cookie 0)
  AttackerInjectsResponse,  // forged response to node's outstanding request: own key, forged proof
  ClockSynchronizes,     // node's clock becomes synchronized: crypto_update
  HostRestarts,          // node restarts: associations and key lists gone, unsynchronized
  KeyListExpires,        // node's key list expires: the next transmission starts a new one
  RefreshTimerFires,     // node's association is refreshed (digest §6.10): restart
};
std::string_view to_string(EventKind k);

// The transition table (kSteps) as a Markdown table; docs/model.md embeds it
// verbatim and a test keeps the two equal.
std::string transition_table_markdown();

struct Event {
  EventKind kind = EventKind::PollTimerFires;
  int node = 0;
  std::size_t index = 0;
  std::size_t other = 0;
};
std::string to_string(const Event& e);

// What one event did to each field it delivered, for the safety checks.
struct StepReport {
  int node = -1;  // receiving node, -1 if nothing was processed
  std::vector<std::pair<Field, Verdict>> fields;
};

class World;

// The safety rules for one step, checked against symbolic truth rather than
// the model's own verdicts (so they also catch a model or reference that
// verifies too little): a step in which nothing was accepted changes no
// association; every accepted signed response really was signed
// by the association's verification key over exactly its fields, with a
// non-zero timestamp; every accepted identity response is an honest proof for
// the challenge sent. "" if all hold, else the rule broken.
std::string check_step(const World& before, const World& after, const StepReport& report);

class World {
 public:
  explicit World(Configuration c, Identity id = Identity::Iff);

  // Apply one event. Events whose precondition does not hold (an index past
  // the network, a poll on a node with nothing to do) change nothing.
  StepReport apply(const Event& e);
  bool enabled(const Event& e) const;

  Observation observe(int node) const;
  // The request the node's next poll would send (digest §9.2), if any.
  std::optional<wire::Opcode> next_request(int node) const;
  const Host& host(int node) const { return hosts_[static_cast<std::size_t>(node)]; }
  const std::deque<Packet>& in_flight() const { return in_flight_; }
  const std::vector<Packet>& seen() const { return seen_; }
  Configuration configuration() const { return config_; }
  Identity identity() const { return identity_; }
  // Symmetric or SymmetricPassive: both nodes are peers.
  bool symmetric() const { return config_ == Configuration::Symmetric || config_ == Configuration::SymmetricPassive; }

  // Safety rules that must hold in every reachable state (RFC 5906 §6):
  // flags light in order, nothing proventic before identity, progress only
  // for mobilized associations. Empty string = all hold, else the rule broken.
  std::string check_invariants() const;

  // Every association the configuration calls for exists and has lit all of
  // CRYPTO_FLAG_ALL (0x7f00): the dance is over (digest §9.1).
  bool complete() const;
  // Fair delivery: each round polls both nodes and delivers every packet in
  // order; then a client clock synchronizes once its server is proventic
  // (digest §9.3), servers and symmetric peers at once (they have other
  // sources). Returns the rounds used, or nullopt if not complete in time.
  std::optional<int> run_fair(int rounds = 40);

  // The order the progress bits must light in, by mode (digest §9.2/§9.4).
  static bool flags_in_order(Mode m, std::uint32_t flags);

  static constexpr std::size_t kMaxInFlight = 8;
  static constexpr std::size_t kMaxSeen = 32;

 private:
  void poll(int node);
  void send(Packet p);
  Verdict receive_field(int node, const Packet& p, const Field& f);
  Verdict handle_response(Host& h, Association& a, const Packet& p, const Field& f);
  std::optional<Field> answer(int node, const Field& request);
  void restart(Association& a);
  Field sign(int node, Field f) const;

  Configuration config_;
  Identity identity_;
  std::array<Host, 2> hosts_;
  std::deque<Packet> in_flight_;
  std::vector<Packet> seen_;
  std::uint32_t clock_ = 1000;
  std::uint32_t next_key_id_ = 0x10000;
  std::uint64_t next_nonce_ = 2;
};

}  // namespace ak::model
