#include "wire/messages/error_responses.h"

namespace ak::wire {

Result<EmptyResponse, WireError> EmptyResponse::from_field(const ExtensionField& ef) {
  if (auto st = detail::expect_short_form(ef); !st) return Err{st.error()};
  const auto op = ef.opcode();
  if (!op) return Err{WireError::UnknownOpcode};
  // digest §5.1 check 3, §11.3: ASSOC is long form, always.
  if (*op == Opcode::Assoc) return Err{WireError::ShortFormWhereLongRequired};
  return EmptyResponse{*op, ef.assoc_id};
}

ExtensionField EmptyResponse::to_field() const { return make_short_field(code, true, false, assoc_id); }

Result<ErrorResponse, WireError> ErrorResponse::from_field(const ExtensionField& ef) {
  // ntpd builds error responses with the 8-octet form only.
  if (auto st = detail::expect_short_form(ef); !st) return Err{st.error()};
  const auto op = ef.opcode();
  if (!op) return Err{WireError::UnknownOpcode};
  return ErrorResponse{*op, ef.assoc_id};
}

ExtensionField ErrorResponse::to_field() const { return make_short_field(code, true, true, assoc_id); }

}  // namespace ak::wire
