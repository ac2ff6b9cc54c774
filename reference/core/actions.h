// What the protocol engine asks its caller to do (design.md "State machine":
// sans-I/O, datagrams and timer ticks in, actions out).
//
// The engine never touches a socket, a clock or a log file. Each call to
// Engine::handle_datagram / handle_timer returns a list of these; the daemon
// performs them (send, arm a timer, write a cryptostats line ...) and tests
// inspect them. Nothing here ever carries private key material.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "wire/address.h"
#include "wire/ntp_header.h"
#include "wire/reader.h"

namespace ak::core {

// Send `bytes` from local address `from` to `to` (UDP port 123 both ends).
struct Send {
  wire::Bytes bytes;
  wire::Address to;
  wire::Address from;
};

// The timers an association keeps (autokey-protocol.md §6.10, §9.8).
enum class TimerKind : std::uint8_t {
  Poll,     // next transmission of a client/symmetric/broadcast association
  Refresh,  // 2^19 s after the last restart: re-run the dance (NTP_REFRESH)
};
std::string_view to_string(TimerKind t);

// Call Engine::handle_timer(at) no later than `at` (NTP seconds). The engine
// tolerates early and extra calls; a timer is a hint, not a promise.
struct SetTimer {
  std::uint32_t assoc_id = 0;
  TimerKind which = TimerKind::Poll;
  std::uint32_t at = 0;
};

// The kinds of things an operator wants to read in cryptostats / syslog.
enum class LogEvent : std::uint8_t {
  Mobilized,
  Demobilized,
  Restarted,        // peer_clear: all Autokey state dropped, dance starts over
  Rejected,         // a datagram or field was refused (text says which rule)
  Accepted,         // a response was verified and applied
  SignatureUpdate,  // the host re-signed its values (crypto_update)
  ServerReply,      // the stateless responder answered a request
};
std::string_view to_string(LogEvent e);

struct Log {
  LogEvent event = LogEvent::Rejected;
  std::uint32_t assoc_id = 0;  // 0 = not about one association
  std::string text;
};

// The association is gone (ephemeral association given up, or removed by the
// caller); the daemon drops whatever it keeps for it.
struct Demobilize {
  std::uint32_t assoc_id = 0;
};

// An association's progress word changed (ntpd's peer->crypto, digest §9.1):
// the daemon writes a cryptostats line and announces the new flags in its
// mode-6 view. `xevnt` is ntpd's event code of the step (0x100 = OK).
struct CryptoEvent {
  std::uint32_t assoc_id = 0;
  std::uint32_t old_flags = 0;
  std::uint32_t new_flags = 0;
  std::uint16_t xevnt = 0x100;
  std::string text;  // e.g. "cert servername@servername 0x5 md5WithRSAEncryption"
};

// A packet that passed every Autokey test (a server reply, a symmetric
// peer's packet or a broadcast): the timekeeping layer may use it when
// `proventic` (PROV lit, digest §9.3); otherwise it must not. `header` is
// the packet's whole NTP header as received (RFC 5905 §7.3), `mode` its mode,
// so the time service can run the on-wire protocol of that mode.
struct Sample {
  std::uint32_t assoc_id = 0;
  bool proventic = false;
  std::uint64_t origin_ts = 0;    // header fields the on-wire protocol needs
  std::uint64_t receive_ts = 0;
  std::uint64_t transmit_ts = 0;
  wire::NtpHeader header{};
  wire::Mode mode = wire::Mode::Server;
};

using Action = std::variant<Send, SetTimer, Log, Demobilize, CryptoEvent, Sample>;

// "send 10.123.0.1 <- 10.123.0.2 116 octets", "timer 20189 poll at 4004703025" ...
std::string describe(const Action& a);

}  // namespace ak::core
