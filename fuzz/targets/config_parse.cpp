// Property: the ntp.conf parser (reference/config) is total and bounded on
// any text: no crash, no over-read, no exception, and its answer is
// deterministic and well-formed.
//
// Oracles (security-history §4 properties 5 and 19):
//   * parse_config returns a Config or a typed ConfigError, never throws;
//   * an error names a line inside the text (1 .. number of lines + 1) and
//     its message() starts with "<file>:<line>: ";
//   * parsing the same text twice gives the same answer (pure function);
//   * `includefile` is refused with IncludeWithoutLoader, never followed
//     (text parsing must not touch the file system).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"
#include "support/check.h"

namespace {

std::size_t line_count(std::string_view text) {
  std::size_t n = 1;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto a = ak::config::parse_config(text, "fuzz.conf");
    auto b = ak::config::parse_config(text, "fuzz.conf");
    AK_FUZZ_CHECK(a.ok() == b.ok());
    if (!a.ok()) {
      const auto& e = a.error();
      AK_FUZZ_CHECK(e.code == b.error().code && e.line == b.error().line && e.detail == b.error().detail);
      AK_FUZZ_CHECK(e.line >= 1 && e.line <= line_count(text) + 1);
      AK_FUZZ_CHECK(!ak::config::describe(e.code).empty());
      const std::string prefix = "fuzz.conf:" + std::to_string(e.line) + ": ";
      AK_FUZZ_CHECK(e.message().compare(0, prefix.size(), prefix) == 0);
      AK_FUZZ_CHECK(e.code != ak::config::ConfigErrorCode::CannotReadFile &&
            e.code != ak::config::ConfigErrorCode::IncludeTooDeep);
      return 0;
    }
    AK_FUZZ_CHECK(a->associations.size() == b->associations.size());
    AK_FUZZ_CHECK(a->warnings.size() == b->warnings.size());
    AK_FUZZ_CHECK(a->crypto.has_value() == b->crypto.has_value());
  } catch (...) {
    std::abort();
  }
  return 0;
}
