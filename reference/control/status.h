// System and peer status words (operator-surface §4.5).
#pragma once

#include <cstdint>
#include <string_view>

namespace ak::control {

enum class Selection : std::uint8_t {
  Reject = 0, Falsetick = 1, Excess = 2, Outlier = 3, Candidate = 4, Backup = 5, SysPeer = 6, PpsPeer = 7,
};

struct PeerStatus {
  bool configured = false;    // 0x80 conf: from the configuration file
  bool auth_enabled = false;  // 0x40 authenb: non-zero key id (Autokey once it has sent)
  bool authentic = false;     // 0x20 auth: the last packet's MAC verified
  bool reachable = false;     // 0x10 reach
  bool broadcast = false;     // 0x08 bcast
  Selection selection = Selection::Reject;
  std::uint8_t event_count = 0;  // 4 bits, saturates at 15
  std::uint8_t last_event = 0;   // 4 bits, peer event code

  std::uint16_t word() const;
  static PeerStatus from_word(std::uint16_t w);
  bool operator==(const PeerStatus&) const = default;
};

struct SystemStatus {
  std::uint8_t leap = 0;          // 2 bits
  std::uint8_t clock_source = 0;  // 6 bits: 6 = ntp
  std::uint8_t event_count = 0;   // 4 bits
  std::uint8_t last_event = 0;    // 4 bits

  std::uint16_t word() const;
  static SystemStatus from_word(std::uint16_t w);
  bool operator==(const SystemStatus&) const = default;
};

// ntpq's names (§4.5, §4.8), for printing.
std::string_view selection_name(std::uint8_t code);     // "reject" ... "pps.peer"
std::string_view peer_event_name(std::uint8_t code);    // "mobilize" ...; "" for 0
std::string_view system_event_name(std::uint8_t code);  // "unspecified" ...
std::string_view clock_source_name(std::uint8_t code);  // "sync_unspec" ... "sync_ntp"
std::string_view leap_name(std::uint8_t leap);          // "leap_none" ...

}  // namespace ak::control
