// Helpers shared by the wire tests: hex literals and the both-ways check of
// the per-message (bytes, value) tables.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "wire/extension_field.h"
#include "wire/messages/message.h"
#include "wire/reader.h"

namespace ak::wire::testing {

// "0201 0030 ..." -> octets; spaces and newlines are ignored.
inline Bytes hex(std::string_view text) {
  Bytes out;
  int hi = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  EXPECT_LT(hi, 0) << "odd number of hex digits in test data";
  return out;
}

inline Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// One row of a message table: these octets are exactly this value.
template <class M>
struct MessageRow {
  const char* what;
  std::string octets_hex;
  M value;
};

// Octets -> field -> message equals the value, and value -> field -> octets
// gives the same octets back.
template <class M>
void expect_both_ways(const MessageRow<M>& row) {
  SCOPED_TRACE(row.what);
  const Bytes octets = hex(row.octets_hex);
  auto ef = ExtensionField::parse(ByteView(octets));
  ASSERT_TRUE(ef.ok()) << name(ef.error());
  auto decoded = decode(*ef);
  ASSERT_TRUE(decoded.ok()) << name(decoded.error());
  ASSERT_TRUE(std::holds_alternative<M>(*decoded)) << "decoded as variant index " << decoded->index();
  EXPECT_TRUE(std::get<M>(*decoded) == row.value);

  auto encoded = encode(Message{row.value});
  ASSERT_TRUE(encoded.ok()) << name(encoded.error());
  auto out = encoded->serialize();
  ASSERT_TRUE(out.ok()) << name(out.error());
  EXPECT_EQ(to_hex(*out), to_hex(octets));
}

// The error decode() reports for these octets (which must frame correctly).
inline WireError decode_error(std::string_view octets_hex) {
  const Bytes octets = hex(octets_hex);
  auto ef = ExtensionField::parse(ByteView(octets));
  if (!ef.ok()) {
    ADD_FAILURE() << "framing failed: " << name(ef.error());
    return ef.error();
  }
  auto m = decode(*ef);
  if (m.ok()) {
    ADD_FAILURE() << "decoded although an error was expected: " << describe(*m);
    return WireError::TrailingBytes;
  }
  return m.error();
}

}  // namespace ak::wire::testing
