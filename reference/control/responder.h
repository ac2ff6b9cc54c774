// The mode 6 responder, sans-I/O (operator-surface §4.1-§4.7).
//
// The daemon hands over each request datagram and a VariableSource view of
// its state; handle_request returns the datagrams to send back (none when
// ntpd would drop the request silently). Only the read operations exist:
// READSTAT, READVAR, READCLOCK (opcodes 1, 2 and 4), and UNSPEC. Operations that need the
// controlkey get PERMISSION (this implementation has no controlkey), the
// rest BADOPCODE. Reading never needs authentication (§4.1), so a request
// MAC is not checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/status.h"
#include "control/variables.h"
#include "wire/control_message.h"
#include "wire/reader.h"

namespace ak::control {

inline constexpr std::size_t kMaxFragmentData = 468;  // CTL_MAX_DATA_LEN
inline constexpr std::size_t kMaxLineLength = 72;     // where ntpd wraps with CRLF

// Error codes carried in the high byte of an error reply's status (§4.1).
enum class ControlError : std::uint8_t {
  Unspecified = 0,
  Permission = 1,
  BadFormat = 2,
  BadOpcode = 3,
  BadAssociation = 4,
  UnknownVariable = 5,
  BadValue = 6,
  Restricted = 7,
};
std::string_view describe(ControlError e);

enum class Opcode : std::uint8_t { Unspec = 0, ReadStat = 1, ReadVar = 2, ReadClock = 4 };

struct AssociationStatus {
  std::uint16_t id = 0;
  std::uint16_t status = 0;  // PeerStatus::word()
};

// One cached certificate as `cert`/`until` show it (§4.6).
struct CertificateInfo {
  std::string subject, issuer;
  std::uint32_t flags = 0;  // 0x01 TRUST, 0x02 SIGN, 0x04 VALID, 0x08 PRIV, 0x80 ERROR
  CalendarDate not_after;
};

// Autokey values of a broadcast/symmetric peer (§4.7): shown as
// initsequence, initkey, timestamp, always together.
struct AutokeyValuesInfo {
  std::int64_t sequence = 0;
  std::uint32_t key = 0;
  CalendarDate timestamp;
};

// A reference clock as READCLOCK (ntpq `cv`) shows it: ntpd's clock status
// word (current status << 8 | last event; 0 for a clock working nominally)
// and its variables in ntpd's default order (device, type, timecode, poll,
// noreply, badformat, baddata, fudgetime1, fudgetime2, stratum, refid,
// flags). A request naming variables gets those, in this order.
struct ClockVariable {
  std::string name;
  Value value;
};
struct ClockReading {
  std::uint16_t status = 0;
  std::vector<ClockVariable> variables;
};

// What the daemon exposes. Returning nullopt means "not emitted", which is
// how the "emitted when" rules of §4.6/§4.7 are expressed: e.g. `update`
// before the first sync, `flags` while crypto is off.
class VariableSource {
 public:
  virtual ~VariableSource() = default;
  virtual std::uint8_t leap_indicator() const = 0;  // LI of every response
  virtual std::uint16_t system_status() const = 0;  // SystemStatus::word()
  // In the order READSTAT lists them.
  virtual std::vector<AssociationStatus> associations() const = 0;
  // Never asked for Cert or Until (certificates() covers them).
  virtual std::optional<Value> system_variable(SystemVariable v) const = 0;
  // Newest first, this host's own certificate last.
  virtual std::vector<CertificateInfo> certificates() const = 0;
  // Only asked for ids listed by associations(). Never asked for
  // InitSequence/InitKey/Timestamp (autokey_values covers them).
  virtual std::optional<Value> peer_variable(std::uint16_t assoc_id, PeerVariable v) const = 0;
  virtual std::optional<AutokeyValuesInfo> autokey_values(std::uint16_t assoc_id) const = 0;
  // The clock behind association `assoc_id` (0: the system peer), or
  // nullopt when it is not a reference clock (BADASSOC, as ntpd answers).
  virtual std::optional<ClockReading> clock_reading(std::uint16_t /*assoc_id*/) const { return std::nullopt; }
};

// Builds response data the way ntpd streams it: items separated by ", ",
// wrapped with ",\r\n" when a line would reach 72 columns, split across
// 468-octet fragments, ended with "\r\n" when room remains (§4.3).
class ResponseBuilder {
 public:
  // `header` gives version, opcode, sequence, status, assoc_id, leap.
  explicit ResponseBuilder(const wire::ControlMessage& header);
  void text_item(std::string_view item);
  void binary(wire::ByteView data);
  std::vector<wire::ControlMessage> finish();

 private:
  void flush(bool more);
  wire::ControlMessage header_;
  std::vector<wire::ControlMessage> out_;
  std::string data_;
  std::size_t offset_ = 0;
  std::size_t line_length_ = 0;
  bool sent_text_ = false;
  bool any_item_ = false;
};

// The response messages for a request that parsed (the caller has checked
// it is a request: not a response, not a fragment).
std::vector<wire::ControlMessage> respond(const wire::ControlMessage& request, const VariableSource& source);

// The whole path from request octets to response octets. Returns no
// datagrams for what ntpd drops silently: not mode 6, shorter than a
// header, a response or fragment, offset not 0, version outside 1-4. A
// request that is otherwise malformed gets a BADFMT error reply.
std::vector<wire::Bytes> handle_request(wire::ByteView datagram, const VariableSource& source);

// Parses a READVAR variable list (§4.3): names separated by ',', blanks
// ignored, `name=value` accepted with the value ignored. Returns the names
// in request order.
std::vector<std::string> split_variable_list(std::string_view data);

}  // namespace ak::control
