#include "wire/messages/leap.h"

namespace ak::wire {

Result<LeapRequest, WireError> LeapRequest::from_field(const ExtensionField& ef) {
  return detail::short_message<LeapRequest>(ef);
}

ExtensionField LeapRequest::to_field() const { return make_short_field(Opcode::Leap, false, false, assoc_id); }

Result<LeapResponse, WireError> LeapResponse::from_field(const ExtensionField& ef) {
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  // digest §5.5 "Client processing": only vl == 12 is used.
  if (vs.value.size() != kValueSize) return Err{WireError::LeapValueNot12Octets};
  Reader r(vs.value);
  LeapResponse m;
  m.tai_offset = *r.u32();
  m.era_start = *r.u32();
  m.expiry = *r.u32();
  m.env = detail::envelope_of(ef, vs);
  return m;
}

Bytes LeapResponse::value() const {
  Writer w;
  w.u32(tai_offset).u32(era_start).u32(expiry);
  return w.take();
}

ExtensionField LeapResponse::to_field() const { return detail::long_field(Opcode::Leap, true, env, value()); }

}  // namespace ak::wire
