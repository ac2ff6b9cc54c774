// Mode 6 variables: names, ntpd's internal codes, default lists, and the
// value formats (operator-surface §4.3, §4.6, §4.7).
//
// The codes matter: when ntpq names variables, ntpd answers in code order,
// not request order. The Autokey codes are from the digest; the others
// follow ntpd 4.2.8p15's tables as far as the digest and the mode6-ntpq
// capture pin them down (the capture fixes the default order).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace ak::control {

enum class SystemVariable : std::uint8_t {
  Leap = 1, Stratum = 2, Precision = 3, RootDelay = 4, RootDisp = 5, Refid = 6, Reftime = 7,
  Tc = 8, Peer = 9, Offset = 10, Frequency = 11, SysJitter = 12, ClkJitter = 13, Clock = 14,
  Processor = 15, System = 16, Version = 17, ClkWander = 18, SysVarList = 19,
  Tai = 20, Leapsec = 21, Expire = 22, Mintc = 23,
  LeapSmearInterval = 92, LeapSmearOffset = 93,
  // Autokey (§4.6).
  Flags = 94, Host = 95, Update = 96, Cert = 97, Signature = 98, Until = 99, Ident = 100, Digest = 101,
};

enum class PeerVariable : std::uint8_t {
  Config = 1, AuthEnable = 2, Authentic = 3, SrcAdr = 4, SrcPort = 5, DstAdr = 6, DstPort = 7,
  Leap = 8, Hmode = 9, Stratum = 10, Ppoll = 11, Hpoll = 12, Precision = 13, RootDelay = 14,
  RootDisp = 15, Refid = 16, Reftime = 17, Org = 18, Rec = 19, Xmt = 20, Reach = 21, Unreach = 22,
  Timer = 23, Delay = 24, Offset = 25, Jitter = 26, Dispersion = 27, KeyId = 28, FiltDelay = 29,
  FiltOffset = 30, Pmode = 31, Received = 32, Sent = 33, FiltDisp = 34, Flash = 35, Ttl = 36,
  Xleave = 37, In = 38, Out = 39, Headway = 40, Bias = 41, SrcHost = 42, TimeRec = 43,
  TimeReach = 44, BadAuth = 45, BogusOrg = 46, OldPkt = 47, SelDisp = 48, SelBroken = 49,
  Candidate = 50,
  // Autokey (§4.7).
  Flags = 51, Host = 52, Valid = 53, InitSequence = 54, InitKey = 55, Timestamp = 56,
  Signature = 57, Ident = 58,
};

std::string_view name(SystemVariable v);
std::string_view name(PeerVariable v);
std::optional<SystemVariable> system_variable_named(std::string_view name);
std::optional<PeerVariable> peer_variable_named(std::string_view name);

// ntpd's default lists (def_sys_var / def_peer_var), in output order.
std::span<const SystemVariable> default_system_variables();
std::span<const PeerVariable> default_peer_variables();

// Value formats (§4.3: the printf formats are part of the interface).
struct Hex {  // 0x%lx
  std::uint64_t value = 0;
};
struct NtpTimestamp {  // 0x%08lx.%08lx
  std::uint32_t seconds = 0, fraction = 0;
};
struct Quoted {  // "text", no escaping (ntpd's ctl_putstr)
  std::string text;
};
struct CalendarDate {  // YYYYMMDDHHMM in UTC, no seconds (ctl_putfs)
  std::int64_t unix_seconds = 0;
};
struct Text {  // emitted as is: addresses, fixed-point numbers, filter lists
  std::string text;
};
// std::uint64_t prints %lu, std::int64_t prints %ld.
using Value = std::variant<std::uint64_t, std::int64_t, Hex, NtpTimestamp, Quoted, CalendarDate, Text>;

std::string format_value(const Value& v);
// "name=value"
std::string format_item(std::string_view name, const Value& v);

// Helpers for the daemon's VariableSource, matching ntpd's formatting.
Value fixed(double value, int decimals);  // %.Nf, e.g. offset=0.427
Value keyid_value(std::uint32_t key_id);  // decimal up to 65535, else hex (§4.7)
// NTP era-0 seconds (as in filestamps and certificate dates) to a CalendarDate.
CalendarDate calendar_from_ntp_seconds(std::uint32_t ntp_seconds);
// A UTC calendar minute.
CalendarDate calendar_date(int year, unsigned month, unsigned day, unsigned hour, unsigned minute);

}  // namespace ak::control
