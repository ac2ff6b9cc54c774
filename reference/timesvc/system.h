// The system process of RFC 5905 §11: the set of sources, selection, the
// system variables that go out in every packet, and system poll control
// (§13). Sans-I/O: the caller passes the local time (as an NTP timestamp) of
// every event and sends/receives packets itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "timesvc/discipline.h"
#include "timesvc/ntp_time.h"
#include "timesvc/on_wire.h"
#include "timesvc/peer.h"
#include "timesvc/select.h"
#include "wire/ntp_header.h"
#include "wire/result.h"

namespace ak::timesvc {

struct SystemConfig {
  int precision = -20;        // log2 s of the local clock reading
  // `enable ntp` / `disable ntp`: whether clock updates reach the
  // discipline. Off by default; selection and serving work either way.
  bool discipline = false;
  // ntpd 4.2.8 `tos` defaults (RFC 5905 §7.2 lists MINDISP .005 and
  // MAXDIST 1; ntpd uses these and we follow ntpd).
  double mindist = 0.001;
  double maxdist = 1.5;
  std::size_t minclock = 3;   // cluster keeps at least this many
  std::size_t minsane = 1;    // survivors needed to synchronize
};

// The system variables (RFC 5905 §11.1).
struct SystemVars {
  int leap = kNoSync;
  int stratum = kMaxStratum;
  int precision = -20;
  int poll = kDefaultMinPoll;
  double root_delay = 0;
  double root_dispersion = 0;
  std::uint32_t refid = 0x494e4954;  // "INIT" until the first update (fixture)
  NtpTimestamp reference_time = 0;
  double offset = 0;
  double jitter = 0;
  std::optional<std::size_t> system_peer;  // peer id
  NtpTimestamp update_time = 0;  // local time of the last clock update

  bool synchronized() const { return leap != kNoSync && stratum < kMaxStratum; }
};

// Selection status of each peer after the last clock_select (ntpq tally).
enum class PeerSelection { Reject, Falseticker, Excess, Outlier, Candidate, Backup, SystemPeer };

class TimeService {
 public:
  explicit TimeService(SystemConfig config = {}, ClockDiscipline* discipline = nullptr);

  // Sources. Ids are stable indices.
  std::size_t add_peer(PeerConfig config, NtpTimestamp now);
  Peer& peer(std::size_t id) { return peers_.at(id); }
  const Peer& peer(std::size_t id) const { return peers_.at(id); }
  std::size_t peer_count() const { return peers_.size(); }
  PeerSelection selection(std::size_t id) const { return selection_.at(id); }

  // Polling: ids whose poll is due at `now`. For a network peer, the caller
  // then sends make_request(); for a refclock, it asks hw/ for a sample.
  std::vector<std::size_t> polls_due(NtpTimestamp now) const;
  // A client (mode 3) or symmetric request header for peer `id`, with `xmt`
  // as transmit timestamp, recorded for the bogus test; also advances the
  // peer's poll state (reach shift, burst, next poll).
  wire::NtpHeader make_request(std::size_t id, NtpTimestamp xmt, wire::Mode mode = wire::Mode::Client);
  // A refclock poll with no sample to show: shifts reach like a missed reply.
  void refclock_polled(std::size_t id, NtpTimestamp now);

  // Input. A reply for peer `id` arriving at `dst`. On success the sample went
  // through the filter and selection ran (the clock may have been updated).
  // A kiss-o'-death fails as ServerUnsynchronized; callers that act on kiss
  // codes check kiss_code(pkt) first.
  Result<Measurement, OnWireError> receive(std::size_t id, const wire::NtpHeader& pkt,
                                           NtpTimestamp dst);
  void receive_refclock(std::size_t id, const RefclockSample& sample);

  // RFC 5905 §11.2: select, cluster, combine and update the system variables.
  // Runs by itself after every new filter output; public for tests.
  void clock_select(NtpTimestamp now);

  const SystemVars& system() const { return sys_; }
  const SystemConfig& config() const { return config_; }

  // A leap second this host knows of from its own leap-seconds list, to
  // happen at the end of the current month: 1 insert, 2 delete, 0 none
  // (RFC 5905 §7.3 LI). While synchronized, the system leap indicator
  // warns of it even when the system peer does not.
  void set_leap_announcement(int leap);
  int leap_announcement() const { return announced_leap_; }

 private:
  void clock_update(std::size_t sys_peer, const Combined& combined, NtpTimestamp now);
  void unsynchronize();
  void adjust_poll(double offset, int minpoll, int maxpoll);
  bool fit(const Peer& p, NtpTimestamp now) const;
  void reselect_if_lost(std::size_t id, NtpTimestamp now);
  FilterOrder filter_order() const;

  SystemConfig config_;
  NullDiscipline null_discipline_;
  ClockDiscipline* discipline_;
  std::vector<Peer> peers_;
  std::vector<PeerSelection> selection_;
  SystemVars sys_;
  int poll_counter_ = 0;  // §13 "jiggle" counter
  double clock_jitter_ = 0;  // RMS of residual offsets, averaged (§13)
  double last_offset_ = 0;
  NtpTimestamp last_update_epoch_ = 0;
  int announced_leap_ = 0;
  int peer_leap_ = kNoSync;  // the system peer's leap indicator at the last update
};

}  // namespace ak::timesvc
