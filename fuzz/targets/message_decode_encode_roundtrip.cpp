// Property: every extension field that decodes to a typed message encodes
// back to the same octets, and that encoding decodes to an equal message
// (security-history §4 property 18). Fields come from a parsed packet or,
// when the input is not a packet, from reading the input as a run of fields
// (so the fuzzer reaches the message layer without building a header).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "wire/datagram.h"
#include "wire/messages/message.h"

namespace {

void check_field(const ak::wire::ExtensionField& ef) {
  using namespace ak::wire;
  auto m = decode(ef);
  if (!m) return;
  auto back = encode(*m);
  if (!back) __builtin_trap();
  auto original = ef.serialize();
  auto again = back->serialize();
  if (!original || !again || *original != *again) __builtin_trap();
  auto m2 = decode(*back);
  if (!m2 || !(*m2 == *m)) __builtin_trap();
  // The trace printer must cope with whatever decodes.
  if (describe(*m).empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ak::wire;
  const ByteView input(data, size);
  if (auto p = Packet::parse(input)) {
    for (const auto& ef : p->fields) check_field(ef);
    return 0;
  }
  Reader r(input);
  while (!r.empty()) {
    const std::size_t before = r.consumed();
    auto ef = ExtensionField::parse(r);
    // consumed + rest == input, whatever happened.
    if (r.consumed() + r.rest().size() != size) __builtin_trap();
    if (!ef) {
      if (r.consumed() != before) __builtin_trap();  // failure consumes nothing
      break;
    }
    if (r.consumed() - before != ef->length()) __builtin_trap();
    check_field(*ef);
  }
  return 0;
}
