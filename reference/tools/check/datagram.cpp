#include "check/datagram.h"

#include <cstdio>

#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/ntp_header.h"

namespace ak::check {

wire::Bytes client_request(std::uint32_t now, const std::vector<wire::Bytes>& raw_fields, std::uint32_t key_id,
                           const wire::Address& src, const wire::Address& dst, std::uint32_t cookie,
                           crypto::Digest digest) {
  wire::NtpHeader h;
  h.version = 4;
  h.mode = 3;
  h.poll = 6;
  h.precision = -20;
  h.transmit_ts = std::uint64_t{now} << 32;
  wire::Writer w;
  (void)h.serialize(w);  // leap/version/mode are in range
  for (const auto& f : raw_fields) w.bytes(f);
  const wire::Bytes auth = w.data();
  const auto sk = crypto::session_key(src, dst, key_id, cookie, digest);
  w.bytes(crypto::make_mac(key_id, sk.key, auth, digest));
  return w.take();
}

wire::Bytes field_octets(const wire::ExtensionField& ef) {
  wire::Writer w;
  (void)ef.serialize(w);
  return w.take();
}

Reply read_reply(wire::ByteView bytes, const wire::Address& server, const wire::Address& client,
                 std::uint32_t key_id, std::uint32_t cookie, crypto::Digest digest) {
  Reply r;
  r.bytes.assign(bytes.begin(), bytes.end());
  auto p = wire::Packet::parse(bytes);
  if (!p) return r;
  r.packet = std::move(p).value();
  r.crypto_nak = r.packet->is_crypto_nak();
  if (r.packet->mac && !r.crypto_nak && r.packet->mac->key_id == key_id) {
    const std::uint32_t c = r.packet->fields.empty() ? cookie : 0;
    const auto sk = crypto::session_key(server, client, key_id, c, digest);
    const std::size_t a = r.packet->authenticated_length();
    if (a <= r.bytes.size())
      r.mac_ok = crypto::mac_matches(sk.key, wire::ByteView(r.bytes.data(), a), r.packet->mac->digest, digest);
  }
  return r;
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

}  // namespace ak::check
