// autokey-q's protocol half: reassembling mode 6 responses and splitting
// their variable lists as ntpq does (operator-surface §4.1, §4.8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/responder.h"
#include "wire/control_message.h"
#include "wire/result.h"

namespace ak::q {

enum class QError {
  NotAResponse,         // R bit clear, or another opcode/sequence than asked
  ServerError,          // E bit set: see Response::error_code
  DuplicateFragment,    // a fragment at an offset already received
  OverlappingFragment,  // fragments whose data overlap
  TooManyFragments,     // more than kMaxFragments (ntpq's MAXFRAGS)
  TooMuchData,          // the reassembled data would exceed 65535 octets
  Timeout,              // no (further) answer in time
  SocketError,          // socket, send or receive failed
  HostNotFound,         // the host name does not resolve
};
std::string_view describe(QError e);

inline constexpr std::size_t kMaxFragments = 32;

struct Response {
  std::uint16_t status = 0;
  std::uint16_t assoc_id = 0;
  std::string data;  // text or READSTAT pairs
};

// Collects the fragments of one answer, checking each against the request.
class Reassembler {
 public:
  Reassembler(std::uint8_t opcode, std::uint16_t sequence) : opcode_(opcode), sequence_(sequence) {}
  // Adds one fragment. NotAResponse means "not ours, ignore it" for the
  // caller; other errors end the query. error_code() holds the server's
  // error after ServerError.
  Result<Ok, QError> add(const wire::ControlMessage& m);
  bool complete() const;
  Response take() const;
  std::uint8_t error_code() const { return error_code_; }

 private:
  struct Piece {
    std::size_t offset;
    std::string data;
  };
  std::uint8_t opcode_;
  std::uint16_t sequence_;
  std::vector<Piece> pieces_;
  bool have_last_ = false;
  std::uint16_t status_ = 0, assoc_ = 0;
  std::uint8_t error_code_ = 0;
};

struct Variable {
  std::string name, value;
  bool operator==(const Variable&) const = default;
};
// ntpq's nextvar: items split at commas outside double quotes, blanks and
// CR/LF around names and values dropped.
std::vector<Variable> split_variables(std::string_view data);

// READSTAT data: (association ID, status) pairs; a trailing odd part is ignored.
std::vector<control::AssociationStatus> parse_readstat(std::string_view data);

}  // namespace ak::q
