#include "check/client_check.h"

#include <botan/rsa.h>

#include <algorithm>

#include "check/datagram.h"
#include "core/responder.h"
#include "crypto/certificate.h"
#include "crypto/cookie.h"
#include "crypto/iff.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak::check {

namespace {

struct Requirement {
  const char* id;
  const char* text;
};

const Requirement kRequirements[] = {
    {"CLIENT-VALID-SESSION", "RFC 5906 §9-10: with honest answers the client completes the dance and keys its "
                             "packets with the cookie it was given"},
    {"CLIENT-CRYPTO-NAK", "security-history §4 property 8: an unauthenticated crypto-NAK does not make the client "
                          "start over (anyone on the path could send it)"},
    {"CLIENT-EXPIRED-CERT", "RFC 5906 §6, §10.2: a certificate outside its validity is refused"},
    {"CLIENT-WRONG-GROUP-NAME", "digest §9.7: a client whose name is in a group refuses an ASSOC response from a "
                                "host of another group"},
    {"CLIENT-WRONG-GROUP", "RFC 5906 §10.7, Appendix E: an identity proof made with another group's key is refused"},
    {"CLIENT-BAD-SIGNATURE", "RFC 5906 §10, digest §3.8 check 13: a response whose signature fails is refused "
                             "(CVE-2009-0021)"},
    {"CLIENT-REPLAYED-COOKIE", "RFC 5906 §10.3, digest §3.8 checks 8-9: an older COOK response with another cookie, "
                               "sent after the cookie was accepted, does not replace it"},
};

const char* requirement_of(const std::string& id) {
  for (const auto& r : kRequirements)
    if (id == r.id) return r.text;
  return "";
}

std::string opname(const std::optional<wire::Opcode>& op) {
  return op ? std::string(wire::name(*op)) : std::string("no field");
}

}  // namespace

struct ClientChecker::State {
  core::Host& host;
  ClientCheckOptions opt;
  std::size_t packets = 0;
  // Scenario progress.
  bool wrong_name_sent = false;
  bool nak_sent = false, expired_sent = false, wrong_group_sent = false, bad_sig_sent = false, replay_sent = false;
  bool cookie_given = false;  // an honest COOK response went out
  std::uint32_t cookie = 0, stale_cookie = 0;
  std::uint32_t cookie_ts = 0;
  wire::Bytes client_public_key;
  // The scenario the next request judges.
  std::optional<std::string> pending;
  std::optional<wire::Opcode> pending_op;
  std::size_t pending_pkt = 0;
  bool replay_judged = false;

  State(core::Host& h, ClientCheckOptions o) : host(h), opt(std::move(o)) {}
};

const std::vector<std::string>& ClientChecker::check_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& r : kRequirements) v.emplace_back(r.id);
    return v;
  }();
  return ids;
}

ClientChecker::ClientChecker(core::Host& host, ClientCheckOptions options)
    : s_(std::make_unique<State>(host, std::move(options))) {
  for (const auto& id : check_ids()) report_.add({id, requirement_of(id), Verdict::Skip, "not reached"});
  if (!host.iff_key())
    report_.add({"CLIENT-WRONG-GROUP", requirement_of("CLIENT-WRONG-GROUP"), Verdict::Skip,
                 "no IFF server key in --keys (IFF clients only)"});
}

ClientChecker::~ClientChecker() = default;

bool ClientChecker::finished() const {
  for (const auto& r : report_.rows())
    if (r.evidence == "not reached") return false;
  return true;
}

void ClientChecker::finish(std::uint32_t) {
  for (const auto& r : report_.rows()) {
    if (r.evidence != "not reached") continue;
    const bool failing = r.id == "CLIENT-VALID-SESSION";
    report_.add({r.id, r.requirement, failing ? Verdict::Fail : Verdict::Skip,
                 failing ? "the client never sent a request keyed with its cookie" : "the client never got there"});
  }
}

std::optional<wire::Bytes> ClientChecker::on_datagram(wire::ByteView bytes, const wire::Address& client,
                                                      std::uint32_t now) {
  State& s = *s_;
  const std::size_t number = ++s.packets;
  auto parsed = wire::Packet::parse(bytes);
  if (!parsed) return std::nullopt;
  const wire::Packet& p = *parsed;
  if (p.header.mode_enum() != wire::Mode::Client || !p.mac) return std::nullopt;
  if (s.host.last_update() == 0) (void)s.host.update(now);
  auto row = [this](const std::string& id, Verdict v, const std::string& ev) {
    report_.add({id, requirement_of(id), v, ev});
  };
  const std::string at = "pkt " + std::to_string(number);
  std::optional<wire::Opcode> op;
  std::optional<wire::Message> request;
  if (!p.fields.empty()) {
    op = p.fields.front().opcode();
    if (auto m = wire::decode(p.fields.front())) request = std::move(m).value();
  }

  // ---- judge the scenario the previous answer opened ---------------------------
  if (s.pending) {
    const std::string id = *s.pending;
    s.pending.reset();
    const std::string seen = at + ": next request " + opname(op) + " after the " + opname(s.pending_op) +
                             " answer of pkt " + std::to_string(s.pending_pkt + 1);
    if (id == "CLIENT-CRYPTO-NAK") {
      if (op == wire::Opcode::Assoc) row(id, Verdict::Fail, seen + ": the client started over");
      else row(id, Verdict::Pass, seen + ": no restart");
    } else {
      const bool refused = op == s.pending_op || op == wire::Opcode::Assoc;
      row(id, refused ? Verdict::Pass : Verdict::Fail, seen + (refused ? ": refused" : ": ACCEPTED, went on"));
      // The badly signed COOK response carried the real cookie: a client that
      // took it holds that cookie now.
      if (id == "CLIENT-BAD-SIGNATURE" && !refused) s.cookie_given = true;
    }
  }

  // ---- a field-less request: which cookie keys it ------------------------------
  if (p.fields.empty() && s.cookie_given) {
    const std::size_t a = p.authenticated_length();
    auto keyed_with = [&](std::uint32_t c) {
      const auto sk = crypto::session_key(client, s.opt.local, p.mac->key_id, c, s.host.session_digest());
      return a <= bytes.size() && crypto::mac_matches(sk.key, bytes.subspan(0, a), p.mac->digest, s.host.session_digest());
    };
    if (keyed_with(s.cookie)) {
      row("CLIENT-VALID-SESSION", Verdict::Pass, at + ": request keyed with our cookie " + hex32(s.cookie));
      if (s.replay_sent)
        row("CLIENT-REPLAYED-COOKIE", Verdict::Pass, at + ": still keyed with " + hex32(s.cookie) + ", not the replayed " +
                                                         hex32(s.stale_cookie));
    } else if (s.replay_sent && keyed_with(s.stale_cookie)) {
      row("CLIENT-REPLAYED-COOKIE", Verdict::Fail, at + ": keyed with the replayed cookie " + hex32(s.stale_cookie));
      row("CLIENT-VALID-SESSION", Verdict::Pass, "the dance completed (pkt " + std::to_string(number) + ")");
    } else {
      row("CLIENT-VALID-SESSION", Verdict::Fail, at + ": request keyed with neither cookie");
    }
  }

  // ---- our answer ----------------------------------------------------------------
  core::RequestContext ctx;
  ctx.client = client;
  ctx.server = s.opt.local;
  ctx.now = now;
  core::ServerReply plan = core::plan_server_reply(p, ctx, s.host);
  wire::Packet reply;
  reply.header.version = p.header.version;
  reply.header.mode = 4;
  reply.header.stratum = 2;
  reply.header.poll = p.header.poll;
  reply.header.precision = -20;
  reply.header.origin_ts = p.header.transmit_ts;
  reply.header.receive_ts = std::uint64_t{now} << 32;
  reply.header.transmit_ts = std::uint64_t{now} << 32;
  const std::uint32_t assoc = p.fields.empty() ? 0 : p.fields.front().assoc_id;

  auto signed_field = [&](wire::Opcode code, const wire::Bytes& value, std::uint32_t ts,
                          std::uint32_t fs) -> std::optional<wire::ExtensionField> {
    auto sig = s.host.sign(ts, fs, value);
    if (!sig) return std::nullopt;
    wire::ValueStructure vs{ts, fs, value, std::move(sig).value()};
    return wire::make_long_field(code, true, assoc, vs);
  };
  auto open = [&](const std::string& id) {
    s.pending = id;
    s.pending_op = op;
    s.pending_pkt = number;
  };
  std::optional<wire::ExtensionField> replace;
  bool nak = false;

  if (op == wire::Opcode::Assoc && !s.wrong_name_sent && request && plan.answer &&
      plan.answer->kind == core::Answer::Kind::Response) {
    s.wrong_name_sent = true;
    const auto* r = std::get_if<wire::AssocRequest>(&*request);
    if (r && !crypto::name_group(r->name).empty()) {
      // Our name with a group the client is not in.
      if (auto m = wire::decode(plan.answer->field); m && std::holds_alternative<wire::AssocResponse>(*m)) {
        auto resp = std::get<wire::AssocResponse>(*m);
        resp.name = crypto::name_host(resp.name) + "@not-" + crypto::name_group(r->name);
        if (auto f = wire::encode(wire::Message{resp})) {
          replace = std::move(f).value();
          open("CLIENT-WRONG-GROUP-NAME");
        }
      }
    } else {
      row("CLIENT-WRONG-GROUP-NAME", Verdict::Skip,
          at + ": the client's name \"" + (r ? r->name : std::string()) + "\" has no group");
    }
  } else if (op == wire::Opcode::Cert && !s.nak_sent) {
    s.nak_sent = true;
    nak = true;
    open("CLIENT-CRYPTO-NAK");
  } else if (op == wire::Opcode::Cert && !s.expired_sent) {
    // Our own certificate, re-made with a validity that ended a year ago.
    const crypto::Certificate& own = s.host.certificate();
    crypto::CertificateFields f;
    f.subject = own.subject;
    f.issuer = own.subject;
    f.serial = own.serial_u64.value_or(1) + 1;
    f.not_before = crypto::unix_from_ntp_seconds(now) - 2 * 365 * 86400LL;
    f.not_after = crypto::unix_from_ntp_seconds(now) - 365 * 86400LL;
    f.digest = own.signature.digest;
    f.trusted = true;
    f.subject_key_id = own.subject_key_id;
    auto cert = crypto::make_certificate(f, *own.public_key, s.host.sign_key(), s.host.rng());
    if (cert) {
      replace = signed_field(wire::Opcode::Cert, cert->der, now, crypto::ntp_seconds_from_unix(f.not_before));
      s.expired_sent = true;
      open("CLIENT-EXPIRED-CERT");
    }
  } else if (op == wire::Opcode::Iff && !s.wrong_group_sent && s.host.iff_key() && request) {
    // The proof of a server whose group key is b + 1: what a server of
    // another group (or an impostor) can produce.
    if (const auto* r = std::get_if<wire::IdentityRequest>(&*request)) {
      crypto::IffParams other = s.host.iff_key()->value;
      if (other.b) other.b = (*other.b + 1) % other.q;
      if (auto proof = crypto::iff_respond(other, r->challenge, s.host.rng())) {
        replace = signed_field(wire::Opcode::Iff, *proof, now, s.host.iff_key()->filestamp);
        s.wrong_group_sent = true;
        open("CLIENT-WRONG-GROUP");
      }
    }
  } else if (op == wire::Opcode::Cook && request) {
    if (const auto* r = std::get_if<wire::CookRequest>(&*request)) s.client_public_key = r->public_key;
    if (!s.bad_sig_sent && plan.answer && plan.answer->kind == core::Answer::Kind::Response) {
      wire::ExtensionField f = plan.answer->field;
      if (auto vs = wire::ValueStructure::parse(f.body); vs && !vs->signature.empty()) {
        vs->signature.back() ^= 0x01;
        replace = wire::make_long_field(wire::Opcode::Cook, true, f.assoc_id, *vs);
        s.bad_sig_sent = true;
        s.cookie = s.host.server_cookie(client, s.opt.local);
        s.cookie_ts = vs->timestamp;
        open("CLIENT-BAD-SIGNATURE");
      }
    } else if (plan.answer && plan.answer->kind == core::Answer::Kind::Response) {
      s.cookie_given = true;
      s.cookie = s.host.server_cookie(client, s.opt.local);
      if (auto vs = wire::ValueStructure::parse(plan.answer->field.body)) s.cookie_ts = vs->timestamp;
    }
  } else if (s.cookie_given && !s.replay_sent && op && !s.client_public_key.empty()) {
    // The cookie was accepted (the client moved on): answer this request
    // with an older, validly signed COOK response carrying another cookie.
    s.stale_cookie = s.cookie ^ 0x5a5a5a5au;
    if (auto ct = crypto::encrypt_cookie(s.stale_cookie, s.client_public_key, s.host.rng())) {
      const std::uint32_t ts = s.cookie_ts > 10 ? s.cookie_ts - 10 : 1;
      replace = signed_field(wire::Opcode::Cook, *ct, ts, std::min(ts, s.host.last_update()));
      s.replay_sent = true;
    }
  }

  if (nak) {
    plan.crypto_nak = true;
    plan.answer.reset();
  } else if (replace && plan.answer) {
    plan.answer->field = *replace;
    plan.answer->kind = core::Answer::Kind::Response;
  }
  if (!core::finish_server_reply(reply, plan, ctx, s.host)) return std::nullopt;
  auto out = reply.serialize();
  if (!out) return std::nullopt;
  ++s.packets;
  return std::move(out).value();
}

}  // namespace ak::check
