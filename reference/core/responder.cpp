#include "core/responder.h"

#include <botan/pk_keys.h>

#include <exception>
#include <memory>
#include <utility>

#include "crypto/cookie.h"
#include "crypto/gq.h"
#include "crypto/iff.h"
#include "crypto/key_list.h"
#include "crypto/mac.h"
#include "crypto/mv.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"

namespace ak::core {

const char* message(ResponderError e) {
  switch (e) {
    case ResponderError::NotARequest: return "field is a response, not a request";
    case ResponderError::NullRequest: return "NULL request has no handler";
    case ResponderError::UndecodableRequest: return "request field does not decode";
    case ResponderError::CertSubjectLength: return "CERT subject is not 1..512 octets";
    case ResponderError::CertNotFound: return "no certificate to serve for that subject";
    case ResponderError::CertUnsynchronized: return "certificate values not signed yet (never synchronized)";
    case ResponderError::CookPublicKeyUnreadable: return "COOK request value is not a usable DER RSAPublicKey";
    case ResponderError::CookPublicKeyPolicy: return "COOK requester's key is refused by the policy";
    case ResponderError::CookEncryptFailed: return "cookie encryption failed";
    case ResponderError::AutoNoAssociation: return "no association with autokey values for that ID";
    case ResponderError::SignUnsynchronized: return "SIGN needs a synchronized clock";
    case ResponderError::SignCertificateUnreadable: return "SIGN request value is not an Autokey certificate";
    case ResponderError::SignCertificatePolicy: return "SIGN request certificate is refused by the policy";
    case ResponderError::SignOwnCertificateNotValid: return "own host certificate is not valid now";
    case ResponderError::SignIssueFailed: return "issuing the certificate failed";
    case ResponderError::IdentityNotServed: return "no server key for that identity scheme";
    case ResponderError::IdentityChallengeLength: return "identity challenge is not exactly the modulus length";
    case ResponderError::IdentityChallengeRange: return "identity challenge is 0 or not below the modulus";
    case ResponderError::IdentityProverFailed: return "identity prover failed";
    case ResponderError::SigningFailed: return "signing the response value failed";
    case ResponderError::AssocNameScreened: return "ASSOC name without '@' (or too long) sent to a host with a group";
  }
  return "unknown responder error";
}

std::string_view name(ResponderError e) {
  switch (e) {
    case ResponderError::NotARequest: return "NotARequest";
    case ResponderError::NullRequest: return "NullRequest";
    case ResponderError::UndecodableRequest: return "UndecodableRequest";
    case ResponderError::CertSubjectLength: return "CertSubjectLength";
    case ResponderError::CertNotFound: return "CertNotFound";
    case ResponderError::CertUnsynchronized: return "CertUnsynchronized";
    case ResponderError::CookPublicKeyUnreadable: return "CookPublicKeyUnreadable";
    case ResponderError::CookPublicKeyPolicy: return "CookPublicKeyPolicy";
    case ResponderError::CookEncryptFailed: return "CookEncryptFailed";
    case ResponderError::AutoNoAssociation: return "AutoNoAssociation";
    case ResponderError::SignUnsynchronized: return "SignUnsynchronized";
    case ResponderError::SignCertificateUnreadable: return "SignCertificateUnreadable";
    case ResponderError::SignCertificatePolicy: return "SignCertificatePolicy";
    case ResponderError::SignOwnCertificateNotValid: return "SignOwnCertificateNotValid";
    case ResponderError::SignIssueFailed: return "SignIssueFailed";
    case ResponderError::IdentityNotServed: return "IdentityNotServed";
    case ResponderError::IdentityChallengeLength: return "IdentityChallengeLength";
    case ResponderError::IdentityChallengeRange: return "IdentityChallengeRange";
    case ResponderError::IdentityProverFailed: return "IdentityProverFailed";
    case ResponderError::SigningFailed: return "SigningFailed";
    case ResponderError::AssocNameScreened: return "AssocNameScreened";
  }
  return "?";
}

std::uint16_t xevnt_code(ResponderError e) {
  namespace x = crypto::xevnt;
  switch (e) {
    case ResponderError::NotARequest: return x::kErr;
    case ResponderError::NullRequest: return x::kErr;
    case ResponderError::UndecodableRequest: return x::kLen;
    case ResponderError::CertSubjectLength: return x::kLen;
    case ResponderError::CertNotFound: return x::kCrt;
    case ResponderError::CertUnsynchronized: return x::kTsp;
    case ResponderError::CookPublicKeyUnreadable: return x::kPub;
    case ResponderError::CookPublicKeyPolicy: return x::kPub;
    case ResponderError::CookEncryptFailed: return x::kCky;
    case ResponderError::AutoNoAssociation: return x::kErr;
    case ResponderError::SignUnsynchronized: return x::kTsp;
    case ResponderError::SignCertificateUnreadable: return x::kCrt;
    case ResponderError::SignCertificatePolicy: return x::kPub;
    case ResponderError::SignOwnCertificateNotValid: return x::kPer;
    case ResponderError::SignIssueFailed: return x::kVfy;
    case ResponderError::IdentityNotServed: return x::kId;
    case ResponderError::IdentityChallengeLength: return x::kLen;
    case ResponderError::IdentityChallengeRange: return x::kLen;
    case ResponderError::IdentityProverFailed: return x::kId;
    case ResponderError::SigningFailed: return x::kErr;
    case ResponderError::AssocNameScreened: return x::kLen;
  }
  return x::kErr;
}

namespace {

// The 8-octet error response 0xC2cc0008 with the request's association ID.
// Built by hand so that it works for any raw code, even one decode refused.
wire::ExtensionField error_field(std::uint8_t code, std::uint32_t assoc_id) {
  wire::ExtensionField ef;
  ef.response = true;
  ef.error = true;
  ef.code = code;
  ef.assoc_id = assoc_id;
  return ef;
}

Answer error_answer(wire::Opcode op, std::uint32_t assoc_id, ResponderError why) {
  Answer a;
  a.kind = Answer::Kind::ErrorResponse;
  a.field = error_field(static_cast<std::uint8_t>(op), assoc_id);
  a.reason = why;
  return a;
}

Answer empty_answer(wire::Opcode op, std::uint32_t assoc_id, ResponderError why) {
  Answer a;
  a.kind = Answer::Kind::EmptyResponse;
  a.field = wire::EmptyResponse{op, assoc_id}.to_field();
  a.reason = why;
  return a;
}

Answer none(ResponderError why) {
  Answer a;
  a.kind = Answer::Kind::None;
  a.reason = why;
  return a;
}

template <class R>
Answer response_answer(R response) {
  Answer a;
  a.kind = Answer::Kind::Response;
  a.field = response.to_field();
  a.message = wire::Message(std::move(response));
  return a;
}

// Signs an envelope's value when the timestamp is non-zero (digest §3.5: a
// zero timestamp means "unsigned"). False if the signer failed.
bool sign_if_synchronized(const Host& host, wire::Envelope& env, wire::ByteView value) {
  env.signature.clear();
  if (env.timestamp == 0) return true;
  auto sig = host.sign(env.timestamp, env.filestamp, value);
  if (!sig) return false;
  env.signature = std::move(sig).value();
  return true;
}

// ntpd copies ASSOC names into a 257-octet buffer when it screens them.
constexpr std::size_t kMaxScreenedNameLength = 256;

Answer respond_assoc(const wire::AssocRequest& req, const RequestContext& ctx, const Host& host) {
  // Digest §9.7: a host with a group drops (silently) an ASSOC whose name has
  // no '@' or does not fit; groups themselves are not compared for unicast
  // client requests.
  if (host.name().find('@') != std::string::npos &&
      (req.name.find('@') == std::string::npos || req.name.size() > kMaxScreenedNameLength))
    return none(ResponderError::AssocNameScreened);
  // Digest §5.1: always answered from hostval with the status word; a
  // symmetric responder puts its own association ID in (§3.4).
  wire::AssocResponse resp;
  static_cast<wire::AssocMessage&>(resp) = host.assoc_message(ctx.own_assoc_id.value_or(req.assoc_id));
  return response_answer(std::move(resp));
}

Answer respond_cert(const wire::CertRequest& req, const Host& host) {
  const std::uint32_t assoc = req.env.assoc_id;
  // Digest §5.2: nothing to serve (or nothing signed yet) is the empty
  // response, not an error: the client asks again later.
  const CachedCertificate* c = host.find_certificate(req.subject);
  if (c == nullptr) return empty_answer(wire::Opcode::Cert, assoc, ResponderError::CertNotFound);
  if (!c->signed_value.is_signed() || c->signed_value.timestamp == 0)
    return empty_answer(wire::Opcode::Cert, assoc, ResponderError::CertUnsynchronized);
  wire::CertResponse resp;
  resp.env = wire::Envelope{assoc, c->signed_value.timestamp, c->signed_value.filestamp, c->signed_value.signature};
  resp.certificate = c->signed_value.value;
  return response_answer(std::move(resp));
}

Answer respond_cook(const wire::CookRequest& req, const RequestContext& ctx, const Host& host) {
  const std::uint32_t assoc = req.env.assoc_id;
  // The key is decoded with bounds (crypto::decode_rsa_public_key refuses
  // oversized moduli) before any public-key work is done with it.
  auto key = crypto::decode_rsa_public_key(req.public_key);
  if (!key) return error_answer(wire::Opcode::Cook, assoc, ResponderError::CookPublicKeyUnreadable);
  if (!check_public_key(host.policy(), **key))
    return error_answer(wire::Opcode::Cook, assoc, ResponderError::CookPublicKeyPolicy);
  // Digest §5.3: the stateless server's cookie is a function of the two
  // addresses and the seed; a symmetric responder sends its host cookie.
  const std::uint32_t cookie = ctx.host_cookie.value_or(host.server_cookie(ctx.client, ctx.server));
  auto ciphertext = crypto::encrypt_cookie(cookie, **key, host.rng());
  if (!ciphertext) return error_answer(wire::Opcode::Cook, assoc, ResponderError::CookEncryptFailed);
  wire::CookResponse resp;
  // Digest §3.7 (corrected): fs is the responder's last signature update.
  resp.env = wire::Envelope{assoc, ctx.now, host.last_update(), {}};
  resp.ciphertext = std::move(ciphertext).value();
  if (!sign_if_synchronized(host, resp.env, resp.ciphertext))
    return error_answer(wire::Opcode::Cook, assoc, ResponderError::SigningFailed);
  return response_answer(std::move(resp));
}

Answer respond_auto(const wire::AutoRequest& req, const RequestContext& ctx) {
  // Digest §5.4: answered from the association the request names, never
  // from state about the requester.
  const wire::AutoResponse* values = ctx.autokey_values ? ctx.autokey_values(req.assoc_id) : nullptr;
  if (values == nullptr) return error_answer(wire::Opcode::Auto, req.assoc_id, ResponderError::AutoNoAssociation);
  // Digest §3.4: a response echoes the request's association ID. A
  // broadcaster's values carry that ID already; a symmetric peer's carry the
  // ID it learnt from our ASSOC, which a peer that restarted has not learnt
  // yet. The ID is outside the signed octets (ts, fs, vl, value).
  wire::AutoResponse r = *values;
  r.env.assoc_id = req.assoc_id;
  return response_answer(std::move(r));
}

Answer respond_leap(const wire::LeapRequest& req, const Host& host) {
  const SignedValue& v = host.leap_value();
  if (v.value.size() != wire::LeapResponse::kValueSize) {
    // Never updated: ntpd sends the value structure with vl = 0 (digest
    // §5.5), which the client drops (XEVNT_LEN). There is no typed message.
    Answer a;
    a.kind = Answer::Kind::Response;
    a.field = wire::make_long_field(wire::Opcode::Leap, true, req.assoc_id,
                                    wire::ValueStructure{v.timestamp, v.filestamp, {}, {}});
    return a;
  }
  wire::LeapResponse resp;
  resp.env = wire::Envelope{req.assoc_id, v.timestamp, v.filestamp, v.signature};
  wire::Reader r(v.value);
  resp.tai_offset = r.u32().value_or(0);
  resp.era_start = r.u32().value_or(0);
  resp.expiry = r.u32().value_or(0);
  return response_answer(std::move(resp));
}

Answer respond_sign(const wire::SignRequest& req, const RequestContext& ctx, const Host& host) {
  const std::uint32_t assoc = req.env.assoc_id;
  const auto op = wire::Opcode::Sign;
  // Digest §5.6 / §8.6 preconditions, in ntpd's order.
  if (ctx.now == 0) return error_answer(op, assoc, ResponderError::SignUnsynchronized);
  auto request_cert = crypto::parse_certificate(req.certificate);
  if (!request_cert) return error_answer(op, assoc, ResponderError::SignCertificateUnreadable);
  if (!check_certificate(host.policy(), *request_cert))
    return error_answer(op, assoc, ResponderError::SignCertificatePolicy);
  const std::int64_t now_unix = crypto::unix_from_ntp_seconds(ctx.now);
  if (!crypto::check_valid_at(host.certificate(), now_unix))
    return error_answer(op, assoc, ResponderError::SignOwnCertificateNotValid);
  // ntpd uses its NTP seconds as the serial number (digest §8.6).
  auto issued = crypto::sign_certificate(*request_cert, host.sign_key(), host.sign_digest(), host.name(), ctx.now,
                                         now_unix, host.rng());
  if (!issued || !crypto::verify_issued_by(*issued, host.certificate()))
    return error_answer(op, assoc, ResponderError::SignIssueFailed);
  wire::SignResponse resp;
  // The filestamp is echoed so that the requester's notBefore >= filestamp
  // check passes (digest §8.6).
  resp.env = wire::Envelope{assoc, ctx.now, req.env.filestamp, {}};
  resp.certificate = issued->der;
  if (!sign_if_synchronized(host, resp.env, resp.certificate))
    return error_answer(op, assoc, ResponderError::SigningFailed);
  return response_answer(std::move(resp));
}

ResponderError identity_error(crypto::IdentityError e) {
  switch (e) {
    case crypto::IdentityError::ChallengeWrongLength: return ResponderError::IdentityChallengeLength;
    case crypto::IdentityError::ChallengeOutOfRange: return ResponderError::IdentityChallengeRange;
    default: return ResponderError::IdentityProverFailed;
  }
}

Answer respond_identity(const wire::IdentityRequest& req, const RequestContext& ctx, const Host& host) {
  const std::uint32_t assoc = req.env.assoc_id;
  const auto op = wire::opcode_of(req.scheme);
  std::optional<Result<wire::Bytes, crypto::IdentityError>> proof;
  std::uint32_t filestamp = 0;
  // The crypto layer draws the nonce uniformly from the whole group and
  // refuses challenges of the wrong length or range (security-history NEW-2).
  switch (req.scheme) {
    case wire::IdentityScheme::Iff:
      if (const auto* k = host.iff_key(); k != nullptr && k->value.b) {
        proof.emplace(crypto::iff_respond(k->value, req.challenge, host.rng()));
        filestamp = k->filestamp;
      }
      break;
    case wire::IdentityScheme::Gq:
      if (const auto* k = host.gq_key(); k != nullptr && k->value.u) {
        proof.emplace(crypto::gq_respond(k->value, req.challenge, host.rng()));
        filestamp = k->filestamp;
      }
      break;
    case wire::IdentityScheme::Mv:
      if (const auto* k = host.mv_key(); k != nullptr && k->value.E) {
        proof.emplace(crypto::mv_respond(k->value, req.challenge, host.rng()));
        filestamp = k->filestamp;
      }
      break;
  }
  if (!proof) return error_answer(op, assoc, ResponderError::IdentityNotServed);
  if (!proof->ok()) return error_answer(op, assoc, identity_error(proof->error()));
  wire::IdentityResponse resp;
  resp.scheme = req.scheme;
  resp.env = wire::Envelope{assoc, ctx.now, filestamp, {}};
  resp.response = std::move(*proof).value();
  if (!sign_if_synchronized(host, resp.env, resp.response))
    return error_answer(op, assoc, ResponderError::SigningFailed);
  return response_answer(std::move(resp));
}

}  // namespace

Answer respond(const wire::Message& request, const RequestContext& ctx, const Host& host) {
  if (wire::is_response(request) || wire::is_error(request)) return none(ResponderError::NotARequest);
  try {
    return std::visit(
        [&](const auto& m) -> Answer {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, wire::NullRequest>) {
            return error_answer(wire::Opcode::Null, m.assoc_id, ResponderError::NullRequest);
          } else if constexpr (std::is_same_v<T, wire::AssocRequest>) {
            return respond_assoc(m, ctx, host);
          } else if constexpr (std::is_same_v<T, wire::CertRequest>) {
            return respond_cert(m, host);
          } else if constexpr (std::is_same_v<T, wire::CookRequest>) {
            return respond_cook(m, ctx, host);
          } else if constexpr (std::is_same_v<T, wire::AutoRequest>) {
            return respond_auto(m, ctx);
          } else if constexpr (std::is_same_v<T, wire::LeapRequest>) {
            return respond_leap(m, host);
          } else if constexpr (std::is_same_v<T, wire::SignRequest>) {
            return respond_sign(m, ctx, host);
          } else if constexpr (std::is_same_v<T, wire::IdentityRequest>) {
            return respond_identity(m, ctx, host);
          } else {
            return none(ResponderError::NotARequest);
          }
        },
        request);
  } catch (const std::exception&) {
    // The crypto layer converts Botan's exceptions; this is the last guard so
    // that nothing escapes a request handler. Answered as ntpd answers a
    // builder failure.
    return error_answer(wire::opcode(request), wire::assoc_id(request), ResponderError::SigningFailed);
  }
}

Answer respond(const wire::ExtensionField& request, const RequestContext& ctx, const Host& host) {
  if (request.response || request.error) return none(ResponderError::NotARequest);
  auto decoded = wire::decode(request);
  if (!decoded) {
    // ntpd's builder fails on such a field and answers with the error
    // response of the same code (digest §10.4).
    Answer a;
    a.kind = Answer::Kind::ErrorResponse;
    a.field = error_field(request.code, request.assoc_id);
    a.wire_error = decoded.error();
    a.reason = (request.code == static_cast<std::uint8_t>(wire::Opcode::Cert) &&
                decoded.error() == wire::WireError::NameTooLong)
                   ? ResponderError::CertSubjectLength
                   : ResponderError::UndecodableRequest;
    return a;
  }
  return respond(*decoded, ctx, host);
}

// ---- packets (digest §10.2) ---------------------------------------------------

namespace {

// The octets a MAC covers: header and every field, exactly as serialized.
std::optional<wire::Bytes> authenticated_octets(const wire::Packet& p) {
  wire::Writer w;
  if (!p.header.serialize(w)) return std::nullopt;
  for (const auto& f : p.fields)
    if (!f.serialize(w)) return std::nullopt;
  return w.data();
}

}  // namespace

ServerReply plan_server_reply(const wire::Packet& request, const RequestContext& ctx, const Host& host) {
  ServerReply plan;
  // Autokey key IDs are above 65535 (digest §6.3); anything else is not ours.
  if (!request.mac || request.mac->key_id <= crypto::kMaxSymmetricKeyId) {
    plan.unauthenticated = true;
    return plan;
  }
  plan.key_id = request.mac->key_id;
  const crypto::Digest d = host.session_digest();
  const std::uint32_t server_cookie = host.server_cookie(ctx.client, ctx.server);
  // Digest §6.4: a packet carrying fields is keyed with cookie 0.
  const std::uint32_t request_cookie = request.fields.empty() ? server_cookie : 0;
  const auto key = crypto::session_key(ctx.client, ctx.server, plan.key_id, request_cookie, d);
  const auto octets = authenticated_octets(request);
  if (!octets || !crypto::mac_matches(key.key, *octets, request.mac->digest, d)) {
    plan.crypto_nak = true;
    return plan;
  }
  // Only the first field is answered (digest §5, §10.2).
  if (!request.fields.empty()) plan.answer = respond(request.fields.front(), ctx, host);
  // Digest §9.7: ntpd screens ASSOC names in receive(), before the packet
  // reaches the protocol, so the whole packet is dropped, not just the field.
  plan.drop = plan.answer && plan.answer->reason == ResponderError::AssocNameScreened;
  plan.reply_cookie = (plan.answer && plan.answer->has_field()) ? 0 : server_cookie;
  return plan;
}

Status<wire::WireError> finish_server_reply(wire::Packet& reply, const ServerReply& plan,
                                            const RequestContext& ctx, const Host& host) {
  if (plan.crypto_nak) {
    reply.fields.clear();
    reply.mac = wire::Mac{0, {}};
    return Ok{};
  }
  if (plan.unauthenticated) {
    reply.mac.reset();
    return Ok{};
  }
  if (plan.answer && plan.answer->has_field()) reply.fields.push_back(plan.answer->field);
  const crypto::Digest d = host.session_digest();
  // Reply key: from this host to the client, the request's key ID (§10.2).
  const auto key = crypto::session_key(ctx.server, ctx.client, plan.key_id, plan.reply_cookie, d);
  reply.mac.reset();
  const auto octets = authenticated_octets(reply);
  if (!octets) return Err{wire::WireError::FieldWiderThanWireBits};
  reply.mac = wire::Mac{plan.key_id, crypto::mac_digest(key.key, *octets, d)};
  if (auto bytes = reply.serialize(); !bytes) return Err{bytes.error()};
  return Ok{};
}

}  // namespace ak::core
