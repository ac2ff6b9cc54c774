#include "wire/messages/assoc.h"

namespace ak::wire {

namespace {

Result<AssocMessage, WireError> assoc_from(const ExtensionField& ef) {
  // security-history NEW-3: a short ASSOC field is refused here, before any
  // value is looked at (ntpd asserts L >= 24 and its receive() screening
  // reads the name of a 4-octet field from whatever follows it).
  AK_TRY(ValueStructure vs, detail::expect_long_form(ef));
  AssocMessage m;
  m.assoc_id = ef.assoc_id;
  m.timestamp = vs.timestamp;
  m.status = StatusWord{vs.filestamp};
  // digest §5.1 check 3: vl > 512 -> XEVNT_LEN (vl == 0 already refused).
  AK_TRY(m.name, detail::name_from(vs.value));
  m.signature = std::move(vs.signature);
  return m;
}

ExtensionField assoc_to(const AssocMessage& m, bool response) {
  const Envelope env{m.assoc_id, m.timestamp, m.status.raw, m.signature};
  return detail::long_field(Opcode::Assoc, response, env, detail::view_of(m.name));
}

}  // namespace

Result<AssocRequest, WireError> AssocRequest::from_field(const ExtensionField& ef) {
  AK_TRY(AssocMessage m, assoc_from(ef));
  return AssocRequest{std::move(m)};
}
ExtensionField AssocRequest::to_field() const { return assoc_to(*this, false); }

Result<AssocResponse, WireError> AssocResponse::from_field(const ExtensionField& ef) {
  AK_TRY(AssocMessage m, assoc_from(ef));
  return AssocResponse{std::move(m)};
}
ExtensionField AssocResponse::to_field() const { return assoc_to(*this, true); }

}  // namespace ak::wire
