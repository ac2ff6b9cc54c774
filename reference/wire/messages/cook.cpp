#include "wire/messages/cook.h"

namespace ak::wire {

Result<CookRequest, WireError> CookRequest::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  return CookRequest{detail::envelope_of(ef, vs), std::move(vs.value)};
}

ExtensionField CookRequest::to_field() const { return detail::long_field(Opcode::Cook, false, env, public_key); }

Result<CookResponse, WireError> CookResponse::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  return CookResponse{detail::envelope_of(ef, vs), std::move(vs.value)};
}

ExtensionField CookResponse::to_field() const { return detail::long_field(Opcode::Cook, true, env, ciphertext); }

}  // namespace ak::wire
