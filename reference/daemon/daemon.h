// The reference daemon's logic, sans I/O: datagrams and timer ticks in;
// datagrams, log lines and statistics lines out.
//
//   Daemon::create(config, environment)   reads keys, sets up sources
//   handle_datagram(bytes, from, to)      a UDP payload arrived
//   handle_timer()                        time passed (call at next_wakeup())
//
// Behind it sit the RFC 5905 time service (timesvc/), which selects and
// follows the configured sources and fills every header we send, and the
// Autokey engine (core/), which runs each `server|peer|broadcast ADDR
// autokey` association (and the passive peers and broadcast clients it
// mobilizes) and authenticates every packet; the engine asks the time
// service for the header of each packet it sends. Reference clocks come from hw/. The
// daemon never adjusts the system clock: it has no discipline at all and
// behaves as ntpd with `disable ntp` (it selects, follows and serves).
//
// Time is read only through the injected hw::Clock and randomness comes
// only from the injected source, so two Daemons in one test process can talk
// to each other on a simulated timeline.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/engine.h"
#include "core/host.h"
#include "daemon/endpoint.h"
#include "daemon/leapfile.h"
#include "daemon/output.h"
#include "hw/refclock.h"
#include "timesvc/system.h"
#include "wire/address.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::daemon {

// An outgoing UDP datagram.
struct Datagram {
  wire::Bytes bytes;
  Endpoint to;
  Endpoint from;
};

// What the daemon takes from its surroundings (the OS layer in autokeyd,
// fakes in tests).
struct Environment {
  const hw::Clock* clock = nullptr;       // the only time source; never written
  core::RandomSource random;              // empty: the system CSPRNG
  Output* output = nullptr;               // log and statistics sink; required
  std::string system_host;                // gethostname(): default `crypto host`
  // The address this host sends from towards `remote` (session keys hash
  // it, RFC 5906 §4). Empty function: the loopback address of remote's family.
  std::function<std::optional<wire::Address>(const wire::Address& remote)> local_address_for;
  std::string config_name = "ntp.conf";  // names the file in start-up errors
  std::optional<std::uint16_t> port;  // --port: overrides `port N`
  std::optional<int> poll_log2;       // --poll: every association polls each 2^N s
  // Host names in `server`, `peer`, `broadcast` and `pool` lines: the
  // addresses `name` resolves to (family 4, 6 or 0 for either, from -4/-6),
  // in the resolver's order. Empty function: names are refused.
  std::function<std::vector<wire::Address>(const std::string& name, int family)> resolve;
};

// Why the daemon refuses to start. Each message tells the operator what to
// change; none contains a password or key material.
enum class StartupErrorCode : std::uint8_t {
  AutokeyNotConfigured,      // `autokey` on an association but no `crypto` line (ntpd's words)
  KeyFileProblem,            // a key file is missing, unreadable or does not decrypt
  HostCredentialsRefused,    // the host key / certificate pair cannot be used (e.g. not self-signed)
  AddressNotNumeric,         // a host name where no resolver is installed (Environment::resolve)
  RefclockNotSupported,      // a 127.127.T.U driver hw/ does not provide
  AssociationNotSupported,   // pool/manycast, or peer/broadcast without Autokey: not run
  AssociationRefused,        // the Autokey engine refused the association (see detail)
  NoClock,                   // Environment without clock or output (programming error)
};
std::string_view name(StartupErrorCode code);

struct StartupError {
  StartupErrorCode code{};
  std::string message;  // complete, operator-actionable sentence(s)
};

// The kind of one configured source.
enum class SourceKind : std::uint8_t { Refclock, Network, Autokey };

// Read-only view of one association, for mode 6 and tests.
struct SourceView {
  std::uint16_t assoc_id = 0;      // mode-6 association ID (the engine's for Autokey)
  SourceKind kind{};
  std::string label;               // "127.127.1.0", "10.123.0.1"
  Endpoint remote;                 // network sources
  Endpoint local;
  std::size_t peer_id = 0;         // time-service peer index
  std::uint16_t status = 0;        // mode-6 peer status word
  std::optional<core::AssociationView> autokey;  // Autokey sources
  std::optional<core::PeerMode> mode;            // Autokey sources: client, symmetric, broadcast
  std::optional<std::uint8_t> peer_mode;         // mode of the peer's last authentic packet
  std::optional<std::string> ident;              // `ident NAME` of the association
};

class Daemon {
 public:
  static Result<std::unique_ptr<Daemon>, StartupError> create(const config::Config& config, Environment env);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // The UDP port to listen on: --port, else `port N`, else 123.
  std::uint16_t port() const { return port_; }

  std::vector<Datagram> handle_datagram(wire::ByteView bytes, const Endpoint& from, const Endpoint& to);
  std::vector<Datagram> handle_timer();
  // When handle_timer wants to run next (never more than a second away).
  hw::Timespec next_wakeup() const;

  // ---- views (mode 6, tests) ----------------------------------------------
  const timesvc::TimeService& time_service() const { return time_; }
  const core::Engine* engine() const { return engine_.get(); }
  std::vector<SourceView> sources() const;
  std::optional<SourceView> source(std::uint16_t assoc_id) const;
  // READCLOCK (`cv`): hw::clock_variables of the reference clock behind
  // `assoc_id` (0: the system peer); nullopt for any other association.
  std::optional<std::vector<std::pair<std::string, std::string>>> clock_variables(std::uint16_t assoc_id) const;
  // The system crypto status word (ntpq `flags`): 0 without crypto.
  std::uint32_t crypto_flags() const;
  // ntp.conf `ident` (top level), shown by the `ident` system variable.
  const std::optional<std::string>& system_ident() const { return config_.ident; }
  // The digest `crypto digest` chose ("md5" ...), when crypto is on.
  std::optional<std::string> crypto_digest_name() const;
  // Time of the last signature update (NTP seconds), 0 if none.
  std::uint32_t last_update() const;
  // Mode-6 system status word (LI, clock source, event count, last event).
  std::uint16_t system_status() const;
  const hw::Clock& clock() const { return *env_.clock; }
  // Leap values (TAI offset, era start, expiry; NTP seconds, low 32 bits):
  // the host's when Autokey runs and has some, else the `leapfile`'s.
  std::optional<core::LeapValues> leap_values() const;
  // The `leapfile` was read and parsed.
  bool has_leap_table() const { return leap_table_.has_value(); }

 private:
  struct Source;
  Daemon(const config::Config& config, Environment env);
  Status<StartupError> setup_crypto();
  void load_leapfile(const std::string& path);
  // The configured associations with host names resolved and `pool` lines
  // turned into `server` lines (Environment::resolve).
  Result<std::vector<config::Association>, StartupError> resolve_names();
  static constexpr std::size_t kMaxPoolServers = 8;
  // The leap file's values as of `sec` (NTP seconds) become the host's when
  // a transition the file announced has passed.
  void follow_leap_table(std::uint32_t sec);
  Status<StartupError> setup_sources();
  std::uint16_t fresh_assoc_id();

  timesvc::NtpTimestamp now() const;
  std::uint32_t now_seconds() const;
  // `from`: the datagram the actions answer, if any (nullopt for timers).
  void run_actions(std::vector<core::Action> actions, std::vector<Datagram>& out,
                   const std::optional<Endpoint>& from, timesvc::NtpTimestamp arrival);
  // The engine's header provider: the time service's header for each packet.
  void provide_header(const core::HeaderContext& c, wire::NtpHeader& h);
  // An authenticated packet's timestamps into the time service, by mode.
  void time_sample(Source& s, const core::Sample& sample, timesvc::NtpTimestamp arrival);
  // Sources for associations the engine mobilized by itself.
  void adopt_engine_associations(const std::optional<Endpoint>& from);
  void forget_source(std::uint16_t assoc_id);
  void check_synchronization(std::vector<Datagram>& out);
  void server_reply(wire::ByteView bytes, const Endpoint& from, const Endpoint& to,
                    timesvc::NtpTimestamp arrival, std::vector<Datagram>& out);
  void network_reply(Source& s, wire::ByteView bytes, const Endpoint& to, timesvc::NtpTimestamp arrival);
  void peerstats(const Source& s);
  void cryptostats(const std::string& address, std::string_view text);
  void log(std::string_view text);
  // Lines caused by packets from the network: rate limited.
  void log_network(std::string_view text);
  Source* find_network_source(const Endpoint& from);
  Source* find_autokey_source(const wire::Address& remote);
  Source* find_by_assoc(std::uint16_t assoc_id);
  const Source* find_by_assoc(std::uint16_t assoc_id) const;
  std::uint16_t status_word(const Source& s) const;
  Endpoint local_towards(const wire::Address& remote) const;
  // The `restrict` flags that apply to a source address.
  std::vector<std::string> restrictions(const wire::Address& source) const;

  config::Config config_;
  Environment env_;
  std::uint16_t port_ = 123;
  timesvc::TimeService time_;
  std::unique_ptr<core::Engine> engine_;
  std::optional<LeapTable> leap_table_;
  std::vector<std::unique_ptr<Source>> sources_;
  // Engine wake-ups it asked for (SetTimer), NTP seconds, earliest first.
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> engine_timers_;
  // Where in its second the engine's next tick falls (a 32-bit NTP
  // fraction), drawn anew after every tick: the engine counts whole seconds,
  // and two daemons ticking on the same second boundary send their
  // symmetric packets at the same instant, so that they cross and both fail
  // the RFC 5905 origin test. ntpd randomizes its poll times for the same reason.
  std::uint32_t tick_phase_ = 0;
  bool engine_synchronized_ = false;
  std::optional<std::size_t> last_system_peer_;
  static constexpr unsigned kNetworkLogsPerMinute = 30;
  std::uint32_t net_log_window_ = 0;
  unsigned net_log_count_ = 0;
  unsigned net_log_suppressed_ = 0;
  unsigned system_events_ = 0;
  unsigned last_system_event_ = 0;
};

}  // namespace ak::daemon
