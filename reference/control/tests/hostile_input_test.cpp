// Hostile requests: whatever arrives, handle_request answers with
// well-formed responses (or nothing), never crashes, never over-reads
// (run under ASan/UBSan to check the latter).
#include <gtest/gtest.h>

#include <random>

#include "capture_source.h"
#include "control/responder.h"

namespace ak::control {
namespace {

void expect_well_formed(const std::vector<wire::Bytes>& replies, std::size_t max_fragments) {
  EXPECT_LE(replies.size(), max_fragments);
  for (const auto& r : replies) {
    auto m = wire::ControlMessage::parse(r);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->response);
    EXPECT_LE(m->data.size(), kMaxFragmentData);
  }
}

TEST(ControlHostile, RandomDatagramsGetWellFormedRepliesOrNone) {
  const auto s = testing::mode6_capture_source();
  std::mt19937 rng(5906);
  for (int i = 0; i < 20000; ++i) {
    wire::Bytes d(rng() % 80);
    for (auto& b : d) b = static_cast<std::uint8_t>(rng());
    if (d.size() >= 2 && (i & 1)) {
      d[0] = static_cast<std::uint8_t>((d[0] & 0xc0) | (2 << 3) | 6);  // mode 6, VN 2
      d[1] &= 0x1f;                                                     // a request
    }
    expect_well_formed(handle_request(d, s), 4);
  }
}

TEST(ControlHostile, MutatedReadvarRequestsGetWellFormedReplies) {
  const auto s = testing::mode6_capture_source();
  wire::ControlMessage m;
  m.version = 2;
  m.opcode = 2;
  m.sequence = 1;
  const std::string names = "flags,cert,host=\"x,y\",  digest ,";
  m.data.assign(names.begin(), names.end());
  const wire::Bytes base = *m.serialize();
  std::mt19937 rng(17);
  for (int i = 0; i < 20000; ++i) {
    wire::Bytes d = base;
    for (int k = 0; k < 3; ++k) d[2 + rng() % (d.size() - 2)] = static_cast<std::uint8_t>(rng());
    d[1] = static_cast<std::uint8_t>(d[1] & 0x1f);
    d[8] = d[9] = 0;  // offset 0, so the request is not dropped
    expect_well_formed(handle_request(d, s), 4);
  }
}

}  // namespace
}  // namespace ak::control
