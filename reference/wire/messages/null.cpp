#include "wire/messages/null.h"

namespace ak::wire {

Result<NullRequest, WireError> NullRequest::from_field(const ExtensionField& ef) {
  return detail::short_message<NullRequest>(ef);
}

ExtensionField NullRequest::to_field() const { return make_short_field(Opcode::Null, false, false, assoc_id); }

}  // namespace ak::wire
