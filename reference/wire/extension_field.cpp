#include "wire/extension_field.h"

namespace ak::wire {

namespace {
constexpr std::uint32_t kResponseBit = 0x80000000;  // CRYPTO_RESP
constexpr std::uint32_t kErrorBit = 0x40000000;     // CRYPTO_ERROR

bool all_zero(ByteView v) {
  for (std::uint8_t b : v)
    if (b != 0) return false;
  return true;
}
}  // namespace

std::string_view name(Opcode op) {
  switch (op) {
    case Opcode::Null: return "NULL";
    case Opcode::Assoc: return "ASSOC";
    case Opcode::Cert: return "CERT";
    case Opcode::Cook: return "COOK";
    case Opcode::Auto: return "AUTO";
    case Opcode::Leap: return "LEAP";
    case Opcode::Sign: return "SIGN";
    case Opcode::Iff: return "IFF";
    case Opcode::Gq: return "GQ";
    case Opcode::Mv: return "MV";
  }
  return "?";
}

std::optional<Opcode> to_opcode(std::uint8_t code) {
  if (code > kMaxOpcode) return std::nullopt;
  return static_cast<Opcode>(code);
}

std::string opcode_name(std::uint8_t code) {
  if (auto op = to_opcode(code)) return std::string(name(*op));
  return "CODE" + std::to_string(code);
}

std::uint16_t ExtensionField::field_type() const {
  return static_cast<std::uint16_t>((response ? 0x8000 : 0) | (error ? 0x4000 : 0) | ((version & 0x3f) << 8) | code);
}

Result<ExtensionField, WireError> ExtensionField::parse(Reader& r) {
  // docs/wire-format.md "Telling extension fields from the MAC", step 3:
  // only the length decides where the field ends; version and code are
  // looked at by the message layer, as in ntpd's receive().
  const auto word = r.peek_u32();
  if (!word) return Err{WireError::ExtensionOverrunsPacket};
  const std::size_t len = *word & 0xffff;
  if (len % 4 != 0) return Err{WireError::ExtensionLengthNotMultipleOf4};
  // ntpd's receive() accepts 4; crypto_recv then treats L < 8 as an error
  // field. We refuse it here: an EF without association ID is never valid,
  // and security-history NEW-3 is a read past exactly such a field.
  if (len < kShortFormLength) return Err{WireError::ExtensionLengthTooSmall};
  auto frame = r.sub(len);  // bounds check: A + L <= packet length
  if (!frame) return Err{WireError::ExtensionOverrunsPacket};
  Reader f = *frame;
  ExtensionField ef;
  const std::uint32_t first = *f.u32();
  ef.response = (first & kResponseBit) != 0;
  ef.error = (first & kErrorBit) != 0;
  ef.version = static_cast<std::uint8_t>((first >> 24) & 0x3f);
  ef.code = static_cast<std::uint8_t>(first >> 16);
  ef.assoc_id = *f.u32();
  const ByteView body = f.rest();
  ef.body.assign(body.begin(), body.end());
  return ef;
}

Result<ExtensionField, WireError> ExtensionField::parse(ByteView octets) {
  Reader r(octets);
  AK_TRY(ExtensionField ef, parse(r));
  if (!r.empty()) return Err{WireError::TrailingBytes};
  return ef;
}

Status<WireError> ExtensionField::serialize(Writer& w) const {
  if (version > 0x3f) return Err{WireError::FieldWiderThanWireBits};
  if (body.size() % 4 != 0) return Err{WireError::ExtensionLengthNotMultipleOf4};
  if (body.size() > kMaxExtensionLength - kShortFormLength) return Err{WireError::ExtensionTooLong};
  w.u32((std::uint32_t{field_type()} << 16) | static_cast<std::uint32_t>(length()));
  w.u32(assoc_id);
  w.bytes(body);
  return Ok{};
}

Result<Bytes, WireError> ExtensionField::serialize() const {
  Writer w;
  if (auto st = serialize(w); !st) return Err{st.error()};
  return w.take();
}

std::string summary(const ExtensionField& ef) {
  std::string s = opcode_name(ef.code);
  if (ef.error)
    s += "-E";
  else if (ef.response)
    s += "-R";
  if (ef.version != kAutokeyVersion) s += "/v" + std::to_string(ef.version);
  return s;
}

Result<ValueStructure, WireError> ValueStructure::parse(ByteView body) {
  Reader r(body);
  const auto ts = r.u32();
  const auto fs = r.u32();
  const auto vl = r.u32();
  // 12 octets plus the siglen word: a long form is at least 24 octets in all.
  if (!ts || !fs || !vl || r.remaining() < 4) return Err{WireError::LongFormTooShort};
  // digest §3.8 step 4: vl == 0 or vl > L - 24 -> XEVNT_LEN. r.remaining()
  // is L - 20 here, so "vl > remaining - 4" is "vl > L - 24", subtracted
  // first so a huge vl (security-history row 9a) cannot wrap.
  if (*vl == 0) return Err{WireError::ValueLengthZero};
#ifndef AK_MUTANT_VALUE_LENGTH_OFF_BY_4
  if (*vl > r.remaining() - 4) return Err{WireError::ValueLengthExceedsField};
#else
  // MUTANT (docs/mutants.md): the bound counts the siglen word twice.
  if (r.remaining() < 8 || *vl > r.remaining() - 8) return Err{WireError::ValueLengthExceedsField};
#endif
  ValueStructure out;
  out.timestamp = *ts;
  out.filestamp = *fs;
  const auto value = r.bytes(*vl);
  // The padding and the siglen word are read through the bounded reader:
  // security-history NEW-8 (ntpd reads siglen before checking it is inside
  // the field). A value that leaves no room for them exceeds the field.
  const auto vpad = r.bytes(static_cast<std::size_t>(pad4(*vl) - *vl));
  const auto sl = r.u32();
  if (!value || !vpad || !sl) return Err{WireError::ValueLengthExceedsField};
  // crypto_verify check 5: L - 24 - pad4(vl) >= pad4(sl), again subtract-then-compare.
  if (pad4(*sl) > r.remaining()) return Err{WireError::SignatureLengthExceedsField};
  const auto sig = r.bytes(*sl);
  const auto spad = r.bytes(static_cast<std::size_t>(pad4(*sl) - *sl));
  if (!sig || !spad) return Err{WireError::SignatureLengthExceedsField};
  // Our own strictness (docs/wire-format.md): ntpd writes zero padding and
  // no trailing octets; refusing anything else makes parse/serialize exact.
  if (!all_zero(*vpad) || !all_zero(*spad)) return Err{WireError::PaddingNotZero};
  if (!r.empty()) return Err{WireError::TrailingBytes};
  out.value.assign(value->begin(), value->end());
  out.signature.assign(sig->begin(), sig->end());
  return out;
}

std::size_t ValueStructure::serialized_size() const {
  return 16 + static_cast<std::size_t>(pad4(value.size()) + pad4(signature.size()));
}

Bytes ValueStructure::serialize() const {
  Writer w;
  w.u32(timestamp).u32(filestamp).u32(static_cast<std::uint32_t>(value.size())).bytes(value).pad4();
  w.u32(static_cast<std::uint32_t>(signature.size())).bytes(signature).pad4();
  return w.take();
}

Bytes signed_octets(std::uint32_t timestamp, std::uint32_t filestamp, ByteView value) {
  Writer w;
  w.u32(timestamp).u32(filestamp).u32(static_cast<std::uint32_t>(value.size())).bytes(value);
  return w.take();
}

Bytes ValueStructure::signed_octets() const { return wire::signed_octets(timestamp, filestamp, value); }

ExtensionField make_short_field(Opcode op, bool response, bool error, std::uint32_t assoc_id) {
  ExtensionField ef;
  ef.response = response;
  ef.error = error;
  ef.code = static_cast<std::uint8_t>(op);
  ef.assoc_id = assoc_id;
  return ef;
}

ExtensionField make_long_field(Opcode op, bool response, std::uint32_t assoc_id, const ValueStructure& vs) {
  ExtensionField ef = make_short_field(op, response, false, assoc_id);
  ef.body = vs.serialize();
  return ef;
}

}  // namespace ak::wire
