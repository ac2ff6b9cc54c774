#include <gtest/gtest.h>

#include <set>
#include <string>

#include "wire/errors.h"

namespace ak::wire {
namespace {

constexpr WireError kLast = WireError::ControlTrailerNotMac;

TEST(WireErrors, EveryErrorHasADistinctNameAndAMessage) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(kLast); ++i) {
    const auto e = static_cast<WireError>(i);
    EXPECT_FALSE(message(e).empty());
    EXPECT_NE(message(e), "unknown wire error") << name(e);
    EXPECT_NE(name(e), "UnknownWireError") << i;
    names.insert(std::string(name(e)));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kLast) + 1);
}

TEST(WireErrors, LengthRulesMapToXevntLenAndProtocolRulesToXevntErr) {
  EXPECT_EQ(xevnt(WireError::ValueLengthExceedsField), Xevnt::Len);
  EXPECT_EQ(code(*xevnt(WireError::SignatureLengthExceedsField)), 0x101);
  EXPECT_EQ(xevnt(WireError::WrongAutokeyVersion), Xevnt::Err);
  EXPECT_EQ(code(Xevnt::Err), 0x10f);
  // Rules ntpd has no code for: framing drops, and our own strictness.
  EXPECT_EQ(xevnt(WireError::TrailerNotMultipleOf4), std::nullopt);
  EXPECT_EQ(xevnt(WireError::PaddingNotZero), std::nullopt);
  EXPECT_EQ(xevnt(WireError::LeapValueNot12Octets), std::nullopt);
}

TEST(WireErrors, XevntNamesAreWhatNtpdLogs) {
  EXPECT_EQ(name(Xevnt::Len), "bad_field_format_or_length");
  EXPECT_EQ(name(Xevnt::Id), "bad_or_missing_group key");
  EXPECT_EQ(name(Xevnt::Err), "protocol_error");
}

}  // namespace
}  // namespace ak::wire
