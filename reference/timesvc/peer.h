// One time source: the peer variables, reach register, clock filter (RFC 5905
// §9, §10) and per-peer poll timing (§13). Network servers and reference
// clocks (LOCAL, SHM, ...) are both peers; they differ only in where samples
// come from.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "timesvc/ntp_time.h"
#include "timesvc/on_wire.h"
#include "wire/ntp_header.h"

namespace ak::timesvc {

inline constexpr std::size_t kFilterStages = 8;  // NSTAGE
inline constexpr int kIburstCount = 6;           // ntpd NTP_IBURST (fixture: 6 packets 2 s apart)
inline constexpr double kBurstSpacing = 2.0;     // ntpd NTP_MINPKT headway (s)

inline constexpr double kAllanIntercept = 2048.0;  // ntpd CLOCK_ALLAN, 2^11 s

// How the clock filter picks its output sample.
enum class FilterOrder {
  // RFC 5905 §10: the minimum-delay sample of the last eight.
  MinimumDelay,
  // ntpd 4.2.8 sorts only once its clock discipline has settled; until then
  // (and always under `disable ntp`) the newest sample is the output. The
  // fixtures' ntpq `offset=`/`filtoffset=` show exactly this.
  Newest,
};

struct PeerConfig {
  std::string label;  // address text, or "127.127.1.0" for LOCAL: peerstats column 3
  // What the system refid becomes when this peer is the system peer and our
  // stratum is above 1: its IPv4 address, or for IPv6 the first four octets of
  // the MD5 of the address (the daemon computes that; this layer has no
  // crypto). For a refclock, its 127.127.t.u pseudo-address.
  std::uint32_t address_refid = 0;
  int minpoll = kDefaultMinPoll;
  int maxpoll = kDefaultMaxPoll;
  bool iburst = false;
  bool prefer = false;
  // Reference clock: samples come from hw/ through add_refclock_sample().
  bool refclock = false;
  int refclock_stratum = 0;        // `fudge ... stratum`; LOCAL's fixture value is 3
  std::uint32_t refclock_id = 0;   // refid_from_text("LOCL"), ("GPS"), ...
};

// A reference-clock reading as the time service needs it. hw/ adapters carry
// more (sequence, pulse flag, reference timestamp); the daemon maps them.
struct RefclockSample {
  NtpTimestamp time = 0;    // system clock when the sample was taken
  double offset = 0;        // reference minus system clock (s)
  double dispersion = 0;    // the sample's error bound (s); becomes root dispersion
  int leap = 0;             // 0..3; 3 = the clock has no fix
  int precision = -20;      // log2 s
};

struct FilterStage {
  double offset = 0;
  double delay = kMaxDisp;
  double dispersion = kMaxDisp;
  NtpTimestamp epoch = 0;  // local time of the sample
  bool valid() const { return dispersion < kMaxDisp; }
};

class Peer {
 public:
  explicit Peer(PeerConfig config);

  const PeerConfig& config() const { return config_; }

  // ---- packet / sample input ----------------------------------------------
  // The header variables of a reply already accepted by receive_reply().
  void update_from_header(const wire::NtpHeader& pkt);
  // Feeds one measurement to the clock filter (RFC 5905 §10). Returns true
  // when the filter produced a new peer offset that selection should see
  // (false when the best sample is older than the one already used).
  bool clock_filter(const Measurement& m, NtpTimestamp now, int sys_precision,
                    FilterOrder order = FilterOrder::MinimumDelay);
  // A reference-clock sample: sets reach bit 0, the peer variables (stratum
  // from fudge, root dispersion from the sample) and runs the filter.
  bool add_refclock_sample(const RefclockSample& s, int sys_precision,
                           FilterOrder order = FilterOrder::MinimumDelay);
  // Marks reach bit 0 for an accepted reply (call after receive_reply ok).
  void mark_reached() { reach_ |= 1; }

  // ---- polling (RFC 5905 §13) --------------------------------------------
  // Local time of the next packet (or refclock poll).
  NtpTimestamp next_poll() const { return next_poll_; }
  bool poll_due(NtpTimestamp now) const { return diff(now, next_poll_) >= 0; }
  // Call when a request goes out (or a refclock poll happens) at `now`:
  // shifts the reach register, pads the filter when the last three polls
  // got nothing, starts an iburst when unreachable, schedules the next poll.
  void on_poll(NtpTimestamp now);
  // Starts polling: first poll at `now`.
  void start(NtpTimestamp now) { next_poll_ = now; }
  // While set, an iburst waits (ntpd holds the burst until Autokey is done;
  // in the iff fixture it starts once the exchange completes).
  void hold_burst(bool hold) { burst_hold_ = hold; }
  // The system's poll exponent, clamped to [minpoll, maxpoll].
  void set_host_poll(int sys_poll);
  int host_poll() const { return hpoll_; }
  int peer_poll() const { return ppoll_; }
  // The exponent the next interval uses: min(host, peer) within limits.
  int poll_exponent() const;
  int burst_remaining() const { return burst_; }

  // ---- peer variables (RFC 5905 §9.1, §10) --------------------------------
  std::uint8_t reach() const { return reach_; }
  bool reachable() const { return reach_ != 0; }
  int leap() const { return leap_; }
  int stratum() const { return stratum_; }
  int precision() const { return precision_; }
  double root_delay() const { return root_delay_; }
  double root_dispersion() const { return root_disp_; }
  std::uint32_t refid() const { return refid_; }
  NtpTimestamp reference_time() const { return reftime_; }
  double offset() const { return offset_; }
  double delay() const { return delay_; }
  double dispersion() const { return disp_; }
  double jitter() const { return jitter_; }
  NtpTimestamp update_time() const { return t_; }  // epoch of the sample in use
  bool has_sample() const { return has_sample_; }
  const std::array<FilterStage, kFilterStages>& filter() const { return filter_; }
  ExchangeState& exchange() { return exchange_; }
  const ExchangeState& exchange() const { return exchange_; }
  std::uint16_t flash() const { return flash_; }
  void set_flash(std::uint16_t f) { flash_ = f; }

  // Peer dispersion grown to `now` (disp + PHI * (now - t)).
  double dispersion_at(NtpTimestamp now) const;
  // RFC 5905 §11.2 root distance: max(mindist, root delay + delay)/2 + root
  // dispersion + dispersion + PHI*(now - t) + jitter.
  double root_distance(NtpTimestamp now, double mindist) const;

 private:
  void shift_in(const FilterStage& stage, NtpTimestamp now);

  PeerConfig config_;
  std::array<FilterStage, kFilterStages> filter_{};  // [0] newest
  ExchangeState exchange_;
  std::uint8_t reach_ = 0;
  std::uint16_t flash_ = 0;
  int leap_ = kNoSync;
  int stratum_ = kMaxStratum;
  int precision_ = 0;
  double root_delay_ = 0;
  double root_disp_ = 0;
  std::uint32_t refid_ = 0;
  NtpTimestamp reftime_ = 0;
  double offset_ = 0;
  double delay_ = 0;
  double disp_ = kMaxDisp;
  double jitter_ = 0;
  NtpTimestamp t_ = 0;  // local time of the last filter output
  NtpTimestamp last_filter_in_ = 0;
  bool has_sample_ = false;
  int hpoll_;
  int ppoll_;
  int burst_ = 0;
  bool burst_hold_ = false;
  bool burst_done_ = false;
  NtpTimestamp next_poll_ = 0;
};

}  // namespace ak::timesvc
