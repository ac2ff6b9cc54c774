// Property: the MAC/extension-field boundary rule of docs/wire-format.md §1.1
// ("Telling extension fields from the MAC", ntpd's receive() walk) holds
// exactly, checked against an independent model of the walk written here.
//
// Oracles (security-history §4 properties 1 and 2, NEW-3, NEW-8, row 25):
//   * Packet::parse accepts exactly what the model accepts, and refuses with
//     the error of the model's first failing step;
//   * on acceptance every octet is placed: header 48 + each field's L + MAC
//     == input length, the fields are the model's (same offsets and octets),
//     the MAC is the last 4..24 octets, and authenticated_length() is A;
//   * walking the fields with ExtensionField::parse(Reader) keeps
//     consumed + rest == input, and a refused field consumes nothing;
//   * the serializer keeps the rule: dropping the MAC from an accepted
//     packet serialises iff the last field (plus what follows it) is longer
//     than 24 octets (LastFieldReadsAsMac otherwise), and what serialises
//     parses back equal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "wire/packet.h"
#include "support/check.h"

namespace {

using namespace ak::wire;

struct Walk {
  std::optional<WireError> error;
  std::vector<std::pair<std::size_t, std::size_t>> fields;  // offset, length
  std::size_t authenticated = 0;                             // A
  std::size_t mac = 0;                                       // MAC octets at the end
};

// docs/wire-format.md §1.1 steps 1-4, read from the document, not the code.
Walk model(const std::uint8_t* d, std::size_t n) {
  Walk w;
  if (n < 48) {
    w.error = WireError::PacketShorterThanHeader;
    return w;
  }
  if (n > 2120) {
    w.error = WireError::PacketLongerThanReceiveBuffer;
    return w;
  }
  std::size_t a = 48, rem = n - 48;
  while (rem > 0) {
    if (rem % 4 != 0) {
      w.error = WireError::TrailerNotMultipleOf4;
      return w;
    }
    if (rem <= 24) {
      w.mac = rem;
      break;
    }
    const std::size_t len = static_cast<std::size_t>(d[a + 2]) << 8 | d[a + 3];
    if (len % 4 != 0) {
      w.error = WireError::ExtensionLengthNotMultipleOf4;
      return w;
    }
    if (len < 8) {
      w.error = WireError::ExtensionLengthTooSmall;
      return w;
    }
    if (len > rem) {
      w.error = WireError::ExtensionOverrunsPacket;
      return w;
    }
    w.fields.emplace_back(a, len);
    a += len;
    rem -= len;
  }
  w.authenticated = a;
  return w;
}

void check_reader_walk(const std::uint8_t* d, std::size_t n) {
  if (n < 48) return;
  Reader r(ByteView(d + 48, n - 48));
  const std::size_t total = n - 48;
  while (r.remaining() > 24) {
    const std::size_t before = r.consumed();
    auto ef = ExtensionField::parse(r);
    AK_FUZZ_CHECK(r.consumed() + r.rest().size() == total);
    if (!ef) {
      AK_FUZZ_CHECK(r.consumed() == before);
      return;
    }
    AK_FUZZ_CHECK(r.consumed() - before == ef->length());
  }
}

void check_serializer_side(const Packet& p) {
  Packet bare = p;
  bare.mac.reset();
  const bool reads_as_mac = !bare.fields.empty() && bare.fields.back().length() <= 24;
  auto out = bare.serialize();
  if (reads_as_mac) {
    AK_FUZZ_CHECK(!out.ok() && out.error() == WireError::LastFieldReadsAsMac);
    return;
  }
  // Every field came from a parsed packet, so nothing else can refuse it.
  AK_FUZZ_CHECK(out.ok());
  auto again = Packet::parse(*out);
  AK_FUZZ_CHECK(again.ok() && *again == bare);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Walk w = model(data, size);
  auto p = Packet::parse(ByteView(data, size));
  check_reader_walk(data, size);
  if (w.error) {
    AK_FUZZ_CHECK(!p.ok() && p.error() == *w.error);
    return 0;
  }
  AK_FUZZ_CHECK(p.ok());
  AK_FUZZ_CHECK(p->fields.size() == w.fields.size());
  AK_FUZZ_CHECK(p->authenticated_length() == w.authenticated);
  AK_FUZZ_CHECK(p->size() == size);
  for (std::size_t i = 0; i < w.fields.size(); ++i) {
    const auto& ef = p->fields[i];
    const auto [off, len] = w.fields[i];
    AK_FUZZ_CHECK(ef.length() == len);
    auto octets = ef.serialize();
    AK_FUZZ_CHECK(octets.ok() && octets->size() == len);
    for (std::size_t k = 0; k < len; ++k) AK_FUZZ_CHECK((*octets)[k] == data[off + k]);
  }
  if (w.mac == 0) {
    AK_FUZZ_CHECK(!p->mac.has_value());
  } else {
    AK_FUZZ_CHECK(p->mac.has_value() && p->mac->size() == w.mac);
    const std::uint8_t* m = data + size - w.mac;
    const std::uint32_t key_id = static_cast<std::uint32_t>(m[0]) << 24 | static_cast<std::uint32_t>(m[1]) << 16 |
                                 static_cast<std::uint32_t>(m[2]) << 8 | m[3];
    AK_FUZZ_CHECK(p->mac->key_id == key_id);
    for (std::size_t k = 0; k < p->mac->digest.size(); ++k) AK_FUZZ_CHECK(p->mac->digest[k] == m[4 + k]);
  }
  check_serializer_side(*p);
  return 0;
}
