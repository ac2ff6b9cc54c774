#include "core/transitions.h"

#include <array>

#include "wire/flags.h"

namespace ak::core {

namespace cf = wire::crypto_flag;
using wire::Opcode;

std::string_view to_string(State s) {
  switch (s) {
    case State::Unassociated: return "unassociated";
    case State::CertificateTrail: return "certificate-trail";
    case State::IdentityProof: return "identity-proof";
    case State::CookieExchange: return "cookie-exchange";
    case State::AutokeyExchange: return "autokey-exchange";
    case State::Unsynchronized: return "unsynchronized";
    case State::CertificateSigning: return "certificate-signing";
    case State::LeapsecondExchange: return "leapsecond-exchange";
    case State::Complete: return "complete";
  }
  return "?";
}

std::string_view to_string(Event e) {
  switch (e) {
    case Event::AssocResponse: return "association-response";
    case Event::CertResponse: return "certificate-response";
    case Event::CookResponse: return "cookie-response";
    case Event::AutoResponse: return "autokey-response";
    case Event::LeapResponse: return "leapseconds-response";
    case Event::SignResponse: return "sign-response";
    case Event::IdentityResponse: return "identity-response";
    case Event::EmptyResponse: return "empty-response";
    case Event::ErrorResponse: return "error-response";
    case Event::Request: return "request";
    case Event::CryptoNak: return "crypto-NAK";
    case Event::PollTimer: return "poll-timer";
    case Event::RefreshTimer: return "refresh-timer";
    case Event::SilenceTimer: return "silence-timer";
  }
  return "?";
}

Event event_of(const wire::ExtensionField& ef) {
  if (!ef.response) return Event::Request;
  if (ef.error) return Event::ErrorResponse;
  if (ef.is_short_form()) return Event::EmptyResponse;
  switch (ef.opcode().value_or(Opcode::Null)) {
    case Opcode::Assoc: return Event::AssocResponse;
    case Opcode::Cert: return Event::CertResponse;
    case Opcode::Cook: return Event::CookResponse;
    case Opcode::Auto: return Event::AutoResponse;
    case Opcode::Leap: return Event::LeapResponse;
    case Opcode::Sign: return Event::SignResponse;
    case Opcode::Iff:
    case Opcode::Gq:
    case Opcode::Mv: return Event::IdentityResponse;
    case Opcode::Null: break;
  }
  // A long response with code 0 or above 9: no such message (digest §5
  // "Unknown/unexpected"); treated like an error response.
  return Event::ErrorResponse;
}

namespace {

// Digest §9.2, client table. The identity row names IFF as a stand-in: the
// scheme actually used is the association's (IFF, GQ or MV).
constexpr std::array kClientRules{
    RequestRule{State::Unassociated, "crypto == 0", Opcode::Assoc, "digest §9.2 rule 1"},
    RequestRule{State::CertificateTrail, "CERT dark", Opcode::Cert, "digest §9.2 rule 2"},
    RequestRule{State::IdentityProof, "VRFY dark", Opcode::Iff, "digest §9.2 rule 3"},
    RequestRule{State::CookieExchange, "COOK dark", Opcode::Cook, "digest §9.2 rule 4"},
    RequestRule{State::AutokeyExchange, "AUTO dark", Opcode::Auto, "digest §9.2 rule 5"},
    RequestRule{State::Unsynchronized, "host clock unsynchronized", std::nullopt, "digest §9.2 rule 6"},
    RequestRule{State::CertificateSigning, "SIGN dark", Opcode::Sign, "digest §9.2 rule 7"},
    RequestRule{State::LeapsecondExchange, "LEAP dark", Opcode::Leap, "digest §9.2 rule 8"},
    RequestRule{State::Complete, "otherwise", std::nullopt, "digest §9.2 rule 9"},
};

// Digest §9.2, symmetric table (rule 0, the queued response, and rule 6,
// the AUTO push, ride along with whatever these rows choose).
constexpr std::array kSymmetricRules{
    RequestRule{State::Unassociated, "crypto == 0", Opcode::Assoc, "digest §9.2 symmetric rule 1"},
    RequestRule{State::CertificateTrail, "CERT dark", Opcode::Cert, "digest §9.2 symmetric rule 2"},
    RequestRule{State::IdentityProof, "VRFY dark", Opcode::Iff, "digest §9.2 symmetric rule 3"},
    RequestRule{State::CookieExchange, "host and peer synchronized and COOK dark", Opcode::Cook,
                "digest §9.2 symmetric rule 4"},
    RequestRule{State::AutokeyExchange, "AUTO dark", Opcode::Auto, "digest §9.2 symmetric rule 5"},
    RequestRule{State::Unsynchronized, "host clock unsynchronized", std::nullopt, "digest §9.2 symmetric rule 7"},
    RequestRule{State::CertificateSigning, "SIGN dark", Opcode::Sign, "digest §9.2 symmetric rule 8"},
    RequestRule{State::LeapsecondExchange, "LEAP dark", Opcode::Leap, "digest §9.2 symmetric rule 9"},
    RequestRule{State::Complete, "otherwise", std::nullopt, "digest §9.2"},
};

bool dark(std::uint32_t flags, std::uint32_t bit) { return (flags & bit) == 0; }

// The condition column, row by row.
bool holds(State row, std::uint32_t flags, bool synced, RequestTable table, bool peer_synced) {
  switch (row) {
    case State::Unassociated: return flags == 0;
    case State::CertificateTrail: return dark(flags, cf::kCert);
    case State::IdentityProof: return dark(flags, cf::kVrfy);
    case State::CookieExchange:
      // Digest §9.2 symmetric rule 4: a peer whose clock is not set answers
      // COOK unsigned (timestamp 0), so asking it first would be wasted.
#ifndef AK_MUTANT_COOK_IGNORES_PEER_CLOCK
      return dark(flags, cf::kCook) && (table == RequestTable::Client || (synced && peer_synced));
#else
      (void)peer_synced;  // MUTANT (docs/mutants.md): only our own clock counts
      return dark(flags, cf::kCook) && (table == RequestTable::Client || synced);
#endif
    case State::AutokeyExchange: return dark(flags, cf::kAuto);
    case State::Unsynchronized: return !synced;
    case State::CertificateSigning: return dark(flags, cf::kSign);
    case State::LeapsecondExchange: return dark(flags, cf::kLeap);
    case State::Complete: return true;
  }
  return true;
}

constexpr std::uint32_t kAll = (1u << kStateCount) - 1;
constexpr std::uint32_t kAssociated = kAll & ~state_bit(State::Unassociated);
// AUTO values are also taken in CookieExchange: a symmetric association
// asks for them before its cookie while the peer's clock is not known to be
// set (symmetric rule 4 then skips COOK), and a peer may push them (§6.8).
constexpr std::uint32_t kFromAutokey = state_bit(State::CookieExchange) | state_bit(State::AutokeyExchange) |
                                       state_bit(State::Unsynchronized) | state_bit(State::CertificateSigning) |
                                       state_bit(State::LeapsecondExchange) | state_bit(State::Complete);

// One handler per event. A response is handled only in the state whose
// request asked for it; elsewhere it is refused as unexpected, so a late,
// duplicated or replayed response can never move an association.
constexpr std::array kTable{
    TransitionRow{Event::AssocResponse, kAll, "on_assoc_response", cf::kAuto | cf::kLeap,
                  "first: store status word, peer assoc ID, digest; later: same assoc ID ignored, other refused",
                  "RFC 5906 §10.1; digest §5.1"},
    TransitionRow{Event::CertResponse, state_bit(State::CertificateTrail), "on_cert_response", cf::kCert | cf::kVrfy,
                  "verify, keep provisionally, walk one step up the trail; trusted root lights CERT (and VRFY for TC)",
                  "RFC 5906 §10.2; digest §5.2, §8.5"},
    TransitionRow{Event::IdentityResponse, state_bit(State::IdentityProof), "on_identity_response", cf::kVrfy,
                  "signature, filestamp, outstanding challenge, proof: lights VRFY",
                  "RFC 5906 App. E-G; digest §5.7-§5.9"},
    TransitionRow{Event::CookResponse, state_bit(State::CookieExchange), "on_cook_response", cf::kCook | cf::kProv,
                  "signature, decrypt 4-octet cookie: lights COOK (PROV), purges the key list",
                  "RFC 5906 §10.3; digest §5.3"},
    TransitionRow{Event::AutoResponse, kFromAutokey, "on_auto_response", cf::kAuto | cf::kProv,
                  "signature, timestamps not older than the stored values: stores key and seq",
                  "RFC 5906 §10.4; digest §5.4"},
    TransitionRow{Event::SignResponse, state_bit(State::CertificateSigning), "on_sign_response",
                  cf::kSign | cf::kProv, "signature, certificate for our own name and key: lights SIGN",
                  "RFC 5906 §10.6; digest §5.6"},
    TransitionRow{Event::LeapResponse, state_bit(State::LeapsecondExchange), "on_leap_response",
                  cf::kLeap | cf::kProv, "signature, 12-octet value: lights LEAP, re-signs host values",
                  "RFC 5906 §10.5; digest §5.5"},
    TransitionRow{Event::EmptyResponse, kAll, "on_empty_response", 0, "nothing to apply; the request is repeated",
                  "digest §5 'Empty responses'"},
    TransitionRow{Event::ErrorResponse, kAll, "on_error_response", 0,
                  "logged and refused; never restarts (an error field is not authenticated)",
                  "RFC 5906 §10; digest §9.8 (deliberate divergence)"},
    TransitionRow{Event::Request, kAll, "on_request", 0,
                  "symmetric: queued for the next transmission (one slot); client: refused",
                  "digest §9.6, §10.3"},
    TransitionRow{Event::CryptoNak, kAll, "on_crypto_nak", 0, "logged; never clears nor demobilizes",
                  "digest §2.4; security-history §4 property 8"},
    TransitionRow{Event::PollTimer, kAll, "on_poll", 0, "send the request of the current state's row",
                  "digest §9.2, §6.8"},
    TransitionRow{Event::RefreshTimer, kAssociated, "on_refresh", 0, "restart from ASSOC (NTP_REFRESH)",
                  "digest §6.10, §9.8"},
    TransitionRow{Event::SilenceTimer, kAssociated, "on_silence", 0,
                  "no authentic reply for many polls: restart from ASSOC", "digest §9.8 (our rule)"},
};
static_assert(kTable.size() == kEventCount);

}  // namespace

std::span<const RequestRule> request_rules(RequestTable table) {
  if (table == RequestTable::Symmetric) return kSymmetricRules;
  return kClientRules;
}

State state_of(std::uint32_t flags, bool host_synchronized, RequestTable table, bool peer_synchronized) {
  for (const RequestRule& r : request_rules(table)) {
    if (holds(r.state, flags, host_synchronized, table, peer_synchronized)) return r.state;
  }
  return State::Complete;
}

std::optional<wire::Opcode> request_for(State s, RequestTable table) {
  for (const RequestRule& r : request_rules(table)) {
    if (r.state == s) return r.request;
  }
  return std::nullopt;
}

std::span<const TransitionRow> transition_table() { return kTable; }

const TransitionRow& transition_for(Event e) {
  for (const TransitionRow& row : kTable) {
    if (row.event == e) return row;
  }
  return kTable.back();  // unreachable: the static_assert keeps one row per event
}

}  // namespace ak::core
