// The Autokey association state machine as ONE table (design.md "State
// machine"; RFC 5906 and autokey-protocol.md §9).
//
// An association's state is not stored: it is read off its progress bits
// (ntpd's peer->crypto, digest §9.1) and whether this host's clock is
// synchronized, by the first matching row of the request-selection list
// (digest §9.2). So the state can never disagree with the bits, and the
// request an association sends in a state is the one named in its row.
//
// Events are the messages that arrive (by kind) and the timers. Each event
// has one handler; transition_table() says in which states it is accepted,
// which bit it may light and where the rule comes from. docs/ can draw the
// state diagram from request_rules() and transition_table() alone.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "wire/extension_field.h"

namespace ak::core {

// RFC 5906's names for the exchanges, in the order a client runs them.
enum class State : std::uint8_t {
  Unassociated,       // no ASSOC exchange yet (peer->crypto == 0)
  CertificateTrail,   // fetching certificates until a trusted root (CERT dark)
  IdentityProof,      // identity scheme running (VRFY dark)
  CookieExchange,     // waiting for the cookie (COOK dark)
  AutokeyExchange,    // waiting for the peer's autokey values (AUTO dark)
  Unsynchronized,     // proventic, but this host's clock is not set: no SIGN/LEAP yet
  CertificateSigning, // asking the server to sign our certificate (SIGN dark)
  LeapsecondExchange, // fetching the leap-second values (LEAP dark)
  Complete,           // every progress bit lit: plain autokey MACs from now on
};
inline constexpr std::size_t kStateCount = 9;
std::string_view to_string(State s);

enum class Event : std::uint8_t {
  AssocResponse,
  CertResponse,
  CookResponse,
  AutoResponse,
  LeapResponse,
  SignResponse,
  IdentityResponse,  // IFF, GQ or MV
  EmptyResponse,     // 0x82cc0008: "nothing for you" (CERT)
  ErrorResponse,     // 0xC2cc0008
  Request,           // a request field (symmetric peers answer it)
  CryptoNak,         // key ID 0, no digest (digest §2.4)
  PollTimer,         // time to transmit
  RefreshTimer,      // NTP_REFRESH elapsed: restart (digest §6.10)
  SilenceTimer,      // no authentic reply for many polls: restart (our rule, §9.8 note)
};
inline constexpr std::size_t kEventCount = 14;
std::string_view to_string(Event e);

// The event a received field is: by code, R and E.
Event event_of(const wire::ExtensionField& ef);

// The association modes that run the client half of the dance.
enum class RequestTable : std::uint8_t { Client, Symmetric };

// One row of digest §9.2's first-match list.
struct RequestRule {
  State state;                           // the state this row defines
  std::string_view condition;            // in the digest's words
  std::optional<wire::Opcode> request;   // the request it sends; nullopt = none
  std::string_view source;               // where the rule is written down
};
// The rows in order; state_of() returns the state of the first row whose
// condition holds.
std::span<const RequestRule> request_rules(RequestTable table);

// What the condition column computes. `flags` is peer->crypto;
// `peer_synchronized` is what the peer's last authentic packet said of its
// clock (ntpd's peer->leap), which only the symmetric COOK row reads.
State state_of(std::uint32_t flags, bool host_synchronized, RequestTable table = RequestTable::Client,
               bool peer_synchronized = true);

// The request a state sends (from its row).
std::optional<wire::Opcode> request_for(State s, RequestTable table = RequestTable::Client);

// One row of the transition table.
struct TransitionRow {
  Event event;
  std::uint32_t accepted_in;  // bit (1 << State) for each state the handler runs in
  std::string_view handler;   // the handler's name, for docs and logs
  std::uint32_t lights;       // progress bits it may light (crypto_flag::k*)
  std::string_view effect;    // what happens, one line
  std::string_view source;    // RFC 5906 / digest section
};
std::span<const TransitionRow> transition_table();
const TransitionRow& transition_for(Event e);

constexpr std::uint32_t state_bit(State s) { return 1u << static_cast<unsigned>(s); }
inline bool accepts(const TransitionRow& row, State s) { return (row.accepted_in & state_bit(s)) != 0; }

}  // namespace ak::core
