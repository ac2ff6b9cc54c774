#include "wire/messages/identity.h"

namespace ak::wire {

std::optional<IdentityScheme> identity_scheme(Opcode op) {
  switch (op) {
    case Opcode::Iff: return IdentityScheme::Iff;
    case Opcode::Gq: return IdentityScheme::Gq;
    case Opcode::Mv: return IdentityScheme::Mv;
    default: return std::nullopt;
  }
}

std::string_view name(IdentityScheme s) { return name(opcode_of(s)); }

namespace {
Result<IdentityScheme, WireError> scheme_of(const ExtensionField& ef) {
  const auto op = ef.opcode();
  const auto s = op ? identity_scheme(*op) : std::nullopt;
  if (!s) return Err{WireError::UnknownOpcode};
  return *s;
}
}  // namespace

Result<IdentityRequest, WireError> IdentityRequest::from_field(const ExtensionField& ef) {
  AK_TRY(IdentityScheme s, scheme_of(ef));
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  return IdentityRequest{s, detail::envelope_of(ef, vs), std::move(vs.value)};
}

ExtensionField IdentityRequest::to_field() const {
  return detail::long_field(opcode_of(scheme), false, env, challenge);
}

Result<IdentityResponse, WireError> IdentityResponse::from_field(const ExtensionField& ef) {
  AK_TRY(IdentityScheme s, scheme_of(ef));
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  return IdentityResponse{s, detail::envelope_of(ef, vs), std::move(vs.value)};
}

ExtensionField IdentityResponse::to_field() const {
  return detail::long_field(opcode_of(scheme), true, env, response);
}

}  // namespace ak::wire
