// Association state and the one handler per message (RFC 5906 §10;
// autokey-protocol.md §3.8, §5, §8.5, §9).
//
// Every handler has the same shape: check everything into locals, then
// commit in one block at the end. A return before the commit leaves the
// association exactly as it was (security-history §4 property 8).
#include "core/association.h"

#include <botan/bigint.h>
#include <botan/rsa.h>

#include "core/handlers.h"
#include "core/policy.h"
#include "crypto/cookie.h"
#include "crypto/errors.h"
#include "crypto/gq.h"
#include "crypto/iff.h"
#include "crypto/mv.h"
#include "crypto/signature.h"

namespace ak::core {

namespace cf = wire::crypto_flag;
namespace xe = crypto::xevnt;

// ---- names -------------------------------------------------------------------

namespace {
struct ErrorInfo {
  AssocError e;
  const char* name;
  const char* message;
  std::uint16_t xevnt;
};
constexpr ErrorInfo kErrors[] = {
    {AssocError::PacketMalformed, "PacketMalformed", "datagram is not a well-formed NTP packet", xe::kLen},
    {AssocError::NoAssociation, "NoAssociation", "no association for the sender", xe::kOk},
    {AssocError::ModeNotHandled, "ModeNotHandled", "NTP mode not handled by the Autokey engine", xe::kOk},
    {AssocError::CryptoNak, "CryptoNak", "crypto-NAK received (logged; changes nothing)", xe::kOk},
    {AssocError::NotAutokey, "NotAutokey", "no MAC or a symmetric key ID on an Autokey association", xe::kOk},
    {AssocError::KeyIdNotExpected, "KeyIdNotExpected", "reply key ID is not that of our last request", xe::kOk},
    {AssocError::OriginMismatch, "OriginMismatch", "reply origin timestamp is not our last transmit time", xe::kOk},
    {AssocError::MacMismatch, "MacMismatch", "session-key MAC does not verify", xe::kOk},
    {AssocError::DuplicateReply, "DuplicateReply", "our last request was already answered", xe::kOk},
    {AssocError::FieldUndecodable, "FieldUndecodable", "extension field does not decode", xe::kLen},
    {AssocError::UnexpectedResponse, "UnexpectedResponse", "response to no outstanding request of this state",
     xe::kOk},
    {AssocError::ShortResponse, "ShortResponse", "short-form response where a value is required", xe::kLen},
    {AssocError::RequestNotServed, "RequestNotServed", "request field sent to a client association", xe::kOk},
    {AssocError::ErrorResponse, "ErrorResponse", "peer answered with an error field", xe::kErr},
    {AssocError::AssocIdMismatch, "AssocIdMismatch", "response carries another association ID", xe::kErr},
    {AssocError::AssocIdChanged, "AssocIdChanged", "ASSOC from a different peer association", xe::kErr},
    {AssocError::GroupMismatch, "GroupMismatch", "ASSOC name of another group or without '@'", xe::kOk},
    {AssocError::UnsupportedDigest, "UnsupportedDigest", "status-word NID names no digest", xe::kMd},
    {AssocError::PolicyRefused, "PolicyRefused", "local policy refuses the peer's digest or key", xe::kMd},
    {AssocError::IdentitySchemeNotOffered, "IdentitySchemeNotOffered",
     "peer does not offer the identity scheme configured here", xe::kKey},
    {AssocError::PrivateCertificateMismatch, "PrivateCertificateMismatch",
     "private-certificate (PC) scheme on one side only", xe::kKey},
    {AssocError::TimestampZero, "TimestampZero", "value timestamp is zero", xe::kTsp},
    {AssocError::TimestampBeforeFilestamp, "TimestampBeforeFilestamp", "value timestamp before its filestamp",
     xe::kTsp},
    {AssocError::TimestampReplayed, "TimestampReplayed", "value older than the one already accepted", xe::kTsp},
    {AssocError::FilestampReplayed, "FilestampReplayed", "filestamp older than the one already accepted",
     xe::kFsp},
    {AssocError::SignatureMissing, "SignatureMissing", "value unsigned or no verification key", xe::kErr},
    {AssocError::SignatureLength, "SignatureLength", "signature length is not the key size", xe::kSgl},
    {AssocError::SignatureInvalid, "SignatureInvalid", "signature does not verify", xe::kSig},
    {AssocError::CertificateInvalid, "CertificateInvalid", "certificate unreadable or before its filestamp",
     xe::kCrt},
    {AssocError::CertificateNotRequested, "CertificateNotRequested", "certificate subject is not the one asked for",
     xe::kCrt},
    {AssocError::CertificateTrailInvalid, "CertificateTrailInvalid",
     "trail certificate not signed by the next one up", xe::kVfy},
    {AssocError::CertificateValidityNotNested, "CertificateValidityNotNested",
     "certificate notBefore outside its issuer's validity", xe::kPer},
    {AssocError::CertificateExpired, "CertificateExpired",
     "certificate not valid now (expired or not yet valid)", xe::kPer},
    {AssocError::CertificateTrailTooLong, "CertificateTrailTooLong", "certificate trail longer than allowed",
     xe::kCrt},
    {AssocError::IdentityFilestamp, "IdentityFilestamp", "identity response filestamp does not match parameters",
     xe::kFsp},
    {AssocError::IdentityNoChallenge, "IdentityNoChallenge", "identity response without a challenge outstanding",
     xe::kId},
    {AssocError::IdentityParametersMissing, "IdentityParametersMissing",
     "no client parameter file for the identity scheme", xe::kId},
    {AssocError::IdentityProofRejected, "IdentityProofRejected", "identity proof does not verify", xe::kId},
    {AssocError::CookieWrongSize, "CookieWrongSize", "cookie ciphertext is not our modulus size", xe::kCky},
    {AssocError::CookieInvalid, "CookieInvalid", "cookie does not decrypt to 4 octets", xe::kCky},
    {AssocError::SignedCertificateNotOurs, "SignedCertificateNotOurs",
     "signed certificate is not for our name and key, or not by the server", xe::kCrt},
    {AssocError::AutokeyValueInvalid, "AutokeyValueInvalid", "autokey values out of range", xe::kLen},
    {AssocError::KeyIdChainBroken, "KeyIdChainBroken", "key ID does not hash to a trusted key ID", xe::kOk},
};

const ErrorInfo* info(AssocError e) {
  for (const ErrorInfo& i : kErrors) {
    if (i.e == e) return &i;
  }
  return nullptr;
}
}  // namespace

const char* message(AssocError e) {
  const ErrorInfo* i = info(e);
  return i ? i->message : "unknown association error";
}
std::string_view name(AssocError e) {
  const ErrorInfo* i = info(e);
  return i ? i->name : "?";
}
std::uint16_t xevnt_code(AssocError e) {
  const ErrorInfo* i = info(e);
  return i ? i->xevnt : xe::kErr;
}

std::string_view to_string(Scheme s) {
  switch (s) {
    case Scheme::Tc: return "TC";
    case Scheme::Pc: return "PC";
    case Scheme::Iff: return "IFF";
    case Scheme::Gq: return "GQ";
    case Scheme::Mv: return "MV";
  }
  return "?";
}

std::string_view to_string(PeerMode m) {
  switch (m) {
    case PeerMode::Client: return "client";
    case PeerMode::SymmetricActive: return "symmetric-active";
    case PeerMode::SymmetricPassive: return "symmetric-passive";
    case PeerMode::BroadcastServer: return "broadcast-server";
    case PeerMode::BroadcastClient: return "broadcast-client";
  }
  return "?";
}

void Association::restart(std::uint32_t refresh_at_time) {
  // Digest §9.8 peer_clear: all Autokey state goes, the configuration stays.
  const std::uint32_t keep_id = id;
  PeerConfig keep_config = config;
  const std::uint32_t keep_restarts = restarts + 1;
  const std::uint32_t keep_poll = next_poll;
  *this = Association{};
  id = keep_id;
  config = std::move(keep_config);
  restarts = keep_restarts;
  next_poll = keep_poll;
  refresh_at = refresh_at_time;
}

AssociationView view_of(const Association& a, bool host_synchronized) {
  AssociationView v;
  v.assoc_id = a.id;
  v.remote_assoc = a.remote_assoc;
  v.flags = a.flags;
  v.state = a.state(host_synchronized);
  v.host = a.subject;
  v.leap = a.leap;
  if (a.flags != 0) v.signature = wire::signature_nid_name(a.signature_nid);
  if (a.autokey) {
    v.initsequence = a.autokey->sequence;
    v.initkey = a.autokey->key_id;
    v.timestamp = a.autokey->timestamp;
  }
  v.restarts = a.restarts;
  return v;
}

// ---- shared checks ---------------------------------------------------------------

namespace {

using Verdict = Status<AssocError>;
Verdict fail(AssocError e) { return Err{e}; }

// A policy refusal names its rule for the operator (policy.h); the
// association's error stays PolicyRefused and nothing else changes.
Verdict refuse_by_policy(HandlerContext& ctx, const Association& a, PolicyRule rule, std::string_view what) {
  ctx.actions.push_back(Log{LogEvent::Rejected, a.id,
                            "policy " + std::string(ctx.host.policy().profile_name()) + " refuses the peer's " +
                                std::string(what) + ": " + std::string(name(rule)) + ": " + message(rule)});
  return fail(AssocError::PolicyRefused);
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// The key that verifies this peer's signatures (digest §3.6): the public key
// of the first trail certificate once the trail reached a trusted root, or
// our own when both ends are PC (§7.5).
const Botan::Public_Key* verification_key(const Association& a, const Host& host) {
  if (a.config.scheme == Scheme::Pc) return host.certificate().public_key.get();
  if (a.verification_cert) return a.verification_cert->public_key.get();
  return nullptr;
}

// crypto_verify (digest §3.8, checks 3-13), for every verified response.
// `stored` holds the previously accepted value of the same kind (AUTO only).
Verdict verify_value(const Association& a, const Host& host, std::uint32_t expected_assoc,
                     const wire::Envelope& env, wire::ByteView value, bool check_signature,
                     const ReceivedAutokey* stored) {
  // RFC 5906 §10: the association ID must be ours (or the broadcaster's).
  if (env.assoc_id != expected_assoc) return fail(AssocError::AssocIdMismatch);
  // RFC 5906 §10 / digest §3.8 checks 6-7: a zero timestamp means unsigned;
  // a value cannot be signed before its file was made.
#ifndef AK_MUTANT_SKIP_TIMESTAMP_CHECK
  if (env.timestamp == 0) return fail(AssocError::TimestampZero);
  if (env.timestamp < env.filestamp) return fail(AssocError::TimestampBeforeFilestamp);
  // Digest §3.8 checks 8-9: never older than what was already accepted.
  if (stored && stored->timestamp != 0 && stored->filestamp != 0) {
    if (env.timestamp < stored->timestamp) return fail(AssocError::TimestampReplayed);
    if (env.timestamp < stored->filestamp || env.filestamp < stored->filestamp)
      return fail(AssocError::FilestampReplayed);
  }
#else
  (void)stored;  // MUTANT (docs/mutants.md): no timestamp or replay check
#endif
  if (!check_signature) return Ok{};
  // Digest §3.8 checks 11-13: signed, with a known key, of the right length.
  const Botan::Public_Key* key = verification_key(a, host);
  if (key == nullptr || !env.is_signed()) return fail(AssocError::SignatureMissing);
  auto st = crypto::verify_value(*key, a.digest, env.timestamp, env.filestamp, value, env.signature);
#ifndef AK_MUTANT_ACCEPT_BAD_SIGNATURE
  if (!st) {
    return fail(st.error() == crypto::CryptoError::BadSignatureLength ? AssocError::SignatureLength
                                                                      : AssocError::SignatureInvalid);
  }
#else
  (void)st;  // MUTANT (docs/mutants.md): a signature that fails is accepted
#endif
  return Ok{};
}

// Digest §3.8 check 14: a verified signature lights PROV once VRFY is lit.
std::uint32_t prov_if_verified(const Association& a) { return a.has(cf::kVrfy) ? cf::kProv : 0; }

bool symmetric(const Association& a) {
  return a.config.mode == PeerMode::SymmetricActive || a.config.mode == PeerMode::SymmetricPassive;
}

std::uint32_t scheme_bit(Scheme s) {
  switch (s) {
    case Scheme::Iff: return cf::kIff;
    case Scheme::Gq: return cf::kGq;
    case Scheme::Mv: return cf::kMv;
    case Scheme::Pc: return cf::kPriv;
    case Scheme::Tc: return 0;
  }
  return 0;
}

void event(HandlerContext& ctx, const Association& a, std::uint32_t old_flags, std::string text) {
  ctx.actions.push_back(CryptoEvent{a.id, old_flags, a.flags, xe::kOk, std::move(text)});
}

void log_updates(HandlerContext& ctx, const Association& a, const std::vector<UpdatedValue>& ups) {
  if (ups.empty()) return;
  ctx.actions.push_back(Log{LogEvent::SignatureUpdate, a.id,
                            "signature update ts " + std::to_string(ups.front().timestamp) + ", " +
                                std::to_string(ups.size()) + " values"});
}

// ---- handlers: one per message (transition_table()) -------------------------------

// RFC 5906 §10.1; digest §5.1 "Receiver (client) checks and effects".
Verdict on_assoc(Association& a, const wire::AssocMessage& m, HandlerContext& ctx) {
  if (a.flags != 0) {
    // Digest §5.1 step 2: a second ASSOC is fine only from the same peer
    // association. ntpd restarts on a different one; an ASSOC is unsigned,
    // so we refuse it instead and let silence trigger any restart.
    if (m.assoc_id != a.remote_assoc) return fail(AssocError::AssocIdChanged);
    return Ok{};
  }
  // Digest §9.7: a grouped host insists on '@' and on the same group (or
  // the configured ident).
  const std::string own_group = ctx.host.group();
  if (!own_group.empty()) {
    const auto at = m.name.find('@');
    if (at == std::string::npos) return fail(AssocError::GroupMismatch);
    const std::string g = m.name.substr(at + 1);
    if (g != own_group && g != a.config.ident) return fail(AssocError::GroupMismatch);
  }
  // Digest §4 / §5.1 step 6: the NID must name a digest we have and allow.
  const std::uint16_t nid = m.status.signature_nid();
  const auto digest = crypto::digest_from_nid(nid);
  if (!digest) return fail(AssocError::UnsupportedDigest);
  if (auto st = check_signature_nid(ctx.host.policy(), nid); !st)
    return refuse_by_policy(ctx, a, st.error(), "signature " + wire::signature_nid_name(nid));
  // Digest §5.1 step 4 / §7.5: PC on both ends or on neither.
  const bool own_private = ctx.host.certificate().private_cert;
  const bool peer_private = m.status.has(cf::kPriv);
  if ((a.config.scheme == Scheme::Pc || own_private) != peer_private)
    return fail(AssocError::PrivateCertificateMismatch);
  // Security-history §4 property 14: the scheme is ours to choose; a peer
  // that does not advertise it cannot talk us down to TC.
  const std::uint32_t want = scheme_bit(a.config.scheme);
  if (want != 0 && !m.status.has(want)) return fail(AssocError::IdentitySchemeNotOffered);
  // Digest §5.1 step 5: symmetric peers need symmetric identity support.
  if (symmetric(a) && ((ctx.host.status().raw & cf::kIdentityMask) != 0) != (m.status.identity_bits() != 0))
    return fail(AssocError::IdentitySchemeNotOffered);

  // Commit. Bits 8..15 of a received status word are never taken: they are
  // our progress bits, and a peer could otherwise claim them (digest §4 (*)).
  const std::uint32_t old = a.flags;
  std::uint32_t bits = 0;
  if (ctx.sender_mode == wire::Mode::Server) bits |= cf::kAuto;  // digest §5.1 step 7
  if (!m.status.tai()) bits |= cf::kLeap;
  if (a.config.scheme == Scheme::Pc) bits |= cf::kCert | cf::kVrfy | cf::kSign;
  a.flags = (m.status.raw & 0xffff00ffu) | bits | cf::kEnab;
  a.remote_assoc = m.assoc_id;
  a.signature_nid = nid;
  a.digest = *digest;
  a.subject = m.name;
  a.issuer = m.name;
  a.hcookie = random_u32(ctx.host.random());
  event(ctx, a, old, "assoc " + std::to_string(a.id) + " " + std::to_string(a.remote_assoc) + " host " + m.name +
                         " " + wire::signature_nid_name(nid));
  return Ok{};
}

// RFC 5906 §10.2; digest §5.2 and §8.5 (cert_hike).
Verdict on_cert(Association& a, const wire::CertResponse& m, HandlerContext& ctx) {
  // Digest §3.8 check 10: CERT values are not signature-checked (the key is
  // inside this very message); the trail check below is what counts.
  if (auto v = verify_value(a, ctx.host, a.id, m.env, m.certificate, false, nullptr); !v) return v;
  auto parsed = crypto::parse_certificate(m.certificate);
  if (!parsed) return fail(AssocError::CertificateInvalid);
  crypto::Certificate cert = std::move(parsed).value();
  if (!crypto::check_filestamp(cert, m.env.filestamp)) return fail(AssocError::CertificateInvalid);
  if (auto st = check_certificate(ctx.host.policy(), cert); !st)
    return refuse_by_policy(ctx, a, st.error(), "certificate " + cert.subject);
  // Stricter than ntpd: the certificate must be the one we asked for.
  if (cert.subject != a.issuer) return fail(AssocError::CertificateNotRequested);

  if (!cert.self_signed) {
    if (a.trail.size() + 1 >= kMaxTrailLength) return fail(AssocError::CertificateTrailTooLong);
    a.trail.push_back(std::move(cert));  // provisional: used only once a root verifies it
    a.trail_filestamps.push_back(m.env.filestamp);
    a.issuer = a.trail.back().issuer;
    return Ok{};
  }
  // Digest §8.5 step 2: a self-signed untrusted certificate verifies nothing.
  if (!cert.trusted) return Ok{};
  // Digest §8.5: every link must be signed by the next one up and start
  // inside its issuer's validity (step 3).
  std::vector<const crypto::Certificate*> chain;
  for (const auto& c : a.trail) chain.push_back(&c);
  chain.push_back(&cert);
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    if (!crypto::verify_issued_by(*chain[i], *chain[i + 1])) return fail(AssocError::CertificateTrailInvalid);
    if (!crypto::validity_nested(*chain[i], *chain[i + 1])) return fail(AssocError::CertificateValidityNotNested);
  }
  // RFC 5906 §11 (certificates carry a validity interval): a certificate
  // used outside it proves nothing, a trusted root included. ntpd 4.2.8p15
  // never compares a root's dates with the time, so it trusts an expired
  // root (found by autokey-check client mode). Without a time of our own
  // (unsynchronized, crypto_time() == 0) the dates cannot be judged yet.
  if (const std::uint32_t now = ctx.crypto_time(); now != 0) {
    const std::int64_t unix_now = crypto::unix_from_ntp_seconds(now);
    for (const auto* c : chain)
      if (unix_now < c->not_before || unix_now > c->not_after) return fail(AssocError::CertificateExpired);
  }

  const std::uint32_t old = a.flags;
  a.trail.push_back(std::move(cert));
  a.trail_filestamps.push_back(m.env.filestamp);
  a.verification_cert = a.trail.front();
  a.trusted_root = a.trail.back();
  a.flags |= cf::kCert;
  if (a.config.scheme == Scheme::Tc) a.flags |= cf::kVrfy;  // digest §7.6: the trusted root is the proof
  // Digest §8.4: verified certificates join the cache this host serves from.
  for (std::size_t i = 0; i < a.trail.size(); ++i) {
    auto ups = ctx.host.install_certificate(a.trail[i], a.trail_filestamps[i], ctx.crypto_time());
    if (ups) log_updates(ctx, a, *ups);
  }
  event(ctx, a, old, "cert " + a.trusted_root->subject + " trusted root, trail " + std::to_string(a.trail.size()));
  return Ok{};
}

// The client parameters and filestamp rule of each scheme (digest §5.7-§5.9).
struct IdentityPar {
  std::uint32_t filestamp = 0;
  bool equal_filestamp = true;  // IFF, MV: ==; GQ: >=
};
std::optional<IdentityPar> identity_par(const Association& a, const Host& host) {
  switch (a.config.scheme) {
    case Scheme::Iff:
      if (auto* p = host.iff_par()) return IdentityPar{p->filestamp, true};
      break;
    case Scheme::Gq:
      if (auto* p = host.gq_par()) return IdentityPar{p->filestamp, false};
      break;
    case Scheme::Mv:
      if (auto* p = host.mv_par()) return IdentityPar{p->filestamp, true};
      break;
    default: break;
  }
  return std::nullopt;
}

std::optional<crypto::GqParams> gq_with_root_key(const Association& a, const Host& host) {
  // Digest §7.3: v comes from the trusted root's subjectKeyIdentifier.
  const auto* p = host.gq_par();
  if (!p || !a.trusted_root || !a.trusted_root->subject_key_id) return std::nullopt;
  crypto::GqParams params = p->value;
  const auto& ski = *a.trusted_root->subject_key_id;
  params.v = Botan::BigInt(ski.data(), ski.size());
  return params;
}

// RFC 5906 Appendices E-G; digest §5.7-§5.9.
Verdict on_identity(Association& a, const wire::IdentityResponse& m, HandlerContext& ctx) {
  if (scheme_bit(a.config.scheme) != static_cast<std::uint32_t>(
                                         m.scheme == wire::IdentityScheme::Iff  ? cf::kIff
                                         : m.scheme == wire::IdentityScheme::Gq ? cf::kGq
                                                                                : cf::kMv))
    return fail(AssocError::UnexpectedResponse);
  if (auto v = verify_value(a, ctx.host, a.id, m.env, m.response, true, nullptr); !v) return v;
  const auto par = identity_par(a, ctx.host);
  if (!par) return fail(AssocError::IdentityParametersMissing);
  const bool fs_ok = par->equal_filestamp ? m.env.filestamp == par->filestamp : m.env.filestamp >= par->filestamp;
  if (!fs_ok) return fail(AssocError::IdentityFilestamp);
  if (a.challenge.empty()) return fail(AssocError::IdentityNoChallenge);
  Status<crypto::IdentityError> proof = Ok{};
  switch (a.config.scheme) {
    case Scheme::Iff: proof = crypto::iff_verify(ctx.host.iff_par()->value, a.challenge, m.response); break;
    case Scheme::Mv: proof = crypto::mv_verify(ctx.host.mv_par()->value, a.challenge, m.response); break;
    case Scheme::Gq: {
      auto params = gq_with_root_key(a, ctx.host);
      if (!params) return fail(AssocError::IdentityParametersMissing);
      proof = crypto::gq_verify(*params, a.challenge, m.response);
      break;
    }
    default: return fail(AssocError::UnexpectedResponse);
  }
#ifndef AK_MUTANT_ACCEPT_UNCHECKED_IFF
  if (!proof) return fail(AssocError::IdentityProofRejected);
#else
  (void)proof;  // MUTANT (docs/mutants.md): the proof is never looked at
#endif

  const std::uint32_t old = a.flags;
  a.flags |= cf::kVrfy;
  a.challenge.clear();
  event(ctx, a, old, std::string(wire::name(m.scheme)) + " " + a.subject + " identity verified");
  return Ok{};
}

// RFC 5906 §10.3; digest §5.3, §6.6.
Verdict on_cook(Association& a, const wire::CookResponse& m, HandlerContext& ctx) {
  // Digest §5.3: the COOK value has no stored predecessor in ntpd (cookval is
  // never filled); ours is refused outside CookieExchange by the table.
  if (auto v = verify_value(a, ctx.host, a.id, m.env, m.ciphertext, true, nullptr); !v) return v;
  if (m.ciphertext.size() != ctx.host.host_key().get_n().bytes()) return fail(AssocError::CookieWrongSize);
  auto cookie = crypto::decrypt_cookie(m.ciphertext, ctx.host.host_key(), ctx.host.rng());
  if (!cookie) return fail(AssocError::CookieInvalid);

  const std::uint32_t old = a.flags;
  // Digest §6.6: server cookie as is; symmetric peers XOR both halves.
  a.pcookie = symmetric(a) ? (a.hcookie ^ *cookie) : *cookie;
  a.flags |= cf::kCook | prov_if_verified(a);
  a.keys = {};  // digest §6.8: a new cookie purges the key list
  a.key_index = 0;
  event(ctx, a, old, "cook ts " + std::to_string(m.env.timestamp) + " fs " + std::to_string(m.env.filestamp));
  return Ok{};
}

// RFC 5906 §10.4; digest §5.4.
Verdict on_auto(Association& a, const wire::AutoResponse& m, HandlerContext& ctx) {
  const std::uint32_t expected = symmetric(a) ? a.id : a.remote_assoc;
  const ReceivedAutokey* stored = a.autokey ? &*a.autokey : nullptr;
  if (auto v = verify_value(a, ctx.host, expected, m.env, m.value(), true, stored); !v) return v;
  // Digest §6.7: a list holds at most 100 keys. The key is next() of the
  // list's last ID and is never used as a key ID itself, so it may fall in
  // the symmetric range (the very hash that cut the list short does): about
  // one list in 650 of 100 keys ends that way, and its values are good.
  if (m.sequence >= crypto::kMaxKeyListEntries) return fail(AssocError::AutokeyValueInvalid);

  const std::uint32_t old = a.flags;
  a.autokey = ReceivedAutokey{m.env.timestamp, m.env.filestamp, m.key_id, m.sequence};
  a.pkeyid = m.key_id;
  a.flags |= cf::kAuto | prov_if_verified(a);
  event(ctx, a, old, "auto seq " + std::to_string(m.sequence) + " key " + hex32(m.key_id));
  return Ok{};
}

// RFC 5906 §10.6; digest §5.6.
Verdict on_sign(Association& a, const wire::SignResponse& m, HandlerContext& ctx) {
  if (auto v = verify_value(a, ctx.host, a.id, m.env, m.certificate, true, nullptr); !v) return v;
  auto parsed = crypto::parse_certificate(m.certificate);
  if (!parsed) return fail(AssocError::CertificateInvalid);
  const crypto::Certificate& cert = *parsed;
  // Stricter than ntpd (which installs whatever parses): it must certify
  // our own name and key, and be signed by the server we verified.
  const crypto::Certificate& own = ctx.host.certificate();
  if (cert.subject != own.subject || cert.public_key_info != own.public_key_info || !a.verification_cert ||
      !crypto::verify_issued_by(cert, *a.verification_cert))
    return fail(AssocError::SignedCertificateNotOurs);

  const std::uint32_t old = a.flags;
  auto ups = ctx.host.install_certificate(cert, m.env.filestamp, ctx.crypto_time());
  if (ups) log_updates(ctx, a, *ups);  // an equal one already cached is fine (digest §8.4 tie rule)
  a.flags |= cf::kSign | prov_if_verified(a);
  event(ctx, a, old, "sign " + cert.subject + " issued by " + cert.issuer);
  return Ok{};
}

// RFC 5906 §10.5; digest §5.5.
Verdict on_leap(Association& a, const wire::LeapResponse& m, HandlerContext& ctx) {
  if (auto v = verify_value(a, ctx.host, a.id, m.env, m.value(), true, nullptr); !v) return v;

  const std::uint32_t old = a.flags;
  a.flags |= cf::kLeap | prov_if_verified(a);
  a.leap = ReceivedLeap{m.tai_offset, m.era_start, m.expiry};
  // Digest §5.5: a synchronized host feeds the TAI offset to its leap-second
  // machinery. Ours: a host without leap values of its own (no leap file,
  // nothing learnt yet, TAI-UTC <= 10 s meaning "no table") adopts the
  // peer's three words, so it reports them (mode 6 tai/leapsec/expire) and
  // serves them on in its own LEAP responses; a host with values keeps its
  // own unless the peer's era is newer.
  const LeapValues mine = ctx.host.leap();
  if (ctx.synchronized && m.tai_offset > 10 && (mine.tai_offset == 0 || m.era_start > mine.era_start))
    log_updates(ctx, a, ctx.host.set_leap(LeapValues{m.tai_offset, m.era_start, m.expiry}, ctx.crypto_time()));
  // Digest §10.1 event 3: accepting leap values re-signs the host's values.
  log_updates(ctx, a, ctx.host.update(ctx.crypto_time()));
  event(ctx, a, old, "leap TAI offset " + std::to_string(m.tai_offset) + " at " + std::to_string(m.era_start) +
                         " expire " + std::to_string(m.expiry));
  return Ok{};
}

template <class M>
const M* as(const wire::Message& msg) {
  return std::get_if<M>(&msg);
}

}  // namespace

// ---- dispatch ------------------------------------------------------------------

Status<AssocError> handle_field(Association& a, const wire::ExtensionField& ef, HandlerContext& ctx) {
  const Event ev = event_of(ef);
  const State st = a.state(ctx.synchronized);
  if (!accepts(transition_for(ev), st)) return fail(AssocError::UnexpectedResponse);
  switch (ev) {
    case Event::ErrorResponse: return fail(AssocError::ErrorResponse);  // digest §9.8, divergence noted in the table
    case Event::EmptyResponse:
      // Digest §5 "Empty responses": only CERT may answer with nothing; any
      // other short response fails crypto_verify (XEVNT_LEN).
      if (ef.opcode() != wire::Opcode::Cert) return fail(AssocError::ShortResponse);
      if (a.outstanding != wire::Opcode::Cert) return fail(AssocError::UnexpectedResponse);
      // Nothing to apply, ask again next poll. If a CERT request
      // for an issuer found nothing, the provisional trail that named that
      // issuer is dropped and the walk starts over from the peer's own
      // certificate: otherwise one forged intermediate would stall us for good.
      if (!a.trail.empty()) {
        a.trail.clear();
        a.trail_filestamps.clear();
        a.issuer = a.subject;
        ctx.actions.push_back(Log{LogEvent::Rejected, a.id, "no certificate for the issuer asked for: trail walk restarted"});
      }
      return Ok{};
    case Event::Request: {
      if (!symmetric(a)) return fail(AssocError::RequestNotServed);
      // Digest §5.1: a symmetric peer's ASSOC request also counts as its
      // association data. A different peer association ID is not applied
      // (it is unauthenticated) but still answered, so a restarted peer can
      // learn our ID; answering is stateless.
      Verdict v = Ok{};
      if (ef.opcode() == wire::Opcode::Assoc) {
        auto decoded = wire::decode(ef);
        if (!decoded) return fail(AssocError::FieldUndecodable);
        v = on_assoc(a, *as<wire::AssocRequest>(*decoded), ctx);
        if (!v && v.error() != AssocError::AssocIdChanged) return v;
      }
      // Digest §9.6: one slot, the first request wins.
      if (!a.queued_request) a.queued_request = ef;
      return v.ok() ? v : Verdict{Ok{}};
    }
    default: break;
  }
  // A response must answer the request we have outstanding (client table).
  // AUTO values may also be pushed to symmetric peers and broadcast clients
  // (digest §6.8), and every broadcast carries an ASSOC response (§9.5).
  const bool broadcast = a.config.mode == PeerMode::BroadcastClient && ctx.sender_mode == wire::Mode::Broadcast;
  const bool unsolicited = (ev == Event::AutoResponse && (symmetric(a) || broadcast)) ||
                           (ev == Event::AssocResponse && broadcast);
  // Once one response to it was accepted, the request is no longer
  // outstanding: a second one (duplicated, replayed, answering an earlier
  // copy of the request) is not looked at.
  if (!unsolicited && (!a.outstanding || ef.opcode() != a.outstanding || a.answered))
    return fail(AssocError::UnexpectedResponse);
  auto decoded = wire::decode(ef);
  if (!decoded) return fail(AssocError::FieldUndecodable);
  const wire::Message& msg = *decoded;
  switch (ev) {
    case Event::AssocResponse: return on_assoc(a, *as<wire::AssocResponse>(msg), ctx);
    case Event::CertResponse: return on_cert(a, *as<wire::CertResponse>(msg), ctx);
    case Event::IdentityResponse: return on_identity(a, *as<wire::IdentityResponse>(msg), ctx);
    case Event::CookResponse: return on_cook(a, *as<wire::CookResponse>(msg), ctx);
    case Event::AutoResponse: return on_auto(a, *as<wire::AutoResponse>(msg), ctx);
    case Event::SignResponse: return on_sign(a, *as<wire::SignResponse>(msg), ctx);
    case Event::LeapResponse: return on_leap(a, *as<wire::LeapResponse>(msg), ctx);
    default: return fail(AssocError::UnexpectedResponse);
  }
}

Status<AssocError> accept_broadcast_assoc(Association& a, const wire::AssocResponse& m, HandlerContext& ctx) {
  return on_assoc(a, m, ctx);
}

// ---- requests (the request-rule rows) ----------------------------------------------

namespace {
std::optional<wire::ExtensionField> encoded(const wire::Message& m) {
  auto ef = wire::encode(m);
  if (!ef) return std::nullopt;
  return std::move(ef).value();
}

std::optional<wire::Message> identity_request(Association& a, HandlerContext& ctx) {
  wire::IdentityRequest req;
  std::uint32_t fs = 0;
  switch (a.config.scheme) {
    case Scheme::Iff:
      if (!ctx.host.iff_par()) return std::nullopt;
      req.scheme = wire::IdentityScheme::Iff;
      req.challenge = crypto::iff_challenge(ctx.host.rng(), ctx.host.iff_par()->value);
      fs = ctx.host.iff_par()->filestamp;
      break;
    case Scheme::Gq:
      if (!ctx.host.gq_par()) return std::nullopt;
      req.scheme = wire::IdentityScheme::Gq;
      req.challenge = crypto::gq_challenge(ctx.host.rng(), ctx.host.gq_par()->value);
      fs = ctx.host.gq_par()->filestamp;
      break;
    case Scheme::Mv:
      if (!ctx.host.mv_par()) return std::nullopt;
      req.scheme = wire::IdentityScheme::Mv;
      req.challenge = crypto::mv_challenge(ctx.host.rng(), ctx.host.mv_par()->value);
      fs = ctx.host.mv_par()->filestamp;
      break;
    default: return std::nullopt;
  }
  // Digest §3.7: ts now (0 unsynchronized), fs = parameter file, signed if synchronized.
  req.env = wire::Envelope{a.id, ctx.crypto_time(), fs, {}};
  if (req.env.timestamp != 0) {
    if (auto sig = ctx.host.sign(req.env.timestamp, fs, req.challenge)) req.env.signature = *sig;
  }
  a.challenge = req.challenge;
  return wire::Message{std::move(req)};
}
}  // namespace

std::optional<wire::ExtensionField> build_request(Association& a, HandlerContext& ctx) {
  const State st = a.state(ctx.synchronized);
  const auto op = request_for(st, a.table());
  a.outstanding.reset();
  if (!op) return std::nullopt;
  std::optional<wire::Message> msg;
  switch (*op) {
    case wire::Opcode::Assoc: {
      wire::AssocRequest r;
      static_cast<wire::AssocMessage&>(r) = ctx.host.assoc_message(a.id);
      msg = std::move(r);
      break;
    }
    case wire::Opcode::Cert: msg = ctx.host.cert_request(a.id, a.issuer, ctx.crypto_time()); break;
    case wire::Opcode::Iff:  // the identity row: the association's scheme
      msg = identity_request(a, ctx);
      if (!msg) {
        ctx.actions.push_back(Log{LogEvent::Rejected, a.id, message(AssocError::IdentityParametersMissing)});
        return std::nullopt;
      }
      break;
    case wire::Opcode::Cook: msg = ctx.host.cook_request(a.id); break;
    case wire::Opcode::Auto: msg = wire::AutoRequest{symmetric(a) ? a.id : a.remote_assoc}; break;
    case wire::Opcode::Sign: {
      auto r = ctx.host.sign_request(a.id, ctx.crypto_time());
      if (!r) return std::nullopt;  // digest §5.6: suppressed (XEVNT_PER / unsynchronized)
      msg = std::move(r).value();
      break;
    }
    case wire::Opcode::Leap: msg = wire::LeapRequest{a.id}; break;
    default: return std::nullopt;
  }
  auto ef = encoded(*msg);
  if (ef) a.outstanding = ef->opcode();
  return ef;
}

}  // namespace ak::core

