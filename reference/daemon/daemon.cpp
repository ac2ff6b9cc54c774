#include "daemon/daemon.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include "control/responder.h"
#include "core/responder.h"
#include "daemon/cryptostats.h"
#include "daemon/leapfile.h"
#include "daemon/variables.h"
#include "crypto/digest.h"
#include "hw/factory.h"
#include "keys/keys_dir.h"
#include "timesvc/on_wire.h"
#include "timesvc/peerstats.h"
#include "timesvc/server.h"
#include "wire/flags.h"
#include "wire/packet.h"

namespace ak::daemon {

namespace cf = wire::crypto_flag;
using timesvc::NtpTimestamp;

std::string_view name(StartupErrorCode code) {
  switch (code) {
    case StartupErrorCode::AutokeyNotConfigured: return "AutokeyNotConfigured";
    case StartupErrorCode::KeyFileProblem: return "KeyFileProblem";
    case StartupErrorCode::HostCredentialsRefused: return "HostCredentialsRefused";
    case StartupErrorCode::AddressNotNumeric: return "AddressNotNumeric";
    case StartupErrorCode::RefclockNotSupported: return "RefclockNotSupported";
    case StartupErrorCode::AssociationNotSupported: return "AssociationNotSupported";
    case StartupErrorCode::AssociationRefused: return "AssociationRefused";
    case StartupErrorCode::NoClock: return "NoClock";
  }
  return "?";
}

// One configured association as the daemon keeps it.
struct Daemon::Source {
  SourceKind kind{};
  std::string label;
  Endpoint remote;
  Endpoint local;
  std::size_t peer_id = 0;
  std::uint16_t assoc_id = 0;
  std::optional<std::string> ident;
  std::unique_ptr<hw::RefClock> clock;
  int refclock_type = 0;  // T of 127.127.T.U, and the fudge it runs with (READCLOCK shows both)
  hw::Fudge fudge;
  bool authentic = false;  // the last reply's MAC verified
  // Mobilized by the engine for a packet (symmetric passive, broadcast
  // client) rather than configured.
  bool ephemeral = false;
  // Mode of the peer's last authentic packet (mode 6 `pmode`).
  std::optional<wire::Mode> peer_mode;
  // --poll N: the daemon paces this source itself (the time service never
  // polls faster than 2^3 s, ntpd's minimum).
  NtpTimestamp forced_next_poll = 0;
  // Reference clocks: when the device is read next, and its newest sample.
  NtpTimestamp next_device_read = 0;
  std::optional<hw::Sample> latest;
  unsigned events = 0;
  unsigned last_event = 0;

  void event(unsigned code) {
    events = std::min(events + 1, 15u);
    last_event = code;
  }
};

namespace {

// Peer event codes of the mode-6 status word (operator-surface §4.5).
constexpr unsigned kEventMobilize = 1;
constexpr unsigned kEventReachable = 4;
constexpr unsigned kEventRestart = 5;
constexpr unsigned kEventSysPeer = 10;
// System event codes.
constexpr unsigned kSysEventClockSync = 5;  // "clock_sync"
constexpr unsigned kSysEventRestart = 1;    // "restart" (ntpd counts its own start as one)

std::optional<crypto::Digest> digest_from_config(const std::string& name) {
  // ntpd looks the name up with OBJ_sn2nid: OpenSSL short names, case-sensitive.
  if (name == "MD5") return crypto::Digest::MD5;
  if (name == "SHA1") return crypto::Digest::SHA1;
  if (name == "SHA224") return crypto::Digest::SHA224;
  if (name == "SHA256") return crypto::Digest::SHA256;
  if (name == "SHA384") return crypto::Digest::SHA384;
  if (name == "SHA512") return crypto::Digest::SHA512;
  if (name == "RIPEMD160") return crypto::Digest::RIPEMD160;
  return std::nullopt;
}

// The refid a source at this address gives us when it is the system peer.
std::uint32_t address_refid(const wire::Address& address) {
  if (address.is_v4()) {
    const auto o = address.octets();
    return (std::uint32_t{o[0]} << 24) | (std::uint32_t{o[1]} << 16) | (std::uint32_t{o[2]} << 8) | o[3];
  }
  // RFC 5905 §7.3: an IPv6 source's refid is the first four octets of the
  // MD5 hash of its address.
  const auto h = crypto::hash(crypto::Digest::MD5, address.octets());
  return (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) | h[3];
}

std::uint32_t refid_from_config(const std::string& text) {
  std::uint32_t r = 0;
  for (std::size_t i = 0; i < 4; ++i)
    r = (r << 8) | (i < text.size() ? static_cast<std::uint8_t>(text[i]) : 0u);
  return r;
}

// Key-file problems the operator can fix, with the fix.
std::string key_file_hint(const keys::KeysDirError& e, const keys::KeysDirOptions& o) {
  std::string hint;
  switch (e.error) {
    case keys::KeyError::FileNotFound:
      if (e.role == keys::KeyRole::Host || e.role == keys::KeyRole::Cert)
        hint = "generate the host key and certificate in " + o.dir.string() +
               " (autokey-keygen -T -p PASSWORD for a trusted host), or point `keysdir` / `crypto host` at them";
      break;
    case keys::KeyError::WrongPassword:
    case keys::KeyError::PasswordRequired:
      hint = "the key file does not decrypt with the configured password: check `crypto pw` (the default is the host name)";
      break;
    default: break;
  }
  return hint;
}

}  // namespace

// ---- construction ---------------------------------------------------------------

Daemon::Daemon(const config::Config& config, Environment env)
    : config_(config), env_(std::move(env)),
      time_(timesvc::SystemConfig{}) {
  port_ = env_.port.value_or(config_.port.value_or(123));
  if (!env_.random) env_.random = core::system_random();
  tick_phase_ = core::random_u32(env_.random);
}

Daemon::~Daemon() = default;

Result<std::unique_ptr<Daemon>, StartupError> Daemon::create(const config::Config& config, Environment env) {
  if (!env.clock || !env.output) return Err{StartupError{StartupErrorCode::NoClock, "daemon: no clock or output"}};
  std::unique_ptr<Daemon> d(new Daemon(config, std::move(env)));
  for (const auto& w : config.warnings) d->log(w);
  for (const auto& e : config.enable) {
    if (e == "ntp")
      d->log("enable ntp: clock discipline is not available in autokeyd; the system clock is left alone");
  }
  if (config.leapfile) d->load_leapfile(*config.leapfile);
  if (config.crypto) {
    if (auto st = d->setup_crypto(); !st) return Err{st.error()};
  }
  if (auto st = d->setup_sources(); !st) return Err{st.error()};
  return d;
}

void Daemon::load_leapfile(const std::string& path) {
  // ntpd goes on without a leap file it cannot use, with a log line.
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    log("leapfile " + path + ": cannot be read; no leap-second table");
    return;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto table = parse_leapfile(text);
  if (!table) {
    log("leapfile " + path + ": " + message(table.error()) + "; no leap-second table");
    return;
  }
  leap_table_ = *table;
  const std::uint64_t sec = now() >> 32;
  const LeapTransition& t = table->in_force(sec);
  std::string next;
  if (t.at < table->transitions.back().at || t.at > sec)
    next = ", next transition " + std::to_string(table->transitions.back().at);
  log("leapfile " + path + ": " + std::to_string(table->transitions.size()) + " transitions, TAI offset " +
      std::to_string(t.tai_offset) + " s" + next + ", expires " + std::to_string(table->expiry) +
      (table->hash_checked ? ", good hash signature" : ", no hash signature"));
}

std::optional<core::LeapValues> Daemon::leap_values() const {
  // The host's values once crypto runs (they may have come from a peer's
  // LEAP response, digest §5.5); else the leap file's.
  if (engine_ && engine_->host().leap().tai_offset != 0) return engine_->host().leap();
  if (leap_table_) return leap_table_->values(now() >> 32);
  return std::nullopt;
}

void Daemon::follow_leap_table(std::uint32_t sec) {
  // A list announces a leap second months ahead: when its transition
  // passes, the values this host signs move on (crypto_update_taichange,
  // RFC 5906 §10.5), unless the host already holds a newer era (learnt
  // from a peer's LEAP response, digest §5.5).
  if (!leap_table_) return;
  const core::LeapValues v = leap_table_->values(sec);
  const core::LeapValues held = engine_->host().leap();
  if (v == held || (held.tai_offset != 0 && held.era_start > v.era_start)) return;
  const auto ups = engine_->host().set_leap(v, engine_synchronized_ ? sec : 0);
  log("leap second table: TAI offset " + std::to_string(v.tai_offset) + " s from " + std::to_string(v.era_start) +
      (ups.empty() ? "" : "; values signed again"));
}

Status<StartupError> Daemon::setup_crypto() {
  const config::Crypto& c = *config_.crypto;
  keys::KeysDirOptions ko;
  // operator-surface §3.2: ntpd's compile-time default keysdir.
  ko.dir = config_.keysdir.value_or("/usr/local/etc");
  ko.host = c.host.value_or(env_.system_host);
  // The group whose files we read: `crypto ident`, else the `ident` of the
  // first Autokey association (whose client parameters we need), else host.
  ko.ident = c.ident.value_or("");
  if (ko.ident.empty()) {
    for (const auto& a : config_.associations)
      if (a.autokey && a.ident) {
        ko.ident = *a.ident;
        break;
      }
  }
  ko.password = c.pw.value_or(ko.host);

  core::HostOptions ho;
  if (c.digest) {
    if (auto d = digest_from_config(*c.digest)) ho.session_digest = *d;
    else log("crypto_config: invalid digest name " + *c.digest);  // ntpd keeps MD5
  }
  if (config_.revoke) ho.revoke_log2 = static_cast<unsigned>(*config_.revoke);
  // RFC 5906 §10.5: the LEAP values this host signs come from its leap file.
  if (leap_table_) ho.leap = leap_table_->values(now() >> 32);

  auto loaded = keys::load_keys_dir(ko);
  if (!loaded) {
    std::string msg = "crypto: cannot load the Autokey keys from keysdir " + ko.dir.string() + " (host " + ko.host +
                      "): " + keys::describe(loaded.error());
    if (auto hint = key_file_hint(loaded.error(), ko); !hint.empty()) msg += "; " + hint;
    return Err{StartupError{StartupErrorCode::KeyFileProblem, msg}};
  }
  // Start-up cryptostats lines (operator-surface §5.1): each key file loaded
  // with its size, the certificate with its flags and length, then setup.
  const std::string host_file = loaded->host.file_name;
  const unsigned host_bits = static_cast<unsigned>(loaded->host.value->get_n().bits());
  const std::string cert_file =
      loaded->certificate.header_name.empty() ? loaded->certificate.file_name : loaded->certificate.header_name;
  const std::size_t cert_len = loaded->certificate.der.size();
  std::optional<std::pair<std::string, unsigned>> iff_line;
  if (loaded->iff_key) iff_line = {loaded->iff_key->file_name, dsa_mod_bits(loaded->iff_key->value.q)};

  auto host = core::Host::create(std::move(loaded).value(), ho, env_.random);
  if (!host) {
    std::string msg = "crypto: the host credentials in " + ko.dir.string() + " cannot be used: " + core::describe(host.error());
    if (host.error().error == core::HostError::CertificateNotSelfSigned)
      msg += "; ntpkey_cert_" + ko.host + " must be the self-signed certificate made with the host key (autokey-keygen)";
    return Err{StartupError{StartupErrorCode::HostCredentialsRefused, msg}};
  }
  cryptostats("0.0.0.0", host_file + " mod " + std::to_string(host_bits));
  char buf[64];
  std::snprintf(buf, sizeof buf, " 0x%x len %zu", host->certificate().trusted ? 1u : 0u, cert_len);
  cryptostats("0.0.0.0", cert_file + buf);
  if (iff_line) cryptostats("0.0.0.0", iff_line->first + " mod " + std::to_string(iff_line->second));

  core::EngineOptions eo;
  if (config_.automax) eo.automax_log2 = static_cast<unsigned>(*config_.automax);
  // Client-mode requests are answered here, with the time service's header
  // (real timestamps, stratum, refid) and the engine's stateless responder.
  eo.serve = false;
  // Ephemeral associations (a symmetric-passive peer, a broadcast client's
  // server) verify with the top-level `ident` group, else `crypto ident`
  // (operator-surface §3.4), using whichever client parameters we hold.
  const std::optional<std::string> passive_group = config_.ident ? config_.ident : c.ident;
  if (passive_group) {
    eo.passive_ident = *passive_group;
    eo.passive_scheme = host->iff_par() ? core::Scheme::Iff
                        : host->gq_par() ? core::Scheme::Gq
                        : host->mv_par() ? core::Scheme::Mv
                                         : core::Scheme::Tc;
  }
  // ntpd mobilizes a symmetric-passive association for an authenticated
  // symmetric-active peer unless `restrict ... nopeer` says otherwise
  // (checked per packet in handle_datagram).
  eo.accept_symmetric_passive = true;
  eo.broadcast_client = config_.broadcastclient;
  // --poll N paces the associations the engine mobilizes too.
  if (env_.poll_log2) eo.passive_poll_log2 = static_cast<unsigned>(*env_.poll_log2);
  engine_ = std::make_unique<core::Engine>(std::move(host).value(), eo);
  // Every packet the engine sends carries the time service's header
  // (RFC 5905 §7.3), stamped before its MAC is computed.
  engine_->set_header_provider(
      [this](const core::HeaderContext& hc, wire::NtpHeader& h) { provide_header(hc, h); });

  const std::uint32_t flags = engine_->host().status().raw;
  std::snprintf(buf, sizeof buf, "setup 0x%x host ", flags);
  cryptostats("0.0.0.0", std::string(buf) + (c.ident ? *c.ident : ko.host) + " " +
                             wire::signature_nid_name(static_cast<std::uint16_t>(flags >> 16)));
  const core::Host& h = engine_->host();
  if (h.iff_par()) log("client identity parameters (IFF): " + h.iff_par()->file_name);
  if (h.gq_par()) log("client identity parameters (GQ): " + h.gq_par()->file_name);
  if (h.mv_par()) log("client identity parameters (MV): " + h.mv_par()->file_name);
  return Ok{};
}

std::uint16_t Daemon::fresh_assoc_id() {
  std::set<std::uint32_t> used;
  for (const auto& s : sources_) used.insert(s->assoc_id);
  if (engine_)
    for (const auto& v : engine_->associations()) used.insert(v.assoc_id);
  for (;;) {
    std::uint32_t id = (core::random_u32(env_.random) & 0x7fff) + 1;
    if (!used.count(id)) return static_cast<std::uint16_t>(id);
  }
}

Endpoint Daemon::local_towards(const wire::Address& remote) const {
  std::optional<wire::Address> local;
  if (env_.local_address_for) local = env_.local_address_for(remote);
  if (!local) {
    local = remote.is_v6() ? *wire::Address::parse("::1") : *wire::Address::parse("127.0.0.1");
    // The session keys hash our address (RFC 5906 §4): a wrong guess makes
    // every MAC fail, so say so.
    if (env_.local_address_for)
      env_.output->log("no route to " + remote.to_string() + " now; assuming local address " + local->to_string());
  }
  return Endpoint{*local, port_};
}

Result<std::vector<config::Association>, StartupError> Daemon::resolve_names() {
  // Host names are resolved once, at start-up (ntpd goes on trying in the
  // background; we log and leave the line out). A `pool` line becomes one
  // plain `server` line per address, up to kMaxPoolServers (ntpd: until
  // `tos maxclock`), each preemptible.
  std::vector<config::Association> out;
  for (const auto& a : config_.associations) {
    const std::string where = env_.config_name + ":" + std::to_string(a.line) + ": ";
    const std::string kind_name(config::association_kind_name(a.kind));
    const bool pool = a.kind == config::AssociationKind::Pool;
    if (pool && (a.autokey || (a.key && *a.key > 65535)))
      return Err{StartupError{StartupErrorCode::AssociationNotSupported,
                              where + "pool " + a.address + " autokey: a pool's servers are strangers, outside "
                                                            "your Autokey group; use `server NAME autokey` for each "
                                                            "server of the group"}};
    if (a.is_refclock() || a.kind == config::AssociationKind::ManycastClient ||
        (wire::Address::parse(a.address) && !pool)) {
      out.push_back(a);
      continue;
    }
    std::vector<wire::Address> found;
    if (auto numeric = wire::Address::parse(a.address)) {
      found.push_back(*numeric);
    } else {
      if (!env_.resolve)
        return Err{StartupError{StartupErrorCode::AddressNotNumeric,
                                where + kind_name + " " + a.address + ": no name resolver; give a numeric address"}};
      for (const auto& x : env_.resolve(a.address, a.address_family))
        if (std::find(found.begin(), found.end(), x) == found.end()) found.push_back(x);
    }
    if (found.empty()) {
      log(where + kind_name + " " + a.address + ": the name does not resolve; line not used (not retried)");
      continue;
    }
    if (!pool) {
      config::Association r = a;
      r.address = found.front().to_string();
      log(where + kind_name + " " + a.address + " is " + r.address);
      out.push_back(std::move(r));
      continue;
    }
    std::string list;
    std::size_t n = 0;
    for (const auto& x : found) {
      if (n == kMaxPoolServers) break;
      config::Association r = a;
      r.kind = config::AssociationKind::Server;
      r.address = x.to_string();
      r.preempt = true;
      out.push_back(std::move(r));
      list += (n++ ? ", " : "") + x.to_string();
    }
    log(where + "pool " + a.address + ": " + std::to_string(n) + " server" + (n == 1 ? "" : "s") + " (" + list + ")");
  }
  return out;
}

Status<StartupError> Daemon::setup_sources() {
  const NtpTimestamp start = now();
  if (config_.broadcastclient && !engine_)
    return Err{StartupError{StartupErrorCode::AssociationNotSupported,
                            "broadcastclient: autokeyd listens to Autokey broadcasts only; add a `crypto` line "
                            "(and the keys it needs), or use `server ADDR` for the same server"}};
  auto expanded = resolve_names();
  if (!expanded) return Err{expanded.error()};
  for (const auto& a : *expanded) {
    const std::string where = env_.config_name + ":" + std::to_string(a.line) + ": ";
    auto s = std::make_unique<Source>();
    s->forced_next_poll = start;
    s->next_device_read = start;
    s->label = a.address;
    s->ident = a.ident;
    timesvc::PeerConfig pc;
    pc.label = a.address;
    pc.iburst = a.iburst;
    pc.prefer = a.prefer;
    if (a.minpoll) pc.minpoll = *a.minpoll;
    if (a.maxpoll) pc.maxpoll = *a.maxpoll;
    if (env_.poll_log2) pc.minpoll = pc.maxpoll = *env_.poll_log2;
    if (pc.maxpoll < pc.minpoll) pc.maxpoll = pc.minpoll;

    if (a.is_refclock()) {
      const auto [type, unit] = *a.refclock_type_unit();
      hw::Fudge fudge;
      if (const config::Fudge* f = config_.fudge(a.address)) {
        fudge.time1 = f->time1.value_or(0);
        fudge.time2 = f->time2.value_or(0);
        fudge.stratum = f->stratum;
        if (f->refid) fudge.refid = refid_from_config(*f->refid);
        fudge.flag1 = f->flag1.value_or(false);
        fudge.flag2 = f->flag2.value_or(false);
        fudge.flag3 = f->flag3.value_or(false);
        fudge.flag4 = f->flag4.value_or(false);
      }
      if (a.mode) fudge.mode = static_cast<std::uint32_t>(*a.mode);
      auto made = hw::make_refclock(type, unit, fudge, *env_.clock);
      if (!made)
        return Err{StartupError{StartupErrorCode::RefclockNotSupported,
                                where + "reference clock " + a.address + ": " + hw::message(made.error()) +
                                    " (hw/ provides LOCAL 1, NMEA 20, PPS 22, SHM 28, SOCK 101, PHC 102, RTC 103)"}};
      s->clock = std::move(made).value();
      s->refclock_type = type;
      s->fudge = fudge;
      if (auto st = s->clock->open(); st != hw::Status::Ok) {
        // ntpd goes on without a clock that does not start; so do we.
        log(where + s->clock->name() + " does not open (" + hw::message(st) + "); not used");
        continue;
      }
      s->kind = SourceKind::Refclock;
      pc.refclock = true;
      pc.refclock_stratum = s->clock->stratum();
      pc.refclock_id = s->clock->refid();
      pc.address_refid = (127u << 24) | (127u << 16) | (static_cast<std::uint32_t>(type) << 8) |
                         static_cast<std::uint32_t>(unit);
      s->peer_id = time_.add_peer(pc, start);
      s->assoc_id = fresh_assoc_id();
      s->event(kEventMobilize);
      sources_.push_back(std::move(s));
      continue;
    }

    const std::string kind_name(config::association_kind_name(a.kind));
    const bool autokey = a.autokey || (a.key && *a.key > 65535);
    if (a.kind == config::AssociationKind::ManycastClient)
      return Err{StartupError{StartupErrorCode::AssociationNotSupported,
                              where + kind_name + " " + a.address +
                                  ": manycast is not run by autokeyd; list each server with `server`"}};
    if ((a.kind == config::AssociationKind::Peer || a.kind == config::AssociationKind::Broadcast) && !autokey)
      return Err{StartupError{StartupErrorCode::AssociationNotSupported,
                              where + kind_name + " " + a.address +
                                  ": autokeyd runs symmetric and broadcast associations with Autokey only; add "
                                  "`autokey` (and a `crypto` line)"}};
    auto address = wire::Address::parse(a.address);
    if (!address)
      return Err{StartupError{StartupErrorCode::AddressNotNumeric,
                              where + kind_name + " " + a.address + ": autokeyd needs a numeric IPv4 or IPv6 address"}};
    s->remote = Endpoint{*address, a.port.value_or(123)};
    s->local = local_towards(*address);
    pc.address_refid = address_refid(*address);
    if (autokey && !engine_)
      return Err{StartupError{StartupErrorCode::AutokeyNotConfigured,
                              where + kind_name + " " + a.address +
                                  " autokey: Autokey not configured; add a `crypto` line (and the keys it needs)"}};
    s->peer_id = time_.add_peer(pc, start);
    if (autokey) {
      core::PeerConfig ec;
      ec.remote = *address;
      ec.local = s->local.address;
      ec.mode = a.kind == config::AssociationKind::Peer        ? core::PeerMode::SymmetricActive
                : a.kind == config::AssociationKind::Broadcast ? core::PeerMode::BroadcastServer
                                                               : core::PeerMode::Client;
      ec.poll_log2 = static_cast<unsigned>(pc.minpoll);
      if (a.ident) {
        ec.ident = *a.ident;
        // RFC 5906 §6: the scheme the client verifies with is the one whose
        // client parameters it holds (IFF first, as ntpd prefers).
        const core::Host& h = engine_->host();
        ec.scheme = h.iff_par() ? core::Scheme::Iff : h.gq_par() ? core::Scheme::Gq
                                                    : h.mv_par() ? core::Scheme::Mv : core::Scheme::Iff;
        if (!h.iff_par() && !h.gq_par() && !h.mv_par())
          log("crypto_ident: no identity parameters found for group " + *a.ident);
      }
      auto id = engine_->mobilize(ec, static_cast<std::uint32_t>(start >> 32));
      if (!id)
        return Err{StartupError{StartupErrorCode::AssociationRefused,
                                where + kind_name + " " + a.address + " autokey: " + core::message(id.error()) +
                                    (a.ident ? " (ident " + *a.ident + ": install ntpkey_iffpar_" + *a.ident +
                                                   " from the server's autokey-keygen -e output in keysdir)"
                                             : std::string())}};
      s->kind = SourceKind::Autokey;
      s->assoc_id = static_cast<std::uint16_t>(*id);
      // ntpd holds its iburst until Autokey is done (timesvc notes); the
      // engine paces this association's requests instead.
      time_.peer(s->peer_id).hold_burst(true);
    } else {
      s->kind = SourceKind::Network;
      s->assoc_id = fresh_assoc_id();
    }
    s->event(kEventMobilize);
    sources_.push_back(std::move(s));
  }
  return Ok{};
}

// ---- time and output -------------------------------------------------------------

NtpTimestamp Daemon::now() const {
  const hw::Timespec t = env_.clock->realtime();
  return timesvc::from_unix(t.sec, static_cast<std::uint32_t>(t.nsec));
}

std::uint32_t Daemon::now_seconds() const { return static_cast<std::uint32_t>(now() >> 32); }

void Daemon::log(std::string_view text) { env_.output->log(text); }

void Daemon::log_network(std::string_view text) {
  // Anyone can send packets that are refused; logging each one would let
  // them fill the disk. A fixed budget per minute, then one summary line.
  const std::uint32_t sec = now_seconds();
  if (sec - net_log_window_ >= 60) {
    if (net_log_suppressed_)
      log(std::to_string(net_log_suppressed_) + " more messages about refused packets were not logged");
    net_log_window_ = sec;
    net_log_count_ = 0;
    net_log_suppressed_ = 0;
  }
  if (net_log_count_ < kNetworkLogsPerMinute) {
    ++net_log_count_;
    log(text);
  } else {
    ++net_log_suppressed_;
  }
}

void Daemon::cryptostats(const std::string& address, std::string_view text) {
  const hw::Timespec t = env_.clock->realtime();
  env_.output->stats(StatsKind::Cryptostats, stats_time(t.sec, static_cast<std::uint32_t>(t.nsec)) + " " + address +
                                                 " " + std::string(text));
}

void Daemon::peerstats(const Source& s) {
  const hw::Timespec t = env_.clock->realtime();
  env_.output->stats(StatsKind::Peerstats, timesvc::peerstats_line(t.sec, static_cast<std::uint32_t>(t.nsec),
                                                                   time_.peer(s.peer_id), status_word(s)));
}

// ---- lookup ------------------------------------------------------------------------

Daemon::Source* Daemon::find_network_source(const Endpoint& from) {
  for (auto& s : sources_)
    if (s->kind != SourceKind::Refclock && s->remote == from) return s.get();
  return nullptr;
}

Daemon::Source* Daemon::find_autokey_source(const wire::Address& remote) {
  for (auto& s : sources_)
    if (s->kind == SourceKind::Autokey && s->remote.address == remote) return s.get();
  return nullptr;
}

Daemon::Source* Daemon::find_by_assoc(std::uint16_t assoc_id) {
  for (auto& s : sources_)
    if (s->assoc_id == assoc_id) return s.get();
  return nullptr;
}

const Daemon::Source* Daemon::find_by_assoc(std::uint16_t assoc_id) const {
  for (const auto& s : sources_)
    if (s->assoc_id == assoc_id) return s.get();
  return nullptr;
}

// ---- timers ------------------------------------------------------------------------

std::vector<Datagram> Daemon::handle_timer() {
  std::vector<Datagram> out;
  const NtpTimestamp t = now();
  // RFC 5905 §7.3: our own leap-seconds list warns of a leap second at the
  // end of this month, in every header we send while synchronized.
  if (leap_table_) time_.set_leap_announcement(leap_table_->announcement(t >> 32));
  // Reference clocks are read every poll_interval() (a second for most):
  // sources such as SHM or NMEA only keep their newest sample.
  for (auto& c : sources_) {
    if (c->kind != SourceKind::Refclock || timesvc::diff(t, c->next_device_read) < 0) continue;
    std::vector<hw::Sample> samples;
    c->clock->poll(samples);
    if (!samples.empty()) c->latest = samples.back();
    const double interval = std::chrono::duration<double>(c->clock->poll_interval()).count();
    c->next_device_read = timesvc::add(t, std::max(interval, 0.1));
  }
  std::vector<Source*> due;
  if (env_.poll_log2) {
    for (auto& c : sources_)
      if (c->kind != SourceKind::Autokey && timesvc::diff(t, c->forced_next_poll) >= 0) {
        c->forced_next_poll = timesvc::add(t, timesvc::log2_seconds(*env_.poll_log2));
        due.push_back(c.get());
      }
  } else {
    for (std::size_t id : time_.polls_due(t))
      for (auto& c : sources_)
        if (c->peer_id == id && c->kind != SourceKind::Autokey) due.push_back(c.get());  // the engine paces Autokey
  }
  for (Source* s : due) {
    const std::size_t id = s->peer_id;
    if (s->kind == SourceKind::Refclock) {
      time_.refclock_polled(id, t);
      std::vector<hw::Sample> samples;
      s->clock->poll(samples);
      if (!samples.empty()) s->latest = samples.back();
      // The newest sample since the last poll (the device is read every
      // second in between), used once.
      if (s->latest) {
        const hw::Sample h = *s->latest;
        s->latest.reset();
        timesvc::RefclockSample rs;
        rs.time = timesvc::from_unix(h.system.sec, static_cast<std::uint32_t>(h.system.nsec));
        rs.offset = h.offset;
        rs.dispersion = h.dispersion;
        rs.leap = static_cast<int>(h.leap);
        rs.precision = h.precision;
        const bool was_reachable = time_.peer(id).reach() != 0;
        time_.receive_refclock(id, rs);
        if (!was_reachable) s->event(kEventReachable);
        peerstats(*s);
      }
    } else {
      wire::Packet p;
      p.header = time_.make_request(id, t);
      if (auto bytes = p.serialize()) out.push_back(Datagram{std::move(bytes).value(), s->remote, s->local});
    }
  }
  if (engine_) {
    // A clock that just synchronized signs the host values first, so the
    // association's packets of this tick already show TAI (digest §4).
    check_synchronization(out);
    const std::uint32_t sec = static_cast<std::uint32_t>(t >> 32);
    while (!engine_timers_.empty() && engine_timers_.top() <= sec) engine_timers_.pop();
    engine_->host().on_revoke_timer(sec);
    follow_leap_table(sec);
    run_actions(engine_->handle_timer(sec), out, std::nullopt, t);
    tick_phase_ = core::random_u32(env_.random);
  }
  check_synchronization(out);
  return out;
}

hw::Timespec Daemon::next_wakeup() const {
  // At most a second away: refclock samples, poll times and engine timers
  // all fall on or after it, and a spurious wake-up costs nothing.
  NtpTimestamp next = timesvc::add(now(), 1.0);
  for (const auto& s : sources_) {
    if (s->kind == SourceKind::Refclock && timesvc::diff(s->next_device_read, next) < 0) next = s->next_device_read;
    if (s->kind == SourceKind::Autokey) continue;
    const NtpTimestamp p = env_.poll_log2 ? s->forced_next_poll : time_.peer(s->peer_id).next_poll();
    if (timesvc::diff(p, next) < 0) next = p;
  }
  if (engine_) {
    std::uint32_t e = engine_->next_timer();
    if (!engine_timers_.empty() && (e == 0 || engine_timers_.top() < e)) e = engine_timers_.top();
    if (e != 0) {
      const NtpTimestamp et = (NtpTimestamp{e} << 32) | tick_phase_;
      if (timesvc::diff(et, next) < 0) next = et;
    }
  }
  const hw::Timespec cur = env_.clock->realtime();
  const double delta = timesvc::diff(next, now());
  return cur.plus_seconds(std::max(0.0, delta));
}

// ---- engine actions ---------------------------------------------------------------

void Daemon::provide_header(const core::HeaderContext& c, wire::NtpHeader& h) {
  const NtpTimestamp t = now();
  if (c.mode == core::PeerMode::BroadcastServer) {
    // RFC 5905 §9.2 broadcast: origin and receive zero (bcast fixture).
    h = timesvc::make_broadcast(time_.system(), h.poll, t);
    return;
  }
  Source* s = find_by_assoc(static_cast<std::uint16_t>(c.assoc_id));
  if (!s) return;  // an association we hold no source for keeps the engine's header
  const wire::Mode mode = c.mode == core::PeerMode::SymmetricActive    ? wire::Mode::SymmetricActive
                          : c.mode == core::PeerMode::SymmetricPassive ? wire::Mode::SymmetricPassive
                                                                       : wire::Mode::Client;
  // Origin and receive echo the peer's last packet (what a symmetric peer
  // measures with); transmit is now; the peer's poll state advances.
  h = time_.make_request(s->peer_id, t, mode);
}

void Daemon::time_sample(Source& s, const core::Sample& sample, NtpTimestamp arrival) {
  s.peer_mode = sample.mode;
  timesvc::Peer& peer = time_.peer(s.peer_id);
  const bool symmetric =
      sample.mode == wire::Mode::SymmetricActive || sample.mode == wire::Mode::SymmetricPassive;
  // RFC 5906 §13 / digest §9.3: only proventic packets reach the clock.
  if (!sample.proventic) {
    // RFC 5905 §8: a symmetric peer's timestamps are still saved, so that
    // our next packet echoes them and its next one can be measured.
    if (symmetric && sample.header.transmit_ts != 0) {
      peer.exchange().last_received = sample.header.transmit_ts;
      peer.exchange().last_arrival = arrival;
    }
    return;
  }
  const bool was_reachable = peer.reach() != 0;
  Result<timesvc::Measurement, timesvc::OnWireError> m = Err{timesvc::OnWireError::ZeroTransmit};
  if (sample.mode == wire::Mode::Broadcast) {
    // RFC 5905 §8 broadcast: T3 - T4 plus half the round trip, taken from
    // the unicast volley when it measured one, else `broadcastdelay`
    // (ntpd's default 4 ms).
    const double delay = peer.has_sample() && peer.delay() > 0 ? peer.delay() : config_.broadcastdelay.value_or(0.004);
    m = timesvc::receive_broadcast(sample.header, arrival, peer.exchange(), delay, time_.config().precision);
    if (m) {
      peer.set_flash(0);
      peer.mark_reached();
      peer.update_from_header(sample.header);
      // Newest-sample filter order without discipline, as TimeService::receive.
      const auto order = time_.config().discipline && time_.system().synchronized() ? timesvc::FilterOrder::MinimumDelay
                                                                                     : timesvc::FilterOrder::Newest;
      if (peer.clock_filter(*m, arrival, time_.config().precision, order)) time_.clock_select(arrival);
    } else {
      peer.set_flash(timesvc::flash_bit(m.error()));
    }
  } else {
    m = time_.receive(s.peer_id, sample.header, arrival);
    if (!m && symmetric &&
        (m.error() == timesvc::OnWireError::Bogus || m.error() == timesvc::OnWireError::ProtocolUnsynchronized)) {
      // RFC 5905 §8: in symmetric modes the peer's transmit and our arrival
      // are kept even when the packet cannot be measured (crossing packets,
      // or a peer that has not heard us yet).
      peer.exchange().last_received = sample.header.transmit_ts;
      peer.exchange().last_arrival = arrival;
    }
  }
  if (m) {
    if (!was_reachable) s.event(kEventReachable);
    peerstats(s);
  } else {
    log_network(s.label + ": sample not used: " + std::string(timesvc::message(m.error())));
  }
}

void Daemon::adopt_engine_associations(const std::optional<Endpoint>& from) {
  if (!engine_) return;
  const NtpTimestamp t = now();
  for (const auto& v : engine_->associations()) {
    if (find_by_assoc(static_cast<std::uint16_t>(v.assoc_id))) continue;
    const core::Association* a = engine_->association(v.assoc_id);
    if (!a) continue;
    // A symmetric-passive peer or a broadcast server the engine mobilized
    // for the packet just received: it answers from the port it sent from.
    auto s = std::make_unique<Source>();
    s->kind = SourceKind::Autokey;
    s->ephemeral = true;
    s->label = a->config.remote.to_string();
    s->remote = Endpoint{a->config.remote, from && from->address == a->config.remote ? from->port : std::uint16_t{123}};
    s->local = Endpoint{a->config.local, port_};
    s->assoc_id = static_cast<std::uint16_t>(v.assoc_id);
    s->forced_next_poll = t;
    s->next_device_read = t;
    if (a->config.mode == core::PeerMode::SymmetricPassive || a->config.mode == core::PeerMode::BroadcastClient)
      s->ident = a->config.ident.empty() ? std::nullopt : std::optional<std::string>(a->config.ident);
    timesvc::PeerConfig pc;
    pc.label = s->label;
    pc.minpoll = pc.maxpoll = static_cast<int>(a->config.poll_log2);
    pc.address_refid = address_refid(a->config.remote);
    s->peer_id = time_.add_peer(pc, t);
    time_.peer(s->peer_id).hold_burst(true);
    s->event(kEventMobilize);
    log("mobilized " + std::string(core::to_string(a->config.mode)) + " association " +
        std::to_string(v.assoc_id) + " for " + s->remote.to_string());
    sources_.push_back(std::move(s));
  }
}

void Daemon::forget_source(std::uint16_t assoc_id) {
  // The time-service peer stays (its index is stable) but nothing feeds it
  // any more; the mode-6 view no longer lists the association.
  sources_.erase(std::remove_if(sources_.begin(), sources_.end(),
                                [&](const auto& s) { return s->assoc_id == assoc_id && s->ephemeral; }),
                 sources_.end());
}

void Daemon::run_actions(std::vector<core::Action> actions, std::vector<Datagram>& out,
                         const std::optional<Endpoint>& from, NtpTimestamp arrival) {
  // The engine has processed the packet: any association it mobilized for
  // it exists now and gets its source before its actions are run.
  if (from) adopt_engine_associations(from);
  for (auto& action : actions) {
    if (auto* send = std::get_if<core::Send>(&action)) {
      // The header is already the time service's (provide_header), so the
      // transmit timestamp is the real send time T1 (RFC 5905 §8).
      Source* s = find_autokey_source(send->to);
      Endpoint to{send->to, s ? s->remote.port : std::uint16_t{123}};
      out.push_back(Datagram{std::move(send->bytes), to, Endpoint{send->from, port_}});
    } else if (auto* timer = std::get_if<core::SetTimer>(&action)) {
      engine_timers_.push(timer->at);
    } else if (auto* l = std::get_if<core::Log>(&action)) {
      if (l->event == core::LogEvent::SignatureUpdate) {
        // ntpd's line is exactly "signature update ts N" (operator-surface §5.1).
        cryptostats("0.0.0.0", l->text.substr(0, l->text.find(',')));
      } else {
        const bool from_network = l->event == core::LogEvent::Rejected || l->event == core::LogEvent::ServerReply;
        const std::string line = (l->assoc_id ? "assoc " + std::to_string(l->assoc_id) + ": " : std::string()) +
                                 std::string(core::to_string(l->event)) + ": " + l->text;
        if (from_network) log_network(line);
        else log(line);
      }
      if (l->event == core::LogEvent::Restarted) {
        if (Source* s = find_by_assoc(static_cast<std::uint16_t>(l->assoc_id))) s->event(kEventRestart);
      }
    } else if (auto* ce = std::get_if<core::CryptoEvent>(&action)) {
      const core::Association* a = engine_->association(ce->assoc_id);
      const std::string addr = a ? a->config.remote.to_string() : std::string("0.0.0.0");
      for (const auto& line : cryptostats_lines(*ce, a, engine_->host())) cryptostats(addr, line);
      char buf[96];
      std::snprintf(buf, sizeof buf, "assoc %u flags 0x%x -> 0x%x ", ce->assoc_id, ce->old_flags, ce->new_flags);
      log(std::string(buf) + "(" + wire::flag_names(ce->new_flags & 0xffffu) + "): " + ce->text);
    } else if (auto* sample = std::get_if<core::Sample>(&action)) {
      Source* s = find_by_assoc(static_cast<std::uint16_t>(sample->assoc_id));
      if (!s) continue;
      s->authentic = true;
      time_sample(*s, *sample, arrival);
    } else if (auto* gone = std::get_if<core::Demobilize>(&action)) {
      forget_source(static_cast<std::uint16_t>(gone->assoc_id));
    }
  }
}

void Daemon::check_synchronization(std::vector<Datagram>& out) {
  const auto& sys = time_.system();
  if (sys.system_peer != last_system_peer_) {
    if (sys.system_peer) {
      for (auto& s : sources_)
        if (s->peer_id == *sys.system_peer) {
          s->event(kEventSysPeer);
          log("system peer " + s->label + ", stratum " + std::to_string(sys.stratum) + " (clock_sync)");
        }
      system_events_ = std::min(system_events_ + 1, 15u);
      last_system_event_ = kSysEventClockSync;
    } else {
      log("no system peer: unsynchronized");
    }
    last_system_peer_ = sys.system_peer;
  }
  if (!engine_) return;
  if (sys.synchronized() && !engine_->synchronized()) {
    // The clock is synchronized: sign the host values (RFC 5906 §10; ntpd's
    // crypto_update on the first clock update).
    run_actions(engine_->set_synchronized(now_seconds()), out, std::nullopt, now());
  } else if (!sys.synchronized() && engine_->synchronized()) {
    engine_->set_unsynchronized();
  }
}

// ---- datagrams ---------------------------------------------------------------------

std::vector<std::string> Daemon::restrictions(const wire::Address& source) const {
  // ntpd's rule: the matching entry with the longest mask wins; `default`
  // matches everything of its family (-4/-6, or both).
  const config::Restrict* best = nullptr;
  int best_bits = -1;
  for (const auto& r : config_.restricts) {
    if (r.is_source) continue;  // applies to mobilized peers; we mobilize none
    int bits = 0;
    if (r.is_default) {
      if ((r.address_family == 4 && !source.is_v4()) || (r.address_family == 6 && !source.is_v6())) continue;
    } else {
      auto addr = wire::Address::parse(r.address);
      if (!addr || addr->is_v4() != source.is_v4()) continue;
      const auto a = addr->octets();
      const auto b = source.octets();
      std::optional<wire::Address> mask;
      if (r.mask) mask = wire::Address::parse(*r.mask);
      bool match = true;
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::uint8_t m = mask && mask->is_v4() == source.is_v4() ? mask->octets()[i] : 0xff;
        if ((a[i] & m) != (b[i] & m)) match = false;
        for (int k = 0; k < 8; ++k) bits += (m >> k) & 1;
      }
      if (!match) continue;
    }
    if (bits > best_bits) {
      best = &r;
      best_bits = bits;
    }
  }
  return best ? best->flags : std::vector<std::string>{};
}

std::vector<Datagram> Daemon::handle_datagram(wire::ByteView bytes, const Endpoint& from, const Endpoint& to) {
  std::vector<Datagram> out;
  const NtpTimestamp arrival = now();
  if (bytes.empty()) return out;
  const auto mode = static_cast<wire::Mode>(bytes[0] & 7);
  // `restrict` (the basic flags): ignore drops everything, noquery drops
  // mode 6, noserve drops client requests. The others (nomodify, notrap,
  // nopeer, kod, limited ...) concern services autokeyd does not offer.
  const auto flags = restrictions(from.address);
  auto restricted = [&](const char* f) { return std::find(flags.begin(), flags.end(), f) != flags.end(); };
  if (restricted("ignore")) return out;
  if (mode == wire::Mode::Control && restricted("noquery")) return out;
  if (mode == wire::Mode::Client && restricted("noserve")) return out;
  switch (mode) {
    case wire::Mode::Client:
      server_reply(bytes, from, to, arrival, out);
      break;
    case wire::Mode::Server: {
      Source* s = find_network_source(from);
      if (!s) break;  // RFC 5905 §9.2: a server packet from nobody we asked is dropped
      if (s->kind == SourceKind::Network) {
        network_reply(*s, bytes, to, arrival);
      } else if (s->kind == SourceKind::Autokey && engine_) {
        s->authentic = false;
        run_actions(engine_->handle_datagram(bytes, from.address, to.address, static_cast<std::uint32_t>(arrival >> 32)),
                    out, from, arrival);
      }
      break;
    }
    case wire::Mode::SymmetricActive:
    case wire::Mode::SymmetricPassive:
    case wire::Mode::Broadcast: {
      // Autokey peers and broadcasts (RFC 5906 §9.5-§9.6): the engine
      // authenticates them and mobilizes a passive peer or a broadcast
      // client association when the configuration allows it.
      if (!engine_) break;
      if (mode != wire::Mode::Broadcast && restricted("nopeer") && !find_autokey_source(from.address)) break;
      if (mode == wire::Mode::Broadcast)
        engine_->set_broadcast_unicast_local(local_towards(from.address).address);
      if (Source* s = find_autokey_source(from.address)) s->authentic = false;
      run_actions(engine_->handle_datagram(bytes, from.address, to.address, static_cast<std::uint32_t>(arrival >> 32)),
                  out, from, arrival);
      break;
    }
    case wire::Mode::Control: {
      // Mode 6 (ntpq) on the same socket; reads need no authentication
      // (operator-surface §4.1).
      const DaemonVariables vars(*this);
      for (auto& reply : control::handle_request(bytes, vars)) out.push_back(Datagram{std::move(reply), from, to});
      return out;
    }
    default:
      break;  // mode 7 (ntpdc) and reserved modes: not served
  }
  check_synchronization(out);
  return out;
}

void Daemon::network_reply(Source& s, wire::ByteView bytes, const Endpoint&, NtpTimestamp arrival) {
  wire::Reader r(bytes);
  auto h = wire::NtpHeader::parse(r);
  if (!h) return;
  const bool was_reachable = time_.peer(s.peer_id).reach() != 0;
  if (auto m = time_.receive(s.peer_id, *h, arrival)) {
    if (!was_reachable) s.event(kEventReachable);
    peerstats(s);
  } else {
    log_network(s.label + ": reply not used: " + std::string(timesvc::message(m.error())));
  }
}

void Daemon::server_reply(wire::ByteView bytes, const Endpoint& from, const Endpoint& to, NtpTimestamp arrival,
                          std::vector<Datagram>& out) {
  auto request = wire::Packet::parse(bytes);
  if (!request) return;  // ntpd drops what it cannot parse; no answer, no amplification
  wire::Packet reply;
  // RFC 5905 §9.2 fast transmit: origin = request transmit, receive = arrival.
  reply.header = timesvc::make_response(time_.system(), request->header, arrival, now());
  if (engine_ && request->mac) {
    core::RequestContext ctx;
    ctx.client = from.address;
    ctx.server = to.address;
    // crypto_time(): 0 until this host is synchronized (digest §3.5).
    ctx.now = engine_->synchronized() ? static_cast<std::uint32_t>(arrival >> 32) : 0;
    // Digest §5.4, §10.2: a broadcast client's AUTO request names our
    // broadcast association.
    ctx.autokey_values = [this](std::uint32_t assoc_id) { return engine_->broadcast_values(assoc_id); };
    const core::ServerReply plan = core::plan_server_reply(*request, ctx, engine_->host());
    if (plan.drop) {
      log_network("request from " + from.to_string() + " dropped: " + core::message(*plan.answer->reason));
      return;
    }
    if (auto st = core::finish_server_reply(reply, plan, ctx, engine_->host()); !st) {
      log_network("reply to " + from.to_string() + " not built: " + std::string(wire::message(st.error())));
      return;
    }
    if (plan.answer && plan.answer->reason)
      log_network("request from " + from.to_string() + " refused: " + core::message(*plan.answer->reason));
  }
  auto out_bytes = reply.serialize();
  if (!out_bytes) return;
  out.push_back(Datagram{std::move(out_bytes).value(), from, to});
}

// ---- views -----------------------------------------------------------------------

std::uint16_t Daemon::status_word(const Source& s) const {
  timesvc::PeerStatusFlags f;
  f.configured = true;
  if (s.kind == SourceKind::Autokey) {
    const core::Association* a = engine_ ? engine_->association(s.assoc_id) : nullptr;
    f.auth_enabled = a && a->last_keyid != 0;
    f.authentic = s.authentic;
  }
  return timesvc::peer_status_word(time_.peer(s.peer_id), time_.selection(s.peer_id), f, s.events, s.last_event);
}

std::vector<SourceView> Daemon::sources() const {
  std::vector<SourceView> v;
  for (const auto& s : sources_) v.push_back(*source(s->assoc_id));
  return v;
}

std::optional<SourceView> Daemon::source(std::uint16_t assoc_id) const {
  const Source* s = find_by_assoc(assoc_id);
  if (!s) return std::nullopt;
  SourceView v;
  v.assoc_id = s->assoc_id;
  v.kind = s->kind;
  v.label = s->label;
  v.remote = s->remote;
  v.local = s->local;
  v.peer_id = s->peer_id;
  v.status = status_word(*s);
  v.ident = s->ident;
  if (s->kind == SourceKind::Autokey && engine_) {
    if (const core::Association* a = engine_->association(s->assoc_id)) {
      v.autokey = core::view_of(*a, engine_->synchronized());
      v.mode = a->config.mode;
      if (s->peer_mode) v.peer_mode = static_cast<std::uint8_t>(*s->peer_mode);
    }
  }
  return v;
}

std::uint32_t Daemon::crypto_flags() const { return engine_ ? engine_->host().status().raw : 0; }

std::optional<std::string> Daemon::crypto_digest_name() const {
  if (!engine_) return std::nullopt;
  return std::string(crypto::short_name(engine_->host().session_digest()));
}

std::uint32_t Daemon::last_update() const { return engine_ ? engine_->host().last_update() : 0; }

std::uint16_t Daemon::system_status() const {
  // operator-surface §4.5: LI, clock source (6 ntp, 5 local clock), events.
  const auto& sys = time_.system();
  unsigned source = 0;
  if (sys.system_peer) {
    for (const auto& s : sources_)
      if (s->peer_id == *sys.system_peer) source = s->kind == SourceKind::Refclock ? 5u : 6u;
  }
  const unsigned count = std::max(system_events_, 1u);
  const unsigned last = system_events_ ? last_system_event_ : kSysEventRestart;
  return static_cast<std::uint16_t>((static_cast<unsigned>(sys.leap & 3) << 14) | (source << 8) | (count << 4) | last);
}

std::optional<std::vector<std::pair<std::string, std::string>>> Daemon::clock_variables(
    std::uint16_t assoc_id) const {
  if (assoc_id == 0) {
    // ntpd answers READCLOCK for association 0 with the system peer's clock.
    const auto& sys = time_.system();
    if (!sys.system_peer) return std::nullopt;
    for (const auto& s : sources_)
      if (s->peer_id == *sys.system_peer && s->kind == SourceKind::Refclock) return clock_variables(s->assoc_id);
    return std::nullopt;
  }
  for (const auto& s : sources_)
    if (s->assoc_id == assoc_id && s->kind == SourceKind::Refclock && s->clock)
      return hw::clock_variables(*s->clock, s->refclock_type, s->fudge);
  return std::nullopt;
}

}  // namespace ak::daemon
