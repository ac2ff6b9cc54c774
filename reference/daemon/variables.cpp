#include "daemon/variables.h"

#include <sys/utsname.h>

#include <cstdio>

#include "crypto/certificate.h"
#include "timesvc/server.h"
#include "wire/flags.h"

namespace ak::daemon {

namespace {

using control::PeerVariable;
using control::SystemVariable;
using control::Value;

control::NtpTimestamp stamp(std::uint64_t t) {
  return control::NtpTimestamp{static_cast<std::uint32_t>(t >> 32), static_cast<std::uint32_t>(t)};
}
Value ms(double seconds, int decimals) { return control::fixed(seconds * 1e3, decimals); }

std::string filter_text(const timesvc::Peer& p, int which) {
  // ntpd lists the eight stages newest first, each " %.2f" in milliseconds.
  std::string out;
  for (const auto& st : p.filter()) {
    const double v = which == 0 ? st.delay : which == 1 ? st.offset : st.dispersion;
    char buf[32];
    std::snprintf(buf, sizeof buf, " %.2f", v * 1e3);
    out += buf;
  }
  return out;
}

std::string uname_field(bool machine) {
  utsname u{};
  if (::uname(&u) != 0) return "unknown";
  return machine ? std::string(u.machine) : std::string(u.sysname) + "/" + u.release;
}

}  // namespace

std::string refid_text(std::uint32_t refid, int stratum) {
  char buf[32];
  if (stratum <= 1 || stratum >= timesvc::kMaxStratum) {
    std::string s;
    for (int shift = 24; shift >= 0; shift -= 8) {
      const char c = static_cast<char>((refid >> shift) & 0xff);
      if (c == 0) break;
      s += (c >= 0x20 && c < 0x7f) ? c : '.';
    }
    return s;
  }
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", refid >> 24, (refid >> 16) & 0xff, (refid >> 8) & 0xff, refid & 0xff);
  return buf;
}

std::uint8_t DaemonVariables::leap_indicator() const {
  return static_cast<std::uint8_t>(d_.time_service().system().leap & 3);
}

std::uint16_t DaemonVariables::system_status() const { return d_.system_status(); }

std::vector<control::AssociationStatus> DaemonVariables::associations() const {
  std::vector<control::AssociationStatus> v;
  for (const auto& s : d_.sources()) v.push_back(control::AssociationStatus{s.assoc_id, s.status});
  return v;
}

std::optional<Value> DaemonVariables::system_variable(SystemVariable v) const {
  const auto& sys = d_.time_service().system();
  const hw::Timespec now_ts = d_.clock().realtime();
  const timesvc::NtpTimestamp now = timesvc::from_unix(now_ts.sec, static_cast<std::uint32_t>(now_ts.nsec));
  const core::Engine* e = d_.engine();
  switch (v) {
    case SystemVariable::Version: return control::Quoted{kVersion};
    case SystemVariable::Processor: return control::Quoted{uname_field(true)};
    case SystemVariable::System: return control::Quoted{uname_field(false)};
    case SystemVariable::Leap: return std::uint64_t(sys.leap & 3);
    case SystemVariable::Stratum: return std::uint64_t(sys.stratum);
    case SystemVariable::Precision: return std::int64_t(sys.precision);
    case SystemVariable::RootDelay: return ms(sys.root_delay, 3);
    case SystemVariable::RootDisp: return ms(timesvc::served_root_dispersion(sys, now), 3);
    case SystemVariable::Refid: return control::Text{refid_text(sys.refid, sys.stratum)};
    case SystemVariable::Reftime: return stamp(sys.reference_time);
    case SystemVariable::Clock: return stamp(now);
    case SystemVariable::Peer: {
      if (!sys.system_peer) return std::uint64_t{0};
      for (const auto& s : d_.sources())
        if (s.peer_id == *sys.system_peer) return std::uint64_t{s.assoc_id};
      return std::uint64_t{0};
    }
    case SystemVariable::Tc: return std::uint64_t(sys.poll);
    case SystemVariable::Mintc: return std::uint64_t{3};
    case SystemVariable::Offset: return ms(sys.offset, 6);
    case SystemVariable::Frequency: return control::fixed(0.0, 3);  // no discipline: never adjusted
    case SystemVariable::SysJitter: return ms(sys.jitter, 6);
    case SystemVariable::ClkJitter: return control::fixed(0.0, 3);
    case SystemVariable::ClkWander: return control::fixed(0.0, 3);
    // Autokey (§4.6): only when crypto is on; `update` only after the first sync.
    case SystemVariable::Host:
      if (!e) return std::nullopt;
      return control::Quoted{e->host().name()};
    case SystemVariable::Ident:
      if (!d_.system_ident()) return std::nullopt;
      return control::Quoted{*d_.system_ident()};
    case SystemVariable::Flags:
      if (!d_.crypto_flags()) return std::nullopt;
      return control::Hex{d_.crypto_flags()};
    case SystemVariable::Digest:
      if (!d_.crypto_flags()) return std::nullopt;
      return control::Quoted{*d_.crypto_digest_name()};
    case SystemVariable::Signature:
      if (!d_.crypto_flags()) return std::nullopt;
      return control::Quoted{wire::signature_nid_name(static_cast<std::uint16_t>(d_.crypto_flags() >> 16))};
    case SystemVariable::Update:
      if (!d_.last_update()) return std::nullopt;
      return control::calendar_from_ntp_seconds(d_.last_update());
    // Leap values (operator-surface §4.6): `tai` once known; `leapsec` (the
    // newest transition) and `expire` from the leap file or a peer's LEAP.
    case SystemVariable::Tai: {
      const auto l = d_.leap_values();
      if (!l || l->tai_offset == 0) return std::nullopt;
      return std::uint64_t{l->tai_offset};
    }
    case SystemVariable::Leapsec: {
      const auto l = d_.leap_values();
      if (!l || l->era_start == 0) return std::nullopt;
      return control::calendar_from_ntp_seconds(l->era_start);
    }
    case SystemVariable::Expire: {
      const auto l = d_.leap_values();
      if (!l || l->expiry == 0) return std::nullopt;
      return control::calendar_from_ntp_seconds(l->expiry);
    }
    default: return std::nullopt;  // smear, sys_var_list: not kept
  }
}

std::vector<control::CertificateInfo> DaemonVariables::certificates() const {
  std::vector<control::CertificateInfo> out;
  const core::Engine* e = d_.engine();
  if (!e) return out;
  // Host::certificates(): newest at the front, the host's own last (§4.6).
  for (const auto& c : e->host().certificates()) {
    std::uint32_t flags = 0;
    if (c.cert.trusted) flags |= 0x01;
    if (!c.own) flags |= 0x04;  // VALID: installed from the network
    if (c.cert.private_cert) flags |= 0x08;
    if (c.error) flags |= 0x80;
    out.push_back(control::CertificateInfo{c.cert.subject, c.cert.issuer, flags, control::CalendarDate{c.cert.not_after}});
  }
  return out;
}

std::optional<Value> DaemonVariables::peer_variable(std::uint16_t assoc_id, PeerVariable v) const {
  const auto s = d_.source(assoc_id);
  if (!s) return std::nullopt;
  const timesvc::Peer& p = d_.time_service().peer(s->peer_id);
  const bool refclock = s->kind == SourceKind::Refclock;
  switch (v) {
    case PeerVariable::SrcAdr: return control::Text{refclock ? s->label : s->remote.address.to_string()};
    case PeerVariable::SrcPort: return std::uint64_t{refclock ? 123u : s->remote.port};
    case PeerVariable::DstAdr: return control::Text{refclock ? std::string("127.0.0.1") : s->local.address.to_string()};
    case PeerVariable::DstPort: return std::uint64_t{s->local.port ? s->local.port : 123u};
    case PeerVariable::Leap: return std::uint64_t(p.leap() & 3);
    case PeerVariable::Stratum: return std::uint64_t(p.stratum());
    case PeerVariable::Precision: return std::int64_t(p.precision());
    case PeerVariable::RootDelay: return ms(p.root_delay(), 3);
    case PeerVariable::RootDisp: return ms(p.root_dispersion(), 3);
    case PeerVariable::Refid:
      if (refclock) return control::Text{refid_text(p.config().refclock_id, 0)};
      return control::Text{refid_text(p.refid(), p.stratum())};
    case PeerVariable::Reftime: return stamp(p.reference_time());
    case PeerVariable::Rec: return stamp(refclock ? p.update_time() : p.exchange().last_arrival);
    case PeerVariable::Reach: return control::Hex{p.reach()};
    case PeerVariable::Unreach: return std::uint64_t{0};
    // RFC 5905 §7.3 modes: ours (hmode) and the peer's (pmode); a broadcast
    // client is ntpd's MODE_BCLIENT (6) listening to mode 5.
    case PeerVariable::Hmode: {
      if (!s->mode) return std::uint64_t{3};
      switch (*s->mode) {
        case core::PeerMode::SymmetricActive: return std::uint64_t{1};
        case core::PeerMode::SymmetricPassive: return std::uint64_t{2};
        case core::PeerMode::BroadcastServer: return std::uint64_t{5};
        case core::PeerMode::BroadcastClient: return std::uint64_t{6};
        case core::PeerMode::Client: break;
      }
      return std::uint64_t{3};
    }
    case PeerVariable::Pmode: {
      if (refclock) return std::uint64_t{0};
      if (s->peer_mode) return std::uint64_t{*s->peer_mode};  // as last heard
      if (!s->mode) return std::uint64_t{4};
      switch (*s->mode) {
        case core::PeerMode::SymmetricActive: return std::uint64_t{2};
        case core::PeerMode::SymmetricPassive: return std::uint64_t{1};
        case core::PeerMode::BroadcastServer: return std::uint64_t{0};
        case core::PeerMode::BroadcastClient: return std::uint64_t{5};
        case core::PeerMode::Client: break;
      }
      return std::uint64_t{4};
    }
    case PeerVariable::Hpoll: return std::int64_t(p.host_poll());
    case PeerVariable::Ppoll: return std::int64_t(p.peer_poll());
    case PeerVariable::Headway: return std::uint64_t{0};
    case PeerVariable::Flash: return control::Hex{p.flash()};
    case PeerVariable::KeyId: {
      const core::Engine* e = d_.engine();
      const core::Association* a = e && s->kind == SourceKind::Autokey ? e->association(assoc_id) : nullptr;
      return control::keyid_value(a ? a->last_keyid : 0);
    }
    case PeerVariable::Offset: return ms(p.offset(), 3);
    case PeerVariable::Delay: return ms(p.delay(), 3);
    case PeerVariable::Dispersion: return ms(p.dispersion(), 3);
    case PeerVariable::Jitter: return ms(p.jitter(), 3);
    case PeerVariable::FiltDelay: return control::Text{filter_text(p, 0)};
    case PeerVariable::FiltOffset: return control::Text{filter_text(p, 1)};
    case PeerVariable::FiltDisp: return control::Text{filter_text(p, 2)};
    // Autokey (§4.7).
    case PeerVariable::Host:
      if (!s->autokey || s->autokey->host.empty()) return std::nullopt;
      return control::Quoted{s->autokey->host};
    case PeerVariable::Flags:
      if (!s->autokey || !s->autokey->flags) return std::nullopt;
      return control::Hex{s->autokey->flags};
    case PeerVariable::Signature:
      if (!s->autokey || !s->autokey->flags) return std::nullopt;
      return control::Quoted{wire::signature_nid_name(static_cast<std::uint16_t>(s->autokey->flags >> 16))};
    case PeerVariable::Ident:
      if (!s->ident) return std::nullopt;
      return control::Quoted{*s->ident};
    default: return std::nullopt;
  }
}

std::optional<control::AutokeyValuesInfo> DaemonVariables::autokey_values(std::uint16_t assoc_id) const {
  const auto s = d_.source(assoc_id);
  if (!s || !s->autokey || !s->autokey->initsequence || !s->autokey->initkey) return std::nullopt;
  control::AutokeyValuesInfo info;
  info.sequence = *s->autokey->initsequence;
  info.key = *s->autokey->initkey;
  info.timestamp = control::calendar_from_ntp_seconds(s->autokey->timestamp);
  return info;
}

std::optional<control::ClockReading> DaemonVariables::clock_reading(std::uint16_t assoc_id) const {
  auto vars = d_.clock_variables(assoc_id);
  if (!vars) return std::nullopt;
  // ntpd's clock status: 0 (nominal, no event) for a clock that answers;
  // hw's counters carry the failures, shown as noreply/badformat/baddata.
  control::ClockReading r;
  // ntpd's default clock list starts with the device name (a string).
  for (auto& [name, value] : *vars) {
    if (name == "device")
      r.variables.insert(r.variables.begin(), {name, control::Quoted{value}});
    else
      r.variables.push_back({name, control::Text{value}});
  }
  return r;
}

}  // namespace ak::daemon
