// A VariableSource held in plain maps: for tests, tools and a daemon that
// prefers to snapshot its state before answering.
#pragma once

#include <map>

#include "control/responder.h"

namespace ak::control {

class StaticVariableSource : public VariableSource {
 public:
  struct Peer {
    std::uint16_t status = 0;
    std::map<PeerVariable, Value> variables;
    std::optional<AutokeyValuesInfo> autokey;
  };

  std::uint8_t leap = 0;
  std::uint16_t status = 0;
  std::map<SystemVariable, Value> system;
  std::vector<CertificateInfo> certs;
  std::vector<std::pair<std::uint16_t, Peer>> peers;  // READSTAT order
  std::map<std::uint16_t, ClockReading> clocks;       // reference-clock associations

  std::uint8_t leap_indicator() const override { return leap; }
  std::uint16_t system_status() const override { return status; }
  std::vector<AssociationStatus> associations() const override;
  std::optional<Value> system_variable(SystemVariable v) const override;
  std::vector<CertificateInfo> certificates() const override { return certs; }
  std::optional<Value> peer_variable(std::uint16_t assoc_id, PeerVariable v) const override;
  std::optional<AutokeyValuesInfo> autokey_values(std::uint16_t assoc_id) const override;
  std::optional<ClockReading> clock_reading(std::uint16_t assoc_id) const override;

  Peer* peer(std::uint16_t assoc_id);
  const Peer* peer(std::uint16_t assoc_id) const;
};

}  // namespace ak::control
