#include "timesvc/peer.h"

#include <algorithm>
#include <cmath>

namespace ak::timesvc {

namespace {
int clamp_poll(int p, int lo, int hi) { return std::max(lo, std::min(p, hi)); }

// Valid stages first, then by delay: the minimum-delay sample is the best
// offset estimate (RFC 5905 §10). Past the Allan intercept a sample's delay
// says little, so (as ntpd does) it competes with delay + dispersion.
// Stable, so among equal metrics the newest (lower stage) wins.
std::array<FilterStage, kFilterStages> by_delay(std::array<FilterStage, kFilterStages> f,
                                                NtpTimestamp now) {
  auto metric = [now](const FilterStage& s) {
    return diff(now, s.epoch) > kAllanIntercept ? s.delay + s.dispersion : s.delay;
  };
  std::stable_sort(f.begin(), f.end(), [&](const FilterStage& a, const FilterStage& b) {
    if (a.valid() != b.valid()) return a.valid();
    return metric(a) < metric(b);
  });
  return f;
}

// Without sorting, valid stages still come first (newest first), so that
// empty stages never win.
std::array<FilterStage, kFilterStages> valid_first(std::array<FilterStage, kFilterStages> f) {
  std::stable_partition(f.begin(), f.end(), [](const FilterStage& s) { return s.valid(); });
  return f;
}

// The §10 dispersion sum: stage i of the sorted list weighs 2^-(i+1).
double weighted_dispersion(const std::array<FilterStage, kFilterStages>& sorted) {
  double disp = 0;
  for (std::size_t i = 0; i < kFilterStages; ++i) {
    disp += sorted[i].dispersion / std::ldexp(1.0, static_cast<int>(i) + 1);
  }
  return disp;
}
}  // namespace

void Peer::shift_in(const FilterStage& stage, NtpTimestamp now) {
  // RFC 5905 §10: every stage ages by PHI per second since the last shift;
  // the new sample enters at stage 0 and the oldest falls off.
  const double age = last_filter_in_ == 0 ? 0.0 : std::max(0.0, diff(now, last_filter_in_));
  for (auto& f : filter_) {
    if (f.valid()) f.dispersion = std::min(kMaxDisp, f.dispersion + kPhi * age);
  }
  std::rotate(filter_.rbegin(), filter_.rbegin() + 1, filter_.rend());
  filter_[0] = stage;
  last_filter_in_ = now;
}

Peer::Peer(PeerConfig config) : config_(std::move(config)) {
  config_.minpoll = clamp_poll(config_.minpoll, kMinPoll, kMaxPoll);
  config_.maxpoll = clamp_poll(config_.maxpoll, config_.minpoll, kMaxPoll);
  hpoll_ = config_.minpoll;
  ppoll_ = config_.maxpoll;
  if (config_.refclock) {
    stratum_ = config_.refclock_stratum;
    refid_ = config_.refclock_id;
  }
}

void Peer::update_from_header(const wire::NtpHeader& pkt) {
  leap_ = pkt.leap;
  stratum_ = stratum_from_wire(pkt.stratum);
  precision_ = pkt.precision;
  root_delay_ = short_to_seconds(pkt.root_delay);
  root_disp_ = short_to_seconds(pkt.root_dispersion);
  refid_ = pkt.refid;
  reftime_ = pkt.reference_ts;
  ppoll_ = clamp_poll(pkt.poll, kMinPoll, kMaxPoll);
}

bool Peer::clock_filter(const Measurement& m, NtpTimestamp now, int sys_precision,
                        FilterOrder order) {
  shift_in(FilterStage{m.offset, m.delay, std::min(kMaxDisp, m.dispersion), now}, now);
  const auto sorted = order == FilterOrder::MinimumDelay ? by_delay(filter_, now) : valid_first(filter_);
  std::size_t valid = 0;
  for (const auto& f : sorted) valid += f.valid() ? 1 : 0;
  disp_ = weighted_dispersion(sorted);
  if (valid == 0) return false;

  offset_ = sorted[0].offset;
  delay_ = sorted[0].delay;
  double sum_sq = 0;
  for (std::size_t i = 1; i < valid; ++i) {
    const double d = sorted[i].offset - sorted[0].offset;
    sum_sq += d * d;
  }
  jitter_ = valid > 1 ? std::sqrt(sum_sq / static_cast<double>(valid - 1)) : 0.0;
  jitter_ = std::max(jitter_, log2_seconds(sys_precision));

  // §10: never use a sample older than the one already used.
  if (has_sample_ && diff(sorted[0].epoch, t_) <= 0) return false;
  t_ = sorted[0].epoch;
  has_sample_ = true;
  return true;
}

bool Peer::add_refclock_sample(const RefclockSample& s, int sys_precision, FilterOrder order) {
  reach_ |= 1;
  // A refclock's own error bound is root dispersion; its stratum and refid
  // come from configuration (fudge). The iff fixture's LOCAL clock (stratum
  // 3, 10 ms) is served as stratum 4 with rootdisp 7.95 s after one sample.
  leap_ = s.leap;
  stratum_ = config_.refclock_stratum;
  refid_ = config_.refclock_id;
  precision_ = s.precision;
  root_delay_ = 0;
  root_disp_ = s.dispersion;
  reftime_ = s.time;
  Measurement m;
  m.offset = s.offset;
  m.delay = 0;
  m.dispersion = log2_seconds(s.precision) + log2_seconds(sys_precision);
  return clock_filter(m, s.time, sys_precision, order);
}

void Peer::on_poll(NtpTimestamp now) {
  const bool was_reachable = reach_ != 0;
  reach_ = static_cast<std::uint8_t>(reach_ << 1);
  // RFC 5905 §13: three polls without an answer push a dummy (MAXDISP)
  // sample, so a silent source's dispersion climbs and it drops out.
  if ((reach_ & 0x07) == 0) {
    shift_in(FilterStage{0, kMaxDisp, kMaxDisp, now}, now);
    disp_ = weighted_dispersion(valid_first(filter_));
  }
  if (reach_ == 0) {
    // Unreachable: back off (§13), and allow a fresh iburst.
    if (was_reachable) {
      hpoll_ = std::min(hpoll_ + 1, config_.maxpoll);
      burst_done_ = false;
    }
  }
  if (burst_ > 0) {
    --burst_;
  } else if (config_.iburst && !burst_hold_ && !burst_done_ && !config_.refclock &&
             (reach_ == 0 || !has_sample_)) {
    // This poll is the first of kIburstCount packets kBurstSpacing apart.
    burst_ = kIburstCount - 1;
    burst_done_ = true;
  }
  const double interval = burst_ > 0 ? kBurstSpacing : log2_seconds(poll_exponent());
  next_poll_ = add(now, interval);
}

void Peer::set_host_poll(int sys_poll) {
  hpoll_ = clamp_poll(sys_poll, config_.minpoll, config_.maxpoll);
}

int Peer::poll_exponent() const {
  const int p = config_.refclock ? hpoll_ : std::min(hpoll_, ppoll_);
  return clamp_poll(p, config_.minpoll, config_.maxpoll);
}

double Peer::dispersion_at(NtpTimestamp now) const {
  const double age = has_sample_ ? std::max(0.0, diff(now, t_)) : 0.0;
  return std::min(kMaxDisp, disp_ + kPhi * age);
}

double Peer::root_distance(NtpTimestamp now, double mindist) const {
  return std::max(mindist, root_delay_ + delay_) / 2 + root_disp_ + dispersion_at(now) + jitter_;
}

}  // namespace ak::timesvc
