// The model's transitions. Read kSteps first: it is the whole client dance.
// Everything below it is bookkeeping for the four configurations and the
// network. Section numbers are RFC 5906's; "digest §x" is
// ../shared/spec/autokey-protocol.md.
#include "model.h"

#include <algorithm>
#include <sstream>

namespace ak::model {
namespace {

namespace f = wire::crypto_flag;
using wire::Opcode;

// How a response is verified before it may light its flag (RFC 5906 §10,
// digest §3.8).
enum class Check : std::uint8_t {
  None,       // ASSOC: never signed; stores the status word
  CertTrail,  // CERT: signature not checked; certificate must be a trusted root (§6.2)
  Identity,   // IFF: signed, and the proof made with the group key (§6.3)
  Signature,  // signed by the key of the verified certificate (§6.4)
};

// One row per request, in the order a client sends them: the first row whose
// flag is dark is the next request (digest §9.2, RFC 5906 §6).
struct Step {
  Opcode request;
  std::uint32_t lights;  // progress bit its verified response lights
  Check check;
  bool needs_sync;       // not sent while the host clock is unsynchronized (digest §9.2 rule 6)
};

constexpr std::array<Step, 7> kSteps{{
    {Opcode::Assoc, 0, Check::None, false},              // §6.1: parameter exchange
    {Opcode::Cert, f::kCert, Check::CertTrail, false},   // §6.2: certificate trail
    {Opcode::Iff, f::kVrfy, Check::Identity, false},     // §6.3: identity
    {Opcode::Cook, f::kCook, Check::Signature, false},   // §6.4: cookie (lights PROV)
    {Opcode::Auto, f::kAuto, Check::Signature, false},   // §6.5: autokey values
    {Opcode::Sign, f::kSign, Check::Signature, true},    // §6.6: certificate signing
    {Opcode::Leap, f::kLeap, Check::Signature, true},    // §6.7: leap values
}};

const Step* step_for(Opcode code) {
  for (const auto& s : kSteps)
    if (s.request == code) return &s;
  return nullptr;
}

constexpr std::uint32_t kCertFilestamp = 500;  // every key file's generation time
constexpr std::uint32_t kKeyListLast = 3;      // index of the last key of a list
constexpr std::uint32_t kAllProgress = f::kAll;

Association fresh_association(Mode m, std::uint32_t own_id) {
  Association a;
  a.mode = m;
  a.own_id = own_id;
  return a;
}

std::size_t slot(Opcode c) { return static_cast<std::size_t>(c); }

Principal principal_of(int node) { return node == 0 ? Principal::Node0 : Principal::Node1; }

}  // namespace

std::uint64_t Field::digest() const {
  // FNV-1a over the signed fields. Only equality matters: symbolic crypto.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 0x100000001b3ULL;
    }
  };
  mix(static_cast<std::uint64_t>(code));
  mix(timestamp);
  mix(filestamp);
  mix(value);
  mix(seq);
  mix(static_cast<std::uint64_t>(subject));
  mix(static_cast<std::uint64_t>(issuer));
  mix(trusted ? 1 : 0);
  mix(static_cast<std::uint64_t>(proof));
  return h;
}

std::uint32_t Host::status() const {
  // §10.1: ENAB, TAI once it has signed its values, and the identity schemes
  // it serves; bits 16..31 the signature NID (md5WithRSAEncryption).
  std::uint32_t s = f::kEnab | (iff ? f::kIff : 0);
  if (signature_update != 0) s |= f::kTai;
  return wire::StatusWord::make(wire::nid::kMd5WithRsa, s).raw;
}

World::World(Configuration c, Identity id) : config_(c), identity_(id) {
  for (int n = 0; n < 2; ++n) {
    auto& h = hosts_[static_cast<std::size_t>(n)];
    h.key = principal_of(n);
    h.iff = id == Identity::Iff;
    h.own_assoc = 100 + static_cast<std::uint32_t>(n);
    h.key_list = static_cast<std::uint64_t>(n + 1) << 16;  // lists of the two hosts never coincide
  }
  // Servers start synchronized (they have signed their values); clients not.
  hosts_[1].synchronized = true;
  hosts_[1].signature_update = clock_;
  switch (c) {
    case Configuration::ClientServer:
      hosts_[0].assoc = fresh_association(Mode::Client, hosts_[0].own_assoc);
      break;
    case Configuration::Symmetric:
      hosts_[0].synchronized = true;
      hosts_[0].signature_update = clock_;
      hosts_[0].assoc = fresh_association(Mode::Symmetric, hosts_[0].own_assoc);
      hosts_[1].assoc = fresh_association(Mode::Symmetric, hosts_[1].own_assoc);
      break;
    case Configuration::Broadcast:
      break;  // the client mobilizes on the first broadcast
    case Configuration::SymmetricPassive:
      hosts_[0].synchronized = true;
      hosts_[0].signature_update = clock_;
      hosts_[0].assoc = fresh_association(Mode::Symmetric, hosts_[0].own_assoc);
      break;  // node 1 mobilizes on node 0's first packet
  }
}

// ---- observation and invariants ---------------------------------------------

Observation World::observe(int node) const {
  Observation o;
  const auto& a = host(node).assoc;
  if (!a) return o;
  o.mobilized = true;
  o.progress = a->flags & kAllProgress;
  o.outstanding = a->outstanding;
  if (a->queued) o.queued = a->queued->code;
  o.proventic = (a->flags & f::kProv) != 0;
  return o;
}

bool World::flags_in_order(Mode m, std::uint32_t fl) {
  auto lit = [fl](std::uint32_t b) { return (fl & b) != 0; };
  // Any progress needs the remote status word first (§6.1).
  if ((fl & kAllProgress) != 0 && (fl & f::kEnab) == 0) return false;
  if (lit(f::kVrfy) && !lit(f::kCert)) return false;  // identity needs the certificate
  if (lit(f::kProv) && !lit(f::kVrfy)) return false;  // nothing proventic before identity
  if (lit(f::kCook) && !lit(f::kProv)) return false;  // the cookie's signature makes it proventic
  if (lit(f::kSign) && !lit(f::kProv)) return false;
  // AUTO is pre-lit by a server-mode ASSOC; elsewhere it needs a verified key.
  if (m != Mode::Client && lit(f::kAuto) && !lit(f::kCert)) return false;
  return true;
}

std::string World::check_invariants() const {
  for (int n = 0; n < 2; ++n) {
    const auto& a = host(n).assoc;
    if (!a) continue;
    if (!flags_in_order(a->mode, a->flags))
      return "node " + std::to_string(n) + ": flags out of order " + wire::flag_names(a->flags);
    if ((a->flags & f::kCert) != 0 && a->verify_key == Principal::Nobody)
      return "node " + std::to_string(n) + ": CERT lit without a verification key";
    if ((a->flags & f::kProv) != 0 && a->verify_key != principal_of(1 - n))
      return "node " + std::to_string(n) + ": proventic with a key that is not the peer's";
  }
  if (in_flight_.size() > kMaxInFlight || seen_.size() > kMaxSeen) return "network over its bound";
  return {};
}

std::string check_step(const World& before, const World& after, const StepReport& report) {
  if (report.node < 0 || report.fields.empty()) return {};
  const auto& was = before.host(report.node).assoc;
  const auto& now = after.host(report.node).assoc;
  bool accepted = false;
  // The key later fields must be signed by: a CERT accepted earlier in the
  // same packet sets it (with TC a pushed AUTO can follow at once).
  Principal key = was ? was->verify_key : Principal::Nobody;
  for (const auto& [fld, v] : report.fields) {
    accepted |= v == Verdict::Accepted;
    if (v != Verdict::Accepted || !fld.response || !was) continue;
    if (fld.code == Opcode::Cert) key = fld.subject;  // the trusted root's key (§6.2)
    if (fld.code == Opcode::Assoc || fld.code == Opcode::Cert) continue;  // unsigned / provisional
    const std::string what = std::string(wire::name(fld.code)) + " response accepted ";
    if (fld.timestamp == 0) return what + "with a zero timestamp";
    if (fld.signer != key || fld.signer == Principal::Nobody) return what + "without the right signer";
    if (fld.signed_digest != fld.digest()) return what + "with fields the signature does not cover";
    if (fld.code == Opcode::Iff && (fld.proof != GroupKey::Honest || fld.value != was->challenge))
      return what + "without an honest proof for our challenge";
  }
  if (accepted) return {};
  // The one change a packet with a good MAC (anyone's, with cookie 0) may
  // make unverified: mobilize an empty passive association (digest §9.6;
  // the reference bounds how many, security-history §4 property 7).
  if (!was && now && now->flags == 0 && !now->queued && !now->outstanding) return {};
  if (!(now == was)) return "an unverified message changed the association";
  return {};
}

// ---- the sending side ---------------------------------------------------------

Field World::sign(int node, Field fld) const {
  // §10: a host signs only once it has been synchronized (timestamp != 0).
  const auto& h = host(node);
  if (h.signature_update == 0 || fld.timestamp == 0) return fld;
  fld.signer = h.key;
  fld.signed_digest = fld.digest();
  return fld;
}

void World::send(Packet p) {
  if (in_flight_.size() >= kMaxInFlight) in_flight_.pop_front();  // the oldest is lost
  in_flight_.push_back(std::move(p));
}

namespace {

// digest §9.2: the first row whose flag is dark, with the mode's gates.
std::optional<Opcode> choose_request(const Association& a, const Host& h, bool peer_synchronized) {
  if ((a.flags & f::kEnab) == 0) return Opcode::Assoc;  // rule 1: crypto == 0
  for (const auto& s : kSteps) {
    if (s.request == Opcode::Assoc || (a.flags & s.lights) != 0) continue;
    if (s.needs_sync && !h.synchronized) return std::nullopt;  // rule 6
    // Symmetric rule 4: COOK only when both clocks are synchronized.
    if (s.request == Opcode::Cook && a.mode == Mode::Symmetric && !(h.synchronized && peer_synchronized))
      continue;
    return s.request;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Opcode> World::next_request(int node) const {
  const auto& h = host(node);
  if (!h.assoc || (h.assoc->flags & kAllProgress) == kAllProgress) return std::nullopt;
  return choose_request(*h.assoc, h, h.assoc->peer_synced);
}

void World::poll(int node) {
  auto& h = hosts_[static_cast<std::size_t>(node)];
  const int peer = 1 - node;
  ++clock_;
  // Broadcast server: one AUTO or ASSOC response per poll, while synchronized (digest §9.2).
  if (config_ == Configuration::Broadcast && node == 1) {
    if (!h.synchronized) return;
    if (h.key_index == 0) {  // no list, used up or expired: a new one, announced by AUTO (digest §6.8)
      ++h.key_list;
      h.key_index = kKeyListLast;
      h.key_list_time = clock_;
      h.key_list_fs = h.signature_update;
      h.push_auto = true;
    }
    Packet p{node, peer, true, static_cast<std::uint32_t>(h.key_list << 8 | h.key_index), true, true, {}};
    --h.key_index;
    Field fld;
    fld.response = true;
    fld.assoc_id = h.own_assoc;
    if (h.push_auto) {
      fld.code = Opcode::Auto;
      fld.timestamp = h.key_list_time;
      fld.filestamp = h.key_list_fs;
      fld.value = h.key_list;
      fld.seq = kKeyListLast;
      fld = sign(node, fld);
      h.push_auto = false;
    } else {
      fld.code = Opcode::Assoc;
      fld.timestamp = h.signature_update;
      fld.filestamp = h.status();
    }
    p.fields.push_back(fld);
    send(std::move(p));
    return;
  }
  if (!h.assoc) return;
  auto& a = *h.assoc;
  const bool sym = a.mode == Mode::Symmetric;
  Packet p{node, peer, false, next_key_id_++, true, h.synchronized, {}};
  // Symmetric sender: a new key list when there is none (a fresh or
  // restarted association, purged by COOK, expired) or the host is
  // unsynchronized (its lists hold one key); its values are pushed once SIGN
  // is lit (digest §6.7-§6.8, §9.2 symmetric rule 6).
  if (sym && (!a.list_in_use || !h.synchronized)) {
    ++h.key_list;
    h.key_list_time = clock_;
    h.key_list_fs = h.signature_update;
    a.list_in_use = true;
    a.push_auto = true;
  }
  // Symmetric: a queued request is answered first (digest §9.2 rule 0).
  if (a.queued) {
    if (auto resp = answer(node, *a.queued)) p.fields.push_back(*resp);
    a.queued.reset();
  }
  const bool complete = (a.flags & kAllProgress) == kAllProgress;
  a.outstanding.reset();
  if (!complete) {
    if (auto code = choose_request(a, h, a.peer_synced)) {
      Field req;
      req.code = *code;
      req.assoc_id = (*code == Opcode::Auto && a.mode == Mode::BroadcastClient) ? a.peer_id : a.own_id;
      req.timestamp = h.synchronized ? clock_ : 0;
      switch (*code) {
        case Opcode::Assoc:
          req.timestamp = h.signature_update;
          req.filestamp = h.status();
          req.subject = h.key;
          break;
        case Opcode::Cert:
          req.subject = principal_of(peer);
          break;
        case Opcode::Iff:
          // Even nonces: a rewritten value (value ^ 1) never equals one.
          a.challenge = next_nonce_;
          next_nonce_ += 2;
          req.value = a.challenge;
          req.filestamp = kCertFilestamp;
          break;
        case Opcode::Cook:
        case Opcode::Sign:
          req.subject = h.key;
          req.filestamp = kCertFilestamp;
          break;
        default:
          break;
      }
      p.fields.push_back(sign(node, req));
      a.outstanding = *code;
    }
  }
  // Symmetric rule 6: the new list's values ride in a packet that asks for
  // nothing, once SIGN is lit and the host can sign them.
  if (sym && a.push_auto && (a.flags & f::kSign) != 0 && h.synchronized && !a.outstanding) {
    Field fld;
    fld.code = Opcode::Auto;
    fld.response = true;
    fld.assoc_id = a.peer_id;  // the peer's association, digest §3.4
    fld.timestamp = h.key_list_time;
    fld.filestamp = h.key_list_fs;
    fld.value = h.key_list;
    fld.seq = kKeyListLast;
    p.fields.push_back(sign(node, fld));
    a.push_auto = false;
  }
  if (p.fields.empty()) return;  // a plain NTP packet: nothing Autokey would check
  a.last_key_id = p.key_id;
  send(std::move(p));
}

// What a host answers to a request (digest §10.2-§10.4). nullopt = the empty
// response a client ignores (e.g. CERT while unsynchronized).
std::optional<Field> World::answer(int node, const Field& rq) {
  const auto& h = host(node);
  Field r;
  r.code = rq.code;
  r.response = true;
  r.assoc_id = rq.assoc_id;  // stateless server: echoed (digest §3.4)
  // digest §10.3: a symmetric responder puts its own ID only in the ASSOC
  // response; every other response carries the requester's ID back.
  if (h.assoc && h.assoc->mode == Mode::Symmetric && rq.code == Opcode::Assoc) r.assoc_id = h.assoc->own_id;
  const std::uint32_t now_or_zero = h.synchronized ? clock_ : 0;
  switch (rq.code) {
    case Opcode::Assoc:
      r.timestamp = h.signature_update;
      r.filestamp = h.status();
      r.subject = h.key;
      return r;  // never signed
    case Opcode::Cert:
      if (h.signature_update == 0) return std::nullopt;
      r.timestamp = h.signature_update;
      r.filestamp = kCertFilestamp;
      r.subject = r.issuer = h.key;  // self-signed, trusted root
      r.trusted = true;
      return sign(node, r);
    case Opcode::Iff:
      r.timestamp = now_or_zero;
      r.filestamp = kCertFilestamp;
      r.value = rq.value;
      r.proof = h.group;
      return sign(node, r);
    case Opcode::Cook:
      r.timestamp = now_or_zero;
      r.filestamp = h.signature_update;
      r.value = 0xc0c0 + static_cast<std::uint64_t>(rq.subject);  // the cookie, encrypted to the requester
      return sign(node, r);
    case Opcode::Auto:
      // No such association: an error field, which changes nothing at the
      // requester (docs/model.md); the model leaves it out, as every empty
      // or error answer.
      if (config_ == Configuration::Broadcast && rq.assoc_id != h.own_assoc) return std::nullopt;
      // Values exist only for a list made while synchronized (symmetric:
      // not before the first transmission of a fresh or purged list).
      if (!h.synchronized) return std::nullopt;
      if (symmetric() && !(h.assoc && h.assoc->list_in_use)) return std::nullopt;
      if (config_ == Configuration::Broadcast && h.key_list_time == 0) return std::nullopt;
      r.timestamp = h.key_list_time;
      r.filestamp = h.key_list_fs;
      r.value = h.key_list;
      r.seq = kKeyListLast;
      return sign(node, r);
    case Opcode::Sign:
      if (!h.synchronized) return std::nullopt;
      r.timestamp = clock_;
      r.filestamp = rq.filestamp;
      r.subject = rq.subject;
      r.issuer = h.key;
      return sign(node, r);
    case Opcode::Leap:
      // Before its first crypto_update a host has no leap values to sign:
      // the value goes out unsigned with timestamp 0, which the requester
      // refuses (digest §3.8 check 6).
      r.timestamp = h.signature_update;
      r.filestamp = h.signature_update == 0 ? 0 : kCertFilestamp;
      return sign(node, r);
    default:
      r.error = true;  // NULL, GQ, MV: nothing to answer with
      return r;
  }
}

// ---- the receiving side -------------------------------------------------------

void World::restart(Association& a) {
  // peer_clear (digest §9.8): everything Autokey goes, the configuration stays.
  a = fresh_association(a.mode, a.own_id);
}

// A response to this association (RFC 5906 §10, digest §3.8 in its order).
Verdict World::handle_response(Host& h, Association& a, const Packet& p, const Field& fld) {
  const bool pushed_auto = fld.code == Opcode::Auto && (p.broadcast || a.mode == Mode::Symmetric);
  if (!pushed_auto && a.outstanding != fld.code) return Verdict::Ignored;
  // AUTO values are taken only from a peer whose identity is verified
  // (from the cookie step on, digest §9.2), pushed or asked for.
  if (fld.code == Opcode::Auto && (a.flags & f::kVrfy) == 0) return Verdict::Ignored;
  // ntpd restarts on an error response; any on-path host can forge one (its
  // packet is MACed with cookie 0), so the model discards it (docs/model.md).
  if (fld.error) return Verdict::ErrorResponse;
  // digest §3.8 check 3: our own ID, but the broadcaster's for its AUTO values.
  const std::uint32_t want_id =
      (fld.code == Opcode::Auto && a.mode == Mode::BroadcastClient) ? a.peer_id : a.own_id;
  if (fld.code == Opcode::Assoc) {
    // §6.1: the status word; a server-mode answer pre-lights AUTO (its
    // packets are checked by key ID, not by autokey values), a server without
    // TAI pre-lights LEAP (digest §9.1).
    if (a.mode != Mode::Symmetric && fld.assoc_id != a.own_id) return Verdict::WrongAssocId;
    if ((a.flags & f::kEnab) != 0) {
      // Symmetric: the peer's ASSOC request got here first. A second ASSOC
      // is fine only from the same peer association (digest §5.1 step 2).
      if (fld.assoc_id != a.peer_id) return Verdict::WrongAssocId;
      a.outstanding.reset();
      return Verdict::Accepted;
    }
    a.flags = (fld.filestamp & ~kAllProgress) | (a.flags & kAllProgress);
    if (a.mode == Mode::Client) a.flags |= f::kAuto;
    if ((fld.filestamp & f::kTai) == 0) a.flags |= f::kLeap;
    if (a.mode == Mode::Symmetric) a.peer_id = fld.assoc_id;
    a.outstanding.reset();
    return Verdict::Accepted;
  }
  if (fld.assoc_id != want_id) return Verdict::WrongAssocId;
  // §3.8 checks 6-9: signed values carry a non-zero timestamp, not older than
  // their filestamp nor than the last one accepted for this kind (replays).
  if (fld.timestamp == 0 || fld.timestamp < fld.filestamp || fld.timestamp < a.stored_ts[slot(fld.code)])
    return Verdict::BadTimestamp;
  const Step* s = step_for(fld.code);
  if (s == nullptr) return Verdict::Ignored;
  if (s->check == Check::CertTrail) {
    // §6.2: the trail must end in a self-signed trusted certificate; its key
    // becomes the key every later signature is checked with.
    if (!fld.trusted || fld.issuer != fld.subject || fld.subject == Principal::Nobody)
      return Verdict::BadCertificate;
    a.verify_key = fld.subject;
    // §6.3 / digest §7.6: with TC the trusted root is the identity proof.
    if (identity_ == Identity::Tc) a.flags |= f::kVrfy;
  } else {
    if (a.verify_key == Principal::Nobody) return Verdict::NoVerificationKey;
    if (fld.signer != a.verify_key || fld.signed_digest != fld.digest()) return Verdict::BadSignature;
    if (s->check == Check::Identity && (fld.proof != GroupKey::Honest || fld.value != a.challenge))
      return Verdict::BadIdentity;
    if (fld.code == Opcode::Sign && (fld.subject != h.key || fld.issuer != a.verify_key))
      return Verdict::BadCertificate;
    // §6.4: a signature verified after the identity makes the peer proventic.
    if ((a.flags & f::kVrfy) != 0) a.flags |= f::kProv;
  }
  if (fld.code == Opcode::Auto) {
    a.autokey_list = fld.value;
    a.autokey_seq = fld.seq;
  }
  // §6.6/digest §6.8: a new cookie purges the key list (the session keys
  // hash it); the next transmission starts a new one.
  if (fld.code == Opcode::Cook) a.list_in_use = false;
  a.flags |= s->lights;
  a.stored_ts[slot(fld.code)] = fld.timestamp;
  if (a.outstanding == fld.code) a.outstanding.reset();
  return Verdict::Accepted;
}

Verdict World::receive_field(int node, const Packet& p, const Field& fld) {
  auto& h = hosts_[static_cast<std::size_t>(node)];
  // A request: a server answers at once; a symmetric peer queues it.
  if (!fld.response) {
    if (symmetric() && h.assoc) {
      auto& a = *h.assoc;
      // Digest §5.1: the peer's first ASSOC request is also its association
      // data. A later one is not applied: ntpd restarts when it names another
      // peer association (digest §9.6), but an ASSOC is unsigned, so anyone
      // could reset us that way; a peer that really restarted falls silent
      // and our association starts over on that (docs/model.md).
      if (fld.code == Opcode::Assoc && (a.flags & f::kEnab) == 0) {
        a.flags = (fld.filestamp & ~kAllProgress) | (a.flags & kAllProgress);
        if ((fld.filestamp & f::kTai) == 0) a.flags |= f::kLeap;
        a.peer_id = fld.assoc_id;
      }
      // Every request is answered (statelessly), so a restarted peer still
      // learns our association ID: one slot, the first request wins.
      if (!a.queued) a.queued = fld;
      return Verdict::Accepted;
    }
    if (symmetric() || node != 1) return Verdict::Ignored;
    if (auto r = answer(node, fld)) send(Packet{node, p.from, false, p.key_id, true, h.synchronized, {*r}});
    return Verdict::Accepted;
  }
  // Broadcast packets at the broadcast client.
  if (p.broadcast) {
    if (!h.assoc) {
      // digest §9.5: mobilize on an ASSOC response; AUTO is not pre-lit.
      if (fld.code != Opcode::Assoc) return Verdict::Ignored;
      Association a = fresh_association(Mode::BroadcastClient, h.own_assoc);
      a.peer_id = fld.assoc_id;
      a.flags = fld.filestamp & ~kAllProgress;
      if ((fld.filestamp & f::kTai) == 0) a.flags |= f::kLeap;
      h.assoc = a;
      return Verdict::Accepted;
    }
    auto& a = *h.assoc;
    // A broadcaster that restarted announces another association ID. ntpd
    // restarts on that (digest §9.5); the ASSOC is unsigned, so the model
    // refuses it and the association starts over only on its refresh (the
    // reference: on the silence of its broadcasts), docs/model.md.
    if (fld.code == Opcode::Assoc && fld.assoc_id != a.peer_id) return Verdict::WrongAssocId;
    if (fld.code == Opcode::Auto) return handle_response(h, a, p, fld);
    // digest §6.9: a broadcast is only trusted if its key ID hashes to the
    // announced autokey; a miss clears AUTO so the values are fetched again.
    if ((a.flags & f::kAuto) == 0) return Verdict::Ignored;
    const bool in_list = (p.key_id >> 8) == a.autokey_list && (p.key_id & 0xff) <= a.autokey_seq;
    if (in_list) return Verdict::Ignored;  // a good broadcast: timekeeping only
    // ntpd clears AUTO here to fetch the values again; that lets any
    // on-path host (cookie-0 MAC) change the association, so the packet is
    // refused and nothing changes (docs/model.md; a lost AUTO push is
    // recovered by the silence restart).
    return Verdict::BrokenKeyChain;
  }
  if (!h.assoc) return Verdict::Ignored;
  auto& a = *h.assoc;
  // digest §6.9: a unicast reply carries the key ID of our latest request.
  if (a.mode != Mode::Symmetric && p.key_id != a.last_key_id) return Verdict::WrongKeyId;
  return handle_response(h, a, p, fld);
}

bool World::complete() const {
  auto done = [this](int n) {
    const auto& a = host(n).assoc;
    return a && (a->flags & kAllProgress) == kAllProgress;
  };
  return symmetric() ? done(0) && done(1) : done(0);
}

std::optional<int> World::run_fair(int rounds) {
  for (int round = 1; round <= rounds; ++round) {
    for (int n = 1; n >= 0; --n) {
      apply(Event{EventKind::PollTimerFires, n});
      while (!in_flight_.empty()) apply(Event{EventKind::NetworkDelivers, 0});
    }
    if (complete()) return round;
    // A client synchronizes only from a proventic source (digest §9.3);
    // servers and symmetric peers are assumed to have other sources.
    for (int n = 0; n < 2; ++n) {
      const auto& a = host(n).assoc;
      if (!a || a->mode == Mode::Symmetric || (a->flags & f::kProv) != 0)
        apply(Event{EventKind::ClockSynchronizes, n});
    }
  }
  return std::nullopt;
}

// ---- events -------------------------------------------------------------------

bool World::enabled(const Event& e) const {
  if (e.node < 0 || e.node > 1) return false;
  const auto& h = host(e.node);
  switch (e.kind) {
    case EventKind::PollTimerFires:
    case EventKind::HostRestarts:
      return true;
    case EventKind::NetworkDelivers:
    case EventKind::NetworkDropsPacket:
    case EventKind::AttackerFlipsBit:
      return e.index < in_flight_.size();
    case EventKind::NetworkDuplicatesPacket:
      return e.index < in_flight_.size() && in_flight_.size() < kMaxInFlight;
    case EventKind::NetworkReordersPackets:
      return e.index < in_flight_.size() && e.other < in_flight_.size() && e.index != e.other;
    case EventKind::AttackerReplaysOldPacket:
      return e.index < seen_.size() && in_flight_.size() < kMaxInFlight;
    case EventKind::AttackerRewritesField:
      return e.index < in_flight_.size() && !in_flight_[e.index].fields.empty();
    case EventKind::AttackerInjectsResponse:
      // TC has no defence against a forged trusted root under the peer's
      // name (RFC 5906 §6.3: that is what the identity schemes are for), so
      // that one forgery is left out of TC traces (docs/model.md).
      if (identity_ == Identity::Tc && h.assoc && h.assoc->outstanding == Opcode::Cert) return false;
      return h.assoc && h.assoc->outstanding && in_flight_.size() < kMaxInFlight;
    case EventKind::ClockSynchronizes:
      return !h.synchronized;
    case EventKind::KeyListExpires:
      return h.synchronized;
    case EventKind::RefreshTimerFires:
      return h.assoc.has_value();
  }
  return false;
}

StepReport World::apply(const Event& e) {
  StepReport report;
  if (!enabled(e)) return report;
  auto& h = hosts_[static_cast<std::size_t>(e.node)];
  switch (e.kind) {
    case EventKind::PollTimerFires:
      poll(e.node);
      break;
    case EventKind::NetworkDelivers: {
      Packet p = in_flight_[e.index];
      in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(e.index));
      if (seen_.size() >= kMaxSeen) seen_.erase(seen_.begin());
      seen_.push_back(p);
      report.node = p.to;
      // Digest §9.6: a symmetric-active packet from a peer we have no
      // association with mobilizes a passive one (its MAC checked first).
      if (config_ == Configuration::SymmetricPassive && p.to == 1 && !hosts_[1].assoc && p.mac_ok) {
        hosts_[1].own_assoc += 2;  // every mobilization is a new association
        hosts_[1].assoc = fresh_association(Mode::Symmetric, hosts_[1].own_assoc);
      }
      bool refused = false, verified = false;
      for (const auto& fld : p.fields) {
        // A bad MAC drops the whole packet before any crypto (digest §9.8);
        // the model does not restart on it (security-history §4.8).
        const Verdict v = p.mac_ok ? receive_field(p.to, p, fld) : Verdict::BadMac;
        report.fields.emplace_back(fld, v);
        verified |= v == Verdict::Accepted && fld.response && fld.code != Opcode::Assoc;
        // Digest §3.8 step 5: the first field refused ends the walk. An
        // error field only says the peer could not answer, an ignored one
        // was not asked for; the fields after those (a symmetric peer's
        // own request) are still read.
        if (v != Verdict::Accepted && v != Verdict::ErrorResponse && v != Verdict::Ignored) {
          refused = true;
          break;
        }
      }
      // Digest §9.3: the peer's leap indicator counts once a verified
      // response made the packet authentic and PROV is lit (symmetric rule 4).
      auto& to = hosts_[static_cast<std::size_t>(p.to)].assoc;
      if (!refused && verified && to && to->mode == Mode::Symmetric && (to->flags & f::kProv) != 0)
        to->peer_synced = p.synchronized;
      break;
    }
    case EventKind::NetworkDropsPacket:
      in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(e.index));
      break;
    case EventKind::NetworkDuplicatesPacket:
      in_flight_.push_back(in_flight_[e.index]);
      break;
    case EventKind::NetworkReordersPackets:
      std::swap(in_flight_[e.index], in_flight_[e.other]);
      break;
    case EventKind::AttackerReplaysOldPacket:
      in_flight_.push_back(seen_[e.index]);
      break;
    case EventKind::AttackerFlipsBit:
      in_flight_[e.index].mac_ok = false;
      break;
    case EventKind::AttackerRewritesField:
      // Packets with EFs are MACed with cookie 0 (§5): re-MACing is easy, so
      // the MAC stays good and only signatures and proofs can catch this.
      in_flight_[e.index].fields.front().value ^= 1;
      break;
    case EventKind::AttackerInjectsResponse: {
      const auto& a = *h.assoc;
      Field r;
      r.code = *a.outstanding;
      r.response = true;
      r.assoc_id = (a.mode == Mode::BroadcastClient && r.code == Opcode::Auto) ? a.peer_id : a.own_id;
      r.timestamp = clock_;
      r.filestamp = kCertFilestamp;
      r.value = a.challenge;
      r.seq = kKeyListLast;
      r.subject = r.issuer = Principal::Attacker;  // its own trusted root (TC accepts it)
      r.trusted = true;
      r.proof = GroupKey::Forged;  // not a group member
      if (r.code == Opcode::Sign) r.subject = h.key;
      if (r.code == Opcode::Assoc) {
        // The peer's public values, copied (an ASSOC is never signed); a
        // symmetric peer's response names its own association (§3.4).
        r.filestamp = host(1 - e.node).status();
        if (a.mode == Mode::Symmetric) {
          const auto& peer = host(1 - e.node).assoc;
          r.assoc_id = peer ? peer->own_id : 0;  // a passive peer may have none right now
        }
      }
      r.signer = Principal::Attacker;
      r.signed_digest = r.digest();
      send(Packet{1 - e.node, e.node, false, a.last_key_id, true, true, {r}});
      break;
    }
    case EventKind::ClockSynchronizes:
      h.synchronized = true;
      h.signature_update = ++clock_;  // crypto_update (digest §10.1)
      break;
    case EventKind::HostRestarts: {
      const bool had_assoc = h.assoc.has_value();
      const Mode mode = had_assoc ? h.assoc->mode : Mode::Client;
      h.synchronized = false;
      h.signature_update = 0;
      h.own_assoc += 2;  // a new association ID
      h.key_index = 0;   // no key list until the next transmission
      h.key_list_time = 0;
      h.key_list_fs = 0;
      h.push_auto = false;
      h.assoc.reset();
      // Associations a packet mobilized (broadcast client, passive peer) are gone for good.
      const bool ephemeral = mode == Mode::BroadcastClient || (config_ == Configuration::SymmetricPassive && e.node == 1);
      if (had_assoc && !ephemeral) h.assoc = fresh_association(mode, h.own_assoc);
      break;
    }
    case EventKind::KeyListExpires:
      // Its lifetime is over (digest §6.7): the next transmission starts a
      // new list and announces it (broadcast AUTO, symmetric push).
      h.key_index = 0;
      if (h.assoc && h.assoc->mode == Mode::Symmetric) h.assoc->list_in_use = false;
      break;
    case EventKind::RefreshTimerFires:
      // An association a packet mobilized is dropped (preemptible, digest §9.8).
      if (h.assoc->mode == Mode::BroadcastClient || (config_ == Configuration::SymmetricPassive && e.node == 1))
        h.assoc.reset();
      else
        restart(*h.assoc);
      break;
  }
  return report;
}

std::string transition_table_markdown() {
  std::ostringstream os;
  os << "| Request | Lights | Verification | Only while synchronized |\n";
  os << "|---|---|---|---|\n";
  for (const auto& s : kSteps) {
    const char* check = "none (never signed)";
    switch (s.check) {
      case Check::None: break;
      case Check::CertTrail: check = "trusted self-signed root; its key verifies the rest"; break;
      case Check::Identity: check = "signature, then a group-key proof for our challenge"; break;
      case Check::Signature: check = "signature by the verified key"; break;
    }
    os << "| " << wire::name(s.request) << " | " << (s.lights == 0 ? std::string("status word") : wire::flag_names(s.lights))
       << " | " << check << " | " << (s.needs_sync ? "yes" : "no") << " |\n";
  }
  return os.str();
}

// ---- names ----------------------------------------------------------------------

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Accepted: return "accepted";
    case Verdict::Ignored: return "ignored";
    case Verdict::BadMac: return "bad MAC";
    case Verdict::WrongKeyId: return "wrong key ID";
    case Verdict::ErrorResponse: return "error response";
    case Verdict::WrongAssocId: return "wrong association ID";
    case Verdict::BadTimestamp: return "bad timestamp";
    case Verdict::BadSignature: return "bad signature";
    case Verdict::NoVerificationKey: return "no verification key";
    case Verdict::BadCertificate: return "bad certificate";
    case Verdict::BadIdentity: return "bad identity proof";
    case Verdict::BrokenKeyChain: return "broken key chain";
  }
  return "?";
}

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::PollTimerFires: return "PollTimerFires";
    case EventKind::NetworkDelivers: return "NetworkDelivers";
    case EventKind::NetworkDropsPacket: return "NetworkDropsPacket";
    case EventKind::NetworkDuplicatesPacket: return "NetworkDuplicatesPacket";
    case EventKind::NetworkReordersPackets: return "NetworkReordersPackets";
    case EventKind::AttackerReplaysOldPacket: return "AttackerReplaysOldPacket";
    case EventKind::AttackerFlipsBit: return "AttackerFlipsBit";
    case EventKind::AttackerRewritesField: return "AttackerRewritesField";
    case EventKind::AttackerInjectsResponse: return "AttackerInjectsResponse";
    case EventKind::ClockSynchronizes: return "ClockSynchronizes";
    case EventKind::HostRestarts: return "HostRestarts";
    case EventKind::KeyListExpires: return "KeyListExpires";
    case EventKind::RefreshTimerFires: return "RefreshTimerFires";
  }
  return "?";
}

std::string to_string(const Event& e) {
  std::ostringstream os;
  os << to_string(e.kind) << "(node " << e.node;
  switch (e.kind) {
    case EventKind::NetworkDelivers:
    case EventKind::NetworkDropsPacket:
    case EventKind::NetworkDuplicatesPacket:
    case EventKind::AttackerFlipsBit:
    case EventKind::AttackerRewritesField:
    case EventKind::AttackerReplaysOldPacket:
      os << ", packet " << e.index;
      break;
    case EventKind::NetworkReordersPackets:
      os << ", packets " << e.index << " <-> " << e.other;
      break;
    default:
      break;
  }
  os << ")";
  return os.str();
}

std::string to_string(const Observation& o) {
  if (!o.mobilized) return "(no association)";
  std::ostringstream os;
  os << "progress " << (o.progress == 0 ? std::string("-") : wire::flag_names(o.progress));
  if (o.outstanding) os << ", awaiting " << wire::name(*o.outstanding);
  if (o.queued) os << ", queued " << wire::name(*o.queued);
  os << (o.proventic ? ", proventic" : ", not proventic");
  return os.str();
}

}  // namespace ak::model
