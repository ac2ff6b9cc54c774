#include "timesvc/system.h"

#include <algorithm>
#include <cmath>

namespace ak::timesvc {

namespace {
constexpr double kPollGate = 4.0;  // PGATE (RFC 5905 §13 / A.5.5.6)
constexpr int kPollLimit = 30;     // LIMIT of the poll-adjust counter
constexpr double kClockAverage = 4.0;  // AVG: clock jitter averaging constant
}  // namespace

TimeService::TimeService(SystemConfig config, ClockDiscipline* discipline)
    : config_(config), discipline_(discipline ? discipline : &null_discipline_) {
  sys_.precision = config_.precision;
  sys_.poll = kMinPoll;  // each peer clamps this to its own minpoll at first
  clock_jitter_ = log2_seconds(config_.precision);
}

std::size_t TimeService::add_peer(PeerConfig config, NtpTimestamp now) {
  peers_.emplace_back(std::move(config));
  peers_.back().start(now);
  selection_.push_back(PeerSelection::Reject);
  if (sys_.update_time == 0) sys_.update_time = now;
  return peers_.size() - 1;
}

std::vector<std::size_t> TimeService::polls_due(NtpTimestamp now) const {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    if (peers_[i].poll_due(now)) due.push_back(i);
  }
  return due;
}

wire::NtpHeader TimeService::make_request(std::size_t id, NtpTimestamp xmt, wire::Mode mode) {
  Peer& p = peers_.at(id);
  p.on_poll(xmt);
  wire::NtpHeader h;
  h.leap = static_cast<std::uint8_t>(sys_.leap);
  h.version = 4;
  h.mode = static_cast<std::uint8_t>(mode);
  h.stratum = stratum_to_wire(sys_.stratum);
  h.poll = static_cast<std::int8_t>(p.host_poll());
  h.precision = static_cast<std::int8_t>(sys_.precision);
  h.root_delay = short_from_seconds(sys_.root_delay);
  h.root_dispersion =
      short_from_seconds(sys_.root_dispersion + kPhi * std::max(0.0, diff(xmt, sys_.update_time)));
  h.refid = sys_.refid;
  h.reference_ts = sys_.reference_time;
  // ntpd's basic mode, as the fixture clients send it: origin and receive
  // echo the last reply's transmit time and our arrival time (they matter to
  // a symmetric peer and to interleave detection; a server ignores them).
  h.origin_ts = p.exchange().last_received;
  h.receive_ts = p.exchange().last_arrival;
  h.transmit_ts = xmt;
  p.exchange().last_sent = xmt;
  reselect_if_lost(id, xmt);
  return h;
}

void TimeService::refclock_polled(std::size_t id, NtpTimestamp now) {
  peers_.at(id).on_poll(now);
  reselect_if_lost(id, now);
}

void TimeService::reselect_if_lost(std::size_t id, NtpTimestamp now) {
  // A system peer that stopped answering (reach 0) or whose distance grew
  // past the threshold must not be followed until the next sample that will
  // never come; selection runs again now (ntpd does the same from its poll).
  if (sys_.system_peer == id && !fit(peers_[id], now)) clock_select(now);
}

Result<Measurement, OnWireError> TimeService::receive(std::size_t id, const wire::NtpHeader& pkt,
                                                      NtpTimestamp dst) {
  Peer& p = peers_.at(id);
  auto m = receive_reply(pkt, dst, p.exchange(), config_.precision);
  if (!m.ok()) {
    p.set_flash(flash_bit(m.error()));
    return m;
  }
  p.set_flash(0);
  p.mark_reached();
  p.update_from_header(pkt);
  if (p.clock_filter(*m, dst, config_.precision, filter_order())) clock_select(dst);
  return m;
}

void TimeService::receive_refclock(std::size_t id, const RefclockSample& sample) {
  if (peers_.at(id).add_refclock_sample(sample, config_.precision, filter_order())) {
    clock_select(sample.time);
  }
}

FilterOrder TimeService::filter_order() const {
  // ntpd sorts the filter only once its discipline has settled; with the
  // discipline off it never does (ntpq in every fixture shows the newest
  // sample as the peer offset). We treat "discipline on and synchronized"
  // as settled.
  return config_.discipline && sys_.synchronized() ? FilterOrder::MinimumDelay
                                                   : FilterOrder::Newest;
}

bool TimeService::fit(const Peer& p, NtpTimestamp now) const {
  // RFC 5905 §11.2 (fit): reachable, synchronized, stratum below 16 and
  // close enough. Reference clocks skip the distance test: ntpd serves its
  // LOCAL clock right after the first sample, when the filter still holds
  // seven empty stages and the distance is ~7.9 s (iff fixture, rootdisp
  // 520849/65536), and "a server on its LOCAL or SHM clock must be usable at
  // once".
  if (!p.reachable() || !p.has_sample()) return false;
  if (p.leap() == kNoSync || p.stratum() >= kMaxStratum) return false;
  if (p.config().refclock) return true;
  const double threshold = config_.maxdist + kPhi * log2_seconds(p.host_poll());
  return p.root_distance(now, config_.mindist) < threshold;
}

void TimeService::clock_select(NtpTimestamp now) {
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < peers_.size(); ++i) {
    selection_[i] = PeerSelection::Reject;
    const Peer& p = peers_[i];
    if (!fit(p, now)) continue;
    candidates.push_back(Candidate{i, p.offset(), p.root_distance(now, config_.mindist),
                                   p.jitter(), p.stratum(), p.config().prefer});
  }
  const auto inter = intersect(candidates);
  if (!inter || inter->truechimers.size() < std::max<std::size_t>(config_.minsane, 1)) {
    for (const auto& c : candidates) selection_[c.id] = PeerSelection::Falseticker;
    unsynchronize();
    return;
  }
  for (const auto& c : candidates) selection_[c.id] = PeerSelection::Falseticker;
  for (const auto& c : inter->truechimers) selection_[c.id] = PeerSelection::Outlier;
  const auto survivors = cluster(inter->truechimers, config_.minclock, config_.maxdist);
  for (const auto& c : survivors) selection_[c.id] = PeerSelection::Candidate;
  const std::size_t pick = pick_system_peer(survivors);
  selection_[survivors[pick].id] = PeerSelection::SystemPeer;
  const Combined combined = combine(survivors, pick);
  clock_update(survivors[pick].id, combined, now);
}

void TimeService::clock_update(std::size_t id, const Combined& combined, NtpTimestamp now) {
  const Peer& p = peers_[id];
  // RFC 5905 §11.2.3: a sample is used once; an older one changes nothing.
  if (sys_.system_peer == id && last_update_epoch_ != 0 &&
      diff(p.update_time(), last_update_epoch_) <= 0) {
    return;
  }
  last_update_epoch_ = p.update_time();
  sys_.system_peer = id;
  peer_leap_ = p.leap();
  sys_.leap = (peer_leap_ == 0 && announced_leap_ != 0) ? announced_leap_ : peer_leap_;
  sys_.stratum = p.stratum() + 1;
  // RFC 5905 §7.3: at stratum 1 the refid names the reference clock; above
  // it, the address of the server we follow (ntpd: 127.127.1.0 for LOCAL,
  // 0x7f7f0100 in the fixtures).
  sys_.refid = sys_.stratum == 1 ? p.refid() : p.config().address_refid;
  sys_.reference_time = p.update_time();
  sys_.offset = combined.offset;
  sys_.jitter = std::sqrt(p.jitter() * p.jitter() +
                          combined.selection_jitter * combined.selection_jitter);
  sys_.root_delay = p.root_delay() + p.delay();
  sys_.root_dispersion = std::max(config_.mindist, p.root_dispersion() + p.dispersion_at(now) +
                                                       sys_.jitter + std::fabs(p.offset()));
  sys_.update_time = now;
  if (config_.discipline) {
    discipline_->adjust_offset(combined.offset);
    discipline_->arm_leap(sys_.leap == 1 || sys_.leap == 2 ? sys_.leap : 0);
  }
  adjust_poll(combined.offset, p.config().minpoll, p.config().maxpoll);
}

void TimeService::adjust_poll(double offset, int minpoll, int maxpoll) {
  // What the discipline would have to correct now. With the discipline on,
  // that is the offset itself (RFC 5905 §13); with it off nothing ever
  // corrects the clock, so a constant offset is "stable" and only its
  // change since the last update counts.
  const double residual = config_.discipline ? offset : offset - last_offset_;
  last_offset_ = offset;
  // RFC 5905 §13 (A.5.5.6): while residuals stay within PGATE clock jitters
  // the counter climbs by the poll exponent and the poll interval doubles
  // at LIMIT; larger ones drain it twice as fast and halve the interval.
  // The gate uses the jitter from before this update: a surprise is judged
  // against the past, not against itself.
  const bool quiet = std::fabs(residual) < kPollGate * clock_jitter_;
  const double sq = residual * residual;
  clock_jitter_ = std::sqrt(clock_jitter_ * clock_jitter_ +
                            (sq - clock_jitter_ * clock_jitter_) / kClockAverage);
  clock_jitter_ = std::max(clock_jitter_, log2_seconds(config_.precision));
  if (quiet) {
    poll_counter_ += sys_.poll;
    if (poll_counter_ > kPollLimit) {
      poll_counter_ = kPollLimit;
      if (sys_.poll < maxpoll) {
        poll_counter_ = 0;
        ++sys_.poll;
      }
    }
  } else {
    poll_counter_ -= 2 * sys_.poll;
    if (poll_counter_ < -kPollLimit) {
      poll_counter_ = -kPollLimit;
      if (sys_.poll > minpoll) {
        poll_counter_ = 0;
        --sys_.poll;
      }
    }
  }
  // The system peer's limits bound the system poll (§13).
  sys_.poll = std::max(minpoll, std::min(sys_.poll, maxpoll));
  for (auto& p : peers_) p.set_host_poll(sys_.poll);
}

void TimeService::set_leap_announcement(int leap) {
  announced_leap_ = (leap == 1 || leap == 2) ? leap : 0;
  // Synchronized: the indicator follows at once (the system peer's own
  // warning, if it gives one, still wins).
  if (sys_.leap != kNoSync && sys_.system_peer)
    sys_.leap = (peer_leap_ == 0 && announced_leap_ != 0) ? announced_leap_ : peer_leap_;
}

void TimeService::unsynchronize() {
  // No majority: serve as unsynchronized (leap 3, stratum 16 -> 0 on the
  // wire) until the sources agree again. The refid keeps its last value
  // except before any update ("INIT").
  sys_.leap = kNoSync;
  sys_.stratum = kMaxStratum;
  sys_.system_peer.reset();
}

}  // namespace ak::timesvc
