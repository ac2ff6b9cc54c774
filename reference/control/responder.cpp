#include "control/responder.h"

#include <algorithm>
#include <set>

namespace ak::control {

std::string_view describe(ControlError e) {
  switch (e) {
    case ControlError::Unspecified: return "unspecified error";
    case ControlError::Permission: return "permission denied";
    case ControlError::BadFormat: return "bad request format";
    case ControlError::BadOpcode: return "unknown opcode";
    case ControlError::BadAssociation: return "unknown association";
    case ControlError::UnknownVariable: return "unknown variable";
    case ControlError::BadValue: return "bad value";
    case ControlError::Restricted: return "restricted";
  }
  return "unknown error";
}

ResponseBuilder::ResponseBuilder(const wire::ControlMessage& header) : header_(header) {
  header_.response = true;
  header_.error = false;
  header_.more = false;
  header_.data.clear();
  header_.mac.reset();
}

void ResponseBuilder::flush(bool more) {
  wire::ControlMessage m = header_;
  m.more = more;
  m.offset = static_cast<std::uint16_t>(offset_);
  m.data.assign(data_.begin(), data_.end());
  offset_ += data_.size();
  data_.clear();
  out_.push_back(std::move(m));
}

void ResponseBuilder::text_item(std::string_view item) {
  // §4.3: after the first item comes ',' and then a blank, or CRLF when
  // the line (counting that comma) plus the item plus one would reach 72.
  if (any_item_) {
    data_ += ',';
    ++line_length_;
    if (line_length_ + item.size() + 1 >= kMaxLineLength) {
      data_ += "\r\n";
      line_length_ = 0;
    } else {
      data_ += ' ';
      ++line_length_;
    }
  }
  // Keep 3 octets spare for the next separator (",\r\n"); an item that does
  // not fit is split, filling this fragment to the brim (§4.1).
  constexpr std::size_t kOverhead = 3;
  while (data_.size() + item.size() + kOverhead > kMaxFragmentData) {
    const std::size_t room = kMaxFragmentData - data_.size();
    const std::size_t n = std::min(item.size(), room);
    data_.append(item.substr(0, n));
    item.remove_prefix(n);
    line_length_ += n;
    flush(true);
  }
  data_.append(item);
  line_length_ += item.size();
  any_item_ = true;
  sent_text_ = true;
}

void ResponseBuilder::binary(wire::ByteView data) {
  while (data_.size() + data.size() > kMaxFragmentData) {
    const std::size_t n = kMaxFragmentData - data_.size();
    data_.append(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    flush(true);
  }
  data_.append(data.begin(), data.end());
  any_item_ = true;
}

std::vector<wire::ControlMessage> ResponseBuilder::finish() {
  // §4.3: a text response ends with CRLF when 2 octets of room remain.
  if (sent_text_ && data_.size() + 2 <= kMaxFragmentData) data_ += "\r\n";
  flush(false);
  return std::move(out_);
}

std::vector<std::string> split_variable_list(std::string_view data) {
  std::vector<std::string> names;
  while (!data.empty()) {
    const auto comma = data.find(',');
    std::string_view item = data.substr(0, comma);
    data = comma == std::string_view::npos ? std::string_view{} : data.substr(comma + 1);
    // `name=value`: reads ignore the value.
    item = item.substr(0, item.find('='));
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!item.empty() && blank(item.front())) item.remove_prefix(1);
    while (!item.empty() && blank(item.back())) item.remove_suffix(1);
    if (!item.empty()) names.emplace_back(item);
  }
  return names;
}

namespace {

wire::ControlMessage response_header(const wire::ControlMessage& request, const VariableSource& source,
                                     std::uint16_t status) {
  wire::ControlMessage h;
  h.leap = static_cast<std::uint8_t>(source.leap_indicator() & 3);
  h.version = request.version;
  h.response = true;
  h.opcode = request.opcode;
  h.sequence = request.sequence;
  h.status = status;
  h.assoc_id = request.assoc_id;
  return h;
}

std::vector<wire::ControlMessage> error_reply(const wire::ControlMessage& request, const VariableSource& source,
                                              ControlError e) {
  // §4.1: the error code goes in the high byte of status; no data.
  wire::ControlMessage m = response_header(request, source, static_cast<std::uint16_t>(static_cast<unsigned>(e) << 8));
  m.error = true;
  return {m};
}

std::optional<std::uint16_t> peer_status(const VariableSource& source, std::uint16_t assoc_id) {
  for (const auto& a : source.associations())
    if (a.id == assoc_id) return a.status;
  return std::nullopt;
}

std::vector<wire::ControlMessage> read_system(const wire::ControlMessage& request, const VariableSource& source) {
  std::vector<SystemVariable> wanted;
  const auto names = split_variable_list(std::string_view(reinterpret_cast<const char*>(request.data.data()),
                                                          request.data.size()));
  if (names.empty()) {
    const auto d = default_system_variables();
    wanted.assign(d.begin(), d.end());
  } else {
    // §4.3: a named list comes back in code order, each variable once.
    std::set<std::uint8_t> codes;
    for (const auto& n : names) {
      const auto v = system_variable_named(n);
      if (!v) return error_reply(request, source, ControlError::UnknownVariable);
      codes.insert(static_cast<std::uint8_t>(*v));
    }
    for (const auto c : codes) wanted.push_back(static_cast<SystemVariable>(c));
  }
  ResponseBuilder b(response_header(request, source, source.system_status()));
  for (const auto v : wanted) {
    if (v == SystemVariable::Cert) {
      // §4.6: each certificate as cert="subject issuer 0xflags", then at
      // once until=<notAfter>.
      for (const auto& c : source.certificates()) {
        b.text_item(format_item("cert", Quoted{c.subject + " " + c.issuer + " " + format_value(Hex{c.flags})}));
        b.text_item(format_item("until", c.not_after));
      }
    } else if (v == SystemVariable::Until) {
      // Only ever emitted together with cert.
    } else if (const auto value = source.system_variable(v)) {
      b.text_item(format_item(name(v), *value));
    }
  }
  return b.finish();
}

std::vector<wire::ControlMessage> read_peer(const wire::ControlMessage& request, const VariableSource& source,
                                            std::uint16_t status, bool default_list) {
  std::vector<PeerVariable> wanted;
  const auto names = default_list ? std::vector<std::string>{}
                                  : split_variable_list(std::string_view(
                                        reinterpret_cast<const char*>(request.data.data()), request.data.size()));
  if (names.empty()) {
    const auto d = default_peer_variables();
    wanted.assign(d.begin(), d.end());
  } else {
    std::set<std::uint8_t> codes;
    for (const auto& n : names) {
      const auto v = peer_variable_named(n);
      if (!v) return error_reply(request, source, ControlError::UnknownVariable);
      codes.insert(static_cast<std::uint8_t>(*v));
    }
    for (const auto c : codes) wanted.push_back(static_cast<PeerVariable>(c));
  }
  const std::uint16_t id = request.assoc_id;
  ResponseBuilder b(response_header(request, source, status));
  for (const auto v : wanted) {
    if (v == PeerVariable::InitSequence) {
      // §4.7: the three Autokey values travel together.
      if (const auto a = source.autokey_values(id)) {
        b.text_item(format_item("initsequence", a->sequence));
        b.text_item(format_item("initkey", Hex{a->key}));
        b.text_item(format_item("timestamp", a->timestamp));
      }
    } else if (v == PeerVariable::InitKey || v == PeerVariable::Timestamp || v == PeerVariable::Valid) {
      // Never emitted on their own (valid: never at all).
    } else if (const auto value = source.peer_variable(id, v)) {
      b.text_item(format_item(name(v), *value));
    }
  }
  return b.finish();
}

// READCLOCK (ntpq `cv`/`clockvar`): only reference-clock associations have
// clock variables; association 0 means the system peer when that is a clock.
std::vector<wire::ControlMessage> read_clock(const wire::ControlMessage& request, const VariableSource& source) {
  const auto reading = source.clock_reading(request.assoc_id);
  if (!reading) return error_reply(request, source, ControlError::BadAssociation);
  const auto names = split_variable_list(std::string_view(reinterpret_cast<const char*>(request.data.data()),
                                                          request.data.size()));
  for (const auto& n : names) {
    bool known = false;
    for (const auto& v : reading->variables) known = known || v.name == n;
    if (!known) return error_reply(request, source, ControlError::UnknownVariable);
  }
  ResponseBuilder b(response_header(request, source, reading->status));
  for (const auto& v : reading->variables) {
    bool wanted = names.empty();
    for (const auto& n : names) wanted = wanted || v.name == n;
    if (wanted) b.text_item(format_item(v.name, v.value));
  }
  return b.finish();
}

}  // namespace

std::vector<wire::ControlMessage> respond(const wire::ControlMessage& request, const VariableSource& source) {
  std::optional<std::uint16_t> status;
  if (request.assoc_id == 0) {
    status = source.system_status();
  } else {
    status = peer_status(source, request.assoc_id);
  }
  switch (request.opcode) {
    case static_cast<std::uint8_t>(Opcode::Unspec):
      if (!status) return error_reply(request, source, ControlError::BadAssociation);
      return ResponseBuilder(response_header(request, source, *status)).finish();
    case static_cast<std::uint8_t>(Opcode::ReadStat): {
      if (!status) return error_reply(request, source, ControlError::BadAssociation);
      // §4.2: a peer READSTAT is a READVAR with the default list.
      if (request.assoc_id != 0) return read_peer(request, source, *status, true);
      ResponseBuilder b(response_header(request, source, *status));
      for (const auto& a : source.associations()) {
        const std::uint8_t pair[4] = {static_cast<std::uint8_t>(a.id >> 8), static_cast<std::uint8_t>(a.id),
                                      static_cast<std::uint8_t>(a.status >> 8),
                                      static_cast<std::uint8_t>(a.status)};
        b.binary(pair);
      }
      return b.finish();
    }
    case static_cast<std::uint8_t>(Opcode::ReadVar):
      if (!status) return error_reply(request, source, ControlError::BadAssociation);
      if (request.assoc_id == 0) return read_system(request, source);
      return read_peer(request, source, *status, false);
    case static_cast<std::uint8_t>(Opcode::ReadClock):
      return read_clock(request, source);
    // WRITEVAR, WRITECLOCK, SETTRAP, CONFIGURE, SAVECONFIG, READ_ORDLIST_A,
    // UNSETTRAP need the controlkey (§4.1), which this responder never has.
    case 3: case 5: case 6: case 8: case 9: case 11: case 31:
      return error_reply(request, source, ControlError::Permission);
    default:
      return error_reply(request, source, ControlError::BadOpcode);
  }
}

std::vector<wire::Bytes> handle_request(wire::ByteView datagram, const VariableSource& source) {
  wire::Reader r(datagram);
  const auto b0 = r.u8();
  const auto b1 = r.u8();
  const auto sequence = r.u16();
  const auto status = r.u16();
  const auto assoc = r.u16();
  const auto offset = r.u16();
  const auto count = r.u16();
  if (!count) return {};  // shorter than a header
  (void)status;
  const std::uint8_t version = (*b0 >> 3) & 7;
  // §4.1: responses, fragments, a non-zero offset and versions outside 1-4
  // are dropped without a reply.
  if ((*b0 & 7) != 6 || (*b1 & 0x80) != 0 || (*b1 & 0x20) != 0 || *offset != 0 || version < 1 || version > 4)
    return {};
  std::vector<wire::ControlMessage> replies;
  auto request = wire::ControlMessage::parse(datagram);
  if (!request) {
    wire::ControlMessage h;
    h.version = version;
    h.opcode = *b1 & 0x1f;
    h.sequence = *sequence;
    h.assoc_id = *assoc;
    replies = error_reply(h, source, ControlError::BadFormat);
  } else {
    replies = respond(*request, source);
  }
  std::vector<wire::Bytes> out;
  for (const auto& m : replies) {
    auto bytes = m.serialize();
    if (bytes) out.push_back(std::move(*bytes));
  }
  return out;
}

}  // namespace ak::control
