#include "check/server_check.h"

#include <botan/numthry.h>
#include <botan/pk_keys.h>
#include <botan/rsa.h>

#include <algorithm>
#include <exception>

#include "crypto/cookie.h"
#include "crypto/gq.h"
#include "crypto/identity_encoding.h"
#include "crypto/iff.h"
#include "crypto/mv.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"
#include "wire/flags.h"

namespace ak::check {

namespace cf = wire::crypto_flag;

namespace {

struct Requirement {
  const char* id;
  const char* text;
};

// Report order and what each check requires.
const Requirement kRequirements[] = {
    {"ASSOC", "RFC 5906 §10.1: ASSOC response, R bit, host name 1..512 octets (in --group), ENAB, a known "
              "signature NID, the identity scheme advertised"},
    {"REPLY-MAC", "RFC 5906 §4-5: every reply carries the MAC of the session key (server, client, key ID, cookie)"},
    {"CERT", "RFC 5906 §10.2, §6: certificate for the requested subject, trail ending at a self-signed trusted "
             "root, each link signed by the next, valid now, filestamp rule"},
    {"IDENTITY", "RFC 5906 §10.7-§10.9, Appendices E-G: the identity proof verifies for our challenge"},
    {"COOKIE", "RFC 5906 §10.3: COOK response signed by the server, modulus-sized OAEP ciphertext that decrypts "
               "with our host key to 4 octets"},
    {"COOKIE-USED", "RFC 5906 §4: a field-less request keyed with that cookie is answered with it, not a crypto-NAK"},
    {"COOKIE-ZERO-SEED", "security-history §4 property 13, §2.1: the cookie is not MD5(client, server, 0, 0), "
                         "which anyone who knows the addresses can compute (ntpd 4.2.8p15)"},
    {"COOKIE-BINDING", "RFC 5906 §4, §10.3: the cookie depends on the client address (not the port); two client "
                       "addresses never share one"},
    {"SIGN", "RFC 5906 §10.6: SIGN response signed by the server, certifying our subject and key, issued by the "
             "server's certificate"},
    {"LEAP", "RFC 5906 §10.5: LEAP response signed by the server, 12-octet value"},
    {"TIMESTAMPS", "RFC 5906 §10, §6: every signed value has ts != 0, fs <= ts, ts not in the future and inside "
                   "the server certificate's validity"},
    {"NONCE-SIZE", "security-history NEW-2: the prover's nonce is uniform whatever the challenge (a short or small "
                   "challenge must not shrink it)"},
    {"NONCE-CHALLENGE-LENGTH", "security-history NEW-2, §4 property 11: a challenge field not octets(q) (IFF) / "
                               "octets(n) (GQ) long is refused"},
    {"MALFORMED-TRUNCATED-EF", "RFC 5906 §10 / security-history §1.2 row 25: an EF longer than the datagram gets "
                               "no answer or an error, never a larger reply"},
    {"MALFORMED-BAD-LENGTH", "security-history §1.2 row 25: an EF length not a multiple of 4 gets no answer or an "
                             "error, never a larger reply"},
    {"MALFORMED-WRONG-VERSION", "RFC 5906 §10: Autokey version != 2 gets no answer or an error, never a larger reply"},
    {"MALFORMED-OVERSIZE-VALUE", "digest §5.2: a CERT subject over 512 octets gets no answer or an error, never a "
                                 "larger reply"},
    {"MALFORMED-BAD-MAC", "RFC 5906 §4, digest §2.4: a request whose MAC fails gets a crypto-NAK or nothing, never a "
                          "larger reply"},
    {"ALIVE-AFTER-MALFORMED", "security-history §4 property 8: the server still answers a well-formed request"},
};

const char* requirement_of(const std::string& id) {
  for (const auto& r : kRequirements)
    if (id == r.id) return r.text;
  return "";
}

std::string pkt(std::size_t n) { return "pkt " + std::to_string(n); }

// A signed value seen in a response, for TIMESTAMPS.
struct SignedSeen {
  std::string what;
  std::size_t number = 0;
  std::uint32_t ts = 0, fs = 0;
};

struct Step {
  std::function<std::optional<Outgoing>(std::uint32_t now)> make;
  std::function<void(const std::optional<Reply>&, std::uint32_t now)> handle;
};

}  // namespace

struct ServerChecker::State {
  core::Host& host;
  ServerCheckOptions opt;
  crypto::Digest digest;
  std::uint32_t assoc_id = 0;
  std::vector<Step> steps;
  std::size_t index = 0;
  bool repeat = false;        // the handler wants the same step again
  bool awaiting = false;
  std::size_t packets = 0;    // datagrams sent and received, in order
  // The exchange in flight.
  std::uint32_t key_id = 0;
  std::uint32_t cookie_for_reply = 0;
  wire::Address src;
  std::size_t request_size = 0;
  // What we learned.
  std::optional<wire::AssocResponse> assoc;
  unsigned assoc_attempts = 0;
  std::optional<crypto::Digest> sign_digest;
  std::string cert_subject;                 // next CERT request
  std::vector<crypto::Certificate> trail;   // server's own first
  std::vector<std::pair<wire::CertResponse, std::size_t>> cert_responses;
  std::string cert_problem;
  std::optional<std::uint32_t> cookie;      // from the primary address
  std::size_t cookie_pkt = 0;
  std::optional<std::uint32_t> cookie_port, cookie_addr;
  std::vector<SignedSeen> signed_values;
  unsigned replies_checked = 0, replies_bad_mac = 0;
  std::string bad_mac_evidence;
  // The identity challenge in flight (IDENTITY, then the nonce samples).
  wire::Bytes challenge;
  std::vector<Botan::BigInt> small_ys, short_ys;
  std::size_t short_answered = 0, short_refused = 0;
  std::string short_evidence, small_evidence;
  bool small_proofs_ok = true;

  State(core::Host& h, ServerCheckOptions o) : host(h), opt(std::move(o)), digest(h.session_digest()) {}

  std::uint32_t fresh_key_id() {
    // Autokey key IDs are above 65535 (digest §6.7).
    for (;;) {
      const std::uint32_t k = core::random_u32(host.random());
      if (k > 0xffff) return k;
    }
  }

  const wire::Address& address_of(Source s) const {
    if (s == Source::SecondAddress && opt.second_client) return *opt.second_client;
    return opt.client;
  }

  // A request with these fields from `from`, MAC keyed with `cookie` (0 when
  // it carries fields); the reply is checked with `reply_cookie`.
  Outgoing request(std::uint32_t now, const std::vector<wire::Bytes>& fields, Source from = Source::Primary,
                   std::uint32_t with_cookie = 0, bool retry = true) {
    key_id = fresh_key_id();
    src = address_of(from);
    cookie_for_reply = with_cookie;
    Outgoing o;
    o.bytes = client_request(now, fields, key_id, src, opt.server, fields.empty() ? with_cookie : 0, digest);
    o.from = from;
    o.retry_on_silence = retry;
    request_size = o.bytes.size();
    return o;
  }

  // The single decoded response in a reply, if any.
  static std::optional<wire::Message> message_of(const Reply& r) {
    if (!r.packet || r.packet->fields.empty()) return std::nullopt;
    auto m = wire::decode(r.packet->fields.front());
    if (!m) return std::nullopt;
    return std::move(m).value();
  }

  void note_mac(const Reply& r) {
    if (r.crypto_nak) return;
    ++replies_checked;
    if (!r.mac_ok) {
      ++replies_bad_mac;
      if (bad_mac_evidence.empty()) bad_mac_evidence = pkt(r.number) + ": MAC does not verify";
    }
  }

  const Botan::Public_Key* server_key() const {
    return trail.empty() ? nullptr : trail.front().public_key.get();
  }

  // Signature check of a response envelope with the server's key.
  std::string verify_signature(const wire::Envelope& env, wire::ByteView value, const std::string& what,
                               std::size_t number) {
    const Botan::Public_Key* key = server_key();
    if (!key) return "no server certificate to verify with";
    if (!env.is_signed()) return what + " unsigned (sl = 0)";
    if (!sign_digest) return "no signature digest (ASSOC NID unknown)";
    auto st = crypto::verify_value(*key, *sign_digest, env.timestamp, env.filestamp, value, env.signature);
    signed_values.push_back({what, number, env.timestamp, env.filestamp});
    if (!st) return what + " signature does not verify: " + crypto::message(st.error());
    return "";
  }

  const crypto::IffParams* iff() const { return host.iff_par() ? &host.iff_par()->value : nullptr; }
  std::optional<crypto::GqParams> gq() const {
    if (!host.gq_par() || trail.empty()) return std::nullopt;
    crypto::GqParams p = host.gq_par()->value;
    // Digest §7.3: v is the trusted root's subjectKeyIdentifier.
    const auto& root = trail.back();
    if (!root.subject_key_id) return std::nullopt;
    p.v = Botan::BigInt(root.subject_key_id->data(), root.subject_key_id->size());
    return p;
  }
  std::uint32_t par_filestamp() const {
    switch (opt.scheme) {
      case core::Scheme::Iff: return host.iff_par() ? host.iff_par()->filestamp : 0;
      case core::Scheme::Gq: return host.gq_par() ? host.gq_par()->filestamp : 0;
      case core::Scheme::Mv: return host.mv_par() ? host.mv_par()->filestamp : 0;
      default: return 0;
    }
  }
  std::optional<wire::IdentityScheme> wire_scheme() const {
    switch (opt.scheme) {
      case core::Scheme::Iff: return wire::IdentityScheme::Iff;
      case core::Scheme::Gq: return wire::IdentityScheme::Gq;
      case core::Scheme::Mv: return wire::IdentityScheme::Mv;
      default: return std::nullopt;
    }
  }
  // The modulus whose octet count sizes the challenge.
  std::optional<Botan::BigInt> challenge_modulus() const {
    if (opt.scheme == core::Scheme::Iff && iff()) return iff()->q;
    if (opt.scheme == core::Scheme::Gq && host.gq_par()) return host.gq_par()->value.n;
    if (opt.scheme == core::Scheme::Mv && host.mv_par()) return host.mv_par()->value.p;
    return std::nullopt;
  }
  wire::Bytes identity_field(std::uint32_t now, const wire::Bytes& field) const {
    wire::IdentityRequest r;
    r.scheme = *wire_scheme();
    r.env.assoc_id = assoc_id;
    r.env.timestamp = now;
    r.env.filestamp = par_filestamp();
    r.challenge = field;
    return field_octets(r.to_field());
  }
};

std::uint32_t zero_seed_cookie(const wire::Address& client, const wire::Address& server, crypto::Digest d) {
  return crypto::server_cookie(client, server, 0, d);
}

std::size_t iff_max_difference_bits(const std::vector<Botan::BigInt>& ys, const Botan::BigInt& q) {
  std::size_t worst = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) {
    for (std::size_t j = i + 1; j < ys.size(); ++j) {
      Botan::BigInt d = ys[i] >= ys[j] ? ys[i] - ys[j] : ys[j] - ys[i];
      d %= q;
      const Botan::BigInt centred = std::min(d, q - d);
      worst = std::max(worst, centred.bits());
    }
  }
  return worst;
}

std::optional<std::uint64_t> gq_small_ratio(const Botan::BigInt& yi, const Botan::BigInt& yj, const Botan::BigInt& n,
                                            std::uint64_t bound) {
  // Values from the wire: outside [1, n) they are no GQ response at all.
  if (n < 2 || yi <= 0 || yj <= 0 || yi >= n || yj >= n) return std::nullopt;
  Botan::BigInt inv;
  try {
    inv = Botan::inverse_mod(yi, n);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (inv.is_zero()) return std::nullopt;
  const Botan::BigInt rho = (yj * inv) % n;
  const Botan::BigInt limit(bound);
  Botan::BigInt t = 0;
  for (std::uint64_t a = 1; a < bound; ++a) {
    t += rho;
    if (t >= n) t -= n;
    if (t < limit || n - t < limit) return a;
  }
  return std::nullopt;
}

ServerChecker::~ServerChecker() = default;

const std::vector<std::string>& ServerChecker::check_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& r : kRequirements) v.emplace_back(r.id);
    return v;
  }();
  return ids;
}

ServerChecker::ServerChecker(core::Host& host, ServerCheckOptions options)
    : s_(std::make_unique<State>(host, std::move(options))) {
  State& s = *s_;
  for (const auto& id : check_ids()) report_.add({id, requirement_of(id), Verdict::Skip, "not reached"});
  s.assoc_id = (core::random_u32(host.random()) & 0x7fff) + 1;
  Report& rep = report_;
  auto row = [&rep](const std::string& id, Verdict v, std::string evidence) {
    rep.add({id, requirement_of(id), v, std::move(evidence)});
  };
  auto assoc_field = [&s] {
    wire::AssocRequest r;
    static_cast<wire::AssocMessage&>(r) = s.host.assoc_message(s.assoc_id);
    return field_octets(r.to_field());
  };

  // ---- ASSOC ----------------------------------------------------------------
  s.steps.push_back(Step{
      [&s, assoc_field](std::uint32_t now) {
        Outgoing o = s.request(now, {assoc_field()});
        if (s.assoc_attempts > 0) o.delay_ms = 1000;
        return std::optional<Outgoing>(o);
      },
      [&s, row](const std::optional<Reply>& r, std::uint32_t) {
        ++s.assoc_attempts;
        if (!r) return row("ASSOC", Verdict::Fail, "no answer to the ASSOC request");
        s.note_mac(*r);
        auto m = State::message_of(*r);
        const auto* a = m ? std::get_if<wire::AssocResponse>(&*m) : nullptr;
        if (!a) return row("ASSOC", Verdict::Fail, pkt(r->number) + ": not an ASSOC response");
        // An unsynchronized server signs nothing (digest §3.7): ask again.
        if (a->timestamp == 0 && s.assoc_attempts < s.opt.sync_attempts) {
          s.repeat = true;
          return;
        }
        s.assoc = *a;
        std::vector<std::string> bad;
        const std::string& n = a->name;
        if (n.empty() || n.size() > wire::kMaxNameLength) bad.push_back("name length " + std::to_string(n.size()));
        if (!s.opt.group.empty() && crypto::name_group(n) != s.opt.group)
          bad.push_back("group \"" + crypto::name_group(n) + "\" is not --group " + s.opt.group);
        if (!a->status.enabled()) bad.push_back("ENAB not set");
        s.sign_digest = crypto::digest_from_nid(a->status.signature_nid());
        if (!s.sign_digest) bad.push_back("unknown signature NID " + std::to_string(a->status.signature_nid()));
        const std::uint32_t want = s.opt.scheme == core::Scheme::Iff   ? cf::kIff
                                   : s.opt.scheme == core::Scheme::Gq  ? cf::kGq
                                   : s.opt.scheme == core::Scheme::Mv  ? cf::kMv
                                   : s.opt.scheme == core::Scheme::Pc  ? cf::kPriv
                                                                       : 0;
        if (want && !a->status.has(want)) bad.push_back("scheme " + wire::flag_names(want) + " not advertised");
        if (a->timestamp == 0) bad.push_back("timestamp 0: server never synchronized");
        s.cert_subject = n;
        std::string ev = pkt(r->number) + ": name \"" + n + "\" status " + a->status.to_string() + " (" +
                         wire::signature_nid_name(a->status.signature_nid()) + ")";
        for (const auto& b : bad) ev += "; " + b;
        row("ASSOC", bad.empty() ? Verdict::Pass : Verdict::Fail, ev);
      }});

  // ---- CERT trail -----------------------------------------------------------
  s.steps.push_back(Step{
      [&s](std::uint32_t now) -> std::optional<Outgoing> {
        if (s.cert_subject.empty() || !s.cert_problem.empty()) return std::nullopt;
        const wire::CertRequest req = s.host.cert_request(s.assoc_id, s.cert_subject, now);
        return s.request(now, {field_octets(req.to_field())});
      },
      [&s, row](const std::optional<Reply>& r, std::uint32_t now) {
        if (!r) {
          s.cert_problem = "no answer to CERT " + s.cert_subject;
        } else {
          s.note_mac(*r);
          auto m = State::message_of(*r);
          const auto* c = m ? std::get_if<wire::CertResponse>(&*m) : nullptr;
          if (!c) {
            s.cert_problem = pkt(r->number) + ": no certificate for \"" + s.cert_subject + "\"";
          } else {
            auto parsed = crypto::parse_certificate(c->certificate);
            if (!parsed) {
              s.cert_problem = pkt(r->number) + ": certificate does not parse: " + crypto::message(parsed.error());
            } else {
              crypto::Certificate cert = std::move(parsed).value();
              const std::string prefix = pkt(r->number) + ": \"" + cert.subject + "\" issued by \"" + cert.issuer + "\"";
              if (cert.subject != s.cert_subject)
                s.cert_problem = prefix + ": asked for \"" + s.cert_subject + "\"";
              else if (!crypto::check_filestamp(cert, c->env.filestamp))
                s.cert_problem = prefix + ": filestamp " + std::to_string(c->env.filestamp) + " before notBefore";
              else if (!crypto::check_valid_at(cert, crypto::unix_from_ntp_seconds(now)))
                s.cert_problem = prefix + ": not valid now (notBefore " + std::to_string(cert.not_before_ntp()) +
                                 ", notAfter " + std::to_string(cert.not_after_ntp()) + ")";
              else if (cert.self_signed && !cert.trusted)
                s.cert_problem = prefix + ": self-signed but not trusted (no trustRoot EKU)";
              else {
                s.cert_responses.emplace_back(*c, r->number);
                const bool done = cert.self_signed;
                const std::string issuer = cert.issuer;
                s.trail.push_back(std::move(cert));
                if (!done) {
                  if (s.trail.size() >= core::kMaxTrailLength) {
                    s.cert_problem = "trail longer than " + std::to_string(core::kMaxTrailLength);
                  } else {
                    s.cert_subject = issuer;
                    s.repeat = true;
                    return;
                  }
                }
              }
            }
          }
        }
        if (!s.cert_problem.empty()) {
          s.trail.clear();
          return row("CERT", Verdict::Fail, s.cert_problem);
        }
        // Every link signed by the next one up, starting inside its validity.
        for (std::size_t i = 0; i + 1 < s.trail.size(); ++i) {
          if (!crypto::verify_issued_by(s.trail[i], s.trail[i + 1]))
            return row("CERT", Verdict::Fail, "\"" + s.trail[i].subject + "\" not signed by \"" + s.trail[i + 1].subject + "\"");
          if (!crypto::validity_nested(s.trail[i], s.trail[i + 1]))
            return row("CERT", Verdict::Fail, "\"" + s.trail[i].subject + "\" starts outside its issuer's validity");
        }
        std::string ev;
        for (auto& [resp, number] : s.cert_responses) {
          const std::string bad = s.verify_signature(resp.env, resp.certificate, "CERT response", number);
          if (!bad.empty()) return row("CERT", Verdict::Fail, pkt(number) + ": " + bad);
        }
        for (std::size_t i = 0; i < s.trail.size(); ++i) {
          const auto& c = s.trail[i];
          if (!ev.empty()) ev += "; ";
          ev += pkt(s.cert_responses[i].second) + ": \"" + c.subject + "\" <- \"" + c.issuer + "\" valid " +
                std::to_string(c.not_before_ntp()) + ".." + std::to_string(c.not_after_ntp()) +
                (c.self_signed ? " self-signed trusted" : "") + " " + wire::signature_nid_name(static_cast<std::uint16_t>(c.signature.nid));
        }
        row("CERT", Verdict::Pass, ev);
      }});

  // ---- identity ----------------------------------------------------------------
  auto identity_skip = [&s]() -> std::string {
    if (!s.wire_scheme()) return "scheme " + std::string(core::to_string(s.opt.scheme)) + " runs no identity exchange";
    if (!s.challenge_modulus()) return "no client parameters for the scheme in --keys";
    if (s.opt.scheme == core::Scheme::Gq && !s.gq()) return "GQ needs the trusted root's subjectKeyIdentifier";
    if (s.trail.empty()) return "no verified certificate";
    return "";
  };
  s.steps.push_back(Step{
      [&s, identity_skip, row](std::uint32_t now) -> std::optional<Outgoing> {
        if (auto why = identity_skip(); !why.empty()) {
          row("IDENTITY", Verdict::Skip, why);
          return std::nullopt;
        }
        auto& rng = s.host.rng();
        wire::Bytes ch = s.opt.scheme == core::Scheme::Iff  ? crypto::iff_challenge(rng, *s.iff())
                         : s.opt.scheme == core::Scheme::Gq ? crypto::gq_challenge(rng, *s.gq())
                                                            : crypto::mv_challenge(rng, s.host.mv_par()->value);
        s.challenge = ch;
        return s.request(now, {s.identity_field(now, ch)});
      },
      [&s, row](const std::optional<Reply>& r, std::uint32_t) {
        if (!r) return row("IDENTITY", Verdict::Fail, "no answer to the identity request");
        s.note_mac(*r);
        auto m = State::message_of(*r);
        const auto* idr = m ? std::get_if<wire::IdentityResponse>(&*m) : nullptr;
        if (!idr) return row("IDENTITY", Verdict::Fail, pkt(r->number) + ": not an identity response");
        if (auto bad = s.verify_signature(idr->env, idr->response, "identity response", r->number); !bad.empty())
          return row("IDENTITY", Verdict::Fail, pkt(r->number) + ": " + bad);
        Status<crypto::IdentityError> proof = Ok{};
        if (s.opt.scheme == core::Scheme::Iff) proof = crypto::iff_verify(*s.iff(), s.challenge, idr->response);
        else if (s.opt.scheme == core::Scheme::Gq) proof = crypto::gq_verify(*s.gq(), s.challenge, idr->response);
        else proof = crypto::mv_verify(s.host.mv_par()->value, s.challenge, idr->response);
        if (!proof) return row("IDENTITY", Verdict::Fail, pkt(r->number) + ": proof rejected: " + crypto::message(proof.error()));
        row("IDENTITY", Verdict::Pass,
            pkt(r->number) + ": " + std::string(wire::name(idr->scheme)) + " proof verifies for a " +
                std::to_string(s.challenge.size()) + "-octet challenge, response " +
                std::to_string(idr->response.size()) + " octets");
      }});

  // ---- COOK, from the primary address, a second port, a second address ----------
  auto cook_field = [&s] { return field_octets(s.host.cook_request(s.assoc_id).to_field()); };
  auto cook_value = [&s](const std::optional<Reply>& r, std::string& problem) -> std::optional<std::uint32_t> {
    if (!r) {
      problem = "no answer to the COOK request";
      return std::nullopt;
    }
    s.note_mac(*r);
    auto m = State::message_of(*r);
    const auto* c = m ? std::get_if<wire::CookResponse>(&*m) : nullptr;
    if (!c) {
      problem = pkt(r->number) + ": not a COOK response";
      return std::nullopt;
    }
    if (auto bad = s.verify_signature(c->env, c->ciphertext, "COOK response", r->number); !bad.empty()) {
      problem = pkt(r->number) + ": " + bad;
      return std::nullopt;
    }
    if (c->ciphertext.size() != s.host.host_key().get_n().bytes()) {
      problem = pkt(r->number) + ": ciphertext " + std::to_string(c->ciphertext.size()) + " octets, modulus " +
                std::to_string(s.host.host_key().get_n().bytes());
      return std::nullopt;
    }
    auto cookie = crypto::decrypt_cookie(c->ciphertext, s.host.host_key(), s.host.rng());
    if (!cookie) {
      problem = pkt(r->number) + ": does not decrypt with our host key: " + crypto::message(cookie.error());
      return std::nullopt;
    }
    return *cookie;
  };
  s.steps.push_back(Step{
      [&s, cook_field](std::uint32_t now) -> std::optional<Outgoing> {
        if (s.trail.empty()) return std::nullopt;
        return s.request(now, {cook_field()});
      },
      [&s, row, cook_value](const std::optional<Reply>& r, std::uint32_t) {
        std::string problem;
        s.cookie = cook_value(r, problem);
        if (!s.cookie) return row("COOKIE", Verdict::Fail, problem);
        s.cookie_pkt = r->number;
        row("COOKIE", Verdict::Pass, pkt(r->number) + ": cookie " + hex32(*s.cookie) + " (OAEP, " +
                                         std::to_string(s.host.host_key().get_n().bytes()) + " octets)");
        // Security-history §2.1: ntpd's seed is 0, so the cookie is a public
        // function of the two addresses.
        const std::uint32_t zero = zero_seed_cookie(s.opt.client, s.opt.server, s.digest);
        const std::uint32_t zero_md5 = zero_seed_cookie(s.opt.client, s.opt.server, crypto::Digest::MD5);
        if (*s.cookie == zero || *s.cookie == zero_md5)
          row("COOKIE-ZERO-SEED", Verdict::Fail,
              pkt(r->number) + ": cookie " + hex32(*s.cookie) + " == H(" + s.opt.client.to_string() + ", " +
                  s.opt.server.to_string() + ", 0, 0)[0..3]: computable from the addresses alone");
        else
          row("COOKIE-ZERO-SEED", Verdict::Pass,
              pkt(r->number) + ": cookie " + hex32(*s.cookie) + ", zero-seed value would be " + hex32(zero));
      }});
  s.steps.push_back(Step{
      [&s](std::uint32_t now) -> std::optional<Outgoing> {
        if (!s.cookie) return std::nullopt;
        return s.request(now, {}, Source::Primary, *s.cookie);
      },
      [&s, row](const std::optional<Reply>& r, std::uint32_t) {
        if (!r) return row("COOKIE-USED", Verdict::Fail, "no answer to a request keyed with cookie " + hex32(*s.cookie));
        if (r->crypto_nak)
          return row("COOKIE-USED", Verdict::Fail, pkt(r->number) + ": crypto-NAK for a request keyed with cookie " + hex32(*s.cookie));
        s.note_mac(*r);
        if (!r->mac_ok) return row("COOKIE-USED", Verdict::Fail, pkt(r->number) + ": reply MAC does not verify with the cookie");
        row("COOKIE-USED", Verdict::Pass, pkt(r->number) + ": reply MAC verifies with cookie " + hex32(*s.cookie));
      }});
  s.steps.push_back(Step{
      [&s, cook_field](std::uint32_t now) -> std::optional<Outgoing> {
        if (!s.cookie) return std::nullopt;
        return s.request(now, {cook_field()}, Source::SecondPort);
      },
      [&s, cook_value](const std::optional<Reply>& r, std::uint32_t) {
        std::string problem;
        s.cookie_port = cook_value(r, problem);
      }});
  s.steps.push_back(Step{
      [&s, cook_field](std::uint32_t now) -> std::optional<Outgoing> {
        if (!s.cookie || !s.opt.second_client) return std::nullopt;
        return s.request(now, {cook_field()}, Source::SecondAddress);
      },
      [&s, cook_value](const std::optional<Reply>& r, std::uint32_t) {
        std::string problem;
        s.cookie_addr = cook_value(r, problem);
      }});
  s.steps.push_back(Step{[&s, row](std::uint32_t) -> std::optional<Outgoing> {
                           if (!s.cookie) return std::nullopt;
                           std::string ev = "port 1: " + hex32(*s.cookie);
                           Verdict v = Verdict::Pass;
                           if (!s.cookie_port) {
                             ev += "; second port: no cookie";
                             v = Verdict::Fail;
                           } else if (*s.cookie_port == *s.cookie) {
                             ev += "; second port: same cookie (ports do not enter the derivation)";
                           } else {
                             ev += "; second port: " + hex32(*s.cookie_port) + " (a fresh cookie per exchange)";
                           }
                           if (!s.opt.second_client) {
                             ev += "; no second client address to compare";
                           } else if (!s.cookie_addr) {
                             ev += "; " + s.opt.second_client->to_string() + ": no cookie";
                             v = Verdict::Fail;
                           } else if (*s.cookie_addr == *s.cookie) {
                             ev += "; " + s.opt.second_client->to_string() + ": SAME cookie " + hex32(*s.cookie_addr) +
                                   " for another client address";
                             v = Verdict::Fail;
                           } else {
                             ev += "; " + s.opt.second_client->to_string() + ": " + hex32(*s.cookie_addr);
                           }
                           row("COOKIE-BINDING", v, ev);
                           return std::nullopt;
                         },
                         {}});

  // ---- SIGN and LEAP ---------------------------------------------------------------
  s.steps.push_back(Step{
      [&s, row](std::uint32_t now) -> std::optional<Outgoing> {
        if (s.trail.empty()) return std::nullopt;
        auto req = s.host.sign_request(s.assoc_id, now);
        if (!req) {
          row("SIGN", Verdict::Skip, std::string("our certificate cannot be sent: ") + core::message(req.error()));
          return std::nullopt;
        }
        return s.request(now, {field_octets(req->to_field())});
      },
      [&s, row](const std::optional<Reply>& r, std::uint32_t now) {
        if (!r) return row("SIGN", Verdict::Fail, "no answer to the SIGN request");
        s.note_mac(*r);
        auto m = State::message_of(*r);
        const auto* sr = m ? std::get_if<wire::SignResponse>(&*m) : nullptr;
        if (!sr) return row("SIGN", Verdict::Fail, pkt(r->number) + ": not a SIGN response");
        if (auto bad = s.verify_signature(sr->env, sr->certificate, "SIGN response", r->number); !bad.empty())
          return row("SIGN", Verdict::Fail, pkt(r->number) + ": " + bad);
        auto cert = crypto::parse_certificate(sr->certificate);
        if (!cert) return row("SIGN", Verdict::Fail, pkt(r->number) + ": certificate does not parse");
        const auto& own = s.host.certificate();
        const auto& server = s.trail.front();
        std::vector<std::string> bad;
        if (cert->subject != own.subject) bad.push_back("subject \"" + cert->subject + "\" is not ours");
        if (cert->public_key_info != own.public_key_info) bad.push_back("not our public key");
        if (cert->issuer != server.subject) bad.push_back("issuer \"" + cert->issuer + "\" is not the server");
        if (!crypto::verify_issued_by(*cert, server)) bad.push_back("not signed by the server's certificate");
        if (!crypto::check_valid_at(*cert, crypto::unix_from_ntp_seconds(now))) bad.push_back("not valid now");
        std::string ev = pkt(r->number) + ": \"" + cert->subject + "\" issued by \"" + cert->issuer + "\" valid " +
                         std::to_string(cert->not_before_ntp()) + ".." + std::to_string(cert->not_after_ntp());
        for (const auto& b : bad) ev += "; " + b;
        row("SIGN", bad.empty() ? Verdict::Pass : Verdict::Fail, ev);
      }});
  s.steps.push_back(Step{
      [&s](std::uint32_t now) -> std::optional<Outgoing> {
        if (s.trail.empty()) return std::nullopt;
        return s.request(now, {field_octets(wire::LeapRequest{s.assoc_id}.to_field())});
      },
      [&s, row](const std::optional<Reply>& r, std::uint32_t) {
        if (!r) return row("LEAP", Verdict::Fail, "no answer to the LEAP request");
        s.note_mac(*r);
        auto m = State::message_of(*r);
        const auto* lr = m ? std::get_if<wire::LeapResponse>(&*m) : nullptr;
        if (!lr) return row("LEAP", Verdict::Fail, pkt(r->number) + ": not a 12-octet LEAP response");
        if (auto bad = s.verify_signature(lr->env, lr->value(), "LEAP response", r->number); !bad.empty())
          return row("LEAP", Verdict::Fail, pkt(r->number) + ": " + bad);
        row("LEAP", Verdict::Pass,
            pkt(r->number) + ": TAI offset " + std::to_string(lr->tai_offset) + " era " + std::to_string(lr->era_start) +
                " expire " + std::to_string(lr->expiry) + ", signed");
      }});

  // ---- nonce sizing (security-history NEW-2) ------------------------------------
  // A full-length challenge with a small value (r = 0xa5): a prover that sizes
  // its nonce by the challenge's bits draws k < 2^8. A 1-octet field: what
  // ntpd 4.2.8p15 sizes by (k < 2^8 as well). The same r every time, so the
  // responses differ only by their nonces (see iff_max_difference_bits).
  const bool nonce_scheme = s.opt.scheme == core::Scheme::Iff || s.opt.scheme == core::Scheme::Gq;
  if (nonce_scheme) {
    for (unsigned i = 0; i < std::max(2u, s.opt.nonce_samples); ++i) {
      s.steps.push_back(Step{
          [&s, identity_skip](std::uint32_t now) -> std::optional<Outgoing> {
            if (!identity_skip().empty()) return std::nullopt;
            const Botan::BigInt mod = *s.challenge_modulus();
            const auto enc = Botan::BigInt::encode_1363(Botan::BigInt(0xa5), crypto::challenge_length(mod));
            s.challenge.assign(enc.begin(), enc.end());
            return s.request(now, {s.identity_field(now, s.challenge)});
          },
          [&s](const std::optional<Reply>& r, std::uint32_t) {
            if (!r) return;
            s.note_mac(*r);
            auto m = State::message_of(*r);
            const auto* idr = m ? std::get_if<wire::IdentityResponse>(&*m) : nullptr;
            if (!idr) {
              if (s.small_evidence.empty()) s.small_evidence = pkt(r->number) + ": small challenge refused";
              return;
            }
            auto vals = crypto::decode_integer_sequence(idr->response, 2);
            const Botan::BigInt mod = *s.challenge_modulus();
            if (!vals || (*vals)[0].is_negative() || (*vals)[0] >= mod) {
              s.small_proofs_ok = false;
              return;
            }
            s.small_ys.push_back((*vals)[0]);
            Status<crypto::IdentityError> proof = Ok{};
            if (s.opt.scheme == core::Scheme::Iff) proof = crypto::iff_verify(*s.iff(), s.challenge, idr->response);
            else proof = crypto::gq_verify(*s.gq(), s.challenge, idr->response);
            if (!proof) s.small_proofs_ok = false;
            if (s.small_evidence.empty()) s.small_evidence = pkt(r->number);
            else if (s.small_ys.size() > 1) s.small_evidence += "," + std::to_string(r->number);
          }});
    }
    for (unsigned i = 0; i < std::max(2u, s.opt.nonce_samples); ++i) {
      s.steps.push_back(Step{
          [&s, identity_skip](std::uint32_t now) -> std::optional<Outgoing> {
            if (!identity_skip().empty()) return std::nullopt;
            return s.request(now, {s.identity_field(now, wire::Bytes{0xa5})});
          },
          [&s](const std::optional<Reply>& r, std::uint32_t) {
            if (!r) {
              ++s.short_refused;
              return;
            }
            s.note_mac(*r);
            auto m = State::message_of(*r);
            const auto* idr = m ? std::get_if<wire::IdentityResponse>(&*m) : nullptr;
            if (!idr) {
              ++s.short_refused;
              if (s.short_evidence.empty()) s.short_evidence = pkt(r->number) + ": refused (" +
                  (r->packet && !r->packet->fields.empty() ? wire::summary(r->packet->fields.front()) : "no field") + ")";
              return;
            }
            ++s.short_answered;
            if (s.short_evidence.empty()) s.short_evidence = pkt(r->number) + ": answered";
            auto vals = crypto::decode_integer_sequence(idr->response, 2);
            if (vals && !(*vals)[0].is_negative() && (*vals)[0] < *s.challenge_modulus()) s.short_ys.push_back((*vals)[0]);
          }});
    }
  }
  s.steps.push_back(Step{[&s, row, nonce_scheme, identity_skip](std::uint32_t) -> std::optional<Outgoing> {
                           if (!nonce_scheme) {
                             row("NONCE-SIZE", Verdict::Skip, "NEW-2 concerns IFF and GQ; scheme is " +
                                                                  std::string(core::to_string(s.opt.scheme)));
                             row("NONCE-CHALLENGE-LENGTH", Verdict::Skip, "IFF and GQ only");
                             return std::nullopt;
                           }
                           if (auto why = identity_skip(); !why.empty()) {
                             row("NONCE-SIZE", Verdict::Skip, why);
                             row("NONCE-CHALLENGE-LENGTH", Verdict::Skip, why);
                             return std::nullopt;
                           }
                           const Botan::BigInt mod = *s.challenge_modulus();
                           const std::size_t full = mod.bits();
                           // Sound threshold: an honest |y_i - y_j| (centred) is below 2^t
                           // with probability <= 2^(t+1)/q; t = |q|/2 keeps that under
                           // 2^-79 for a 160-bit q and still catches nonces up to |q|/2 bits.
                           const std::size_t t = full / 2;
                           auto judge = [&](const std::vector<Botan::BigInt>& ys, const std::string& label,
                                            std::string& ev) -> bool {  // true = dependence found
                             if (ys.size() < 2) {
                               ev += label + ": fewer than 2 responses";
                               return false;
                             }
                             if (s.opt.scheme == core::Scheme::Iff) {
                               const std::size_t w = iff_max_difference_bits(ys, mod);
                               ev += label + ": " + std::to_string(ys.size()) + " responses, max |y_i - y_j| " +
                                     std::to_string(w) + " bits (honest ~" + std::to_string(full) + ", threshold " +
                                     std::to_string(t) + ")";
                               return w < t;
                             }
                             std::size_t found = 0;
                             for (std::size_t j = 1; j < ys.size(); ++j)
                               if (gq_small_ratio(ys[0], ys[j], mod, 1u << 12)) ++found;
                             ev += label + ": " + std::to_string(ys.size()) + " responses, " + std::to_string(found) +
                                   " of " + std::to_string(ys.size() - 1) + " ratios y_j/y_0 are k_j/k_0 with both < 2^12";
                             return found == ys.size() - 1;
                           };
                           std::string ev;
                           bool dep = judge(s.small_ys, "r = 0xa5 in " + std::to_string(crypto::challenge_length(mod)) +
                                                            " octets (" + s.small_evidence + ")", ev);
                           if (!s.small_proofs_ok) ev += "; some proofs for r = 0xa5 did not verify";
                           if (s.short_answered >= 2) {
                             ev += "; ";
                             dep = judge(s.short_ys, "1-octet challenge", ev) || dep;
                           }
                           row("NONCE-SIZE", dep ? Verdict::Fail : Verdict::Pass,
                               (dep ? "nonce shrinks with the challenge (key recoverable; not attempted): " : "") + ev);
                           if (s.short_answered > 0)
                             row("NONCE-CHALLENGE-LENGTH", Verdict::Fail,
                                 s.short_evidence + ": a 1-octet challenge was answered " +
                                     std::to_string(s.short_answered) + " times (expected " +
                                     std::to_string(crypto::challenge_length(mod)) + " octets)");
                           else
                             row("NONCE-CHALLENGE-LENGTH", Verdict::Pass,
                                 std::to_string(s.short_refused) + " of " + std::to_string(s.short_refused + s.short_answered) +
                                     " 1-octet challenges refused" +
                                     (s.short_evidence.empty() ? std::string(" (no answer)") : " (" + s.short_evidence + ")"));
                           return std::nullopt;
                         },
                         {}});

  // ---- malformed requests ----------------------------------------------------------
  auto send_raw = [&s](std::uint32_t now, wire::Bytes fields_raw, bool break_mac) {
    Outgoing o = s.request(now, {fields_raw}, Source::Primary, 0, false);
    if (break_mac) o.bytes.back() ^= 0x01;
    return o;
  };
  auto assoc_raw = [assoc_field] { return assoc_field(); };
  const std::vector<std::pair<const char*, std::function<Outgoing(std::uint32_t)>>> malformed = {
      {"MALFORMED-TRUNCATED-EF",
       [send_raw, assoc_raw](std::uint32_t now) {
         wire::Bytes f = assoc_raw();
         // The length word claims 64 octets more than the datagram holds.
         const std::uint16_t len = static_cast<std::uint16_t>(f.size() + 64);
         f[2] = static_cast<std::uint8_t>(len >> 8);
         f[3] = static_cast<std::uint8_t>(len);
         return send_raw(now, f, false);
       }},
      {"MALFORMED-BAD-LENGTH",
       [send_raw, assoc_raw](std::uint32_t now) {
         wire::Bytes f = assoc_raw();
         const std::uint16_t len = static_cast<std::uint16_t>(f.size() - 2);  // not a multiple of 4
         f[2] = static_cast<std::uint8_t>(len >> 8);
         f[3] = static_cast<std::uint8_t>(len);
         return send_raw(now, f, false);
       }},
      {"MALFORMED-WRONG-VERSION",
       [send_raw, assoc_raw](std::uint32_t now) {
         wire::Bytes f = assoc_raw();
         f[0] = static_cast<std::uint8_t>((f[0] & 0xc0) | 3);  // version 3
         return send_raw(now, f, false);
       }},
      {"MALFORMED-OVERSIZE-VALUE",
       [&s, send_raw](std::uint32_t now) {
         wire::CertRequest req = s.host.cert_request(s.assoc_id, "x", now);
         req.subject.assign(600, 'x');  // over MAXHOSTNAME
         wire::ValueStructure vs{req.env.timestamp, req.env.filestamp,
                                 wire::Bytes(req.subject.begin(), req.subject.end()), {}};
         return send_raw(now, field_octets(wire::make_long_field(wire::Opcode::Cert, false, s.assoc_id, vs)), false);
       }},
      {"MALFORMED-BAD-MAC", [send_raw, assoc_raw](std::uint32_t now) { return send_raw(now, assoc_raw(), true); }},
  };
  for (const auto& [id_c, make] : malformed) {
    const std::string id = id_c;
    auto mk = make;
    s.steps.push_back(Step{
        [&s, mk](std::uint32_t now) -> std::optional<Outgoing> {
          if (!s.assoc) return std::nullopt;
          return mk(now);
        },
        [&s, row, id](const std::optional<Reply>& r, std::uint32_t) {
          const std::string req = std::to_string(s.request_size) + "-octet request";
          if (!r) return row(id, Verdict::Pass, "no answer to the " + req);
          const std::string size = std::to_string(r->bytes.size()) + " octets for a " + req;
          if (r->bytes.size() > s.request_size)
            return row(id, Verdict::Fail, pkt(r->number) + ": amplified reply, " + size);
          if (r->crypto_nak) return row(id, Verdict::Pass, pkt(r->number) + ": crypto-NAK, " + size);
          if (!r->packet) return row(id, Verdict::Fail, pkt(r->number) + ": unparsable reply, " + size);
          for (const auto& f : r->packet->fields) {
            // An error response (E) or the empty response is fine; a value is not.
            if (!f.error && f.length() > wire::kShortFormLength)
              return row(id, Verdict::Fail, pkt(r->number) + ": answered with a value: " + wire::summary(f) + ", " + size);
          }
          row(id, Verdict::Pass,
              pkt(r->number) + ": " + (r->packet->fields.empty() ? std::string("plain reply") : wire::summary(r->packet->fields.front())) +
                  ", " + size);
        }});
  }
  s.steps.push_back(Step{
      [&s, assoc_field](std::uint32_t now) -> std::optional<Outgoing> {
        if (!s.assoc) return std::nullopt;
        return s.request(now, {assoc_field()});
      },
      [&s, row](const std::optional<Reply>& r, std::uint32_t) {
        if (!r) return row("ALIVE-AFTER-MALFORMED", Verdict::Fail, "no answer to a well-formed ASSOC request");
        s.note_mac(*r);
        auto m = State::message_of(*r);
        if (!m || !std::get_if<wire::AssocResponse>(&*m) || !r->mac_ok)
          return row("ALIVE-AFTER-MALFORMED", Verdict::Fail, pkt(r->number) + ": no valid ASSOC response");
        row("ALIVE-AFTER-MALFORMED", Verdict::Pass, pkt(r->number) + ": ASSOC response, MAC verifies");
      }});

  // ---- rows computed from everything ----------------------------------------------
  s.steps.push_back(Step{[&s, row](std::uint32_t now) -> std::optional<Outgoing> {
                           if (s.replies_checked == 0) row("REPLY-MAC", Verdict::Skip, "no reply");
                           else if (s.replies_bad_mac == 0)
                             row("REPLY-MAC", Verdict::Pass, std::to_string(s.replies_checked) + " replies, every MAC verifies");
                           else
                             row("REPLY-MAC", Verdict::Fail,
                                 std::to_string(s.replies_bad_mac) + " of " + std::to_string(s.replies_checked) +
                                     " replies fail: " + s.bad_mac_evidence);
                           if (s.signed_values.empty()) {
                             row("TIMESTAMPS", Verdict::Skip, "no signed value received");
                             return std::nullopt;
                           }
                           const auto& cert = s.trail.front();
                           std::vector<std::string> bad;
                           std::uint32_t lo = 0xffffffffu, hi = 0;
                           for (const auto& v : s.signed_values) {
                             lo = std::min(lo, v.ts);
                             hi = std::max(hi, v.ts);
                             const std::string at = pkt(v.number) + " " + v.what;
                             if (v.ts == 0) bad.push_back(at + ": ts 0");
                             else if (v.ts < v.fs) bad.push_back(at + ": ts " + std::to_string(v.ts) + " < fs " + std::to_string(v.fs));
                             else if (v.ts > now + 300) bad.push_back(at + ": ts " + std::to_string(v.ts) + " in the future (now " + std::to_string(now) + ")");
                             else if (v.ts < cert.not_before_ntp() || v.ts > cert.not_after_ntp())
                               bad.push_back(at + ": ts " + std::to_string(v.ts) + " outside the certificate validity");
                             if (v.fs > now + 300) bad.push_back(at + ": fs " + std::to_string(v.fs) + " in the future");
                           }
                           std::string ev = std::to_string(s.signed_values.size()) + " signed values, ts " +
                                            std::to_string(lo) + ".." + std::to_string(hi) + ", now " + std::to_string(now) +
                                            ", certificate " + std::to_string(cert.not_before_ntp()) + ".." +
                                            std::to_string(cert.not_after_ntp());
                           for (const auto& b : bad) ev += "; " + b;
                           row("TIMESTAMPS", bad.empty() ? Verdict::Pass : Verdict::Fail, ev);
                           return std::nullopt;
                         },
                         {}});
}

std::optional<Outgoing> ServerChecker::next(std::uint32_t now) {
  State& s = *s_;
  if (s.awaiting) return std::nullopt;
  if (s.index == 0 && s.assoc_attempts == 0 && s.host.last_update() == 0) (void)s.host.update(now);
  while (s.index < s.steps.size()) {
    auto out = s.steps[s.index].make(now);
    if (out) {
      s.awaiting = true;
      ++s.packets;
      return out;
    }
    ++s.index;
  }
  return std::nullopt;
}

void ServerChecker::on_reply(std::optional<wire::ByteView> bytes, std::uint32_t now) {
  State& s = *s_;
  if (!s.awaiting) return;
  s.awaiting = false;
  std::optional<Reply> r;
  if (bytes) {
    r = read_reply(*bytes, s.opt.server, s.src, s.key_id, s.cookie_for_reply, s.digest);
    r->number = ++s.packets;
  }
  s.repeat = false;
  if (s.steps[s.index].handle) s.steps[s.index].handle(r, now);
  if (!s.repeat) ++s.index;
}

bool ServerChecker::finished() const { return s_->index >= s_->steps.size() && !s_->awaiting; }

}  // namespace ak::check
