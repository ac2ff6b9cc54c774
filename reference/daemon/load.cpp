#include "daemon/load.h"

#include <algorithm>
#include <cstdio>

#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/messages/assoc.h"
#include "wire/packet.h"

namespace ak::daemon::load {

wire::Bytes make_request(const RequestSpec& spec) {
  wire::Packet p;
  p.header.leap = 3;
  p.header.version = 4;
  p.header.mode = 3;
  p.header.poll = 6;
  p.header.precision = -20;
  p.header.transmit_ts = spec.transmit;
  wire::AssocRequest assoc;
  assoc.name = spec.host_name;
  // ENAB with the md5WithRSAEncryption NID, as a TC client announces itself.
  assoc.status = wire::StatusWord::make(8, 0x0001);
  p.fields.push_back(assoc.to_field());
  wire::Writer w;
  (void)p.header.serialize(w);
  for (const auto& ef : p.fields) (void)ef.serialize(w);
  const wire::Bytes covered = std::move(w).take();
  const auto sk = crypto::session_key(spec.client, spec.server, spec.key_id, 0, crypto::Digest::MD5);
  p.mac = wire::Mac{spec.key_id, crypto::mac_digest(sk.key, covered, crypto::Digest::MD5)};
  auto bytes = p.serialize();
  return bytes ? std::move(bytes).value() : wire::Bytes{};
}

std::optional<std::uint64_t> answered_transmit(wire::ByteView reply) {
  wire::Reader r(reply);
  auto h = wire::NtpHeader::parse(r);
  if (!h || h->mode_enum() != wire::Mode::Server) return std::nullopt;
  return h->origin_ts;
}

wire::Address client_address(std::uint32_t n) {
  const std::uint32_t a = (127u << 24) + (1u << 16) + n;
  return wire::Address::v4({static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
                            static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)});
}

Summary summarize(std::uint64_t sent, std::vector<double> lat, double seconds) {
  Summary s;
  s.sent = sent;
  s.received = lat.size();
  s.seconds = seconds;
  if (lat.empty()) return s;
  std::sort(lat.begin(), lat.end());
  auto at = [&](double q) { return lat[std::min(lat.size() - 1, static_cast<std::size_t>(q * static_cast<double>(lat.size())))]; };
  s.p50_us = at(0.50);
  s.p90_us = at(0.90);
  s.p99_us = at(0.99);
  s.max_us = lat.back();
  return s;
}

std::string to_text(const Summary& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "sent %llu, answered %llu in %.2f s: %.0f responses/s; latency p50 %.0f us, p90 %.0f us, "
                "p99 %.0f us, max %.0f us",
                static_cast<unsigned long long>(s.sent), static_cast<unsigned long long>(s.received), s.seconds,
                s.responses_per_second(), s.p50_us, s.p90_us, s.p99_us, s.max_us);
  return buf;
}

std::string to_json(const Summary& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"sent\":%llu,\"received\":%llu,\"seconds\":%.3f,\"responses_per_second\":%.1f,"
                "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}",
                static_cast<unsigned long long>(s.sent), static_cast<unsigned long long>(s.received), s.seconds,
                s.responses_per_second(), s.p50_us, s.p90_us, s.p99_us, s.max_us);
  return buf;
}

}  // namespace ak::daemon::load
