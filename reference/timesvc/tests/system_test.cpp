#include "timesvc/system.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fixture_exchange.h"
#include "timesvc/peerstats.h"
#include "timesvc/server.h"

namespace ak::timesvc {
namespace {

constexpr int kPrecision = -24;
constexpr std::uint32_t kLocalAddressRefid = 0x7f7f0100;  // 127.127.1.0

PeerConfig local_clock() {
  // The fixture servers: `server 127.127.1.0 minpoll 3 maxpoll 3 prefer`,
  // `fudge 127.127.1.0 stratum 3`.
  PeerConfig c;
  c.label = "127.127.1.0";
  c.address_refid = kLocalAddressRefid;
  c.refclock = true;
  c.refclock_stratum = 3;
  c.refclock_id = refid_from_text("LOCL");
  c.minpoll = 3;
  c.maxpoll = 3;
  c.prefer = true;
  return c;
}

RefclockSample local_sample(NtpTimestamp t) {
  // ntpd's LOCAL driver: offset 0, 10 ms dispersion (the 0.010 s that sits
  // under every rootdisp the fixture servers sent).
  RefclockSample s;
  s.time = t;
  s.offset = 0;
  s.dispersion = 0.010;
  s.precision = kPrecision;
  return s;
}

SystemConfig sys_config() {
  SystemConfig c;
  c.precision = kPrecision;
  return c;
}

wire::NtpHeader client_request(NtpTimestamp xmt) {
  wire::NtpHeader r;
  r.leap = 3;
  r.mode = 3;
  r.poll = 4;
  r.precision = kPrecision;
  r.refid = refid_from_text("INIT");
  r.transmit_ts = xmt;
  return r;
}

TEST(Server, UnsynchronizedServerAnswersLeapThreeAndStratumZeroOnTheWire) {
  TimeService ts(sys_config());
  const NtpTimestamp now = from_seconds(3000000000.0);
  const auto req = client_request(now);
  const auto h = make_response(ts.system(), req, add(now, 0.001), add(now, 0.002));
  EXPECT_EQ(h.leap, 3);
  // Internally 16 (RFC 5905 §7.3, MAXSTRAT); on the wire 0, "unspecified
  // or invalid", exactly what the unsynchronized fixture clients send.
  EXPECT_EQ(ts.system().stratum, kMaxStratum);
  EXPECT_EQ(h.stratum, 0);
  EXPECT_EQ(h.refid, refid_from_text("INIT"));
  EXPECT_EQ(h.mode, 4);
  EXPECT_EQ(h.origin_ts, req.transmit_ts);
}

TEST(Server, LocalOnlyServerIsSynchronizedAfterItsFirstSample) {
  TimeService ts(sys_config());
  const NtpTimestamp t0 = from_seconds(3000000000.0);
  const auto id = ts.add_peer(local_clock(), t0);
  ts.receive_refclock(id, local_sample(t0));
  const auto& sys = ts.system();
  EXPECT_TRUE(sys.synchronized());
  EXPECT_EQ(sys.leap, 0);
  EXPECT_EQ(sys.stratum, 4);  // fudge stratum 3, plus one
  EXPECT_EQ(sys.refid, kLocalAddressRefid);
  EXPECT_EQ(ts.selection(id), PeerSelection::SystemPeer);
  const auto h = make_response(sys, client_request(add(t0, 1)), add(t0, 1), add(t0, 1.0001));
  EXPECT_EQ(h.leap, 0);
  EXPECT_EQ(h.stratum, 4);
  EXPECT_EQ(h.reference_ts, t0);
}

TEST(Server, StratumZeroRefclockMakesAStratumOneServerWithItsOwnRefid) {
  TimeService ts(sys_config());
  PeerConfig gps = local_clock();
  gps.refclock_stratum = 0;
  gps.refclock_id = refid_from_text("GPS");
  gps.address_refid = 0x7f7f1400;
  const NtpTimestamp t0 = from_seconds(3000000000.0);
  const auto id = ts.add_peer(gps, t0);
  ts.receive_refclock(id, local_sample(t0));
  EXPECT_EQ(ts.system().stratum, 1);
  EXPECT_EQ(ts.system().refid, refid_from_text("GPS"));
}

TEST(Server, RefclockWithoutFixLeavesTheServerUnsynchronized) {
  TimeService ts(sys_config());
  const NtpTimestamp t0 = from_seconds(3000000000.0);
  const auto id = ts.add_peer(local_clock(), t0);
  auto s = local_sample(t0);
  s.leap = 3;
  ts.receive_refclock(id, s);
  EXPECT_FALSE(ts.system().synchronized());
}

TEST(Server, LocalClockThatStopsSamplingIsDroppedOnceUnreachable) {
  TimeService ts(sys_config());
  NtpTimestamp t = from_seconds(3000000000.0);
  const auto id = ts.add_peer(local_clock(), t);
  ts.refclock_polled(id, t);
  ts.receive_refclock(id, local_sample(t));
  ASSERT_TRUE(ts.system().synchronized());
  // Eight polls with no sample empty the reach register.
  for (int i = 1; i <= 8; ++i) ts.refclock_polled(id, add(t, 8.0 * i));
  EXPECT_EQ(ts.peer(id).reach(), 0);
  EXPECT_FALSE(ts.system().synchronized());
  const auto h = make_response(ts.system(), client_request(add(t, 70)), add(t, 70), add(t, 70));
  EXPECT_EQ(h.leap, 3);
  EXPECT_EQ(h.stratum, 0);
}

TEST(ServerFixture, ResponsesMatchWhatTheIffServerSent) {
  // Replay the iff server: its LOCAL clock sampled every 8 s from the first
  // reference time it sent; answer every captured client request and compare
  // with the captured reply field by field.
  const auto pkts = test::load_exchange("iff-md5-512/exchange.pcap");
  std::vector<const test::CapturedNtp*> replies;
  for (const auto& p : pkts) {
    if (p.header.mode_enum() == wire::Mode::Server) replies.push_back(&p);
  }
  ASSERT_GE(replies.size(), 5u);
  const NtpTimestamp t0 = replies[0]->header.reference_ts;

  TimeService ts(sys_config());
  const auto id = ts.add_peer(local_clock(), t0);
  NtpTimestamp next_sample = t0;
  std::size_t checked = 0;
  for (const auto& p : pkts) {
    if (p.header.mode_enum() != wire::Mode::Client) continue;
    const test::CapturedNtp* reply = nullptr;
    for (const auto* r : replies) {
      if (r->header.origin_ts == p.header.transmit_ts) reply = r;
    }
    if (!reply) continue;
    const NtpTimestamp arrival = reply->header.receive_ts;
    while (diff(arrival, next_sample) >= 0) {
      ts.refclock_polled(id, next_sample);
      ts.receive_refclock(id, local_sample(next_sample));
      next_sample = add(next_sample, 8.0);
    }
    const auto h = make_response(ts.system(), p.header, arrival, reply->header.transmit_ts);
    const auto& want = reply->header;
    EXPECT_EQ(h.mode, want.mode);
    EXPECT_EQ(h.version, want.version);
    EXPECT_EQ(h.leap, want.leap);
    EXPECT_EQ(h.stratum, want.stratum);
    EXPECT_EQ(h.poll, want.poll);
    EXPECT_EQ(h.precision, want.precision);
    EXPECT_EQ(h.refid, want.refid);
    EXPECT_EQ(h.root_delay, want.root_delay);
    EXPECT_EQ(h.origin_ts, want.origin_ts);
    EXPECT_EQ(h.receive_ts, want.receive_ts);
    EXPECT_EQ(h.transmit_ts, want.transmit_ts);
    // Reference time: the LOCAL sample times are ntpd's, to the few
    // microseconds its driver's scheduling drifted.
    EXPECT_NEAR(diff(h.reference_ts, want.reference_ts), 0.0, 0.001) << "frame " << reply->frame;
    // Root dispersion: 10 ms + the filter's weighted dispersion (7.9375 s
    // after one sample, 1.9375 s after three, ...) + PHI since the update.
    EXPECT_NEAR(short_to_seconds(h.root_dispersion), short_to_seconds(want.root_dispersion),
                5e-5)
        << "frame " << reply->frame;
    ++checked;
  }
  EXPECT_GE(checked, 5u);
}

TEST(ServerFixture, UnsynchronizedRequestsLookLikeTheFixtureClients) {
  // The client's own packets before it synchronized: leap 3, stratum 0,
  // refid INIT, root delay 0.
  const auto pkts = test::load_exchange("iff-md5-512/exchange.pcap");
  ASSERT_FALSE(pkts.empty());
  const auto& first = pkts.front().header;
  ASSERT_EQ(first.mode_enum(), wire::Mode::Client);

  TimeService ts(sys_config());
  PeerConfig server;
  server.label = "10.123.0.1";
  server.address_refid = 0x0a7b0001;
  server.minpoll = 4;
  server.maxpoll = 4;
  const auto id = ts.add_peer(server, first.transmit_ts);
  const auto h = ts.make_request(id, first.transmit_ts);
  EXPECT_EQ(h.leap, first.leap);
  EXPECT_EQ(h.stratum, first.stratum);
  EXPECT_EQ(h.refid, first.refid);
  EXPECT_EQ(h.poll, first.poll);
  EXPECT_EQ(h.precision, first.precision);
  EXPECT_EQ(h.root_delay, first.root_delay);
  EXPECT_EQ(h.origin_ts, first.origin_ts);
  EXPECT_EQ(h.receive_ts, first.receive_ts);
}

TEST(ServerBroadcast, BroadcastHeaderHasNoOriginOrReceive) {
  TimeService ts(sys_config());
  const NtpTimestamp t0 = from_seconds(3000000000.0);
  ts.receive_refclock(ts.add_peer(local_clock(), t0), local_sample(t0));
  const auto h = make_broadcast(ts.system(), 4, add(t0, 1));
  EXPECT_EQ(h.mode, 5);
  EXPECT_EQ(h.poll, 4);
  EXPECT_EQ(h.origin_ts, 0u);
  EXPECT_EQ(h.receive_ts, 0u);
  EXPECT_EQ(h.stratum, 4);
}

TEST(ServerKiss, RateKissCarriesTheCodeAtStratumZero) {
  TimeService ts(sys_config());
  const NtpTimestamp now = from_seconds(3000000000.0);
  const auto h = make_kiss(ts.system(), client_request(now), now, now);
  EXPECT_EQ(h.stratum, 0);
  EXPECT_EQ(h.leap, 3);
  EXPECT_EQ(kiss_code(h), refid_from_text("RATE"));
}

// ---- the client side over several sources ---------------------------------

// A server whose clock is `skew` seconds off ours, `owd` one-way delay.
struct SimServer {
  double skew;
  double owd;
  int stratum = 2;
  wire::NtpHeader reply(const wire::NtpHeader& req) const {
    wire::NtpHeader h;
    h.leap = 0;
    h.mode = 4;
    h.stratum = static_cast<std::uint8_t>(stratum);
    h.poll = req.poll;
    h.precision = kPrecision;
    h.root_delay = short_from_seconds(0.001);
    h.root_dispersion = short_from_seconds(0.001);
    h.refid = 0x0a000001;
    h.origin_ts = req.transmit_ts;
    h.receive_ts = add(req.transmit_ts, owd + skew);
    h.transmit_ts = add(h.receive_ts, 0.0001);
    h.reference_ts = add(h.receive_ts, -5);
    return h;
  }
  NtpTimestamp arrival(const wire::NtpHeader& rep) const {
    return add(rep.transmit_ts, owd - skew);
  }
};

PeerConfig net_peer(std::uint32_t addr) {
  PeerConfig c;
  c.label = "10.0.0." + std::to_string(addr & 0xff);
  c.address_refid = addr;
  c.minpoll = 4;
  c.maxpoll = 10;
  return c;
}

void run_rounds(TimeService& ts, const std::vector<SimServer>& servers, NtpTimestamp& now,
                int rounds) {
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t i = 0; i < servers.size(); ++i) {
      const auto req = ts.make_request(i, now);
      const auto rep = servers[i].reply(req);
      const auto m = ts.receive(i, rep, servers[i].arrival(rep));
      ASSERT_TRUE(m.ok()) << message(m.error());
      now = add(now, 0.01);
    }
    now = add(now, 16.0);
  }
}

TEST(ClientSelection, FalsetickerAmongFourServersIsNotFollowed) {
  TimeService ts(sys_config());
  NtpTimestamp now = from_seconds(3000000000.0);
  const std::vector<SimServer> servers = {{0.002, 0.005}, {0.003, 0.004}, {0.001, 0.006},
                                          {0.700, 0.005}};
  for (std::size_t i = 0; i < servers.size(); ++i) ts.add_peer(net_peer(0x0a000001 + i), now);
  // Eight rounds fill the filters, so the correctness intervals are a few
  // milliseconds wide and the 0.7 s server's cannot overlap the others'.
  run_rounds(ts, servers, now, 8);
  EXPECT_EQ(ts.selection(3), PeerSelection::Falseticker);
  ASSERT_TRUE(ts.system().system_peer.has_value());
  EXPECT_NE(*ts.system().system_peer, 3u);
  EXPECT_TRUE(ts.system().synchronized());
  EXPECT_EQ(ts.system().stratum, 3);
  EXPECT_NEAR(ts.system().offset, 0.002, 0.0015);
  // The refid is the system peer's address.
  EXPECT_EQ(ts.system().refid, 0x0a000001 + *ts.system().system_peer);
}

TEST(ClientSelection, PeerOffsetFromTheSimulatedExchangeIsTheSkew) {
  TimeService ts(sys_config());
  NtpTimestamp now = from_seconds(3000000000.0);
  ts.add_peer(net_peer(0x0a000001), now);
  run_rounds(ts, {{0.25, 0.01}}, now, 1);
  EXPECT_NEAR(ts.peer(0).offset(), 0.25, 1e-6);
  // (T4 - T1) - (T3 - T2): both one-way delays, not the server's hold time.
  EXPECT_NEAR(ts.peer(0).delay(), 0.020, 1e-6);
}

TEST(PollControl, PollIntervalGrowsWhileOffsetsStayWithinTheJitter) {
  TimeService ts(sys_config());
  NtpTimestamp now = from_seconds(3000000000.0);
  ts.add_peer(net_peer(0x0a000001), now);
  ts.add_peer(net_peer(0x0a000002), now);
  ts.add_peer(net_peer(0x0a000003), now);
  const int before = ts.peer(0).host_poll();
  EXPECT_EQ(before, 4);
  run_rounds(ts, {{0.0, 0.005}, {0.0, 0.005}, {0.0, 0.005}}, now, 40);
  EXPECT_GT(ts.peer(0).host_poll(), before);
  EXPECT_LE(ts.peer(0).host_poll(), 10);
  EXPECT_EQ(ts.peer(0).host_poll(), ts.system().poll);
}

TEST(PollControl, PollIntervalShrinksWhenOffsetsJumpAboveTheJitter) {
  TimeService ts(sys_config());
  NtpTimestamp now = from_seconds(3000000000.0);
  ts.add_peer(net_peer(0x0a000001), now);
  run_rounds(ts, {{0.0, 0.005}}, now, 40);
  const int grown = ts.system().poll;
  ASSERT_GT(grown, 4);
  // Offsets that run away faster than the past jitter allows: each change
  // is three times the last, always outside the PGATE jitter gate.
  double skew = 0.001;
  for (int r = 0; r < 6; ++r, skew *= 3) run_rounds(ts, {{skew, 0.005}}, now, 1);
  EXPECT_LT(ts.system().poll, grown);
}

TEST(PollControl, NetworkPeerNeedsFourSamplesBeforeItIsFit) {
  // One sample leaves seven empty stages (7.9 s dispersion), three leave
  // 1.94 s: both above maxdist 1.5 s. The fourth brings it to 0.44 s.
  TimeService ts(sys_config());
  NtpTimestamp now = from_seconds(3000000000.0);
  ts.add_peer(net_peer(0x0a000001), now);
  run_rounds(ts, {{0.0, 0.005}}, now, 3);
  EXPECT_FALSE(ts.system().synchronized());
  run_rounds(ts, {{0.0, 0.005}}, now, 1);
  EXPECT_TRUE(ts.system().synchronized());
}

struct RecordingDiscipline final : ClockDiscipline {
  int offsets = 0;
  double last = 0;
  void adjust_offset(double s) override {
    ++offsets;
    last = s;
  }
  void adjust_frequency(double) override {}
  void arm_leap(int) override {}
};

TEST(Discipline, DisabledDisciplineNeverTouchesTheClockButStillFollowsSources) {
  RecordingDiscipline d;
  TimeService ts(sys_config(), &d);  // discipline = false by default
  NtpTimestamp now = from_seconds(3000000000.0);
  ts.add_peer(net_peer(0x0a000001), now);
  run_rounds(ts, {{0.05, 0.005}}, now, 6);
  EXPECT_EQ(d.offsets, 0);
  EXPECT_TRUE(ts.system().synchronized());
  EXPECT_NEAR(ts.system().offset, 0.05, 1e-6);
}

TEST(Discipline, EnabledDisciplineReceivesTheCombinedOffset) {
  RecordingDiscipline d;
  SystemConfig c = sys_config();
  c.discipline = true;
  TimeService ts(c, &d);
  NtpTimestamp now = from_seconds(3000000000.0);
  ts.add_peer(net_peer(0x0a000001), now);
  run_rounds(ts, {{0.05, 0.005}}, now, 4);  // fit from the fourth sample on
  EXPECT_EQ(d.offsets, 1);
  EXPECT_NEAR(d.last, 0.05, 1e-6);
}

TEST(Peerstats, LineHasNtpdsFieldsAndPrecision) {
  // 1795714327.362 is 2026-11-26 17:32:07.362 UTC: MJD 61370, second 63127.
  EXPECT_EQ(peerstats_line(1795714327, 362000000, "127.127.1.0", 0x9614, 0.0, 0.0, 0.0100996,
                           5.96e-8),
            "61370 63127.362 127.127.1.0 9614 0.000000000 0.000000000 0.010099600 0.000000060");
}

TEST(Peerstats, StatusWordMatchesTheFixtureSystemPeer) {
  // iff-md5-512/ntpq.txt: the client's association, `status=f61e`: conf,
  // authenb, auth, reach, sel_sys.peer, 1 event, event 0xe.
  TimeService ts(sys_config());
  NtpTimestamp now = from_seconds(3000000000.0);
  ts.add_peer(net_peer(0x0a7b0001), now);
  run_rounds(ts, {{0.0, 0.0001}}, now, 5);
  ASSERT_EQ(ts.selection(0), PeerSelection::SystemPeer);
  PeerStatusFlags f;
  f.auth_enabled = true;
  f.authentic = true;
  EXPECT_EQ(peer_status_word(ts.peer(0), ts.selection(0), f, 1, 0xe), 0xf61e);
  EXPECT_EQ(tally(ts.selection(0)), '*');  // the fixture's "*10.123.0.1"
}

}  // namespace
}  // namespace ak::timesvc
