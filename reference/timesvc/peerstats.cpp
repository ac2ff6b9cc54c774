#include "timesvc/peerstats.h"

#include <algorithm>
#include <cstdio>

namespace ak::timesvc {

namespace {
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kMjdUnixEpoch = 40587;  // MJD of 1970-01-01
}  // namespace

unsigned selection_code(PeerSelection s) {
  switch (s) {
    case PeerSelection::Reject: return 0;
    case PeerSelection::Falseticker: return 1;
    case PeerSelection::Excess: return 2;
    case PeerSelection::Outlier: return 3;
    case PeerSelection::Candidate: return 4;
    case PeerSelection::Backup: return 5;
    case PeerSelection::SystemPeer: return 6;
  }
  return 0;
}

char tally(PeerSelection s) { return " x.-+#*o"[selection_code(s)]; }

std::uint16_t peer_status_word(const Peer& peer, PeerSelection selection, PeerStatusFlags flags,
                               unsigned event_count, unsigned last_event) {
  unsigned hi = 0;
  if (flags.configured) hi |= 0x80;
  if (flags.auth_enabled) hi |= 0x40;
  if (flags.authentic) hi |= 0x20;
  if (peer.reachable()) hi |= 0x10;
  if (flags.broadcast) hi |= 0x08;
  hi |= selection_code(selection) & 0x07;
  const unsigned lo = ((event_count & 0x0f) << 4) | (last_event & 0x0f);
  return static_cast<std::uint16_t>((hi << 8) | lo);
}

std::string peerstats_line(std::int64_t unix_seconds, std::uint32_t nanoseconds,
                           std::string_view label, std::uint16_t status, double offset,
                           double delay, double dispersion, double jitter) {
  // Floor division so times before 1970 still give a day and a non-negative
  // second of day.
  std::int64_t day = unix_seconds / kSecondsPerDay;
  std::int64_t sec = unix_seconds % kSecondsPerDay;
  if (sec < 0) {
    sec += kSecondsPerDay;
    --day;
  }
  const unsigned msec = (nanoseconds % 1000000000u) / 1000000u;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%lld %lld.%03u %.*s %x %.9f %.9f %.9f %.9f",
                static_cast<long long>(day + kMjdUnixEpoch), static_cast<long long>(sec), msec,
                static_cast<int>(std::min<std::size_t>(label.size(), 64)), label.data(),
                static_cast<unsigned>(status), offset, delay, dispersion, jitter);
  return buf;
}

std::string peerstats_line(std::int64_t unix_seconds, std::uint32_t nanoseconds, const Peer& peer,
                           std::uint16_t status) {
  return peerstats_line(unix_seconds, nanoseconds, peer.config().label, status, peer.offset(),
                        peer.delay(), peer.dispersion(), peer.jitter());
}

}  // namespace ak::timesvc
