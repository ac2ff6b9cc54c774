// Property: each message kind's own value decoder (wire/messages/*::
// from_field) is sound on any body, and agrees with the dispatcher.
//
// Input: one selector octet naming the kind, four octets of association ID,
// then the field body (octets 8.. of the extension field). The target builds
// the field with that kind's R/E bits and code directly, so the fuzzer
// reaches every value decoder without first having to frame a packet (the
// packet targets cover framing).
// Oracles (security-history §4 properties 1, 18, 19):
//   * no crash, no over-read, no exception;
//   * an accepted value goes back to the very same field (to_field, and
//     encode() of the variant), and decode() of that field is equal;
//   * decode() — the dispatcher a receiver calls — accepts the field exactly
//     when the kind's decoder does and reports the same error otherwise;
//   * the value-structure parser agrees: a long-form body the decoder
//     accepts parses, and re-serialises to the same octets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "wire/messages/message.h"
#include "support/check.h"

namespace {

using namespace ak::wire;

struct Kind {
  bool response;
  bool error;
  std::uint8_t code;
};

// Every (R, E, code) that has a decoder of its own: requests 0..9,
// responses 1..9, error responses 0..9 (E only with R).
constexpr Kind kKinds[] = {
    {false, false, 0}, {false, false, 1}, {false, false, 2}, {false, false, 3}, {false, false, 4},
    {false, false, 5}, {false, false, 6}, {false, false, 7}, {false, false, 8}, {false, false, 9},
    {true, false, 1},  {true, false, 2},  {true, false, 3},  {true, false, 4},  {true, false, 5},
    {true, false, 6},  {true, false, 7},  {true, false, 8},  {true, false, 9},  {true, true, 0},
    {true, true, 1},   {true, true, 2},   {true, true, 3},   {true, true, 4},   {true, true, 5},
    {true, true, 6},   {true, true, 7},   {true, true, 8},   {true, true, 9},
};
constexpr std::size_t kKindCount = sizeof(kKinds) / sizeof(kKinds[0]);

template <class M>
void roundtrip(const ExtensionField& ef) {
  auto own = M::from_field(ef);
  auto dispatched = decode(ef);
  // The dispatcher picks EmptyResponse for a short response and routes
  // errors through ErrorResponse; compare only when it picked this kind.
  if (dispatched.ok()) {
    if (const M* same = std::get_if<M>(&*dispatched)) {
      AK_FUZZ_CHECK(own.ok() && *same == *own);
    }
  } else if (own.ok()) {
    // The kind's decoder accepted what the dispatcher refused: only the
    // dispatcher's own rules (version, E without R, short responses routed
    // to EmptyResponse) may explain that.
    AK_FUZZ_CHECK(ef.version != kAutokeyVersion || (ef.error && !ef.response) ||
          (ef.response && !ef.error && ef.is_short_form()));
  }
  if (!own.ok()) {
    AK_FUZZ_CHECK(!message(own.error()).empty());
    return;
  }
  // The version is the dispatcher's rule (decode() checks VN == 2 first);
  // the kind's own decoder ignores it and to_field() always writes 2.
  ExtensionField expected = ef;
  expected.version = kAutokeyVersion;
  const ExtensionField back = own->to_field();
  AK_FUZZ_CHECK(back == expected);
  auto encoded = encode(Message{*own});
  AK_FUZZ_CHECK(encoded.ok() && *encoded == expected);
  auto original = expected.serialize();
  auto again = back.serialize();
  AK_FUZZ_CHECK(original.ok() && again.ok() && *original == *again);
  if (!ef.is_short_form()) {
    auto vs = ValueStructure::parse(ef.body);
    if (vs.ok()) AK_FUZZ_CHECK(vs->serialize() == ef.body);
  }
  AK_FUZZ_CHECK(!describe(Message{*own}).empty());
}

void run(const Kind& k, const ExtensionField& ef) {
  if (k.error) return roundtrip<ErrorResponse>(ef);
  if (!k.response) {
    switch (k.code) {
      case 0: return roundtrip<NullRequest>(ef);
      case 1: return roundtrip<AssocRequest>(ef);
      case 2: return roundtrip<CertRequest>(ef);
      case 3: return roundtrip<CookRequest>(ef);
      case 4: return roundtrip<AutoRequest>(ef);
      case 5: return roundtrip<LeapRequest>(ef);
      case 6: return roundtrip<SignRequest>(ef);
      default: return roundtrip<IdentityRequest>(ef);
    }
  }
  if (ef.is_short_form()) roundtrip<EmptyResponse>(ef);
  switch (k.code) {
    case 1: return roundtrip<AssocResponse>(ef);
    case 2: return roundtrip<CertResponse>(ef);
    case 3: return roundtrip<CookResponse>(ef);
    case 4: return roundtrip<AutoResponse>(ef);
    case 5: return roundtrip<LeapResponse>(ef);
    case 6: return roundtrip<SignResponse>(ef);
    default: return roundtrip<IdentityResponse>(ef);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const Kind& k = kKinds[data[0] % kKindCount];
  ExtensionField ef;
  ef.response = k.response;
  ef.error = k.error;
  ef.code = k.code;
  // Selector values past the table's first lap pick a wrong Autokey
  // version, so the version rule is reached as well.
  ef.version = data[0] < 2 * kKindCount ? kAutokeyVersion : static_cast<std::uint8_t>(data[0] & 0x3f);
  ef.assoc_id = static_cast<std::uint32_t>(data[1]) << 24 | static_cast<std::uint32_t>(data[2]) << 16 |
                static_cast<std::uint32_t>(data[3]) << 8 | data[4];
  // A field is at most 65535 octets; the body is what follows the 8-octet head.
  const std::size_t body = size - 5 < kMaxExtensionLength - kShortFormLength ? size - 5
                                                                             : kMaxExtensionLength - kShortFormLength;
  ef.body.assign(data + 5, data + 5 + body);
  run(k, ef);
  return 0;
}
