#include "wire/messages/message.h"

#include <cstdio>
#include <type_traits>

namespace ak::wire {

namespace {

template <class M>
Result<Message, WireError> as_message(Result<M, WireError> r) {
  if (!r) return Err{r.error()};
  return Message{std::move(r).value()};
}

Result<Message, WireError> decode_request(Opcode op, const ExtensionField& ef) {
  switch (op) {
    case Opcode::Null: return as_message(NullRequest::from_field(ef));
    case Opcode::Assoc: return as_message(AssocRequest::from_field(ef));
    case Opcode::Cert: return as_message(CertRequest::from_field(ef));
    case Opcode::Cook: return as_message(CookRequest::from_field(ef));
    case Opcode::Auto: return as_message(AutoRequest::from_field(ef));
    case Opcode::Leap: return as_message(LeapRequest::from_field(ef));
    case Opcode::Sign: return as_message(SignRequest::from_field(ef));
    case Opcode::Iff:
    case Opcode::Gq:
    case Opcode::Mv: return as_message(IdentityRequest::from_field(ef));
  }
  return Err{WireError::UnknownOpcode};
}

Result<Message, WireError> decode_response(Opcode op, const ExtensionField& ef) {
  switch (op) {
    // NULL has no response of its own; the 8-octet one is an EmptyResponse.
    case Opcode::Null: return Err{WireError::LongFormWhereShortRequired};
    case Opcode::Assoc: return as_message(AssocResponse::from_field(ef));
    case Opcode::Cert: return as_message(CertResponse::from_field(ef));
    case Opcode::Cook: return as_message(CookResponse::from_field(ef));
    case Opcode::Auto: return as_message(AutoResponse::from_field(ef));
    case Opcode::Leap: return as_message(LeapResponse::from_field(ef));
    case Opcode::Sign: return as_message(SignResponse::from_field(ef));
    case Opcode::Iff:
    case Opcode::Gq:
    case Opcode::Mv: return as_message(IdentityResponse::from_field(ef));
  }
  return Err{WireError::UnknownOpcode};
}

}  // namespace

Result<Message, WireError> decode(const ExtensionField& ef) {
  // digest §3.8 step 2: ntpd checks VN == 2 on every field.
  if (ef.version != kAutokeyVersion) return Err{WireError::WrongAutokeyVersion};
  const auto op = ef.opcode();
  if (!op) return Err{WireError::UnknownOpcode};
  // digest §3.1: ntpd sets E only together with R.
  if (ef.error && !ef.response) return Err{WireError::ErrorBitWithoutResponseBit};
  if (ef.error) return as_message(ErrorResponse::from_field(ef));
  if (!ef.response) return decode_request(*op, ef);
  // An 8-octet response without E is "nothing to send" for every code but
  // ASSOC (digest §5 "Empty responses"); ASSOC goes on to be refused.
  if (ef.is_short_form() && *op != Opcode::Assoc) return as_message(EmptyResponse::from_field(ef));
  return decode_response(*op, ef);
}

Result<ExtensionField, WireError> encode(const Message& m) {
  ExtensionField ef = std::visit([](const auto& msg) { return msg.to_field(); }, m);
  // The 16-bit length field is checked here, before decode sees a field
  // whose length() no longer matches what would go on the wire.
  if (ef.length() > kMaxExtensionLength) return Err{WireError::ExtensionTooLong};
  auto back = decode(ef);
  if (!back) return Err{back.error()};
  return ef;
}

Opcode opcode(const Message& m) {
  return std::visit(
      [](const auto& msg) -> Opcode {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, NullRequest>) return Opcode::Null;
        else if constexpr (std::is_base_of_v<AssocMessage, T>) return Opcode::Assoc;
        else if constexpr (std::is_same_v<T, CertRequest> || std::is_same_v<T, CertResponse>) return Opcode::Cert;
        else if constexpr (std::is_same_v<T, CookRequest> || std::is_same_v<T, CookResponse>) return Opcode::Cook;
        else if constexpr (std::is_same_v<T, AutoRequest> || std::is_same_v<T, AutoResponse>) return Opcode::Auto;
        else if constexpr (std::is_same_v<T, LeapRequest> || std::is_same_v<T, LeapResponse>) return Opcode::Leap;
        else if constexpr (std::is_same_v<T, SignRequest> || std::is_same_v<T, SignResponse>) return Opcode::Sign;
        else if constexpr (std::is_same_v<T, IdentityRequest> || std::is_same_v<T, IdentityResponse>)
          return opcode_of(msg.scheme);
        else
          return msg.code;  // EmptyResponse, ErrorResponse
      },
      m);
}

bool is_response(const Message& m) {
  return std::visit([](const auto& msg) { return msg.to_field().response; }, m);
}

bool is_error(const Message& m) { return std::holds_alternative<ErrorResponse>(m); }

std::uint32_t assoc_id(const Message& m) {
  return std::visit(
      [](const auto& msg) -> std::uint32_t {
        if constexpr (requires { msg.env; })
          return msg.env.assoc_id;
        else
          return msg.assoc_id;
      },
      m);
}

const Envelope* envelope(const Message& m) {
  return std::visit(
      [](const auto& msg) -> const Envelope* {
        if constexpr (requires { msg.env; })
          return &msg.env;
        else
          return nullptr;
      },
      m);
}

namespace {

std::string printable(const std::string& s) {
  constexpr std::size_t kMax = 64;
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > kMax) out += "...";
  return out;
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

}  // namespace

std::string describe(const Message& m) {
  // The first word's summary ("ASSOC-R") comes from the field itself.
  const ExtensionField ef = std::visit([](const auto& msg) { return msg.to_field(); }, m);
  std::string s = summary(ef) + " assoc " + std::to_string(assoc_id(m));
  if (const auto* a = std::get_if<AssocRequest>(&m)) {
    s += " ts " + std::to_string(a->timestamp) + " status " + a->status.to_string() + " name \"" +
         printable(a->name) + "\"";
  } else if (const auto* r = std::get_if<AssocResponse>(&m)) {
    s += " ts " + std::to_string(r->timestamp) + " status " + r->status.to_string() + " name \"" +
         printable(r->name) + "\"";
  } else if (const Envelope* env = envelope(m)) {
    s += " ts " + std::to_string(env->timestamp) + " fs " + std::to_string(env->filestamp);
    if (const auto* c = std::get_if<CertRequest>(&m)) {
      s += " subject \"" + printable(c->subject) + "\"";
    } else if (const auto* au = std::get_if<AutoResponse>(&m)) {
      s += " key " + hex32(au->key_id) + " seq " + std::to_string(au->sequence);
    } else if (const auto* l = std::get_if<LeapResponse>(&m)) {
      s += " tai " + std::to_string(l->tai_offset) + " era " + std::to_string(l->era_start) + " expiry " +
           std::to_string(l->expiry);
    } else {
      // vl is the third word of the body; read it bounded, the message may
      // not have been through encode()'s checks.
      s += " value " + std::to_string(Reader(ef.body).peek_u32_at(8).value_or(0));
    }
    s += " sig " + std::to_string(env->signature.size());
  }
  return s;
}

}  // namespace ak::wire
