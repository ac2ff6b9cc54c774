// The model's events on reference/core. Each case of apply() says how one
// model event becomes engine calls and datagram octets; where the two cannot
// be the same thing, the comment says what the adapter does instead and
// docs/model.md ("Comparing with the reference") lists it.
#include "reference_system.h"

#include <botan/bigint.h>
#include <botan/rng.h>
#include <botan/rsa.h>

#include <algorithm>
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

constexpr const char* kFolder = "iff-md5-512";
// Near the fixtures' own date: their files are stamped 4004702989..4004704710
// and their certificates are valid for a year from then.
constexpr std::uint32_t kT0 = 4004705000u;
constexpr unsigned kPollLog2 = 4;


// Reproducible, not cryptographic: a trace replays exactly.
core::RandomSource seeded(std::uint64_t seed) {
  auto gen = std::make_shared<std::mt19937_64>(seed);
  return [gen](std::span<std::uint8_t> out) {
    for (auto& b : out) b = static_cast<std::uint8_t>((*gen)() >> 24);
  };
}

core::Host make_host(int node, std::uint64_t seed, core::HostOptions options) {
  keys::KeysDirOptions o;
  const bool server = node == 1;
  o.dir = testing::fixture(std::string(kFolder) + (server ? "/server" : "/client"));
  o.host = server ? "servername" : "clientname";
  o.ident = "servername";
  o.password = server ? "server_password" : "client_password";
  auto loaded = keys::load_keys_dir(o);
  if (!loaded) throw std::runtime_error("fixture keys did not load: " + keys::describe(loaded.error()));
  auto host = core::Host::create(std::move(loaded).value(), std::move(options), seeded(seed));
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
// an empty response (CERT before the server signed its values), an error
// response (SIGN while unsynchronized) or a LEAP value structure with vl = 0
// (before the first crypto_update) where the model stays silent; such a
// reply changes nothing at the client (digest §5 "Empty responses"; errors
// are discarded by both, docs/model.md) and is kept off the network so that
// packet indexes stay aligned. So are packets without fields: the model
// sends none (a plain NTP packet carries nothing Autokey would check).
bool carries_autokey(const wire::Bytes& bytes) {
  auto p = wire::Packet::parse(bytes);
  if (!p || p->fields.empty()) return false;
  for (const auto& ef : p->fields) {
    if (!ef.response) return true;                 // a request
    if (ef.error || ef.is_short_form()) continue;  // error / empty response
    if (wire::decode(ef)) return true;             // a response with a value
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
// self-signed trusted certificate under the server's name (which a
// certificate trail accepts, RFC 5906 §6.2; only the identity step stops
// it), and an IFF group key it guessed.
struct Attacker {
  std::unique_ptr<Botan::RSA_PrivateKey> key;
  crypto::Certificate cert;
  std::uint32_t filestamp = 0;
};

const Attacker& attacker(const core::Host& server) {
  static const Attacker a = [&server] {
    Attacker out;
    auto rng = core::make_botan_rng(seeded(0xa77ac3e5));
    // Botan will not generate 512-bit RSA keys; another fixture's host key
    // (tc-md5-512, a different key under the same host name) serves.
    keys::KeysDirOptions o;
    o.dir = testing::fixture("tc-md5-512/server");
    o.host = "servername";
    o.password = "server_password";
    auto loaded = keys::load_keys_dir(o);
    if (!loaded) throw std::runtime_error("attacker keys did not load: " + keys::describe(loaded.error()));
    out.key = std::move(loaded.value().host.value);
    const crypto::Certificate& honest = server.certificate();
    crypto::CertificateFields f;
    f.subject = honest.subject;
    f.issuer = honest.subject;
    f.serial = server.certificate_filestamp();
    f.not_before = honest.not_before;
    f.not_after = honest.not_after;
    f.digest = crypto::Digest::MD5;
    f.trusted = true;
    auto cert = crypto::make_certificate(f, *out.key, *out.key, *rng);
    if (!cert) throw std::runtime_error("attacker certificate");
    out.cert = std::move(cert).value();
    out.filestamp = server.certificate_filestamp();
    return out;
  }();
  return a;
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

ReferenceSystem::ReferenceSystem(model::Configuration c, std::uint64_t seed) : ReferenceSystem(c, seed, Options{}) {}

ReferenceSystem::ReferenceSystem(model::Configuration c, std::uint64_t seed, Options options)
    : seed_(seed), options_(std::move(options)), now_(kT0) {
  if (!supports(c)) throw std::invalid_argument("ReferenceSystem: configuration not mapped");
  start_node(1);
  start_node(0);
}

ReferenceSystem::~ReferenceSystem() = default;

void ReferenceSystem::start_node(int node) {
  ++restarts_;
  const std::uint64_t seed = seed_ * 1000003u + restarts_;
  core::EngineOptions eo;
  // The model restarts an association only on the refresh timer or a host
  // restart; the reference also after polls without an authentic reply
  // (its replacement for ntpd's restart on a crypto-NAK or bad MAC). Traces
  // poll without delivering, so that rule is pushed out of their reach.
  eo.restart_after_silent_polls = 1u << 30;
  if (node == 1) {
    eo.serve = true;
    const bool first_start = !engines_[1];
    engines_[1] = std::make_unique<core::Engine>(make_host(1, seed, options_.server_host), eo);
    // The model's server starts synchronized (it signed its values); a
    // restarted one does not (HostRestarts, then ClockSynchronizes).
    if (first_start) take(engines_[1]->set_synchronized(now_));
    return;
  }
  eo.serve = false;
  engines_[0] = std::make_unique<core::Engine>(make_host(0, seed, {}), eo);
  core::PeerConfig cfg{server_address(), client_address(), core::PeerMode::Client, core::Scheme::Iff, "servername",
                       kPollLog2};
  auto id = engines_[0]->mobilize(cfg, now_);
  if (!id) throw std::runtime_error("client association did not mobilize");
  client_assoc_ = *id;
}

const core::Association* ReferenceSystem::client_association() const {
  return engines_[0]->association(client_assoc_);
}

int ReferenceSystem::node_of(const wire::Address& a) const { return a == server_address() ? 1 : 0; }

void ReferenceSystem::on_network(Datagram d) {
  if (!carries_autokey(d.bytes)) return;
  // The model's bound: a full network loses its oldest packet.
  if (in_flight_.size() >= model::World::kMaxInFlight) in_flight_.pop_front();
  in_flight_.push_back(std::move(d));
}

void ReferenceSystem::take(const std::vector<core::Action>& actions) {
  for (const auto& a : actions) {
    if (const auto* s = std::get_if<core::Send>(&a)) on_network(Datagram{s->bytes, s->from, s->to});
  }
}

namespace {
// Everything of a client association a refused datagram must leave alone
// (security-history §4 property 8); the refusal itself (last_error) may change.
struct Snapshot {
  std::uint32_t flags, remote_assoc, pcookie, hcookie, pkeyid;
  std::string subject, issuer;
  std::size_t trail;
  wire::Bytes challenge;
  bool verified, autokey, answered;
  std::optional<wire::Opcode> outstanding;
  bool operator==(const Snapshot&) const = default;
};
Snapshot snapshot(const core::Association& a) {
  return {a.flags,   a.remote_assoc, a.pcookie,    a.hcookie,
          a.pkeyid,  a.subject,      a.issuer,     a.trail.size(),
          a.challenge, a.verification_cert.has_value(), a.autokey.has_value(), a.answered,
          a.outstanding};
}
}  // namespace

void ReferenceSystem::deliver(std::size_t index) {
  Datagram d = in_flight_[index];
  in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(index));
  if (seen_.size() >= model::World::kMaxSeen) seen_.erase(seen_.begin());
  seen_.push_back(d);
  const int to = node_of(d.to);
  const core::Association* a = to == 0 ? client_association() : nullptr;
  const std::optional<Snapshot> before = a ? std::optional<Snapshot>(snapshot(*a)) : std::nullopt;
  const auto actions = engines_[static_cast<std::size_t>(to)]->handle_datagram(d.bytes, d.from, d.to, now_);
  broken_.clear();
  if (before) {
    for (const auto& act : actions) {
      const auto* log = std::get_if<core::Log>(&act);
      if (log && log->event == core::LogEvent::Rejected && log->assoc_id == client_assoc_ &&
          !(snapshot(*client_association()) == *before))
        broken_ = "a refused datagram changed the client association (" + log->text + ")";
    }
  }
  take(actions);
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
  // node's outstanding request with the request's key ID and origin (it saw
  // the request) and a cookie-0 MAC, signing with its own key; its CERT is a
  // trusted self-signed certificate under the server's name, its IFF proof
  // is made with a guessed group key. The ASSOC response copies the server's
  // public values (ASSOC is never signed).
  if (node != 0) return std::nullopt;
  const core::Association* a = client_association();
  if (a == nullptr || !a->outstanding) return std::nullopt;
  const core::Host& server = engines_[1]->host();
  const core::Host& client = engines_[0]->host();
  const Attacker& att = attacker(server);
  auto rng = core::make_botan_rng(seeded(seed_ ^ now_));
  auto sign = [&](std::uint32_t ts, std::uint32_t fs, wire::ByteView value) {
    auto s = crypto::sign_value(*att.key, crypto::Digest::MD5, ts, fs, value, *rng);
    return s ? std::move(s).value() : wire::Bytes{};
  };
  const std::uint32_t ts = now_;
  const std::uint32_t fs = att.filestamp;
  std::optional<wire::Message> msg;
  switch (*a->outstanding) {
    case wire::Opcode::Assoc: {
      wire::AssocResponse r;
      static_cast<wire::AssocMessage&>(r) = server.assoc_message(a->id);
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
      const auto* par = client.iff_par();
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
      auto ct = crypto::encrypt_cookie(0x5eedc0c0u, client.host_key(), *rng);
      if (!ct) return std::nullopt;
      wire::CookResponse r;
      r.ciphertext = std::move(ct).value();
      r.env = wire::Envelope{a->id, ts, fs, sign(ts, fs, r.ciphertext)};
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Auto: {
      wire::AutoResponse r;
      r.key_id = 0x7a7a7a7au;
      r.sequence = 3;
      r.env = wire::Envelope{a->remote_assoc, ts, fs, {}};
      r.env.signature = sign(ts, fs, r.value());
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Sign: {
      wire::SignResponse r;
      r.certificate = client.certificate().der;
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
  p.header.mode = 4;
  p.header.stratum = 3;
  p.header.origin_ts = a->last_xmt;
  p.header.receive_ts = std::uint64_t{now_} << 32;
  p.header.transmit_ts = std::uint64_t{now_} << 32;
  p.fields.push_back(std::move(ef).value());
  p.mac = wire::Mac{a->last_keyid, {}};
  auto bytes = remac(p, server_address(), client_address());
  if (!bytes) return std::nullopt;
  return Datagram{std::move(*bytes), server_address(), client_address()};
}

void ReferenceSystem::apply(const model::Event& e) {
  ++now_;
  broken_.clear();
  const auto n = static_cast<std::size_t>(e.node);
  switch (e.kind) {
    case EventKind::PollTimerFires: {
      // The node's poll timer: time jumps to its next poll (the server has
      // no association and nothing to send).
      const std::uint32_t due = engines_[n]->next_timer();
      if (due > now_) now_ = due;
      take(engines_[n]->handle_timer(now_));
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
      if (!engines_[n]->synchronized()) take(engines_[n]->set_synchronized(now_));
      break;
    case EventKind::HostRestarts:
      // Associations, key lists and the clock state are gone; the keys
      // files are read again, and the server draws a new cookie seed.
      start_node(e.node);
      break;
    case EventKind::KeyListExpires:
      // Client/server: neither side's key list is visible to the other (the
      // server answers statelessly, the client's AUTO flag is pre-lit by the
      // server-mode ASSOC), so the event changes nothing observable.
      break;
    case EventKind::RefreshTimerFires:
      // The reference restarts on its refresh timer (digest §6.10) inside
      // the poll that then transmits the new ASSOC; the model separates the
      // two. peer_clear is the same either way: the adapter demobilizes the
      // association and mobilizes it again with the same configuration.
      if (e.node == 0) {
        core::PeerConfig cfg = client_association()->config;
        (void)engines_[0]->demobilize(client_assoc_);
        auto id = engines_[0]->mobilize(cfg, now_);
        if (!id) throw std::runtime_error("client association did not mobilize again");
        client_assoc_ = *id;
      }
      break;
  }
}

model::Observation ReferenceSystem::observe(int node) const {
  model::Observation o;
  if (node != 0) return o;  // the server keeps no association (digest §10.2)
  const core::Association* a = client_association();
  if (a == nullptr) return o;
  o.mobilized = true;
  o.progress = a->flags & cf::kAll;
  // The model's "outstanding" is the request sent and not yet answered by
  // an accepted response; the reference keeps the request kind and whether
  // an authentic reply to it arrived.
  if (a->outstanding && !a->answered) o.outstanding = a->outstanding;
  o.proventic = a->proventic();
  return o;
}

std::string ReferenceSystem::detail(int node) const {
  if (node != 0) return {};
  const core::Association* a = client_association();
  if (a == nullptr) return "no association";
  std::string s = "flags " + wire::flag_names(a->flags);
  if (a->last_error) s += ", last refusal " + std::string(core::name(*a->last_error));
  return s;
}

}  // namespace ak::prop
