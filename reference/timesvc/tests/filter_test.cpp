#include <gtest/gtest.h>

#include <cmath>

#include "timesvc/peer.h"

namespace ak::timesvc {
namespace {

constexpr int kPrecision = -24;

Measurement sample(double offset, double delay) {
  Measurement m;
  m.offset = offset;
  m.delay = delay;
  m.dispersion = 2 * log2_seconds(kPrecision) + kPhi * delay;
  return m;
}

PeerConfig network_peer() {
  PeerConfig c;
  c.label = "10.0.0.1";
  c.minpoll = 4;
  c.maxpoll = 10;
  return c;
}

TEST(ClockFilter, PicksTheMinimumDelaySample) {
  Peer p(network_peer());
  const NtpTimestamp t0 = from_seconds(1000);
  const double delays[] = {0.050, 0.030, 0.010, 0.040, 0.020};
  const double offsets[] = {0.5, 0.3, 0.1, 0.4, 0.2};
  for (int i = 0; i < 5; ++i) {
    p.clock_filter(sample(offsets[i], delays[i]), add(t0, 16.0 * i), kPrecision);
  }
  EXPECT_DOUBLE_EQ(p.offset(), 0.1);
  EXPECT_DOUBLE_EQ(p.delay(), 0.010);
}

TEST(ClockFilter, NewestOrderFollowsTheLatestSampleAsNtpdDoesUnsettled) {
  Peer p(network_peer());
  const NtpTimestamp t0 = from_seconds(1000);
  p.clock_filter(sample(0.1, 0.010), t0, kPrecision, FilterOrder::Newest);
  p.clock_filter(sample(0.3, 0.050), add(t0, 16), kPrecision, FilterOrder::Newest);
  EXPECT_DOUBLE_EQ(p.offset(), 0.3);
}

TEST(ClockFilter, OlderBestSampleIsNotUsedTwice) {
  Peer p(network_peer());
  const NtpTimestamp t0 = from_seconds(1000);
  EXPECT_TRUE(p.clock_filter(sample(0.1, 0.010), t0, kPrecision));
  // A worse sample later: the best is still the first one, already used.
  EXPECT_FALSE(p.clock_filter(sample(0.2, 0.090), add(t0, 16), kPrecision));
  EXPECT_DOUBLE_EQ(p.offset(), 0.1);
}

TEST(ClockFilter, DispersionWeighsEmptyStagesAsNtpdDidForOneLocalSample) {
  // One sample and seven empty (16 s) stages: sum 16 * (1/4 + ... + 1/256)
  // = 7.9375 s, the bulk of the iff server's first rootdisp (520849/65536).
  Peer p(network_peer());
  p.clock_filter(sample(0, 0), from_seconds(1000), kPrecision);
  EXPECT_NEAR(p.dispersion(), 7.9375, 1e-6);
}

TEST(ClockFilter, SixSamplesGiveTheTcFixtureDispersion) {
  // tc-md5-512/ntpq.txt: filtdisp 0.00 0.24 0.48 0.72 0.96 1.20 16000 16000
  // (ms, samples 16 s apart) and dispersion=187.714 ms.
  Peer p(network_peer());
  const NtpTimestamp t0 = from_seconds(1000);
  for (int i = 0; i < 6; ++i) {
    p.clock_filter(sample(0, 0.0001), add(t0, 16.0 * i), kPrecision, FilterOrder::Newest);
  }
  EXPECT_NEAR(p.dispersion() * 1e3, 187.714, 0.01);
  EXPECT_NEAR(p.filter()[5].dispersion * 1e3, 1.20, 0.01);
  EXPECT_FALSE(p.filter()[6].valid());
}

TEST(ClockFilter, JitterIsTheRmsOfOffsetsAgainstTheChosenSample) {
  Peer p(network_peer());
  const NtpTimestamp t0 = from_seconds(1000);
  p.clock_filter(sample(0.000, 0.010), t0, kPrecision);
  p.clock_filter(sample(0.003, 0.020), add(t0, 16), kPrecision);
  p.clock_filter(sample(-0.004, 0.030), add(t0, 32), kPrecision);
  // Against 0.000: sqrt((0.003^2 + 0.004^2) / 2)
  EXPECT_NEAR(p.jitter(), std::sqrt((9e-6 + 16e-6) / 2), 1e-12);
}

TEST(PeerReach, RegisterShiftsOnPollAndSetsOnReply) {
  Peer p(network_peer());
  const NtpTimestamp t0 = from_seconds(1000);
  p.on_poll(t0);
  p.mark_reached();
  p.on_poll(add(t0, 16));
  p.mark_reached();
  p.on_poll(add(t0, 32));
  EXPECT_EQ(p.reach(), 0b110);
}

TEST(PeerReach, ThreeSilentPollsPadTheFilterWithAnEmptyStage) {
  Peer p(network_peer());
  const NtpTimestamp t0 = from_seconds(1000);
  p.on_poll(t0);
  p.mark_reached();
  p.clock_filter(sample(0.1, 0.01), t0, kPrecision);
  for (int i = 1; i <= 3; ++i) p.on_poll(add(t0, 16.0 * i));
  EXPECT_FALSE(p.filter()[0].valid());
  EXPECT_TRUE(p.filter()[1].valid());
}

TEST(PeerPoll, IburstSendsSixPacketsTwoSecondsApartThenPolls) {
  PeerConfig c = network_peer();
  c.iburst = true;
  Peer p(c);
  NtpTimestamp now = from_seconds(1000);
  std::vector<double> gaps;
  for (int i = 0; i < 7; ++i) {
    p.on_poll(now);
    gaps.push_back(diff(p.next_poll(), now));
    now = p.next_poll();
    p.mark_reached();
  }
  // iff fixture: packets at +48, 50, 52, 54, 56, 58 s, then the poll interval.
  for (int i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(gaps[i], 2.0) << i;
  EXPECT_DOUBLE_EQ(gaps[5], 16.0);
}

TEST(PeerPoll, HeldBurstWaitsUntilReleased) {
  PeerConfig c = network_peer();
  c.iburst = true;
  Peer p(c);
  p.hold_burst(true);
  const NtpTimestamp now = from_seconds(1000);
  p.on_poll(now);
  EXPECT_DOUBLE_EQ(diff(p.next_poll(), now), 16.0);
  p.hold_burst(false);
  p.on_poll(p.next_poll());
  EXPECT_EQ(p.burst_remaining(), kIburstCount - 1);
}

TEST(PeerPoll, HostPollStaysWithinMinpollAndMaxpoll) {
  Peer p(network_peer());
  p.set_host_poll(2);
  EXPECT_EQ(p.host_poll(), 4);
  p.set_host_poll(15);
  EXPECT_EQ(p.host_poll(), 10);
}

}  // namespace
}  // namespace ak::timesvc
