// An independent oracle for whole sessions: the datagrams our client and our
// server exchange, written as a capture, go through autokey-trace's verifier
// (reference/tools/trace), which re-derives every MAC, signature, cookie and
// identity proof from the fixture key files on its own.
#include <gtest/gtest.h>

#include "capture/capture.h"
#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "trace/report.h"
#include "trace/trace.h"

namespace ak::core::test {
namespace {

capture::Capture as_capture(const std::vector<std::pair<std::uint32_t, Send>>& sent) {
  capture::Capture cap;
  std::size_t n = 0;
  for (const auto& [t, s] : sent) {
    capture::Datagram d;
    d.number = ++n;
    d.time_sec = crypto::unix_from_ntp_seconds(t);
    d.src = s.from;
    d.src_port = 123;
    d.dst = s.to;
    d.dst_port = 123;
    d.payload = s.bytes;
    capture::Frame f;
    f.number = n;
    f.datagram = std::move(d);
    cap.frames.push_back(std::move(f));
  }
  return cap;
}

trace::Report verify_session(const std::string& folder, Scheme scheme, std::uint32_t want) {
  Engine server(make_host(server_of(folder), {}, 81));
  Engine client(make_host(client_of(folder), {}, 82));
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, scheme, "servername", 4};
  const auto id = *client.mobilize(cfg, kT0);
  Net net(81);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  const auto t = net.run(kT0, kT0 + 600, [&] { return flags_of(client, id) == want; });
  EXPECT_EQ(flags_of(client, id), want);
  net.run(t + 1, t + 100, [] { return false; });  // a few plain autokey polls too
  const auto keys = trace::load_trace_keys({{testing::fixture(folder + "/server"), "server_password"},
                                            {testing::fixture(folder + "/client"), "client_password"}});
  EXPECT_TRUE(keys.errors.empty());
  return trace::verify(as_capture(net.sent), keys);
}

TEST(TraceOracle, EveryMacSignatureCookieAndIffProofOfOurSessionVerifiesIndependently) {
  const trace::Report r = verify_session("iff-md5-512", Scheme::Iff, 0x87f23u);
  const trace::Totals t = r.totals();
  EXPECT_EQ(t.failures, 0u) << trace::summary_line(t);
  if (t.failures != 0) trace::print_text(std::cerr, r, true, false);
  EXPECT_EQ(t.macs_ok, t.packets);
  EXPECT_GE(t.identity_ok, 1u);
  EXPECT_GE(t.signatures_ok, 5u);  // IFF, COOK, SIGN (request and response), LEAP, CERT ...
  RecordProperty("summary", trace::summary_line(t));
}

TEST(TraceOracle, OurTcSessionVerifiesIndependently) {
  const trace::Totals t = verify_session("tc-md5-512", Scheme::Tc, 0x87f03u).totals();
  EXPECT_EQ(t.failures, 0u) << trace::summary_line(t);
  EXPECT_EQ(t.macs_ok, t.packets);
}

}  // namespace
}  // namespace ak::core::test
