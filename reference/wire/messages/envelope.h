// What every long-form Autokey message carries besides its value
// (digest §3.3): association ID, timestamp, filestamp and signature.
// Typed messages keep all of it, so decode then encode gives back the very
// octets that arrived.
#pragma once

#include <cstdint>
#include <string>

#include "wire/errors.h"
#include "wire/extension_field.h"
#include "wire/reader.h"
#include "wire/result.h"

namespace ak::wire {

struct Envelope {
  std::uint32_t assoc_id = 0;
  std::uint32_t timestamp = 0;  // NTP seconds of signing; 0 = sender unsynchronized
  std::uint32_t filestamp = 0;  // NTP seconds of the underlying file (see digest §3.7 per message)
  Bytes signature;              // empty = unsigned (sl = 0)

  bool is_signed() const { return !signature.empty(); }
  bool operator==(const Envelope&) const = default;
};

// The octets the signature covers (digest §3.6): ts || fs || vl || value.
inline Bytes signed_octets(const Envelope& env, ByteView value) {
  return signed_octets(env.timestamp, env.filestamp, value);
}

// Shared by the message files; not needed by callers of decode()/encode().
namespace detail {

// The 8-octet form: LongFormWhereShortRequired for anything longer.
inline Status<WireError> expect_short_form(const ExtensionField& ef) {
  if (!ef.is_short_form()) return Err{WireError::LongFormWhereShortRequired};
  return Ok{};
}

// A message that is nothing but the association ID.
template <class M>
Result<M, WireError> short_message(const ExtensionField& ef) {
  if (auto st = expect_short_form(ef); !st) return Err{st.error()};
  return M{ef.assoc_id};
}

// The value structure of a long-form field (digest §3.3, §3.8 step 4).
inline Result<ValueStructure, WireError> expect_long_form(const ExtensionField& ef) {
  if (ef.is_short_form()) return Err{WireError::ShortFormWhereLongRequired};
  if (ef.length() < kLongFormMinLength) return Err{WireError::LongFormTooShort};
  return ValueStructure::parse(ef.body);
}

inline Envelope envelope_of(const ExtensionField& ef, const ValueStructure& vs) {
  return Envelope{ef.assoc_id, vs.timestamp, vs.filestamp, vs.signature};
}

inline ExtensionField long_field(Opcode op, bool response, const Envelope& env, ByteView value) {
  ValueStructure vs{env.timestamp, env.filestamp, Bytes(value.begin(), value.end()), env.signature};
  return make_long_field(op, response, env.assoc_id, vs);
}

// ASSOC names and CERT subjects: 1..512 octets (MAXHOSTNAME, digest §5.1
// check 3 and §5.2); the zero case is caught earlier as ValueLengthZero.
inline Result<std::string, WireError> name_from(const Bytes& value) {
  if (value.size() > kMaxNameLength) return Err{WireError::NameTooLong};
  return std::string(value.begin(), value.end());
}

inline ByteView view_of(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

}  // namespace detail
}  // namespace ak::wire
