#include "timesvc/on_wire.h"

#include <algorithm>
#include <cctype>

namespace ak::timesvc {

std::string_view message(OnWireError e) {
  switch (e) {
    case OnWireError::ZeroTransmit: return "transmit timestamp is zero";
    case OnWireError::Duplicate: return "duplicate packet (transmit timestamp seen before)";
    case OnWireError::Bogus: return "bogus packet (origin is not our last transmit)";
    case OnWireError::ProtocolUnsynchronized:
      return "protocol unsynchronized (origin or receive timestamp is zero)";
    case OnWireError::ServerUnsynchronized: return "server unsynchronized (leap 3 or stratum 0/16)";
    case OnWireError::StratumTooHigh: return "stratum above 15";
    case OnWireError::HeaderDistance: return "root delay/2 + root dispersion too large";
    case OnWireError::ReferenceAfterTransmit: return "reference time later than transmit time";
  }
  return "unknown on-wire error";
}

std::uint16_t flash_bit(OnWireError e) {
  switch (e) {
    case OnWireError::Duplicate: return 0x0001;
    case OnWireError::Bogus: return 0x0002;
    case OnWireError::ZeroTransmit:
    case OnWireError::ProtocolUnsynchronized: return 0x0004;
    case OnWireError::ServerUnsynchronized: return 0x0020;
    case OnWireError::StratumTooHigh: return 0x0040;
    case OnWireError::HeaderDistance:
    case OnWireError::ReferenceAfterTransmit: return 0x0080;
  }
  return 0;
}

int stratum_from_wire(std::uint8_t wire_stratum) {
  return (wire_stratum == 0 || wire_stratum > kMaxStratum) ? kMaxStratum : wire_stratum;
}

std::uint8_t stratum_to_wire(int stratum) {
  // ntpd sends its internal 16 as 0 (the fixture clients, unsynchronized,
  // send stratum 0 with leap 3 and refid INIT).
  if (stratum <= 0 || stratum >= kMaxStratum) return 0;
  return static_cast<std::uint8_t>(stratum);
}

std::uint32_t refid_from_text(std::string_view text) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto c = i < text.size() ? static_cast<unsigned char>(text[i]) : 0u;
    v = (v << 8) | c;
  }
  return v;
}

std::uint32_t kiss_code(const wire::NtpHeader& pkt) {
  if (pkt.stratum != 0) return 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto c = static_cast<unsigned char>((pkt.refid >> shift) & 0xff);
    if (!std::isupper(c) && !std::isdigit(c)) return 0;
  }
  return pkt.refid;
}

Measurement measure(NtpTimestamp t1, NtpTimestamp t2, NtpTimestamp t3, NtpTimestamp t4,
                    int peer_precision, int sys_precision) {
  Measurement m;
  m.t1 = t1;
  m.t2 = t2;
  m.t3 = t3;
  m.t4 = t4;
  // RFC 5905 §8: each difference is taken between timestamps of one clock
  // (T2/T3 server, T1/T4 client) or across clocks that agree within 68
  // years, so the era-safe signed difference is exact enough.
  const double forward = diff(t2, t1);
  const double backward = diff(t3, t4);
  m.offset = (forward + backward) / 2;
  m.delay = std::max(diff(t4, t1) - diff(t3, t2), log2_seconds(sys_precision));
  m.dispersion = log2_seconds(peer_precision) + log2_seconds(sys_precision) + kPhi * m.delay;
  return m;
}

Status<OnWireError> check_header(const wire::NtpHeader& pkt) {
  // RFC 5905 §8 / A.5.1.1: a server that says it is unsynchronized gives no
  // usable time.
  if (pkt.leap == kNoSync || pkt.stratum == 0 || pkt.stratum >= kMaxStratum) {
    return Err{pkt.stratum > kMaxStratum ? OnWireError::StratumTooHigh
                                         : OnWireError::ServerUnsynchronized};
  }
  if (short_to_seconds(pkt.root_delay) / 2 + short_to_seconds(pkt.root_dispersion) >= kMaxDisp) {
    return Err{OnWireError::HeaderDistance};
  }
  if (pkt.reference_ts != 0 && diff(pkt.reference_ts, pkt.transmit_ts) > 0) {
    return Err{OnWireError::ReferenceAfterTransmit};
  }
  return Ok{};
}

Result<Measurement, OnWireError> receive_reply(const wire::NtpHeader& pkt, NtpTimestamp dst,
                                               ExchangeState& state, int sys_precision) {
  // RFC 5905 §8: the timestamp tests come first, in this order.
  if (pkt.transmit_ts == 0) return Err{OnWireError::ZeroTransmit};
  if (pkt.transmit_ts == state.last_received) return Err{OnWireError::Duplicate};
  if (pkt.origin_ts == 0 || pkt.receive_ts == 0) {
    return Err{OnWireError::ProtocolUnsynchronized};
  }
  if (pkt.origin_ts != state.last_sent) return Err{OnWireError::Bogus};
  state.last_received = pkt.transmit_ts;
  state.last_arrival = dst;
  if (auto h = check_header(pkt); !h.ok()) return Err{h.error()};
  return measure(pkt.origin_ts, pkt.receive_ts, pkt.transmit_ts, dst, pkt.precision,
                 sys_precision);
}

Result<Measurement, OnWireError> receive_broadcast(const wire::NtpHeader& pkt, NtpTimestamp dst,
                                                   ExchangeState& state, double delay,
                                                   int sys_precision) {
  if (pkt.transmit_ts == 0) return Err{OnWireError::ZeroTransmit};
  if (pkt.transmit_ts == state.last_received) return Err{OnWireError::Duplicate};
  state.last_received = pkt.transmit_ts;
  state.last_arrival = dst;
  if (auto h = check_header(pkt); !h.ok()) return Err{h.error()};
  Measurement m;
  m.t3 = pkt.transmit_ts;
  m.t4 = dst;
  m.delay = std::max(delay, log2_seconds(sys_precision));
  m.offset = diff(pkt.transmit_ts, dst) + m.delay / 2;
  m.dispersion = log2_seconds(pkt.precision) + log2_seconds(sys_precision) + kPhi * m.delay;
  return m;
}

}  // namespace ak::timesvc
