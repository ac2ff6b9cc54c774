#include "control/status.h"

#include <algorithm>
#include <array>

namespace ak::control {

std::uint16_t PeerStatus::word() const {
  const unsigned hi = (configured ? 0x80u : 0) | (auth_enabled ? 0x40u : 0) | (authentic ? 0x20u : 0) |
                      (reachable ? 0x10u : 0) | (broadcast ? 0x08u : 0) | (static_cast<unsigned>(selection) & 7u);
  const unsigned lo = (std::min<unsigned>(event_count, 15) << 4) | (last_event & 0xfu);
  return static_cast<std::uint16_t>((hi << 8) | lo);
}

PeerStatus PeerStatus::from_word(std::uint16_t w) {
  PeerStatus s;
  s.configured = (w & 0x8000) != 0;
  s.auth_enabled = (w & 0x4000) != 0;
  s.authentic = (w & 0x2000) != 0;
  s.reachable = (w & 0x1000) != 0;
  s.broadcast = (w & 0x0800) != 0;
  s.selection = static_cast<Selection>((w >> 8) & 7);
  s.event_count = static_cast<std::uint8_t>((w >> 4) & 0xf);
  s.last_event = static_cast<std::uint8_t>(w & 0xf);
  return s;
}

std::uint16_t SystemStatus::word() const {
  return static_cast<std::uint16_t>(((leap & 3u) << 14) | ((clock_source & 0x3fu) << 8) |
                                    (std::min<unsigned>(event_count, 15) << 4) | (last_event & 0xfu));
}

SystemStatus SystemStatus::from_word(std::uint16_t w) {
  SystemStatus s;
  s.leap = static_cast<std::uint8_t>(w >> 14);
  s.clock_source = static_cast<std::uint8_t>((w >> 8) & 0x3f);
  s.event_count = static_cast<std::uint8_t>((w >> 4) & 0xf);
  s.last_event = static_cast<std::uint8_t>(w & 0xf);
  return s;
}

namespace {
template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& names, unsigned i, std::string_view fallback) {
  return i < N ? names[i] : fallback;
}
}  // namespace

std::string_view selection_name(std::uint8_t code) {
  static constexpr std::array<std::string_view, 8> k{"reject",    "falsetick", "excess",   "outlier",
                                                     "candidate", "backup",    "sys.peer", "pps.peer"};
  return pick(k, code, "");
}

std::string_view peer_event_name(std::uint8_t code) {
  static constexpr std::array<std::string_view, 16> k{
      "",         "mobilize",   "demobilize",  "unreachable", "reachable",      "restart",
      "no_reply", "rate_exceeded", "access_denied", "leap_armed", "sys_peer", "clock_event",
      "bad_auth", "popcorn",    "interleave_mode", "interleave_error"};
  return pick(k, code, "");
}

std::string_view system_event_name(std::uint8_t code) {
  static constexpr std::array<std::string_view, 16> k{
      "unspecified",  "freq_not_set", "freq_set",     "spike_detect", "freq_mode", "clock_sync",
      "restart",      "panic_stop",   "no_system_peer", "leap_armed", "leap_disarmed", "leap_event",
      "clock_step",   "kern",         "TAI...",       "stale leapsecond values"};
  return pick(k, code, "");
}

std::string_view clock_source_name(std::uint8_t code) {
  static constexpr std::array<std::string_view, 10> k{"sync_unspec",    "sync_pps",   "sync_lf_radio",
                                                      "sync_hf_radio",  "sync_uhf_radio", "sync_local",
                                                      "sync_ntp",       "sync_other", "sync_wristwatch",
                                                      "sync_telephone"};
  return pick(k, code, "");
}

std::string_view leap_name(std::uint8_t leap) {
  static constexpr std::array<std::string_view, 4> k{"leap_none", "leap_add_sec", "leap_del_sec", "leap_alarm"};
  return pick(k, leap, "");
}

}  // namespace ak::control
