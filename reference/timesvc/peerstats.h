// The peerstats statistics line and the peer status word it carries, as
// ntpd 4.2.8 writes them:
//   "<MJD> <seconds past UTC midnight, 3 decimals> <address> <status hex>
//    <offset> <delay> <dispersion> <jitter>"   (seconds, 9 decimals)
// e.g. "61370 63127.362 127.127.1.0 9614 0.000000000 0.000000000 0.010099600 0.000000060".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "timesvc/ntp_time.h"
#include "timesvc/peer.h"
#include "timesvc/system.h"

namespace ak::timesvc {

// The 16-bit peer status word of mode 6 (ntpq `status=f61e`): flags in bits
// 15..11 (configured, authenable, authentic, reachable, broadcast), the
// selection code in bits 10..8, event count in 7..4, last event in 3..0.
struct PeerStatusFlags {
  bool configured = true;
  bool auth_enabled = false;
  bool authentic = false;
  bool broadcast = false;
};
std::uint16_t peer_status_word(const Peer& peer, PeerSelection selection, PeerStatusFlags flags,
                               unsigned event_count, unsigned last_event);

// Selection code of the status word (ntpq: reject, falsetick, excess,
// outlier, candidate, backup, sys.peer, pps.peer).
unsigned selection_code(PeerSelection s);

// The ntpq peers-view tally character for a selection (" x.-+#*o" by
// selection code: ' ' reject, 'x' falseticker, '.' excess, '-' outlier,
// '+' candidate, '#' backup, '*' system peer).
char tally(PeerSelection s);

// One line without the trailing newline. `unix_seconds`/`nanoseconds` are the
// wall-clock time of the record (ntpd uses the time of writing).
std::string peerstats_line(std::int64_t unix_seconds, std::uint32_t nanoseconds,
                           std::string_view label, std::uint16_t status, double offset,
                           double delay, double dispersion, double jitter);

// The line for a peer's current filter output.
std::string peerstats_line(std::int64_t unix_seconds, std::uint32_t nanoseconds, const Peer& peer,
                           std::uint16_t status);

}  // namespace ak::timesvc
