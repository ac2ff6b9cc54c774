#include "timesvc/on_wire.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fixture_exchange.h"

namespace ak::timesvc {
namespace {

constexpr int kPrecision = -24;  // the fixture daemons' precision (232 on the wire)

TEST(OnWire, OffsetAndDelayFollowTheFourTimestampFormulas) {
  // RFC 5905 §8 figure 15 style example, by hand: the server clock is 1 s
  // ahead; 10 ms out, 20 ms back, 5 ms in the server.
  const NtpTimestamp t1 = from_seconds(1000.000);
  const NtpTimestamp t2 = from_seconds(1001.010);
  const NtpTimestamp t3 = from_seconds(1001.015);
  const NtpTimestamp t4 = from_seconds(1000.035);
  const Measurement m = measure(t1, t2, t3, t4, kPrecision, kPrecision);
  // theta = ((1.010) + (0.980)) / 2 = 0.995; delta = 0.035 - 0.005 = 0.030
  EXPECT_NEAR(m.offset, 0.995, 1e-9);
  EXPECT_NEAR(m.delay, 0.030, 1e-9);
  EXPECT_NEAR(m.dispersion, 2 * log2_seconds(kPrecision) + kPhi * 0.030, 1e-12);
}

TEST(OnWire, NegativeDelayIsRaisedToThePrecision) {
  // Clock steps between T1 and T4 can make the raw delay negative.
  const Measurement m = measure(from_seconds(10), from_seconds(10.5), from_seconds(10.5),
                                from_seconds(9.9), -20, -20);
  EXPECT_DOUBLE_EQ(m.delay, log2_seconds(-20));
}

TEST(OnWire, MeasurementIsRightWhenTheExchangeStraddlesTheEraBoundary) {
  const NtpTimestamp t1 = 0xffffffff80000000ull;  // era 0, 0.5 s before the wrap
  const Measurement m =
      measure(t1, add(t1, 0.25), add(t1, 0.26), add(t1, 1.01), kPrecision, kPrecision);
  EXPECT_NEAR(m.delay, 1.0, 1e-9);
  EXPECT_NEAR(m.offset, -0.25, 1e-9);
}

wire::NtpHeader good_reply(NtpTimestamp org) {
  wire::NtpHeader h;
  h.leap = 0;
  h.mode = 4;
  h.stratum = 2;
  h.precision = kPrecision;
  h.origin_ts = org;
  h.receive_ts = add(org, 0.001);
  h.transmit_ts = add(org, 0.002);
  h.reference_ts = add(org, -10);
  return h;
}

TEST(OnWire, ReplyWhoseOriginIsNotOurTransmitIsBogus) {
  ExchangeState st;
  st.last_sent = from_seconds(500);
  auto r = receive_reply(good_reply(from_seconds(499)), from_seconds(500.01), st, kPrecision);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), OnWireError::Bogus);
  EXPECT_EQ(flash_bit(r.error()), 0x0002);
}

TEST(OnWire, SecondCopyOfAReplyIsADuplicate) {
  ExchangeState st;
  st.last_sent = from_seconds(500);
  const auto reply = good_reply(st.last_sent);
  ASSERT_TRUE(receive_reply(reply, from_seconds(500.01), st, kPrecision).ok());
  auto again = receive_reply(reply, from_seconds(500.02), st, kPrecision);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), OnWireError::Duplicate);
}

TEST(OnWire, ReplyWithZeroOriginOrReceiveIsProtocolUnsynchronized) {
  ExchangeState st;
  st.last_sent = from_seconds(500);
  auto reply = good_reply(st.last_sent);
  reply.receive_ts = 0;
  auto r = receive_reply(reply, from_seconds(500.01), st, kPrecision);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), OnWireError::ProtocolUnsynchronized);
}

TEST(OnWire, ReplyFromUnsynchronizedServerGivesNoSample) {
  ExchangeState st;
  st.last_sent = from_seconds(500);
  auto reply = good_reply(st.last_sent);
  reply.leap = 3;
  reply.stratum = 0;  // what an unsynchronized ntpd sends (fixture clients)
  auto r = receive_reply(reply, from_seconds(500.01), st, kPrecision);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), OnWireError::ServerUnsynchronized);
}

TEST(OnWire, ReplyWithHugeRootDistanceFailsTheHeaderTest) {
  ExchangeState st;
  st.last_sent = from_seconds(500);
  auto reply = good_reply(st.last_sent);
  reply.root_dispersion = short_from_seconds(16.0);
  auto r = receive_reply(reply, from_seconds(500.01), st, kPrecision);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), OnWireError::HeaderDistance);
}

TEST(OnWire, WireStratumZeroMeansUnsynchronizedSixteen) {
  EXPECT_EQ(stratum_from_wire(0), kMaxStratum);
  EXPECT_EQ(stratum_from_wire(4), 4);
  EXPECT_EQ(stratum_to_wire(kMaxStratum), 0);
  EXPECT_EQ(stratum_to_wire(1), 1);
}

TEST(OnWire, KissCodeIsReadOnlyFromStratumZero) {
  wire::NtpHeader h;
  h.stratum = 0;
  h.refid = refid_from_text("RATE");
  EXPECT_EQ(kiss_code(h), refid_from_text("RATE"));
  h.stratum = 2;
  EXPECT_EQ(kiss_code(h), 0u);
}

// The client of every fixture runs ntpd's basic mode: each request carries
// the previous reply's transmit time as origin and the client's arrival time
// of it as receive. That gives T4 exactly, so the offsets and delays ntpd
// computed (ntpq filtoffset / filtdelay) can be recomputed from the capture.
struct Exchange {
  wire::NtpHeader reply;
  NtpTimestamp t4;
};

std::vector<Exchange> client_exchanges(const std::string& capture) {
  const auto pkts = test::load_exchange(capture);
  std::vector<Exchange> out;
  for (std::size_t i = 0; i < pkts.size(); ++i) {
    if (pkts[i].header.mode_enum() != wire::Mode::Server) continue;
    NtpTimestamp t4 = pkts[i].captured;  // fallback: the capture clock
    for (std::size_t j = i + 1; j < pkts.size(); ++j) {
      if (pkts[j].header.mode_enum() == wire::Mode::Client &&
          pkts[j].header.origin_ts == pkts[i].header.transmit_ts) {
        t4 = pkts[j].header.receive_ts;
        break;
      }
    }
    out.push_back({pkts[i].header, t4});
  }
  return out;
}

TEST(OnWireFixture, OffsetsAndDelaysMatchWhatNtpdFiltered) {
  // iff-md5-512/ntpq.txt, client association, newest first:
  //   filtdelay=  0.22 0.36 0.22 0.16 0.16 0.07 2.22 0.09   (ms)
  //   filtoffset=+0.09 +0.16 +0.09 +0.07 +0.07 +0.02 -1.07 +0.02
  const double want_delay[] = {0.22, 0.36, 0.22, 0.16, 0.16, 0.07, 2.22, 0.09};
  const double want_offset[] = {0.09, 0.16, 0.09, 0.07, 0.07, 0.02, -1.07, 0.02};
  const auto ex = client_exchanges("iff-md5-512/exchange.pcap");
  ASSERT_GE(ex.size(), 8u);
  ExchangeState st;
  for (std::size_t k = 0; k < 8; ++k) {
    const auto& e = ex[ex.size() - 1 - k];
    st.last_sent = e.reply.origin_ts;
    auto m = receive_reply(e.reply, e.t4, st, kPrecision);
    ASSERT_TRUE(m.ok()) << message(m.error());
    // ntpq prints milliseconds with two decimals; the newest reply's T4 is
    // only known from the capture clock, a few microseconds early.
    const double tol = k == 0 ? 0.01 : 0.0051;
    EXPECT_NEAR(m->delay * 1e3, want_delay[k], tol) << "stage " << k;
    EXPECT_NEAR(m->offset * 1e3, want_offset[k], tol) << "stage " << k;
  }
}

TEST(OnWireFixture, EveryReplyInTheCapturesPassesThePacketTests) {
  for (const char* cap : {"iff-md5-512/exchange.pcap", "tc-md5-512/exchange.pcap",
                          "gq-sha1-1024/exchange.pcap", "bcast-tc-md5-512/exchange.pcap"}) {
    const auto ex = client_exchanges(cap);
    ASSERT_FALSE(ex.empty()) << cap;
    ExchangeState st;
    for (const auto& e : ex) {
      st.last_sent = e.reply.origin_ts;
      auto m = receive_reply(e.reply, e.t4, st, kPrecision);
      ASSERT_TRUE(m.ok()) << cap << ": " << message(m.error());
      // Both daemons ran on one host with one clock.
      EXPECT_LT(std::abs(m->offset), 0.005) << cap;
      EXPECT_LT(m->delay, 0.01) << cap;
    }
  }
}

TEST(OnWireFixture, ReplayedCapturedReplyIsRejectedAsDuplicate) {
  const auto ex = client_exchanges("iff-md5-512/exchange.pcap");
  ASSERT_FALSE(ex.empty());
  ExchangeState st;
  st.last_sent = ex[0].reply.origin_ts;
  ASSERT_TRUE(receive_reply(ex[0].reply, ex[0].t4, st, kPrecision).ok());
  auto again = receive_reply(ex[0].reply, ex[0].t4, st, kPrecision);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), OnWireError::Duplicate);
}

TEST(OnWireFixture, BroadcastPacketsGiveOffsetFromTransmitAndArrival) {
  const auto pkts = test::load_exchange("bcast-tc-md5-512/exchange.pcap");
  ExchangeState st;
  int seen = 0;
  for (const auto& p : pkts) {
    if (p.header.mode_enum() != wire::Mode::Broadcast) continue;
    EXPECT_EQ(p.header.origin_ts, 0u);
    auto m = receive_broadcast(p.header, p.captured, st, 0.0004, kPrecision);
    ASSERT_TRUE(m.ok()) << message(m.error());
    EXPECT_LT(std::abs(m->offset), 0.005);
    ++seen;
  }
  EXPECT_GT(seen, 0);
}

}  // namespace
}  // namespace ak::timesvc
