#include "control/static_source.h"

namespace ak::control {

std::vector<AssociationStatus> StaticVariableSource::associations() const {
  std::vector<AssociationStatus> out;
  for (const auto& [id, p] : peers) out.push_back({id, p.status});
  return out;
}

std::optional<Value> StaticVariableSource::system_variable(SystemVariable v) const {
  const auto it = system.find(v);
  if (it == system.end()) return std::nullopt;
  return it->second;
}

StaticVariableSource::Peer* StaticVariableSource::peer(std::uint16_t assoc_id) {
  for (auto& [id, p] : peers)
    if (id == assoc_id) return &p;
  return nullptr;
}

const StaticVariableSource::Peer* StaticVariableSource::peer(std::uint16_t assoc_id) const {
  for (const auto& [id, p] : peers)
    if (id == assoc_id) return &p;
  return nullptr;
}

std::optional<Value> StaticVariableSource::peer_variable(std::uint16_t assoc_id, PeerVariable v) const {
  const Peer* p = peer(assoc_id);
  if (p == nullptr) return std::nullopt;
  const auto it = p->variables.find(v);
  if (it == p->variables.end()) return std::nullopt;
  return it->second;
}

std::optional<AutokeyValuesInfo> StaticVariableSource::autokey_values(std::uint16_t assoc_id) const {
  const Peer* p = peer(assoc_id);
  if (p == nullptr) return std::nullopt;
  return p->autokey;
}

std::optional<ClockReading> StaticVariableSource::clock_reading(std::uint16_t assoc_id) const {
  const auto it = clocks.find(assoc_id);
  if (it == clocks.end()) return std::nullopt;
  return it->second;
}

}  // namespace ak::control
