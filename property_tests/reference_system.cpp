// The model's events on reference/core. Each case of apply() says how one
// model event becomes engine calls and datagram octets; where the two cannot
// be the same thing, the comment says what the adapter does instead and
// docs/model.md ("Comparing with the reference") lists it.
#include "reference_system.h"

#include <botan/bigint.h>
#include <botan/rng.h>
#include <botan/rsa.h>

#include <algorithm>
#include <map>
#include <random>
#include <span>
#include <stdexcept>

#include "crypto/certificate.h"
#include "crypto/cookie.h"
#include "crypto/iff.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"
#include "keys/keys_dir.h"
#include "testing/fixtures.h"
#include "wire/flags.h"
#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak::prop {
namespace {

namespace cf = wire::crypto_flag;
using model::EventKind;

// Near the fixtures' own date: their files are stamped 4004702989..4004704710
// and their certificates are valid for a year from then.
constexpr std::uint32_t kT0 = 4004705000u;
constexpr unsigned kPollLog2 = 4;
// The broadcaster's key lists hold min(100, 2^5 / 2^4 + 1) = 3 keys, as the
// model's (kKeyListLast); their lifetime, 2^5 + 2^4 s, is never reached by
// use alone, because the broadcaster's clock moves 2^4 s per broadcast.
constexpr unsigned kBroadcastAutomaxLog2 = 5;

// Where a node's keys come from (fixture folder and side, crypto host, ident, pw).
struct NodeKeys {
  const char* folder;
  const char* side;
  const char* host;
  const char* ident;
  const char* password;
};

bool symmetric(model::Configuration c) {
  return c == model::Configuration::Symmetric || c == model::Configuration::SymmetricPassive;
}

NodeKeys keys_for(model::Configuration c, int node, model::Identity id = model::Identity::Iff) {
  if (symmetric(c)) {
    return node == 1 ? NodeKeys{"sym-tc-md5-512", "a", "peera", "grp", "apw"}
                     : NodeKeys{"sym-tc-md5-512", "b", "peerb", "grp", "bpw"};
  }
  const char* folder = id == model::Identity::Iff ? "iff-md5-512"
                       : c == model::Configuration::Broadcast ? "bcast-tc-md5-512"
                                                              : "tc-md5-512";
  return node == 1 ? NodeKeys{folder, "server", "servername", "servername", "server_password"}
                   : NodeKeys{folder, "client", "clientname", "servername", "client_password"};
}


// Reproducible, not cryptographic: a trace replays exactly.
core::RandomSource seeded(std::uint64_t seed) {
  auto gen = std::make_shared<std::mt19937_64>(seed);
  return [gen](std::span<std::uint8_t> out) {
    for (auto& b : out) b = static_cast<std::uint8_t>((*gen)() >> 24);
  };
}

keys::LoadedKeys load(const NodeKeys& k) {
  keys::KeysDirOptions o;
  o.dir = testing::fixture(std::string(k.folder) + "/" + k.side);
  o.host = k.host;
  o.ident = k.ident;
  o.password = k.password;
  auto loaded = keys::load_keys_dir(o);
  if (!loaded) throw std::runtime_error("fixture keys did not load: " + keys::describe(loaded.error()));
  return std::move(loaded).value();
}

// The IFF group key of the iff-md5-512 fixture (RFC 5906 App. F), which
// the two symmetric peers share: each proves its identity with it and checks
// the other's proof with its public parameters.
const keys::Stamped<crypto::IffParams>& iff_group_key() {
  static const keys::Stamped<crypto::IffParams> key = [] {
    auto loaded = load(keys_for(model::Configuration::ClientServer, 1));
    if (!loaded.iff_key) throw std::runtime_error("iff-md5-512 has no IFF key");
    return *loaded.iff_key;
  }();
  return key;
}

core::Host make_host(model::Configuration c, model::Identity id, int node, std::uint64_t seed,
                     core::HostOptions options) {
  auto loaded = load(keys_for(c, node, id));
  if (symmetric(c) && id == model::Identity::Iff) {
    loaded.iff_key = iff_group_key();
    auto par = iff_group_key();
    par.value.b.reset();  // what a client parameter file holds
    loaded.iff_par = std::move(par);
  }
  auto host = core::Host::create(std::move(loaded), std::move(options), seeded(seed));
  if (!host) throw std::runtime_error("fixture host did not build: " + core::describe(host.error()));
  return std::move(host).value();
}

// The octets a MAC covers (digest §2.3): header and fields.
wire::Bytes authenticated(const wire::Packet& p) {
  wire::Writer w;
  (void)p.header.serialize(w);
  for (const auto& ef : p.fields) (void)ef.serialize(w);
  return std::move(w).take();
}

// Digest §6.4: a packet carrying fields is MACed with cookie 0, so anyone
// on the path can compute its MAC (security-history §4.8).
std::optional<wire::Bytes> remac(wire::Packet p, const wire::Address& from, const wire::Address& to) {
  if (!p.mac) return std::nullopt;
  const auto sk = crypto::session_key(from, to, p.mac->key_id, 0);
  p.mac->digest = crypto::mac_digest(sk.key, authenticated(p));
  auto bytes = p.serialize();
  if (!bytes) return std::nullopt;
  return std::move(bytes).value();
}

// The model's server sends a packet exactly when it has a value to answer
// with (model.cpp World::answer). The reference answers every request, with
// an empty response (CERT before the server signed its values) or an error
// response (SIGN while unsynchronized, AUTO without values) where the model
// stays silent; such a reply changes nothing at the client (digest §5
// "Empty responses"; errors are discarded by both, docs/model.md) and is
// kept off the network so that packet indexes stay aligned. So are packets
// without fields: the model sends none (a plain NTP packet carries nothing
// Autokey would check). A LEAP response before the first crypto_update
// (unsigned, vl = 0) is carried: the model sends it too (timestamp 0).
bool carries_autokey(const wire::Bytes& bytes) {
  auto p = wire::Packet::parse(bytes);
  if (!p || p->fields.empty()) return false;
  for (const auto& ef : p->fields) {
    if (!ef.response) return true;                  // a request
    if (!ef.error && !ef.is_short_form()) return true;  // a response with a value structure
  }
  return false;
}

std::uint64_t fnv(const wire::Bytes& b) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (auto x : b) {
    h ^= x;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The attacker of the model's AttackerInjectsResponse: its own RSA key and a
// self-signed trusted certificate under the name of the host it imitates
// (which a certificate trail accepts, RFC 5906 §6.2; only the identity step
// stops it), and an IFF group key it guessed. One per imitated name.
struct Attacker {
  std::unique_ptr<Botan::RSA_PrivateKey> key;
  crypto::Certificate cert;
  std::uint32_t filestamp = 0;
};

const Attacker& attacker(const core::Host& honest) {
  static std::map<wire::Bytes, Attacker> cache;  // by the imitated certificate
  const crypto::Certificate& real = honest.certificate();
  auto it = cache.find(real.der);
  if (it != cache.end()) return it->second;
  Attacker out;
  auto rng = core::make_botan_rng(seeded(0xa77ac3e5));
  // Botan will not generate 512-bit RSA keys; another fixture's host key
  // serves: tc-md5-512's, or iff-md5-512's when tc-md5-512 is the host
  // imitated (the TC traces).
  for (const char* folder : {"tc-md5-512/server", "iff-md5-512/server"}) {
    keys::KeysDirOptions o;
    o.dir = testing::fixture(folder);
    o.host = "servername";
    o.password = "server_password";
    auto loaded = keys::load_keys_dir(o);
    if (!loaded) throw std::runtime_error("attacker keys did not load: " + keys::describe(loaded.error()));
    out.key = std::move(loaded.value().host.value);
    if (out.key->get_n() != honest.host_key().get_n()) break;
  }
  crypto::CertificateFields f;
  f.subject = real.subject;
  f.issuer = real.subject;
  f.serial = honest.certificate_filestamp();
  f.not_before = real.not_before;
  f.not_after = real.not_after;
  f.digest = crypto::Digest::MD5;
  f.trusted = true;
  auto cert = crypto::make_certificate(f, *out.key, *out.key, *rng);
  if (!cert) throw std::runtime_error("attacker certificate");
  out.cert = std::move(cert).value();
  out.filestamp = honest.certificate_filestamp();
  return cache.emplace(real.der, std::move(out)).first->second;
}

}  // namespace

// The fixture configuration's addresses (iff-md5-512/client.conf).
const wire::Address& ReferenceSystem::client_address() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 2});
  return a;
}
const wire::Address& ReferenceSystem::server_address() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 1});
  return a;
}

const wire::Address& ReferenceSystem::broadcast_address() {
  static const wire::Address a = wire::Address::v4({10, 123, 0, 255});
  return a;
}

namespace {
const wire::Address& address_of(int node) {
  return node == 1 ? ReferenceSystem::server_address() : ReferenceSystem::client_address();
}
}  // namespace

ReferenceSystem::ReferenceSystem(model::Configuration c, std::uint64_t seed) : ReferenceSystem(c, seed, Options{}) {}

ReferenceSystem::ReferenceSystem(model::Configuration c, std::uint64_t seed, Options options)
    : config_(c), seed_(seed), options_(std::move(options)), now_{kT0, kT0} {
  start_node(1);
  start_node(0);
}

ReferenceSystem::~ReferenceSystem() = default;

void ReferenceSystem::start_node(int node) {
  ++restarts_;
  const auto n = static_cast<std::size_t>(node);
  const std::uint64_t seed = seed_ * 1000003u + restarts_;
  // The model's server, broadcaster and symmetric peers start synchronized
  // (they have signed their values); a restarted host does not (HostRestarts,
  // then ClockSynchronizes). The model's clients start unsynchronized.
  const bool synchronized = !engines_[n] && (node == 1 || symmetric(config_));
  core::EngineOptions eo;
  // The model restarts an association only on the refresh timer or a host
  // restart; the reference also after polls without an authentic reply
  // (its replacement for ntpd's restart on a crypto-NAK or bad MAC). Traces
  // poll without delivering, so that rule is pushed out of their reach.
  eo.restart_after_silent_polls = 1u << 30;
  eo.serve = node == 1 && !symmetric(config_);
  if (config_ == model::Configuration::SymmetricPassive && node == 1) {
    // No `peer` line: node 0's first packet mobilizes a passive association
    // (ntpd: an ephemeral symmetric passive, global `ident grp`).
    eo.accept_symmetric_passive = true;
    eo.passive_scheme = scheme();
    eo.passive_ident = "grp";
    eo.passive_poll_log2 = kPollLog2;
  }
  if (config_ == model::Configuration::Broadcast && node == 1) eo.automax_log2 = kBroadcastAutomaxLog2;
  if (config_ == model::Configuration::Broadcast && node == 0) {
    // `broadcastclient` with `crypto ... ident servername`: the first ASSOC
    // broadcast mobilizes an association of our scheme (digest §9.5).
    eo.broadcast_client = true;
    eo.unicast_local = client_address();
    eo.passive_scheme = scheme();
    eo.passive_ident = "servername";
    eo.passive_poll_log2 = kPollLog2;
  }
  core::HostOptions ho = node == 1 ? options_.server_host : core::HostOptions{};
  engines_[n] = std::make_unique<core::Engine>(make_host(config_, options_.identity, node, seed, std::move(ho)), eo);
  if (synchronized) take(node, engines_[n]->set_synchronized(now_[n]));
  assoc_[n] = 0;
  // The configured association: the client's `server 10.123.0.1 autokey
  // ident servername`, each peer's `peer <other> autokey ident grp`, the
  // broadcaster's `broadcast 10.123.0.255 autokey` (not observed: the model
  // has no association there); a stateless server and a broadcast client
  // have none.
  std::optional<core::PeerConfig> cfg;
  switch (config_) {
    case model::Configuration::ClientServer:
      if (node == 0)
        cfg = core::PeerConfig{server_address(), client_address(), core::PeerMode::Client, scheme(), "servername",
                               kPollLog2};
      break;
    case model::Configuration::Symmetric:
    case model::Configuration::SymmetricPassive:
      if (config_ == model::Configuration::Symmetric || node == 0)
        cfg = core::PeerConfig{address_of(1 - node), address_of(node), core::PeerMode::SymmetricActive, scheme(),
                               "grp", kPollLog2};
      break;
    case model::Configuration::Broadcast:
      if (node == 1)
        cfg = core::PeerConfig{broadcast_address(), server_address(), core::PeerMode::BroadcastServer,
                               core::Scheme::Tc, "", kPollLog2};
      break;
  }
  if (!cfg) return;
  auto id = engines_[n]->mobilize(*cfg, now_[n]);
  if (!id) throw std::runtime_error("the configured association did not mobilize");
  if (cfg->mode != core::PeerMode::BroadcastServer) assoc_[n] = *id;
}

core::Scheme ReferenceSystem::scheme() const {
  return options_.identity == model::Identity::Iff ? core::Scheme::Iff : core::Scheme::Tc;
}

const core::Association* ReferenceSystem::association(int node) const {
  const auto n = static_cast<std::size_t>(node);
  return assoc_[n] == 0 ? nullptr : engines_[n]->association(assoc_[n]);
}

int ReferenceSystem::node_of(const wire::Address& a) const { return a == server_address() ? 1 : 0; }

void ReferenceSystem::on_network(Datagram d) {
  if (!carries_autokey(d.bytes)) return;
  // The model's bound: a full network loses its oldest packet.
  if (in_flight_.size() >= model::World::kMaxInFlight) in_flight_.pop_front();
  in_flight_.push_back(std::move(d));
}

void ReferenceSystem::take(int, const std::vector<core::Action>& actions) {
  for (const auto& a : actions) {
    if (const auto* s = std::get_if<core::Send>(&a)) on_network(Datagram{s->bytes, s->from, s->to});
  }
}

namespace {
// Everything of an association a refused datagram must leave alone
// (security-history §4 property 8); the refusal itself (last_error) may change.
struct Snapshot {
  std::uint32_t flags, remote_assoc, pcookie, hcookie, pkeyid;
  std::string subject, issuer;
  std::size_t trail;
  wire::Bytes challenge;
  bool verified, autokey, answered, queued, peer_synchronized;
  std::optional<wire::Opcode> outstanding;
  bool operator==(const Snapshot&) const = default;
};
Snapshot snapshot(const core::Association& a) {
  return {a.flags,     a.remote_assoc, a.pcookie,  a.hcookie,
          a.pkeyid,    a.subject,      a.issuer,   a.trail.size(),
          a.challenge, a.verification_cert.has_value(), a.autokey.has_value(), a.answered,
          a.queued_request.has_value(), a.peer_synchronized, a.outstanding};
}
}  // namespace

void ReferenceSystem::deliver(std::size_t index) {
  Datagram d = in_flight_[index];
  in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(index));
  if (seen_.size() >= model::World::kMaxSeen) seen_.erase(seen_.begin());
  seen_.push_back(d);
  const int to = node_of(d.to);
  const auto n = static_cast<std::size_t>(to);
  const core::Association* a = association(to);
  // Property 8 is a rule about one datagram refused as a whole: a symmetric
  // packet of several fields may apply its first and refuse its second
  // (digest §3.8 step 5), as the model's does.
  const auto parsed = wire::Packet::parse(d.bytes);
  const bool single = !parsed || parsed->fields.size() <= 1;
  const std::optional<Snapshot> before = a && single ? std::optional<Snapshot>(snapshot(*a)) : std::nullopt;
  const auto actions = engines_[n]->handle_datagram(d.bytes, d.from, d.to, now_[n]);
  broken_.clear();
  // Refused as a whole: the engine keeps the refusal in last_error (every
  // path that accepts a datagram clears it); a field skipped on the way
  // (an error field, a response not asked for) is logged but refuses nothing.
  if (const core::Association* after = association(to); before && after && after->last_error &&
                                                        !(snapshot(*after) == *before))
    broken_ = "a refused datagram changed the association of node " + std::to_string(to) + " (" +
              std::string(core::name(*after->last_error)) + ")";
  // A broadcast client is mobilized by the first ASSOC broadcast (digest
  // §9.5), a passive peer by its active peer's first packet (§9.6).
  const bool mobilizes = (config_ == model::Configuration::Broadcast && to == 0) ||
                         (config_ == model::Configuration::SymmetricPassive && to == 1);
  if (mobilizes && assoc_[n] == 0) {
    for (const auto& v : engines_[n]->associations()) {
      assoc_[n] = v.assoc_id;
      break;
    }
  }
  take(to, actions);
}

void ReferenceSystem::flip_bit(Datagram& d) const {
  // Any one bit: the MAC covers header and fields, the MAC itself fails
  // its own comparison. Which bit is a function of the octets, so a trace
  // replays exactly.
  // A second flip could land on the first and undo it; in the model the MAC
  // of a flipped packet stays bad, so a flipped datagram is left as it is.
  if (d.bytes.empty() || d.flipped) return;
  const std::size_t bit = static_cast<std::size_t>(fnv(d.bytes) % (d.bytes.size() * 8));
  d.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  d.flipped = true;
}

void ReferenceSystem::rewrite_value(Datagram& d) const {
  // The model flips a bit of the first field's `value` and re-MACs. Its
  // value is the challenge (IFF request, IFF response), the cookie, the
  // autokey or leap values, the signed certificate: signed octets, changed
  // here by flipping the last value octet. For the kinds whose model value
  // is not looked at (ASSOC, CERT, COOK and SIGN requests, AUTO and LEAP
  // requests, ASSOC responses) only the MAC is recomputed; a CERT response's
  // model value is not covered by any check the client makes (digest §3.8
  // check 10), and the reference counterpart is its value-structure
  // signature, which is flipped instead. A packet whose MAC a flipped bit
  // broke stays broken (the model keeps mac_ok false); changing it further
  // could only risk undoing the flip.
  if (d.flipped) return;
  auto p = wire::Packet::parse(d.bytes);
  if (!p || p->fields.empty()) return;
  auto& ef = p->fields.front();
  const auto op = ef.opcode();
  if (!ef.error && !ef.is_short_form() && op) {
    auto vs = wire::ValueStructure::parse(ef.body);
    if (vs) {
      bool changed = false;
      if (ef.response && *op == wire::Opcode::Cert && !vs->signature.empty()) {
        vs->signature.back() ^= 1;
        changed = true;
      } else if (*op == wire::Opcode::Iff ||
                 (ef.response && (*op == wire::Opcode::Cook || *op == wire::Opcode::Auto ||
                                  *op == wire::Opcode::Sign || *op == wire::Opcode::Leap))) {
        if (!vs->value.empty()) {
          vs->value.back() ^= 1;
          changed = true;
        }
      }
      if (changed) ef.body = vs->serialize();
    }
  }
  if (auto bytes = remac(*p, d.from, d.to)) d.bytes = std::move(*bytes);
}

bool ReferenceSystem::resign_first_field(std::size_t index, std::uint32_t timestamp) {
  if (index >= in_flight_.size()) return false;
  Datagram& d = in_flight_[index];
  auto p = wire::Packet::parse(d.bytes);
  if (!p || p->fields.empty() || p->fields.front().is_short_form()) return false;
  auto& ef = p->fields.front();
  auto vs = wire::ValueStructure::parse(ef.body);
  if (!vs || vs->signature.empty()) return false;
  const core::Host& server = engines_[1]->host();
  vs->timestamp = timestamp;
  auto rng = core::make_botan_rng(seeded(seed_ ^ timestamp));
  auto sig = crypto::sign_value(server.sign_key(), server.sign_digest(), timestamp, vs->filestamp, vs->value, *rng);
  if (!sig) return false;
  vs->signature = std::move(sig).value();
  ef.body = vs->serialize();
  auto bytes = remac(*p, d.from, d.to);
  if (!bytes) return false;
  d.bytes = std::move(*bytes);
  return true;
}

std::optional<ReferenceSystem::Datagram> ReferenceSystem::forge_response(int node) {
  // The model's AttackerInjectsResponse: an on-path attacker answers the
  // node's outstanding request in the name of its peer, with the request's
  // key ID and origin (it saw the request) and a cookie-0 MAC, signing with
  // its own key; its CERT is a trusted self-signed certificate under the
  // peer's name, its IFF proof is made with a guessed group key. The ASSOC
  // response copies the peer's public values (ASSOC is never signed).
  const core::Association* a = association(node);
  if (a == nullptr || !a->outstanding) return std::nullopt;
  const int peer = 1 - node;
  const bool sym = symmetric(config_);
  const core::Host& honest = engines_[static_cast<std::size_t>(peer)]->host();
  const core::Host& victim = engines_[static_cast<std::size_t>(node)]->host();
  const Attacker& att = attacker(honest);
  const std::uint32_t ts = now_[static_cast<std::size_t>(node)];
  auto rng = core::make_botan_rng(seeded(seed_ ^ ts));
  auto sign = [&](std::uint32_t t, std::uint32_t fs, wire::ByteView value) {
    auto s = crypto::sign_value(*att.key, crypto::Digest::MD5, t, fs, value, *rng);
    return s ? std::move(s).value() : wire::Bytes{};
  };
  const std::uint32_t fs = att.filestamp;
  std::optional<wire::Message> msg;
  switch (*a->outstanding) {
    case wire::Opcode::Assoc: {
      // A symmetric peer's ASSOC response names its own association (§3.4).
      wire::AssocResponse r;
      static_cast<wire::AssocMessage&>(r) = honest.assoc_message(sym ? assoc_[static_cast<std::size_t>(peer)] : a->id);
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Cert: {
      wire::CertResponse r;
      r.certificate = att.cert.der;
      r.env = wire::Envelope{a->id, ts, fs, sign(ts, fs, r.certificate)};
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Iff: {
      const auto* par = victim.iff_par();
      if (par == nullptr || a->challenge.empty()) return std::nullopt;
      crypto::IffParams guessed = par->value;
      guessed.b = Botan::BigInt::random_integer(*rng, 1, guessed.q);
      auto proof = crypto::iff_respond(guessed, a->challenge, *rng);
      if (!proof) return std::nullopt;
      wire::IdentityResponse r;
      r.scheme = wire::IdentityScheme::Iff;
      r.response = std::move(proof).value();
      r.env = wire::Envelope{a->id, ts, par->filestamp, sign(ts, par->filestamp, r.response)};
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Cook: {
      auto ct = crypto::encrypt_cookie(0x5eedc0c0u, victim.host_key(), *rng);
      if (!ct) return std::nullopt;
      wire::CookResponse r;
      r.ciphertext = std::move(ct).value();
      r.env = wire::Envelope{a->id, ts, fs, sign(ts, fs, r.ciphertext)};
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Auto: {
      // Symmetric values carry the receiver's ID, a broadcaster's its own.
      wire::AutoResponse r;
      r.key_id = 0x7a7a7a7au;
      r.sequence = 3;
      r.env = wire::Envelope{sym ? a->id : a->remote_assoc, ts, fs, {}};
      r.env.signature = sign(ts, fs, r.value());
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Sign: {
      wire::SignResponse r;
      r.certificate = victim.certificate().der;
      r.env = wire::Envelope{a->id, ts, fs, sign(ts, fs, r.certificate)};
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Leap: {
      wire::LeapResponse r;
      r.tai_offset = 37;
      r.env = wire::Envelope{a->id, ts, fs, {}};
      r.env.signature = sign(ts, fs, r.value());
      msg = std::move(r);
      break;
    }
    default: return std::nullopt;
  }
  auto ef = wire::encode(*msg);
  if (!ef) return std::nullopt;
  wire::Packet p;
  p.header.version = 4;
  p.header.mode = sym ? 1 : 4;  // symmetric active, or a server's reply
  p.header.stratum = 3;
  p.header.origin_ts = a->last_xmt;
  p.header.receive_ts = std::uint64_t{ts} << 32;
  p.header.transmit_ts = std::uint64_t{ts} << 32;
  p.fields.push_back(std::move(ef).value());
  p.mac = wire::Mac{a->last_keyid, {}};
  auto bytes = remac(p, address_of(peer), address_of(node));
  if (!bytes) return std::nullopt;
  return Datagram{std::move(*bytes), address_of(peer), address_of(node)};
}

void ReferenceSystem::expire_key_list(int node) {
  // The model's KeyListExpires: the list's lifetime is over, so the node's
  // next transmission starts a new list and announces it (a broadcast AUTO,
  // a symmetric push). The reference does that by time alone (digest §6.7):
  // the node's clock jumps past the lifetime min(2^automax, 100 poll) + poll.
  // On a client the new list is invisible to the server (AUTO is pre-lit).
  const std::uint32_t poll = 1u << kPollLog2;
  const unsigned automax = (config_ == model::Configuration::Broadcast && node == 1) ? kBroadcastAutomaxLog2
                                                                                    : crypto::kDefaultAutomaxLog2;
  const std::uint32_t life = std::min<std::uint32_t>(1u << automax, 100 * poll) + poll;
  now_[static_cast<std::size_t>(node)] += life + 1;
}

void ReferenceSystem::apply(const model::Event& e) {
  broken_.clear();
  const auto n = static_cast<std::size_t>(e.node);
  switch (e.kind) {
    case EventKind::PollTimerFires: {
      // The node's clock moves to its next poll (a stateless server, or a
      // broadcast client without an association, has none: one second).
      const std::uint32_t due = engines_[n]->next_timer();
      now_[n] = std::max(now_[n] + 1, due);
      take(e.node, engines_[n]->handle_timer(now_[n]));
      break;
    }
    case EventKind::NetworkDelivers:
      if (e.index < in_flight_.size()) deliver(e.index);
      break;
    case EventKind::NetworkDropsPacket:
      if (e.index < in_flight_.size()) in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(e.index));
      break;
    case EventKind::NetworkDuplicatesPacket:
      if (e.index < in_flight_.size() && in_flight_.size() < model::World::kMaxInFlight)
        in_flight_.push_back(in_flight_[e.index]);
      break;
    case EventKind::NetworkReordersPackets:
      if (e.index < in_flight_.size() && e.other < in_flight_.size()) std::swap(in_flight_[e.index], in_flight_[e.other]);
      break;
    case EventKind::AttackerReplaysOldPacket:
      if (e.index < seen_.size() && in_flight_.size() < model::World::kMaxInFlight) in_flight_.push_back(seen_[e.index]);
      break;
    case EventKind::AttackerFlipsBit:
      if (e.index < in_flight_.size()) flip_bit(in_flight_[e.index]);
      break;
    case EventKind::AttackerRewritesField:
      if (e.index < in_flight_.size()) rewrite_value(in_flight_[e.index]);
      break;
    case EventKind::AttackerInjectsResponse:
      // The model checks in_flight < kMaxInFlight before sending.
      if (in_flight_.size() < model::World::kMaxInFlight) {
        if (auto d = forge_response(e.node)) in_flight_.push_back(std::move(*d));
      }
      break;
    case EventKind::ClockSynchronizes:
      if (!engines_[n]->synchronized()) take(e.node, engines_[n]->set_synchronized(now_[n]));
      break;
    case EventKind::HostRestarts:
      // Associations, key lists and the clock state are gone; the keys
      // files are read again, and a server draws a new cookie seed.
      start_node(e.node);
      break;
    case EventKind::KeyListExpires:
      expire_key_list(e.node);
      break;
    case EventKind::RefreshTimerFires:
      // peer_clear (digest §6.10, §9.8), keeping the association ID; the
      // reference's own refresh timer would do it inside the poll that then
      // sends ASSOC, which the model separates into two events. A broadcast
      // client or a passive peer is demobilized instead (preemptible, digest
      // §9.5, §9.8), as in the model.
      if (assoc_[n] == 0) break;
      if ((config_ == model::Configuration::Broadcast && e.node == 0) ||
          (config_ == model::Configuration::SymmetricPassive && e.node == 1)) {
        (void)engines_[n]->demobilize(assoc_[n]);
        assoc_[n] = 0;
      } else {
        take(e.node, engines_[n]->refresh(assoc_[n], now_[n]));
      }
      break;
  }
}

model::Observation ReferenceSystem::observe(int node) const {
  model::Observation o;
  // A stateless server and a broadcaster keep no association the model
  // knows of (digest §10.2): node 1 in those configurations shows none.
  const core::Association* a = association(node);
  if (a == nullptr) return o;
  o.mobilized = true;
  o.progress = a->flags & cf::kAll;
  // The model's "outstanding" is the request sent and not yet answered by
  // an accepted response; the reference keeps the request kind and whether
  // an authentic reply to it arrived.
  if (a->outstanding && !a->answered) o.outstanding = a->outstanding;
  if (a->queued_request) o.queued = a->queued_request->opcode();
  o.proventic = a->proventic();
  return o;
}

std::string ReferenceSystem::detail(int node) const {
  const core::Association* a = association(node);
  if (a == nullptr) return "no association";
  std::string s = "flags " + wire::flag_names(a->flags);
  if (a->last_error) s += ", last refusal " + std::string(core::name(*a->last_error));
  if (a->peer_synchronized) s += ", peer synchronized";
  return s;
}

}  // namespace ak::prop
