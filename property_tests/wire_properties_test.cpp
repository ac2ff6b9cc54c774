// Wire layer: the canonical round trip for every message (security-history
// §4 property 18) and the hostile-input properties of §4 that a parser can
// be held to on its own (1, 2, 3, 5, 19).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "generators.h"
#include "property.h"
#include "wire/extension_field.h"
#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak {
namespace {

using wire::Bytes;
using wire::ByteView;

// ---- round trip (§4.18) ----------------------------------------------------------

AK_PROPERTY(WireRoundTrip, EveryMessageEncodesAndDecodesToItself, 3.0, ()) {
  const auto m = *prop::gen::message();
  const auto ef = wire::encode(m);
  RC_ASSERT(ef.ok());
  const auto back = wire::decode(*ef);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == m);
  // ... and through the octets: serialize, parse, decode.
  const auto octets = ef->serialize();
  RC_ASSERT(octets.ok());
  RC_ASSERT(octets->size() == ef->length());
  RC_ASSERT(octets->size() % 4 == 0u);
  const auto reparsed = wire::ExtensionField::parse(ByteView(*octets));
  RC_ASSERT(reparsed.ok());
  RC_ASSERT(*reparsed == *ef);
}

AK_PROPERTY(WireRoundTrip, PacketThatSerializesParsesBackToItself, 1.0, ()) {
  wire::Packet p;
  p.header = *prop::gen::header();
  const auto n = *rc::gen::inRange(0, 4);
  for (int i = 0; i < n; ++i) {
    auto ef = wire::encode(*prop::gen::message());
    RC_ASSERT(ef.ok());
    p.fields.push_back(*ef);
  }
  if (*rc::gen::arbitrary<bool>()) {
    wire::Mac mac;
    mac.key_id = *rc::gen::arbitrary<std::uint32_t>();
    mac.digest.clear();
    if (*rc::gen::arbitrary<bool>()) mac.digest = *prop::gen::bytes(16, 16);
    p.mac = mac;
  }
  const auto octets = p.serialize();
  if (!octets.ok()) {
    // Only the packets ntpd's receive() would split differently are refused.
    const auto e = octets.error();
    RC_ASSERT(e == wire::WireError::LastFieldReadsAsMac || e == wire::WireError::PacketLongerThanReceiveBuffer);
    RC_TAG("refused");
    return;
  }
  const auto back = wire::Packet::parse(ByteView(*octets));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == p);
}

// ---- hostile input (§4.1, 4.2, 4.5, 4.19) ----------------------------------------------

// Random octets, mostly framed like an EF so that the checks past the first
// word are reached: first word 0x02cc/0x82cc/0xc2cc with a plausible length.
rc::Gen<Bytes> hostile_field() {
  return rc::gen::exec([] {
    Bytes b = *prop::gen::bytes(0, 120);
    if (b.size() >= 4 && *rc::gen::inRange(0, 4) != 0) {
      static const std::uint8_t first[] = {0x02, 0x82, 0xc2, 0x42};
      b[0] = *rc::gen::elementOf(std::vector<std::uint8_t>(std::begin(first), std::end(first)));
      b[1] = *rc::gen::inRange<std::uint8_t>(0, 12);
      const auto len = *rc::gen::oneOf(rc::gen::just(b.size()), rc::gen::inRange<std::size_t>(0, 0x10000));
      b[2] = static_cast<std::uint8_t>(len >> 8);
      b[3] = static_cast<std::uint8_t>(len);
    }
    // Value and signature lengths at their extremes (security-history §3.7 dictionary).
    if (b.size() >= 20 && *rc::gen::arbitrary<bool>()) {
      const std::uint32_t vl = *rc::gen::element<std::uint32_t>(0u, 0xfffffffdu, 0x7ffffff0u, 0x80000010u, 0x200u,
                                                                0x201u, static_cast<std::uint32_t>(b.size() - 24));
      for (int i = 0; i < 4; ++i) b[16 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(vl >> (24 - 8 * i));
    }
    return b;
  });
}

AK_PROPERTY(HostileInput, ExtensionFieldParserConsumesExactlyWhatItAccepts, 1.5, ()) {
  const Bytes input = *hostile_field();
  // An exactly sized copy, so that a sanitizer build sees any over-read.
  std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[input.size() + 1]);
  std::copy(input.begin(), input.end(), exact.get());
  const ByteView view(exact.get(), input.size());
  wire::Reader r(view);
  const auto before = r.remaining();
  const auto ef = wire::ExtensionField::parse(r);
  if (!ef.ok()) {
    RC_ASSERT(r.remaining() == before);  // nothing consumed on failure
    return;
  }
  // §4.1: the field lies inside the input; consumed + rest == input.
  RC_ASSERT(ef->length() <= input.size());
  RC_ASSERT(before - r.remaining() == ef->length());
  RC_ASSERT(ef->length() % 4 == 0u);
  RC_ASSERT(ef->length() >= wire::kShortFormLength);
  // §4.19 and §4.18: what parsed serializes to the very octets.
  const auto out = ef->serialize();
  RC_ASSERT(out.ok());
  RC_ASSERT(std::equal(out->begin(), out->end(), input.begin()));
}

AK_PROPERTY(HostileInput, DecodedMessageReencodesToTheSameField, 1.5, ()) {
  const Bytes input = *hostile_field();
  const auto ef = wire::ExtensionField::parse(ByteView(input));
  if (!ef.ok()) return;
  const auto m = wire::decode(*ef);
  if (!m.ok()) {
    RC_TAG("refused");
    return;
  }
  RC_TAG("decoded");
  const auto again = wire::encode(*m);
  RC_ASSERT(again.ok());
  RC_ASSERT(*again == *ef);
}

AK_PROPERTY(HostileInput, ValueStructureLengthsNeverPassTheField, 1.5, ()) {
  const Bytes body = *rc::gen::oneOf(prop::gen::bytes(0, 64), rc::gen::exec([] {
    // A well-formed prefix with extreme vl / sl words.
    Bytes b(8, 0);
    const std::uint32_t vl = *rc::gen::element<std::uint32_t>(0u, 1u, 4u, 0xfffffffcu, 0xffffffe8u, 0x7fffffffu, 65511u, 65512u);
    const std::uint32_t sl = *rc::gen::element<std::uint32_t>(0u, 4u, 0xfffffffcu, 65511u);
    for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(vl >> (8 * i)));
    const auto pad = *prop::gen::bytes(0, 40);
    b.insert(b.end(), pad.begin(), pad.end());
    for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(sl >> (8 * i)));
    return b;
  }));
  const auto vs = wire::ValueStructure::parse(ByteView(body));
  if (!vs.ok()) return;
  // §4.2: accepted lengths fit: 12 + 4 + pad4(vl) + 4 + pad4(sl) == body.
  auto pad4 = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
  RC_ASSERT(!vs->value.empty());
  RC_ASSERT(12 + pad4(vs->value.size()) + 4 + pad4(vs->signature.size()) == body.size());
  RC_ASSERT(vs->serialize() == body);
}

AK_PROPERTY(HostileInput, PacketParserAccountsForEveryOctet, 1.0, ()) {
  Bytes datagram = *prop::gen::bytes(0, 48);
  if (datagram.size() >= 40 || *rc::gen::arbitrary<bool>()) {
    datagram.resize(48);
    const auto tail = *rc::gen::oneOf(hostile_field(), prop::gen::bytes(0, 30));
    datagram.insert(datagram.end(), tail.begin(), tail.end());
  }
  const auto p = wire::Packet::parse(ByteView(datagram));
  if (!p.ok()) return;
  // digest §2.2: header, fields and MAC cover the datagram exactly.
  RC_ASSERT(p->size() == datagram.size());
  const auto out = p->serialize();
  RC_ASSERT(out.ok());
  RC_ASSERT(*out == datagram);
}

}  // namespace
}  // namespace ak
