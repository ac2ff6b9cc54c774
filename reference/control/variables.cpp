#include "control/variables.h"

#include <array>
#include <cinttypes>
#include <cstdio>

namespace ak::control {

namespace {

template <class Id>
struct Named {
  Id id;
  std::string_view name;
};

// Sorted by code, which is the output order of a named request.
constexpr std::array<Named<SystemVariable>, 33> kSystem{{
    {SystemVariable::Leap, "leap"}, {SystemVariable::Stratum, "stratum"},
    {SystemVariable::Precision, "precision"}, {SystemVariable::RootDelay, "rootdelay"},
    {SystemVariable::RootDisp, "rootdisp"}, {SystemVariable::Refid, "refid"},
    {SystemVariable::Reftime, "reftime"}, {SystemVariable::Tc, "tc"}, {SystemVariable::Peer, "peer"},
    {SystemVariable::Offset, "offset"}, {SystemVariable::Frequency, "frequency"},
    {SystemVariable::SysJitter, "sys_jitter"}, {SystemVariable::ClkJitter, "clk_jitter"},
    {SystemVariable::Clock, "clock"}, {SystemVariable::Processor, "processor"},
    {SystemVariable::System, "system"}, {SystemVariable::Version, "version"},
    {SystemVariable::ClkWander, "clk_wander"}, {SystemVariable::SysVarList, "sys_var_list"},
    {SystemVariable::Tai, "tai"}, {SystemVariable::Leapsec, "leapsec"}, {SystemVariable::Expire, "expire"},
    {SystemVariable::Mintc, "mintc"}, {SystemVariable::LeapSmearInterval, "leapsmearinterval"},
    {SystemVariable::LeapSmearOffset, "leapsmearoffset"}, {SystemVariable::Flags, "flags"},
    {SystemVariable::Host, "host"}, {SystemVariable::Update, "update"}, {SystemVariable::Cert, "cert"},
    {SystemVariable::Signature, "signature"}, {SystemVariable::Until, "until"},
    {SystemVariable::Ident, "ident"}, {SystemVariable::Digest, "digest"},
}};

constexpr std::array<Named<PeerVariable>, 58> kPeer{{
    {PeerVariable::Config, "config"}, {PeerVariable::AuthEnable, "authenable"},
    {PeerVariable::Authentic, "authentic"}, {PeerVariable::SrcAdr, "srcadr"},
    {PeerVariable::SrcPort, "srcport"}, {PeerVariable::DstAdr, "dstadr"}, {PeerVariable::DstPort, "dstport"},
    {PeerVariable::Leap, "leap"}, {PeerVariable::Hmode, "hmode"}, {PeerVariable::Stratum, "stratum"},
    {PeerVariable::Ppoll, "ppoll"}, {PeerVariable::Hpoll, "hpoll"}, {PeerVariable::Precision, "precision"},
    {PeerVariable::RootDelay, "rootdelay"}, {PeerVariable::RootDisp, "rootdisp"},
    {PeerVariable::Refid, "refid"}, {PeerVariable::Reftime, "reftime"}, {PeerVariable::Org, "org"},
    {PeerVariable::Rec, "rec"}, {PeerVariable::Xmt, "xmt"}, {PeerVariable::Reach, "reach"},
    {PeerVariable::Unreach, "unreach"}, {PeerVariable::Timer, "timer"}, {PeerVariable::Delay, "delay"},
    {PeerVariable::Offset, "offset"}, {PeerVariable::Jitter, "jitter"},
    {PeerVariable::Dispersion, "dispersion"}, {PeerVariable::KeyId, "keyid"},
    {PeerVariable::FiltDelay, "filtdelay"}, {PeerVariable::FiltOffset, "filtoffset"},
    {PeerVariable::Pmode, "pmode"}, {PeerVariable::Received, "received"}, {PeerVariable::Sent, "sent"},
    {PeerVariable::FiltDisp, "filtdisp"}, {PeerVariable::Flash, "flash"}, {PeerVariable::Ttl, "ttl"},
    {PeerVariable::Xleave, "xleave"}, {PeerVariable::In, "in"}, {PeerVariable::Out, "out"},
    {PeerVariable::Headway, "headway"}, {PeerVariable::Bias, "bias"}, {PeerVariable::SrcHost, "srchost"},
    {PeerVariable::TimeRec, "timerec"}, {PeerVariable::TimeReach, "timereach"},
    {PeerVariable::BadAuth, "badauth"}, {PeerVariable::BogusOrg, "bogusorg"},
    {PeerVariable::OldPkt, "oldpkt"}, {PeerVariable::SelDisp, "seldisp"},
    {PeerVariable::SelBroken, "selbroken"}, {PeerVariable::Candidate, "candidate"},
    {PeerVariable::Flags, "flags"}, {PeerVariable::Host, "host"}, {PeerVariable::Valid, "valid"},
    {PeerVariable::InitSequence, "initsequence"}, {PeerVariable::InitKey, "initkey"},
    {PeerVariable::Timestamp, "timestamp"}, {PeerVariable::Signature, "signature"},
    {PeerVariable::Ident, "ident"},
}};

// §4.6 and the mode6-ntpq capture (packets 15-16).
constexpr std::array<SystemVariable, 31> kDefaultSystem{
    SystemVariable::Version,   SystemVariable::Processor,  SystemVariable::System,
    SystemVariable::Leap,      SystemVariable::Stratum,    SystemVariable::Precision,
    SystemVariable::RootDelay, SystemVariable::RootDisp,   SystemVariable::Refid,
    SystemVariable::Reftime,   SystemVariable::Clock,      SystemVariable::Peer,
    SystemVariable::Tc,        SystemVariable::Mintc,      SystemVariable::Offset,
    SystemVariable::Frequency, SystemVariable::SysJitter,  SystemVariable::ClkJitter,
    SystemVariable::ClkWander, SystemVariable::Tai,        SystemVariable::Leapsec,
    SystemVariable::Expire,    SystemVariable::LeapSmearInterval, SystemVariable::LeapSmearOffset,
    SystemVariable::Host,      SystemVariable::Ident,      SystemVariable::Flags,
    SystemVariable::Digest,    SystemVariable::Signature,  SystemVariable::Update,
    SystemVariable::Cert,
};

// §4.7 and the capture (packets 8-9); srchost only appears for pool
// associations, in/out/bias only when set.
constexpr std::array<PeerVariable, 39> kDefaultPeer{
    PeerVariable::SrcAdr,    PeerVariable::SrcPort,   PeerVariable::SrcHost,    PeerVariable::DstAdr,
    PeerVariable::DstPort,   PeerVariable::Leap,      PeerVariable::Stratum,    PeerVariable::Precision,
    PeerVariable::RootDelay, PeerVariable::RootDisp,  PeerVariable::Refid,      PeerVariable::Reftime,
    PeerVariable::Rec,       PeerVariable::Reach,     PeerVariable::Unreach,    PeerVariable::Hmode,
    PeerVariable::Pmode,     PeerVariable::Hpoll,     PeerVariable::Ppoll,      PeerVariable::Headway,
    PeerVariable::Flash,     PeerVariable::KeyId,     PeerVariable::Offset,     PeerVariable::Delay,
    PeerVariable::Dispersion, PeerVariable::Jitter,   PeerVariable::Xleave,     PeerVariable::In,
    PeerVariable::Out,       PeerVariable::Bias,      PeerVariable::FiltDelay,  PeerVariable::FiltOffset,
    PeerVariable::FiltDisp,  PeerVariable::Host,      PeerVariable::Flags,      PeerVariable::Signature,
    PeerVariable::Valid,     PeerVariable::InitSequence, PeerVariable::Ident,
};

template <class Id, std::size_t N>
std::string_view lookup_name(const std::array<Named<Id>, N>& table, Id id) {
  for (const auto& e : table)
    if (e.id == id) return e.name;
  return "";
}

template <class Id, std::size_t N>
std::optional<Id> lookup_id(const std::array<Named<Id>, N>& table, std::string_view name) {
  for (const auto& e : table)
    if (e.name == name) return e.id;
  return std::nullopt;
}

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// civil_from_days), so no gmtime and no time-zone state.
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

struct Formatter {
  std::string operator()(std::uint64_t v) const { return std::to_string(v); }
  std::string operator()(std::int64_t v) const { return std::to_string(v); }
  std::string operator()(const Hex& v) const {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v.value);
    return buf;
  }
  std::string operator()(const NtpTimestamp& v) const {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%08" PRIx32 ".%08" PRIx32, v.seconds, v.fraction);
    return buf;
  }
  std::string operator()(const Quoted& v) const { return "\"" + v.text + "\""; }
  std::string operator()(const CalendarDate& v) const {
    const std::int64_t s = v.unix_seconds;
    const std::int64_t days = (s >= 0 ? s : s - 86399) / 86400;
    const std::int64_t rem = s - days * 86400;
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(days, y, m, d);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld%02u%02u%02lld%02lld", static_cast<long long>(y), m, d,
                  static_cast<long long>(rem / 3600), static_cast<long long>(rem % 3600 / 60));
    return buf;
  }
  std::string operator()(const Text& v) const { return v.text; }
};

}  // namespace

std::string_view name(SystemVariable v) { return lookup_name(kSystem, v); }
std::string_view name(PeerVariable v) { return lookup_name(kPeer, v); }
std::optional<SystemVariable> system_variable_named(std::string_view n) { return lookup_id(kSystem, n); }
std::optional<PeerVariable> peer_variable_named(std::string_view n) { return lookup_id(kPeer, n); }
std::span<const SystemVariable> default_system_variables() { return kDefaultSystem; }
std::span<const PeerVariable> default_peer_variables() { return kDefaultPeer; }

std::string format_value(const Value& v) { return std::visit(Formatter{}, v); }

std::string format_item(std::string_view n, const Value& v) {
  std::string s(n);
  s += '=';
  s += format_value(v);
  return s;
}

Value fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return Text{buf};
}

Value keyid_value(std::uint32_t key_id) {
  if (key_id <= 65535) return std::uint64_t{key_id};
  return Hex{key_id};
}

CalendarDate calendar_from_ntp_seconds(std::uint32_t ntp_seconds) {
  // NTP era 0 starts 2208988800 s before the Unix epoch.
  return CalendarDate{static_cast<std::int64_t>(ntp_seconds) - 2208988800LL};
}

CalendarDate calendar_date(int year, unsigned month, unsigned day, unsigned hour, unsigned minute) {
  // days_from_civil, the inverse of civil_from_days above.
  const std::int64_t y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return CalendarDate{days * 86400 + hour * 3600 + minute * 60};
}

}  // namespace ak::control
