// Figures for docs/ drawn from the code itself, so they cannot drift:
//
//   state_diagram_dot()   the association state machine as Graphviz DOT,
//                         from core::request_rules() and core::transition_table()
//   extension_field_svg() the packet and extension-field layout as SVG, from the
//                         table below, whose bit positions a test checks against
//                         wire::ExtensionField::serialize()
//
// autokey-diagram prints them; reference/tools/diagram/CMakeLists.txt turns
// the DOT into SVG with `dot -Tsvg` and checks docs/figures/ against both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/transitions.h"

namespace ak::diagram {

// One arrow of the state diagram: `event` moves an association from `from`
// to `to`, lighting some of `lit` (crypto_flag bits, possibly 0).
struct StateEdge {
  core::State from;
  core::State to;
  std::string event;  // core::to_string(Event), or "host clock synchronized"
  std::uint32_t lit = 0;  // every bit such a step may light
  bool restart = false;  // a timer restart, drawn once from the whole cluster
};

// Every transition an association can take, found by running the table from
// crypto == 0: each accepted event may light any subset of its row's bits
// (the ASSOC response also stores the peer's status word, so crypto becomes
// nonzero), and the host clock may become synchronized. Sorted by source
// state, event, target state; self-loops omitted.
std::vector<StateEdge> state_edges(core::RequestTable table);

// The whole figure, deterministic text.
std::string state_diagram_dot(core::RequestTable table);

// One box in a word row of the layout figure.
struct LayoutField {
  std::string name;
  unsigned bits = 32;     // width in bits within its 32-bit row
  bool variable = false;  // a variable-length area (drawn as one taller row)
};
struct LayoutRow {
  std::vector<LayoutField> fields;  // bits add up to 32
  std::string note;                 // right-hand annotation
};

// The extension field, word by word, as digest §3.1-§3.3 lays it out (ntpd's
// octet order, not RFC 5906's figure).
std::vector<LayoutRow> extension_field_layout();

std::string extension_field_svg();

}  // namespace ak::diagram
