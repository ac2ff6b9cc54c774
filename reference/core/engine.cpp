#include "core/engine.h"

#include <algorithm>

#include "core/handlers.h"
#include "core/responder.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/packet.h"

namespace ak::core {

namespace cf = wire::crypto_flag;

const char* message(MobilizeError e) {
  switch (e) {
    case MobilizeError::AlreadyMobilized: return "an association with that remote address exists";
    case MobilizeError::SchemeNotConfigured: return "identity scheme configured without the files it needs";
    case MobilizeError::ModeNotSupported: return "association mode not supported";
  }
  return "?";
}

Engine::Engine(Host host, EngineOptions options) : host_(std::move(host)), options_(options) {}

namespace {
std::uint32_t pow2(unsigned log2) { return log2 >= 32 ? 0xffffffffu : (1u << log2); }

void reject(std::vector<Action>& out, std::uint32_t assoc_id, AssocError e) {
  out.push_back(Log{LogEvent::Rejected, assoc_id, std::string(name(e)) + ": " + message(e)});
}

Sample sample_of(const Association& a, const wire::Packet& p) {
  return Sample{a.id,          a.proventic(), p.header.origin_ts, p.header.receive_ts, p.header.transmit_ts,
                p.header,      p.header.mode_enum()};
}

// The octets a MAC covers: header and fields (digest §2.3).
wire::Bytes authenticated_octets(const wire::Packet& p) {
  wire::Writer w;
  (void)p.header.serialize(w);
  for (const auto& ef : p.fields) (void)ef.serialize(w);
  return std::move(w).take();
}
}  // namespace

std::uint32_t Engine::fresh_assoc_id() {
  // ntpd numbers associations from a random start; any non-zero, unused
  // 16-bit value will do.
  for (;;) {
    const std::uint32_t id = (random_u32(host_.random()) & 0x7fff) + 1;
    if (!assocs_.count(id)) return id;
  }
}

bool Engine::ephemeral_room() const {
  std::size_t n = 0;
  for (const auto& [id, a] : assocs_)
    if (a.config.mode == PeerMode::SymmetricPassive || a.config.mode == PeerMode::BroadcastClient) ++n;
  return n < options_.max_ephemeral;
}

unsigned Engine::passive_poll(std::int8_t sender_poll) const {
  if (options_.passive_poll_log2) return *options_.passive_poll_log2;
  return static_cast<unsigned>(std::clamp<int>(sender_poll, 4, 17));
}

Association* Engine::find_by_remote(const wire::Address& remote) {
  for (auto& [id, a] : assocs_) {
    if (a.config.remote == remote) return &a;
  }
  return nullptr;
}

Result<std::uint32_t, MobilizeError> Engine::mobilize(const PeerConfig& config, std::uint32_t now) {
  if (find_by_remote(config.remote)) return Err{MobilizeError::AlreadyMobilized};
  const bool have_par = (config.scheme == Scheme::Iff && host_.iff_par()) ||
                        (config.scheme == Scheme::Gq && host_.gq_par()) ||
                        (config.scheme == Scheme::Mv && host_.mv_par()) || config.scheme == Scheme::Tc ||
                        (config.scheme == Scheme::Pc && host_.certificate().private_cert);
  if (!have_par) return Err{MobilizeError::SchemeNotConfigured};
  Association a;
  a.id = fresh_assoc_id();
  a.config = config;
  a.next_poll = now;
  a.refresh_at = now + pow2(options_.refresh_log2);
  const std::uint32_t id = a.id;
  assocs_.emplace(id, std::move(a));
  return id;
}

std::vector<Action> Engine::demobilize(std::uint32_t assoc_id) {
  std::vector<Action> out;
  if (assocs_.erase(assoc_id)) {
    out.push_back(Demobilize{assoc_id});
    out.push_back(Log{LogEvent::Demobilized, assoc_id, "demobilized"});
  }
  return out;
}

std::vector<Action> Engine::refresh(std::uint32_t assoc_id, std::uint32_t now) {
  std::vector<Action> out;
  auto it = assocs_.find(assoc_id);
  if (it == assocs_.end()) return out;
  Association& a = it->second;
  a.restart(now + pow2(options_.refresh_log2));
  out.push_back(Log{LogEvent::Restarted, a.id, "refresh"});
  out.push_back(SetTimer{a.id, TimerKind::Refresh, a.refresh_at});
  return out;
}

const Association* Engine::association(std::uint32_t assoc_id) const {
  auto it = assocs_.find(assoc_id);
  return it == assocs_.end() ? nullptr : &it->second;
}

std::vector<AssociationView> Engine::associations() const {
  std::vector<AssociationView> v;
  for (const auto& [id, a] : assocs_) v.push_back(view_of(a, synchronized_));
  return v;
}

std::uint32_t Engine::next_timer() const {
  std::uint32_t t = 0;
  for (const auto& [id, a] : assocs_) {
    if (t == 0 || a.next_poll < t) t = a.next_poll;
  }
  return t;
}

std::vector<Action> Engine::set_synchronized(std::uint32_t now) {
  std::vector<Action> out;
  synchronized_ = true;
  // Digest §10.1 event 1: leaving the unsynchronized state re-signs everything.
  const auto ups = host_.update(now);
  if (!ups.empty())
    out.push_back(Log{LogEvent::SignatureUpdate, 0, "signature update ts " + std::to_string(now)});
  return out;
}

// ---- transmit -------------------------------------------------------------------

const wire::AutoResponse* Engine::own_autokey(Association& a) {
  // Digest §5.4, §6.7: our values are the end of the current list, signed
  // with the list's generation time (so only while synchronized); the
  // symmetric response carries the peer's association ID (§3.4).
  if (!synchronized_ || a.keys.ids.empty()) return nullptr;
  if (!a.sndval) {
    // Broadcast: the broadcast association's own ID (digest §3.4).
    const std::uint32_t who = a.config.mode == PeerMode::BroadcastServer ? a.id : a.remote_assoc;
    // Signed when first needed, but with the filestamp of the list's birth:
    // a later crypto_update (a certificate installed, leap values learnt)
    // would otherwise stamp the values after their own timestamp, which the
    // peer refuses (digest §3.8 check 7).
    auto v = host_.sign_autokey(who, a.keys.autokey, a.keys.seq, a.keys_generated, a.keys_filestamp);
    if (!v) return nullptr;
    a.sndval = std::move(v).value();
  }
  return &*a.sndval;
}

std::uint32_t Engine::next_key_id(Association& a, std::uint32_t now) {
  // Digest §6.7-§6.8: walk the list backwards; a fresh list when it is used
  // up or its lifetime (min(2^automax, 100 poll) + poll) has passed.
  const std::uint32_t mpoll = pow2(a.config.poll_log2);
  const std::uint32_t life =
      std::min<std::uint64_t>(pow2(options_.automax_log2), std::uint64_t{100} * mpoll) + mpoll;
  if (a.key_index == 0 || a.keys.ids.empty() || now - a.keys_generated > life) {
    crypto::KeyListParams params{a.config.local, a.config.remote, 0, a.pcookie,
                                 synchronized_ ? crypto::key_list_length(a.config.poll_log2, options_.automax_log2)
                                               : std::size_t{1},
                                 host_.session_digest()};
    // A chain that lands in the symmetric key range (<= 65535) ends the list
    // early (digest §6.7); ntpd keeps such a short list, which is legal but
    // costs an early AUTO announcement. We draw another first key instead
    // (about one list of 100 keys in 650 needs it), so a list has the length
    // a receiver, and the model comparison, can predict.
    for (int attempt = 0; attempt < 4; ++attempt) {
      params.first_key_id = crypto::draw_first_key_id(host_.rng());
      a.keys = crypto::make_key_list(params);
      if (a.keys.ids.size() == params.max_entries) break;
    }
    a.key_index = a.keys.ids.size();
    a.keys_generated = now;
    a.keys_filestamp = host_.last_update();
    a.sndval.reset();
    a.push_auto = true;
  }
  --a.key_index;
  return a.keys.ids[a.key_index];
}

void Engine::poll(Association& a, std::uint32_t now, std::vector<Action>& out) {
  // Restarts are driven by time only (EngineOptions::restart_after_silent_polls).
  if (a.flags != 0 && a.silent_polls >= options_.restart_after_silent_polls) {
    a.restart(now + pow2(options_.refresh_log2));
    out.push_back(Log{LogEvent::Restarted, a.id, "no authentic reply for many polls"});
    out.push_back(SetTimer{a.id, TimerKind::Refresh, a.refresh_at});
  } else if (a.flags != 0 && now >= a.refresh_at) {
    a.restart(now + pow2(options_.refresh_log2));  // digest §6.10 NTP_REFRESH
    out.push_back(Log{LogEvent::Restarted, a.id, "refresh"});
    out.push_back(SetTimer{a.id, TimerKind::Refresh, a.refresh_at});
  }
  a.next_poll = now + pow2(a.config.poll_log2);
  if (a.config.mode == PeerMode::BroadcastServer) {
    broadcast(a, now, out);
    return;
  }
  if (a.config.mode == PeerMode::BroadcastClient && (a.flags == 0 || a.complete())) {
    // Digest §9.5: a broadcast client never sends ASSOC (it learns it from a
    // broadcast) and stops its unicast volley once complete; the poll timer
    // then only counts broadcasts that did not authenticate.
    ++a.silent_polls;
    out.push_back(SetTimer{a.id, TimerKind::Poll, a.next_poll});
    return;
  }
  HandlerContext ctx{host_, now, synchronized_, wire::Mode::Client, out};
  const bool sym = a.config.mode == PeerMode::SymmetricActive || a.config.mode == PeerMode::SymmetricPassive;
  wire::Packet p;
  p.header.leap = synchronized_ ? 0 : 3;
  p.header.version = 4;
  p.header.mode = a.config.mode == PeerMode::SymmetricActive    ? 1
                  : a.config.mode == PeerMode::SymmetricPassive ? 2
                                                                : 3;
  p.header.stratum = synchronized_ ? options_.stratum : 0;
  p.header.poll = static_cast<std::int8_t>(a.config.poll_log2);
  p.header.precision = -20;
  // The low word only makes each transmit time unique, so that a reply
  // names exactly one request (the on-wire origin test).
  p.header.transmit_ts = (std::uint64_t{now} << 32) | (random_u32(host_.random()) | 1u);
  // The caller's time service stamps the real header before any MAC is computed.
  provide_header(a, now, p.header);
  // The key ID first: a new list may have to be announced in this packet.
  const std::uint32_t key_id = next_key_id(a, now);
  if (sym && a.queued_request) {
    // Digest §9.2 symmetric rule 0 / §10.3: the queued request's response
    // goes first, built by the same responder as a server's.
    RequestContext rc;
    rc.client = a.config.remote;
    rc.server = a.config.local;
    rc.now = synchronized_ ? now : 0;
    rc.own_assoc_id = a.id;
    rc.host_cookie = a.hcookie;
    rc.autokey_values = [&](std::uint32_t) { return own_autokey(a); };
    const Answer ans = respond(*a.queued_request, rc, host_);
    if (ans.has_field()) p.fields.push_back(ans.field);
    a.queued_request.reset();
  }
  if (auto ef = build_request(a, ctx)) p.fields.push_back(std::move(*ef));
  // Digest §9.2 symmetric rule 6: a new list is pushed once SIGN is lit.
  if (sym && a.push_auto && a.has(cf::kSign) && synchronized_ && !a.outstanding) {
    if (const wire::AutoResponse* v = own_autokey(a)) {
      if (auto ef = wire::encode(wire::Message{*v})) p.fields.push_back(std::move(ef).value());
      a.push_auto = false;
    }
  }
  // Digest §6.4: cookie 0 whenever the packet carries a field.
  const std::uint32_t cookie = p.fields.empty() ? a.pcookie : 0;
  const auto sk = crypto::session_key(a.config.local, a.config.remote, key_id, cookie, host_.session_digest());
  const wire::Bytes auth = authenticated_octets(p);
  p.mac = wire::Mac{key_id, crypto::mac_digest(sk.key, auth, host_.session_digest())};
  auto bytes = p.serialize();
  if (!bytes) {
    out.push_back(Log{LogEvent::Rejected, a.id, "request did not serialize"});
    return;
  }
  a.last_keyid = key_id;
  a.last_xmt = p.header.transmit_ts;
  a.answered = false;
  ++a.silent_polls;
  out.push_back(Send{std::move(bytes).value(), a.config.remote, a.config.local});
  out.push_back(SetTimer{a.id, TimerKind::Poll, a.next_poll});
}

void Engine::broadcast(Association& a, std::uint32_t now, std::vector<Action>& out) {
  out.push_back(SetTimer{a.id, TimerKind::Poll, a.next_poll});
  // Digest §9.2 broadcast server: only while synchronized; AUTO response on
  // the first packet of a new list, ASSOC response otherwise; cookie 0.
  if (!synchronized_) return;
  a.pcookie = 0;
  wire::Packet p;
  p.header.version = 4;
  p.header.mode = 5;
  p.header.stratum = options_.stratum;
  p.header.poll = static_cast<std::int8_t>(a.config.poll_log2);
  p.header.precision = -20;
  p.header.transmit_ts = std::uint64_t{now} << 32;
  provide_header(a, now, p.header);
  const std::uint32_t key_id = next_key_id(a, now);
  const wire::AutoResponse* v = a.push_auto ? own_autokey(a) : nullptr;
  if (v) {
    if (auto ef = wire::encode(wire::Message{*v})) p.fields.push_back(std::move(ef).value());
    a.push_auto = false;
  } else {
    wire::AssocResponse r;
    static_cast<wire::AssocMessage&>(r) = host_.assoc_message(a.id);
    if (auto ef = wire::encode(wire::Message{r})) p.fields.push_back(std::move(ef).value());
  }
  const auto sk = crypto::session_key(a.config.local, a.config.remote, key_id, 0, host_.session_digest());
  p.mac = wire::Mac{key_id, crypto::mac_digest(sk.key, authenticated_octets(p), host_.session_digest())};
  auto bytes = p.serialize();
  if (!bytes) return;
  a.last_keyid = key_id;
  out.push_back(Send{std::move(bytes).value(), a.config.remote, a.config.local});
}

void Engine::provide_header(const Association& a, std::uint32_t now, wire::NtpHeader& h) const {
  if (!header_provider_) return;
  const std::uint8_t mode = h.mode;
  const std::uint8_t version = h.version;
  header_provider_(HeaderContext{a.id, a.config.mode, a.config.remote, a.config.local, now}, h);
  // The association decides what kind of packet this is, never the provider.
  h.mode = mode;
  h.version = version;
}

const wire::AutoResponse* Engine::broadcast_values(std::uint32_t assoc_id) {
  auto it = assocs_.find(assoc_id);
  if (it == assocs_.end() || it->second.config.mode != PeerMode::BroadcastServer) return nullptr;
  return own_autokey(it->second);
}

std::vector<Action> Engine::handle_timer(std::uint32_t now) {
  std::vector<Action> out;
  for (auto& [id, a] : assocs_) {
    if (a.next_poll <= now) poll(a, now, out);
  }
  return out;
}

// ---- receive --------------------------------------------------------------------

std::vector<Action> Engine::handle_datagram(wire::ByteView bytes, const wire::Address& src,
                                            const wire::Address& dst, std::uint32_t now) {
  std::vector<Action> out;
  auto parsed = wire::Packet::parse(bytes);
  if (!parsed) {
    reject(out, 0, AssocError::PacketMalformed);
    return out;
  }
  const wire::Packet& p = *parsed;
  switch (p.header.mode_enum()) {
    case wire::Mode::Server:
      if (Association* a = find_by_remote(src);
          a && (a->config.mode == PeerMode::Client || a->config.mode == PeerMode::BroadcastClient))
        return on_reply(*a, p, bytes, src, dst, now);
      reject(out, 0, AssocError::NoAssociation);
      return out;
    case wire::Mode::SymmetricActive:
    case wire::Mode::SymmetricPassive: {
      Association* a = find_by_remote(src);
      if (a && a->config.mode != PeerMode::Client) return on_peer_packet(*a, p, bytes, src, dst, now);
      // A packet that does not even carry a good MAC mobilizes nothing (a
      // new association's cookie is 0, so this is the check it would meet).
      if (!a && p.header.mode_enum() == wire::Mode::SymmetricActive && options_.accept_symmetric_passive &&
          ephemeral_room() && p.mac && p.mac->key_id > crypto::kMaxSymmetricKeyId &&
          mac_verifies(p, bytes, src, dst, 0)) {
        PeerConfig cfg{src, dst, PeerMode::SymmetricPassive, options_.passive_scheme, options_.passive_ident,
                       passive_poll(p.header.poll)};
        auto id = mobilize(cfg, now);
        if (id) {
          out.push_back(Log{LogEvent::Mobilized, *id, "symmetric passive for " + src.to_string()});
          auto more = on_peer_packet(assocs_.at(*id), p, bytes, src, dst, now);
          out.insert(out.end(), more.begin(), more.end());
          return out;
        }
      }
      reject(out, 0, AssocError::NoAssociation);
      return out;
    }
    case wire::Mode::Broadcast:
      if (options_.broadcast_client) {
        Association* a = find_by_remote(src);
        if (!a || a->config.mode == PeerMode::BroadcastClient) return on_broadcast(a, p, bytes, src, dst, now);
      }
      reject(out, 0, AssocError::ModeNotHandled);
      return out;
    case wire::Mode::Client:
      if (options_.serve) return on_client_request(p, src, dst, now);
      reject(out, 0, AssocError::ModeNotHandled);
      return out;
    default: reject(out, 0, AssocError::ModeNotHandled); return out;
  }
}

bool Engine::mac_verifies(const wire::Packet& p, wire::ByteView bytes, const wire::Address& src,
                          const wire::Address& dst, std::uint32_t cookie) const {
  // Digest §6.2: the session key hashes (sender, receiver, key ID, cookie);
  // the MAC covers the octets before it (header and fields).
  const auto sk = crypto::session_key(src, dst, p.mac->key_id, cookie, host_.session_digest());
  const std::size_t alen = p.authenticated_length();
  return alen <= bytes.size() && crypto::mac_matches(sk.key, bytes.first(alen), p.mac->digest, host_.session_digest());
}

std::vector<Action> Engine::on_reply(Association& a, const wire::Packet& p, wire::ByteView bytes,
                                     const wire::Address& src, const wire::Address& dst, std::uint32_t now) {
  std::vector<Action> out;
  auto refuse = [&](AssocError e) {
    a.last_error = e;
    reject(out, a.id, e);
    return out;
  };
  // Digest §2.4 / security-history §4 property 8: a crypto-NAK is noted,
  // never acted on (anyone can forge one).
  if (p.is_crypto_nak()) return refuse(AssocError::CryptoNak);
  // Digest §6.3: an Autokey association accepts only Autokey key IDs.
  if (!p.mac || p.mac->key_id <= crypto::kMaxSymmetricKeyId) return refuse(AssocError::NotAutokey);
  // Digest §6.9: the reply carries exactly our last request's key ID; an old
  // (replayed, duplicated, reordered) reply carries another one.
  if (p.mac->key_id != a.last_keyid) return refuse(AssocError::KeyIdNotExpected);
  if (p.header.origin_ts != a.last_xmt) return refuse(AssocError::OriginMismatch);
  // Digest §6.2, §6.4: key (server, us, key ID, cookie 0 with fields).
  if (!mac_verifies(p, bytes, src, dst, p.fields.empty() ? a.pcookie : 0)) return refuse(AssocError::MacMismatch);
  if (a.answered) return refuse(AssocError::DuplicateReply);

  HandlerContext ctx{host_, now, synchronized_, wire::Mode::Server, out};
  for (const auto& ef : p.fields) {
    // Digest §3.8 step 5: the first error stops the walk; the packet is
    // discarded for timekeeping.
    if (auto st = handle_field(a, ef, ctx); !st) return refuse(st.error());
  }
  a.answered = true;
  a.silent_polls = 0;
  a.last_error.reset();
  out.push_back(sample_of(a, p));
  return out;
}

std::vector<Action> Engine::on_peer_packet(Association& a, const wire::Packet& p, wire::ByteView bytes,
                                           const wire::Address& src, const wire::Address& dst, std::uint32_t now) {
  std::vector<Action> out;
  auto refuse = [&](AssocError e) {
    a.last_error = e;
    reject(out, a.id, e);
    return out;
  };
  if (p.is_crypto_nak()) return refuse(AssocError::CryptoNak);  // logged only (property 8)
  if (!p.mac || p.mac->key_id <= crypto::kMaxSymmetricKeyId) return refuse(AssocError::NotAutokey);
  // Digest §6.4: cookie 0 with fields, else the shared pcookie (§6.6).
  if (!mac_verifies(p, bytes, src, dst, p.fields.empty() ? a.pcookie : 0)) return refuse(AssocError::MacMismatch);

  HandlerContext ctx{host_, now, synchronized_, p.header.mode_enum(), out};
  bool verified_field = false, answers_ours = false;
  for (const auto& ef : p.fields) {
    // A peer that could not answer one of our requests (an error field, or
    // an empty CERT response to a request no longer outstanding) gives us
    // nothing to apply, but its own requests in the same packet must still
    // be heard: the field is skipped, not the packet. Anyone on the path can
    // forge such a field (cookie-0 MAC), so it never restarts us either.
    if (ef.response && (ef.error || (ef.is_short_form() && a.outstanding != wire::Opcode::Cert))) {
      reject(out, a.id, ef.error ? AssocError::ErrorResponse : AssocError::UnexpectedResponse);
      continue;
    }
    const bool answer = ef.response && !ef.is_short_form() && a.outstanding && ef.opcode() == a.outstanding;
    if (auto st = handle_field(a, ef, ctx); !st) {
      // A response we did not ask for (a duplicate, a late one, one for a
      // step already done) is skipped like an error field; a field that
      // fails its checks ends the walk (digest §3.8 step 5).
      if (st.error() == AssocError::UnexpectedResponse && ef.response) {
        reject(out, a.id, st.error());
        continue;
      }
      return refuse(st.error());
    }
    if (ef.response && ef.opcode() != wire::Opcode::Assoc) verified_field = true;
    answers_ours |= answer;
  }
  // The peer answered the request of our last transmission with a value:
  // `outstanding && !answered` is then false, as on a client association.
  if (answers_ours) a.answered = true;
  // Digest §6.9: without a verified response, the key ID must hash forward
  // to one already trusted, within the peer's advertised sequence. Unlike
  // ntpd we do not clear AUTO on failure: an unverified packet changes nothing.
  bool authentic = verified_field;
  if (!authentic && a.autokey) {
    const std::uint32_t targets[] = {a.pkeyid, a.autokey->key_id};
    authentic = crypto::key_id_chains_to(src, dst, p.mac->key_id, a.pcookie, targets, a.autokey->sequence + 2,
                                         host_.session_digest());
    if (!authentic && p.fields.empty()) return refuse(AssocError::KeyIdChainBroken);
  }
  // Only an authentic packet (a verified response or a key ID on the
  // peer's chain) counts as hearing from the peer: requests carry cookie-0
  // MACs anyone can make. So a peer that restarted, whose requests we keep
  // answering but whose packets no longer authenticate, still lets our
  // association start over after restart_after_silent_polls (issue 4:
  // symmetric peers keep running across a restart).
  if (authentic) {
    a.pkeyid = p.mac->key_id;
    a.silent_polls = 0;
    // Digest §9.3: ntpd takes the peer's leap indicator only from a sample
    // that passed every test, and TEST8 fails every sample while PROV is
    // dark; symmetric rule 4 reads it (Association::peer_synchronized).
    if (a.proventic()) a.peer_synchronized = p.header.leap != 3;
  }
  a.last_error.reset();
  // Digest §9.6: with a request of the peer's waiting for its answer, ntpd
  // transmits about two seconds later instead of at the next poll, so a
  // symmetric dance is not one poll interval per step.
  if (a.queued_request && a.next_poll > now + kQueuedAnswerDelay) {
    a.next_poll = now + kQueuedAnswerDelay;
    out.push_back(SetTimer{a.id, TimerKind::Poll, a.next_poll});
  }
  if (authentic)
    out.push_back(sample_of(a, p));
  return out;
}

std::vector<Action> Engine::on_broadcast(Association* a, const wire::Packet& p, wire::ByteView bytes,
                                         const wire::Address& src, const wire::Address& dst, std::uint32_t now) {
  std::vector<Action> out;
  auto refuse = [&](AssocError e) {
    if (a) a->last_error = e;
    reject(out, a ? a->id : 0, e);
    return out;
  };
  if (!p.mac || p.mac->key_id <= crypto::kMaxSymmetricKeyId) return refuse(AssocError::NotAutokey);
  // Digest §6.2: broadcast keys hash (server, broadcast address) with cookie 0.
  if (!mac_verifies(p, bytes, src, dst, 0)) return refuse(AssocError::MacMismatch);
  if (!a || a->flags == 0) {
    // Digest §9.5: only a broadcast whose last field is an ASSOC response
    // mobilizes (or restarts) a broadcast client.
    if (p.fields.empty() || event_of(p.fields.back()) != Event::AssocResponse || !options_.unicast_local ||
        (!a && !ephemeral_room()))
      return refuse(AssocError::NoAssociation);
    auto decoded = wire::decode(p.fields.back());
    if (!decoded) return refuse(AssocError::FieldUndecodable);
    std::optional<Association> fresh;
    if (!a) {
      fresh.emplace();
      fresh->id = fresh_assoc_id();
      fresh->config = PeerConfig{src, *options_.unicast_local, PeerMode::BroadcastClient, options_.passive_scheme,
                                 options_.passive_ident, passive_poll(p.header.poll)};
      fresh->next_poll = now;
      fresh->refresh_at = now + pow2(options_.refresh_log2);
    }
    Association& target = a ? *a : *fresh;
    HandlerContext ctx{host_, now, synchronized_, wire::Mode::Broadcast, out};
    if (auto st = accept_broadcast_assoc(target, std::get<wire::AssocResponse>(*decoded), ctx); !st)
      return refuse(st.error());
    target.silent_polls = 0;
    if (fresh) {
      const std::uint32_t id = fresh->id;
      out.push_back(Log{LogEvent::Mobilized, id, "broadcast client for " + src.to_string()});
      assocs_.emplace(id, std::move(*fresh));
    }
    return out;
  }
  HandlerContext ctx{host_, now, synchronized_, wire::Mode::Broadcast, out};
  bool verified_auto = false;
  for (const auto& ef : p.fields) {
    if (auto st = handle_field(*a, ef, ctx); !st) return refuse(st.error());
    if (event_of(ef) == Event::AutoResponse) verified_auto = true;
  }
  // Pushed values that a unicast AUTO request of ours was waiting for.
  if (verified_auto && a->outstanding == wire::Opcode::Auto) a->answered = true;
  // Digest §6.9 with cookie 0: the key ID must hash to the last accepted one
  // or to the advertised list end within seq steps.
  bool authentic = verified_auto;
  if (!authentic && a->autokey) {
    const std::uint32_t targets[] = {a->pkeyid, a->autokey->key_id};
    authentic = crypto::key_id_chains_to(src, dst, p.mac->key_id, 0, targets, a->autokey->sequence + 2,
                                         host_.session_digest());
  }
#ifdef AK_MUTANT_BROADCAST_CHAIN_CLEARS_AUTO
  // MUTANT (docs/mutants.md): ntpd's rule, AUTO cleared by an unverified broadcast
  if (!authentic && a->autokey) a->flags &= ~cf::kAuto;
#endif
  if (!authentic) return refuse(AssocError::KeyIdChainBroken);
  a->pkeyid = p.mac->key_id;
  a->silent_polls = 0;
  a->last_error.reset();
  out.push_back(sample_of(*a, p));
  return out;
}

std::vector<Action> Engine::on_client_request(const wire::Packet& p, const wire::Address& src,
                                              const wire::Address& dst, std::uint32_t now) {
  std::vector<Action> out;
  RequestContext ctx;
  ctx.client = src;
  ctx.server = dst;
  ctx.now = synchronized_ ? now : 0;
  // Digest §5.4, §10.2: an AUTO request names a broadcast association here.
  ctx.autokey_values = [this](std::uint32_t assoc_id) { return broadcast_values(assoc_id); };
  const ServerReply plan = plan_server_reply(p, ctx, host_);
  if (plan.drop) return out;
  wire::Packet reply;
  reply.header.leap = synchronized_ ? 0 : 3;
  reply.header.version = p.header.version;
  reply.header.mode = 4;
  reply.header.stratum = synchronized_ ? options_.stratum : 0;
  reply.header.poll = p.header.poll;
  reply.header.precision = -20;
  reply.header.origin_ts = p.header.transmit_ts;
  reply.header.receive_ts = std::uint64_t{now} << 32;
  reply.header.transmit_ts = std::uint64_t{now} << 32;
  if (auto st = finish_server_reply(reply, plan, ctx, host_); !st) {
    reject(out, 0, AssocError::PacketMalformed);
    return out;
  }
  auto bytes = reply.serialize();
  if (!bytes) {
    reject(out, 0, AssocError::PacketMalformed);
    return out;
  }
  std::string what = plan.crypto_nak ? "crypto-NAK" : "reply";
  if (plan.answer && plan.answer->has_field()) what += " " + wire::summary(plan.answer->field);
  out.push_back(Log{LogEvent::ServerReply, 0, what + " to " + src.to_string()});
  out.push_back(Send{std::move(bytes).value(), src, dst});
  return out;
}

}  // namespace ak::core
