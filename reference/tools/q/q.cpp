#include "q.h"

#include <algorithm>

namespace ak::q {

std::string_view describe(QError e) {
  switch (e) {
    case QError::NotAResponse: return "not a response to this request";
    case QError::ServerError: return "server reported an error";
    case QError::DuplicateFragment: return "duplicate fragment";
    case QError::OverlappingFragment: return "overlapping fragments";
    case QError::TooManyFragments: return "too many fragments";
    case QError::TooMuchData: return "response too long";
    case QError::Timeout: return "timed out, nothing received";
    case QError::SocketError: return "socket error";
    case QError::HostNotFound: return "host not found";
  }
  return "unknown error";
}

Result<Ok, QError> Reassembler::add(const wire::ControlMessage& m) {
  if (!m.response || m.opcode != opcode_ || m.sequence != sequence_) return Err{QError::NotAResponse};
  if (m.error) {
    error_code_ = static_cast<std::uint8_t>(m.status >> 8);
    return Err{QError::ServerError};
  }
  // §4.1: ntpq takes fragments in any order, by offset, and rejects
  // duplicates and overlaps.
  const std::size_t begin = m.offset;
  const std::size_t end = begin + m.data.size();  // both < 2^17: cannot wrap
  if (end > 0xffff) return Err{QError::TooMuchData};
  for (const auto& p : pieces_) {
    if (p.offset == begin) return Err{QError::DuplicateFragment};
    if (begin < p.offset + p.data.size() && p.offset < end) return Err{QError::OverlappingFragment};
  }
  if (pieces_.size() >= kMaxFragments) return Err{QError::TooManyFragments};
  pieces_.push_back({begin, std::string(m.data.begin(), m.data.end())});
  std::sort(pieces_.begin(), pieces_.end(), [](const Piece& a, const Piece& b) { return a.offset < b.offset; });
  if (!m.more) have_last_ = true;
  status_ = m.status;
  assoc_ = m.assoc_id;
  return Ok{};
}

bool Reassembler::complete() const {
  if (!have_last_) return false;
  std::size_t next = 0;
  for (const auto& p : pieces_) {
    if (p.offset != next) return false;
    next += p.data.size();
  }
  return true;
}

Response Reassembler::take() const {
  Response r;
  r.status = status_;
  r.assoc_id = assoc_;
  for (const auto& p : pieces_) r.data += p.data;
  return r;
}

std::vector<Variable> split_variables(std::string_view data) {
  std::vector<Variable> out;
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; };
  std::size_t i = 0;
  while (i < data.size()) {
    // One item: up to a comma that is not inside quotes.
    std::size_t j = i;
    bool quoted = false;
    while (j < data.size() && (quoted || data[j] != ',')) {
      if (data[j] == '"') quoted = !quoted;
      ++j;
    }
    std::string_view item = data.substr(i, j - i);
    i = j + 1;
    while (!item.empty() && blank(item.front())) item.remove_prefix(1);
    while (!item.empty() && blank(item.back())) item.remove_suffix(1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    Variable v;
    std::string_view n = item.substr(0, eq);
    while (!n.empty() && blank(n.back())) n.remove_suffix(1);
    v.name = std::string(n);
    if (eq != std::string_view::npos) {
      std::string_view val = item.substr(eq + 1);
      while (!val.empty() && blank(val.front())) val.remove_prefix(1);
      v.value = std::string(val);
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<control::AssociationStatus> parse_readstat(std::string_view data) {
  std::vector<control::AssociationStatus> out;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(data[k])); };
  for (std::size_t k = 0; data.size() - k >= 4; k += 4)
    out.push_back({static_cast<std::uint16_t>((byte(k) << 8) | byte(k + 1)),
                   static_cast<std::uint16_t>((byte(k + 2) << 8) | byte(k + 3))});
  return out;
}

}  // namespace ak::q
