// Property: any datagram the wire layer accepts goes back to the very same
// octets, and parsing those again gives an equal value (security-history §4
// property 18, "canonical round trip"). Never crash, never over-read.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "wire/datagram.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ak::wire;
  const ByteView input(data, size);
  auto parsed = parse_datagram(input);
  if (!parsed) return 0;

  if (const auto* p = std::get_if<Packet>(&*parsed)) {
    // The receive() walk places every octet in the header, a field or the MAC.
    if (p->size() != size || p->authenticated_length() > size) __builtin_trap();
  }

  auto out = serialize(*parsed);
  if (!out) __builtin_trap();
  if (out->size() != size || !std::equal(out->begin(), out->end(), input.begin())) __builtin_trap();

  auto again = parse_datagram(*out);
  if (!again || !(*again == *parsed)) __builtin_trap();
  return 0;
}
