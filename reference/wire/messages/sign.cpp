#include "wire/messages/sign.h"

namespace ak::wire {

Result<SignRequest, WireError> SignRequest::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  return SignRequest{detail::envelope_of(ef, vs), std::move(vs.value)};
}

ExtensionField SignRequest::to_field() const { return detail::long_field(Opcode::Sign, false, env, certificate); }

Result<SignResponse, WireError> SignResponse::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  return SignResponse{detail::envelope_of(ef, vs), std::move(vs.value)};
}

ExtensionField SignResponse::to_field() const { return detail::long_field(Opcode::Sign, true, env, certificate); }

}  // namespace ak::wire
