#include "wire/packet.h"

#include <cstdio>

namespace ak::wire {

namespace {

Result<Mac, WireError> parse_mac(Reader& r) {
  Mac mac;
  mac.key_id = *r.u32();  // the caller saw at least 4 octets
  const ByteView digest = r.rest();
  mac.digest.assign(digest.begin(), digest.end());
  r.skip(digest.size());
  return mac;
}

}  // namespace

Result<Packet, WireError> Packet::parse(ByteView datagram) {
  // docs/wire-format.md "Telling extension fields from the MAC", step 1.
  if (datagram.size() < NtpHeader::kSize) return Err{WireError::PacketShorterThanHeader};
  // digest §2.5: ntpd's receive buffer holds 2120 octets; anything longer is
  // truncated there and cannot authenticate.
  if (datagram.size() > kMaxPacketLength) return Err{WireError::PacketLongerThanReceiveBuffer};
  Reader r(datagram);
  Packet p;
  AK_TRY(p.header, NtpHeader::parse(r));
  // Steps 2-4 of the walk (digest §2.2).
  while (!r.empty()) {
    const std::size_t rem = r.remaining();
    // Step 3.1: remainder must be whole words (rem >= 4 follows from rem > 0).
    if (rem % 4 != 0) return Err{WireError::TrailerNotMultipleOf4};
    // Step 3.2: 4..24 octets left are the MAC, whatever they contain.
    if (rem <= kMaxMacLength) {
      AK_TRY(p.mac, parse_mac(r));
      break;
    }
    // Step 3.3: otherwise an EF starts here; its length alone moves A on.
    AK_TRY(ExtensionField ef, ExtensionField::parse(r));
    p.fields.push_back(std::move(ef));
  }
  return p;
}

std::size_t Packet::authenticated_length() const {
  std::size_t a = NtpHeader::kSize;
  for (const auto& ef : fields) a += ef.length();
  return a;
}

Result<Bytes, WireError> Packet::serialize() const {
  if (mac) {
    if (mac->digest.size() > kMaxDigestLength) return Err{WireError::MacDigestTooLong};
    if (mac->digest.size() % 4 != 0) return Err{WireError::TrailerNotMultipleOf4};
  }
  // The receiver's walk reads any remainder of <= 24 octets as the MAC; if
  // the last EF and the MAC fit in 24, they would be read as one MAC
  // (digest §2.2 "Consequences"; security-history row 25).
  if (!fields.empty()) {
    const std::size_t tail = fields.back().length() + (mac ? mac->size() : 0);
    if (tail <= kMaxMacLength) return Err{WireError::LastFieldReadsAsMac};
  }
  Writer w;
  if (auto st = header.serialize(w); !st) return Err{st.error()};
  for (const auto& ef : fields)
    if (auto st = ef.serialize(w); !st) return Err{st.error()};
  if (mac) w.u32(mac->key_id).bytes(mac->digest);
  if (w.size() > kMaxPacketLength) return Err{WireError::PacketLongerThanReceiveBuffer};
  return w.take();
}

std::string summary(const Packet& p) {
  std::string s(name(p.header.mode_enum()));
  for (const auto& ef : p.fields) {
    s += ' ';
    s += summary(ef);
    s += "[assoc " + std::to_string(ef.assoc_id) + " len " + std::to_string(ef.length()) + "]";
  }
  if (p.mac) {
    char buf[48];
    std::snprintf(buf, sizeof buf, " key 0x%08x mac %zu", p.mac->key_id, p.mac->size());
    s += buf;
    if (p.is_crypto_nak()) s += " crypto-NAK";
  } else {
    s += " no-mac";
  }
  s += " len " + std::to_string(p.size());
  return s;
}

}  // namespace ak::wire
