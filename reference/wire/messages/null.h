// NULL (code 0, digest §5.0): request 0x02000008 + association ID.
//
// ntpd sends it only by accident, when it needs an identity exchange but has
// no matching parameter file; no handler exists, so servers answer with the
// error response 0xC2000008 and the client restarts from ASSOC.
#pragma once

#include "wire/messages/envelope.h"

namespace ak::wire {

struct NullRequest {
  std::uint32_t assoc_id = 0;

  static Result<NullRequest, WireError> from_field(const ExtensionField& ef);
  ExtensionField to_field() const;
  bool operator==(const NullRequest&) const = default;
};

}  // namespace ak::wire
