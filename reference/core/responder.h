// The server side of Autokey: the response to one request extension field
// (RFC 5906 §10; autokey-protocol.md §5, §10.2-§10.4, ntpd's crypto_xmit).
//
// Stateless: everything comes from the request, the context and the Host;
// nothing about the client is kept (a stateless server must not be made to
// hold per-client memory, security-history §4 property 7). The symmetric
// responder (digest §10.3) uses the same function with the association's
// values in the context.
//
// Every refusal is typed (ResponderError) and answered, as ntpd answers it,
// with the 8-octet error response 0xC2cc0008 (or, for CERT, the empty
// response 0x82020008). An error answer is never longer than 8 octets, so a
// hostile request cannot buy a large reply (no amplification).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/host.h"
#include "wire/address.h"
#include "wire/extension_field.h"
#include "wire/messages/message.h"
#include "wire/packet.h"
#include "wire/result.h"

namespace ak::core {

enum class ResponderError : std::uint8_t {
  // Dispatch.
  NotARequest,           // the field is a response or error response (R or E set): not answered
  NullRequest,           // NULL has no handler: error response (digest §5.0)
  UndecodableRequest,    // the field does not decode as a request (wire rule in `wire`)
  // CERT (digest §5.2).
  CertSubjectLength,     // subject not 1..512 octets (XEVNT_LEN): error response
  CertNotFound,          // no certificate to serve for that subject: empty response
  CertUnsynchronized,    // this host has not signed its values yet: empty response
  // COOK (digest §5.3).
  CookPublicKeyUnreadable,  // not a DER RSAPublicKey (XEVNT_PUB)
  CookPublicKeyPolicy,      // the requester's key breaks the policy (XEVNT_PUB)
  CookEncryptFailed,        // OAEP encryption refused the key (XEVNT_CKY)
  // AUTO (digest §5.4).
  AutoNoAssociation,     // no association with that ID has autokey values (XEVNT_ERR)
  // LEAP (digest §5.5): never refused; unsynchronized gives vl = 0 as ntpd.
  // SIGN (digest §5.6, §8.6).
  SignUnsynchronized,         // now == 0 (XEVNT_TSP)
  SignCertificateUnreadable,  // request value is not an Autokey certificate (XEVNT_CRT)
  SignCertificatePolicy,      // its key or digest breaks the policy (XEVNT_PUB)
  SignOwnCertificateNotValid, // own host certificate outside its validity now (XEVNT_PER)
  SignIssueFailed,            // building or self-checking the new certificate failed (XEVNT_VFY)
  // IFF / GQ / MV (digest §5.7-§5.9).
  IdentityNotServed,          // no server key file for that scheme (XEVNT_ID)
  IdentityChallengeLength,    // challenge not exactly the modulus' octets (XEVNT_LEN; NEW-2)
  IdentityChallengeRange,     // challenge 0 or not below the modulus (XEVNT_LEN; NEW-2)
  IdentityProverFailed,       // the prover refused its own parameters (XEVNT_ID)
  // Any response value.
  SigningFailed,              // signing the response value failed (XEVNT_ERR)
  // ASSOC screening (digest §9.7), only when this host's subject has a group.
  AssocNameScreened,          // name without '@' or of 257+ octets: dropped, no answer
};
const char* message(ResponderError e);
std::string_view name(ResponderError e);
// ntpd's XEVNT_* code for the refusal (crypto/errors.h xevnt::).
std::uint16_t xevnt_code(ResponderError e);

// Where and when the request arrived, and the association context of a
// symmetric responder (digest §10.3). A stateless server leaves the optional
// members empty.
struct RequestContext {
  wire::Address client;  // the request's source address
  wire::Address server;  // the request's destination (this host's address)
  // crypto_time(): NTP seconds, 0 while this host is unsynchronized.
  std::uint32_t now = 0;
  // Symmetric responder: the association's own ID, which the ASSOC response
  // carries instead of the request's (digest §3.4).
  std::optional<std::uint32_t> own_assoc_id;
  // Symmetric responder: the association's host cookie, sent in COOK instead
  // of the server cookie (digest §5.3).
  std::optional<std::uint32_t> host_cookie;
  // AUTO: the signed autokey values of the association the request names
  // (Host::sign_autokey), or nullptr if there is none. Unset = none.
  std::function<const wire::AutoResponse*(std::uint32_t assoc_id)> autokey_values;
};

struct Answer {
  enum class Kind : std::uint8_t {
    Response,       // a response field carrying a value
    EmptyResponse,  // 0x82cc0008: nothing to send, no error (CERT)
    ErrorResponse,  // 0xC2cc0008: building failed; the requester restarts
    None,           // nothing at all (the field was not a request)
  };
  Kind kind = Kind::None;
  // The field to append; meaningless when kind == None.
  wire::ExtensionField field;
  // The typed response when kind == Response (a wire::*Response variant).
  // Absent only for the LEAP answer of a never-updated host, whose vl = 0
  // value structure (as ntpd sends it, digest §5.5) has no typed form.
  std::optional<wire::Message> message;
  // Why there is no value (every kind but Response).
  std::optional<ResponderError> reason;
  // The wire rule, when reason == UndecodableRequest.
  std::optional<wire::WireError> wire_error;

  bool has_field() const { return kind != Kind::None; }
};

// The response to one decoded request. `host` is const: nothing is
// remembered; randomness (OAEP padding, identity nonces) is drawn from
// host.rng().
Answer respond(const wire::Message& request, const RequestContext& ctx, const Host& host);
// The same from a raw field as it arrived (decodes it first; a field that
// does not decode gets the error response, as ntpd's builder fails on it).
Answer respond(const wire::ExtensionField& request, const RequestContext& ctx, const Host& host);

// fast_xmit's Autokey part (digest §10.2) for a client-mode request packet:
// the request's MAC is checked with the server cookie (cookie 0 if the
// request carries fields), only the first field is answered, and the reply's
// key is (server, client, request key ID, cookie 0 if the reply carries a
// field, else the server cookie).
struct ServerReply {
  // MAC failed: send the crypto-NAK (header + 4 zero octets) instead.
  bool crypto_nak = false;
  // No MAC in the request (not Autokey, or symmetric key ID): plain reply.
  bool unauthenticated = false;
  std::optional<Answer> answer;      // for the first field, if any
  std::uint32_t key_id = 0;          // the request's key ID, reused
  std::uint32_t reply_cookie = 0;    // cookie for the reply's session key
  // Send nothing at all: the request was screened out before any answer
  // (an ASSOC name without '@' sent to a host with a group, digest §9.7).
  bool drop = false;
};
ServerReply plan_server_reply(const wire::Packet& request, const RequestContext& ctx, const Host& host);
// Appends the planned field (if any) and the MAC to `reply`, whose header
// the caller filled in (server mode, origin = request transmit time ...).
// Does nothing to the fields for crypto_nak/unauthenticated plans besides
// the NAK MAC. Errors: the wire layer refused the packet.
Status<wire::WireError> finish_server_reply(wire::Packet& reply, const ServerReply& plan,
                                            const RequestContext& ctx, const Host& host);

}  // namespace ak::core
