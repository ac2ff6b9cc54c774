#include "wire/messages/cert.h"

namespace ak::wire {

Result<CertRequest, WireError> CertRequest::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  CertRequest m;
  // digest §5.2 "Responder selection": the name must be 1..512 octets.
  AK_TRY(m.subject, detail::name_from(vs.value));
  m.env = detail::envelope_of(ef, vs);
  return m;
}

ExtensionField CertRequest::to_field() const {
  return detail::long_field(Opcode::Cert, false, env, detail::view_of(subject));
}

Result<CertResponse, WireError> CertResponse::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  return CertResponse{detail::envelope_of(ef, vs), std::move(vs.value)};
}

ExtensionField CertResponse::to_field() const { return detail::long_field(Opcode::Cert, true, env, certificate); }

}  // namespace ak::wire
