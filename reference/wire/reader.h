// The one bounded reader and its writer twin.
//
// Every bounds check of every parser in the project lives here (design.md,
// "Parsers"): message code asks for "the next 4 octets" or "a sub-reader of
// the next n octets" and gets std::nullopt when they are not there. Nothing
// indexes raw bytes outside this file, so an over-read needs a bug here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ak::wire {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  std::size_t consumed() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  // The whole input, for callers that must report offsets or hash a prefix.
  ByteView input() const { return data_; }
  // Everything not yet consumed, without consuming it.
  ByteView rest() const { return data_.subspan(pos_); }

  std::optional<std::uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return data_[pos_++];
  }
  std::optional<std::uint16_t> u16() {
    if (remaining() < 2) return std::nullopt;
    const auto v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  std::optional<std::uint32_t> u32() {
    if (remaining() < 4) return std::nullopt;
    const std::uint32_t v = (std::uint32_t{data_[pos_]} << 24) | (std::uint32_t{data_[pos_ + 1]} << 16) |
                            (std::uint32_t{data_[pos_ + 2]} << 8) | std::uint32_t{data_[pos_ + 3]};
    pos_ += 4;
    return v;
  }
  std::optional<std::uint64_t> u64() {
    const auto hi = peek_u32_at(0);
    const auto lo = peek_u32_at(4);
    if (!hi || !lo) return std::nullopt;
    pos_ += 8;
    return (std::uint64_t{*hi} << 32) | *lo;
  }
  // Reads a 32-bit big-endian word `offset` octets ahead without consuming.
  std::optional<std::uint32_t> peek_u32_at(std::size_t offset) const {
    // Subtract, then compare: offset + 4 could wrap, remaining() - 4 cannot
    // once remaining() >= 4 is known.
    if (remaining() < 4 || remaining() - 4 < offset) return std::nullopt;
    const std::size_t p = pos_ + offset;
    return (std::uint32_t{data_[p]} << 24) | (std::uint32_t{data_[p + 1]} << 16) |
           (std::uint32_t{data_[p + 2]} << 8) | std::uint32_t{data_[p + 3]};
  }
  std::optional<std::uint32_t> peek_u32() const { return peek_u32_at(0); }

  // The next n octets as a view; consumes them.
  std::optional<ByteView> bytes(std::size_t n) {
    if (remaining() < n) return std::nullopt;
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  // A reader confined to the next n octets; consumes them from this reader.
  std::optional<Reader> sub(std::size_t n) {
    auto v = bytes(n);
    if (!v) return std::nullopt;
    return Reader(*v);
  }
  // Skips n octets.
  bool skip(std::size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

// Appends big-endian integers and octets to a growing buffer.
class Writer {
 public:
  Writer() = default;
  explicit Writer(Bytes initial) : out_(std::move(initial)) {}

  Writer& u8(std::uint8_t v) {
    out_.push_back(v);
    return *this;
  }
  Writer& u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  Writer& u32(std::uint32_t v) {
    // One insert of a local array: a push_back loop into an empty vector
    // trips g++ 12's -Wstringop-overflow false positive at -O3.
    const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                               static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    out_.insert(out_.end(), b, b + 4);
    return *this;
  }
  Writer& u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    return u32(static_cast<std::uint32_t>(v));
  }
  Writer& bytes(ByteView v) {
    out_.insert(out_.end(), v.begin(), v.end());
    return *this;
  }
  Writer& zeros(std::size_t n) {
    out_.insert(out_.end(), n, 0);
    return *this;
  }
  // Pads with zero octets to the next multiple of 4 (RFC 5906 §10: fields are
  // word aligned).
  Writer& pad4() { return zeros((4 - out_.size() % 4) % 4); }
  std::size_t size() const { return out_.size(); }
  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

// pad4(x) = x rounded up to a multiple of 4, computed so it cannot wrap for
// any 32-bit x (the value-length fields of Autokey are 32 bits).
constexpr std::uint64_t pad4(std::uint64_t x) { return (x + 3) & ~std::uint64_t{3}; }

inline std::string to_hex(ByteView v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(v.size() * 2);
  for (std::uint8_t b : v) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

}  // namespace ak::wire
