// The on-wire protocol of RFC 5905 §8: offset and delay from the four
// timestamps of one exchange, with the packet tests that decide whether the
// exchange is usable at all.
#pragma once

#include <cstdint>
#include <string_view>

#include "timesvc/ntp_time.h"
#include "wire/ntp_header.h"
#include "wire/result.h"

namespace ak::timesvc {

// Why a packet yields no sample. Each value names one rule; flash_bit() gives
// the bit ntpd sets in the peer "flash" variable for it (ntpq `flash=`),
// autokey-operator-surface.md §4 / RFC 5905 §A.5.1.1 "packet tests".
enum class OnWireError {
  ZeroTransmit,            // TEST3: transmit timestamp is zero
  Duplicate,               // TEST1: transmit equals the last one seen
  Bogus,                   // TEST2: origin is not our last transmit
  ProtocolUnsynchronized,  // TEST3: origin or receive zero (peer has not heard us)
  ServerUnsynchronized,    // TEST6: leap 3 or stratum 0/16 (not a kiss code)
  StratumTooHigh,          // TEST7: stratum above 15
  HeaderDistance,          // TEST8: root delay/2 + root dispersion >= MAXDISP
  ReferenceAfterTransmit,  // TEST8: reference timestamp later than transmit
};

std::string_view message(OnWireError e);
std::uint16_t flash_bit(OnWireError e);

// The per-association timestamps the tests need (RFC 5905 §9.1 peer
// variables org/rec/xmt, as the client side keeps them).
struct ExchangeState {
  NtpTimestamp last_sent = 0;      // our transmit timestamp in the last request (T1)
  NtpTimestamp last_received = 0;  // the peer's transmit timestamp last accepted
  NtpTimestamp last_arrival = 0;   // our clock when that packet arrived (T4)
};

// One clock measurement (RFC 5905 §8: theta, delta, epsilon).
struct Measurement {
  double offset = 0;      // theta = ((T2 - T1) + (T3 - T4)) / 2
  double delay = 0;       // delta = (T4 - T1) - (T3 - T2), at least 2^precision
  double dispersion = 0;  // epsilon = 2^peer.precision + 2^sys.precision + PHI*delta
  NtpTimestamp t1 = 0, t2 = 0, t3 = 0, t4 = 0;
};

// The arithmetic alone (no packet tests), exposed for the RFC's examples.
// sys_precision and peer_precision are log2 seconds.
Measurement measure(NtpTimestamp t1, NtpTimestamp t2, NtpTimestamp t3, NtpTimestamp t4,
                    int peer_precision, int sys_precision);

// A server or symmetric reply received at `dst` (T4). Runs the timestamp
// tests (duplicate, bogus, unsynchronized) and the header tests, then
// measures. On success state.last_received is updated; a duplicate leaves the
// state unchanged. Interleaved mode is not implemented.
Result<Measurement, OnWireError> receive_reply(const wire::NtpHeader& pkt, NtpTimestamp dst,
                                               ExchangeState& state, int sys_precision);

// A broadcast packet (mode 5) received at dst: origin and receive are zero on
// the wire (see the bcast fixture), so the offset is T3 - T4 corrected by half
// the assumed round-trip `delay` (RFC 5905 §8, broadcast mode).
Result<Measurement, OnWireError> receive_broadcast(const wire::NtpHeader& pkt, NtpTimestamp dst,
                                                   ExchangeState& state, double delay,
                                                   int sys_precision);

// The header tests alone (TEST6-8), for callers that check before measuring.
Status<OnWireError> check_header(const wire::NtpHeader& pkt);

// Stratum as the time service counts it: wire 0 ("unspecified", RFC 5905
// §7.3 figure 11) is read as 16, unsynchronized.
int stratum_from_wire(std::uint8_t wire_stratum);
std::uint8_t stratum_to_wire(int stratum);

// A kiss-o'-death packet (RFC 5905 §7.4): stratum 0 and the refid holds four
// ASCII letters, e.g. "RATE". Returns the code as a 32-bit refid, or 0.
std::uint32_t kiss_code(const wire::NtpHeader& pkt);

// Four ASCII letters as a refid, e.g. refid_from_text("LOCL").
std::uint32_t refid_from_text(std::string_view text);

}  // namespace ak::timesvc
