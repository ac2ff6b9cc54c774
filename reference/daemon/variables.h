// The daemon's state as mode 6 shows it: control::VariableSource over a
// Daemon (operator-surface §4.6, §4.7). Values are read when asked, so each
// answer shows the state at the time of the request. Units and formats are
// ntpd's: delays, offsets and dispersions in milliseconds, Autokey dates as
// YYYYMMDDHHMM UTC.
#pragma once

#include "control/responder.h"
#include "daemon/daemon.h"

namespace ak::daemon {

class DaemonVariables final : public control::VariableSource {
 public:
  explicit DaemonVariables(const Daemon& daemon) : d_(daemon) {}

  std::uint8_t leap_indicator() const override;
  std::uint16_t system_status() const override;
  std::vector<control::AssociationStatus> associations() const override;
  std::optional<control::Value> system_variable(control::SystemVariable v) const override;
  std::vector<control::CertificateInfo> certificates() const override;
  std::optional<control::Value> peer_variable(std::uint16_t assoc_id, control::PeerVariable v) const override;
  std::optional<control::AutokeyValuesInfo> autokey_values(std::uint16_t assoc_id) const override;
  std::optional<control::ClockReading> clock_reading(std::uint16_t assoc_id) const override;

 private:
  const Daemon& d_;
};

// The version string of the `version` system variable.
inline constexpr const char* kVersion = "autokeyd 0.1.0 (autokey-ref, NTPv4 Autokey reference)";

// ntpd's refid text: four ASCII characters at stratum 0/1 and 16 (kiss codes,
// "INIT", "LOCL"), else the dotted quad.
std::string refid_text(std::uint32_t refid, int stratum);

}  // namespace ak::daemon
