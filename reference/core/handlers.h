// The per-message handlers behind the transition table (core/transitions.h).
// Internal to the core layer: the Engine calls handle_field() for each
// field of an authenticated packet and build_request() when it polls.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/actions.h"
#include "core/association.h"
#include "core/host.h"
#include "wire/extension_field.h"
#include "wire/ntp_header.h"
#include "wire/result.h"

namespace ak::core {

struct HandlerContext {
  Host& host;
  std::uint32_t now = 0;        // local clock, NTP seconds
  bool synchronized = false;    // host clock set
  wire::Mode sender_mode = wire::Mode::Server;
  std::vector<Action>& actions;
  // ntpd's crypto_time(): 0 while unsynchronized (digest §3.5).
  std::uint32_t crypto_time() const { return synchronized ? now : 0; }
};

// Decodes one field and runs the handler its event names, if the table
// accepts that event in the association's current state. On error nothing in
// `a` has changed.
Status<AssocError> handle_field(Association& a, const wire::ExtensionField& ef, HandlerContext& ctx);

// Digest §9.5: the ASSOC response in a broadcast that mobilized a
// broadcast client (AUTO is not pre-lit: the sender is in broadcast mode).
Status<AssocError> accept_broadcast_assoc(Association& a, const wire::AssocResponse& m, HandlerContext& ctx);

// The request field of the association's current state (its request-rule
// row), or nothing. Records the outstanding request and, for identity
// requests, the challenge.
std::optional<wire::ExtensionField> build_request(Association& a, HandlerContext& ctx);

}  // namespace ak::core
