#include "wire/messages/autokey.h"

namespace ak::wire {

Result<AutoRequest, WireError> AutoRequest::from_field(const ExtensionField& ef) {
  return detail::short_message<AutoRequest>(ef);
}

ExtensionField AutoRequest::to_field() const { return make_short_field(Opcode::Auto, false, false, assoc_id); }

Result<AutoResponse, WireError> AutoResponse::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  if (vs.value.size() != kValueSize) return Err{WireError::AutokeyValueNot8Octets};
  Reader r(vs.value);
  AutoResponse m;
  m.key_id = *r.u32();
  m.sequence = *r.u32();
  m.env = detail::envelope_of(ef, vs);
  return m;
}

Bytes AutoResponse::value() const {
  Writer w;
  w.u32(key_id).u32(sequence);
  return w.take();
}

ExtensionField AutoResponse::to_field() const { return detail::long_field(Opcode::Auto, true, env, value()); }

}  // namespace ak::wire
