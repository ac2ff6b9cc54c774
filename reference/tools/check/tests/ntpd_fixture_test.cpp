// What the checks say about ntpd 4.2.8p15, from its captures (we cannot run
// one here): the zero-seed cookie, and the nonce of its IFF exchange.
#include <gtest/gtest.h>

#include "capture/capture.h"
#include "check/server_check.h"
#include "check/tests/check_test_support.h"
#include "crypto/cookie.h"
#include "crypto/identity_encoding.h"
#include "wire/messages/message.h"
#include "wire/packet.h"

namespace ak::check::test {
namespace {

std::optional<wire::Message> field_of(const capture::Datagram& d) {
  auto p = wire::Packet::parse(d.payload);
  if (!p || p->fields.empty()) return std::nullopt;
  auto m = wire::decode(p->fields.front());
  if (!m) return std::nullopt;
  return std::move(m).value();
}

TEST(NtpdCapture, CookieOfTheIffSessionIsTheZeroSeedValueThatCookieZeroSeedFlags) {
  auto cap = capture::read_capture(testing::fixture("iff-md5-512/exchange.pcap").string());
  ASSERT_TRUE(cap.ok());
  const auto grams = cap->datagrams();
  // Packet 8 is the COOK response; decrypt it as the client would.
  core::Host client = fixture_host("iff-md5-512", "client");
  auto m = field_of(grams.at(7));
  ASSERT_TRUE(m && std::holds_alternative<wire::CookResponse>(*m));
  auto cookie = crypto::decrypt_cookie(std::get<wire::CookResponse>(*m).ciphertext, client.host_key(), client.rng());
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(*cookie, 0x8ac8a20au);
  EXPECT_EQ(*cookie, zero_seed_cookie(grams.at(7).dst, grams.at(7).src));
}

TEST(NtpdCapture, IffNonceFillsTheTwentyOctetChallengeTheClientSent) {
  // ntpd's client sends octets(q) = 20 octets, so its server's nonce (sized
  // by that field, NEW-2) has up to 160 bits: the capture holds no short
  // challenge, and NONCE-SIZE can only be judged against a live server.
  auto cap = capture::read_capture(testing::fixture("iff-md5-512/exchange.pcap").string());
  ASSERT_TRUE(cap.ok());
  const auto grams = cap->datagrams();
  auto req = field_of(grams.at(4)), resp = field_of(grams.at(5));
  ASSERT_TRUE(req && std::holds_alternative<wire::IdentityRequest>(*req));
  ASSERT_TRUE(resp && std::holds_alternative<wire::IdentityResponse>(*resp));
  const auto& challenge = std::get<wire::IdentityRequest>(*req).challenge;
  EXPECT_EQ(challenge.size(), 20u);
  core::Host server = fixture_host("iff-md5-512", "server");
  ASSERT_NE(server.iff_key(), nullptr);
  const auto& params = server.iff_key()->value;
  auto values = crypto::decode_integer_sequence(std::get<wire::IdentityResponse>(*resp).response, 2);
  ASSERT_TRUE(values.ok());
  const Botan::BigInt r(challenge.data(), challenge.size());
  // y = k + b·r mod q, so k = y - b·r mod q (we hold the fixture's b).
  const Botan::BigInt br = (*params.b * r) % params.q;
  const Botan::BigInt k = ((*values)[0] + params.q - br) % params.q;
  EXPECT_LE(k.bits(), 8 * challenge.size());
  EXPECT_GT(k.bits(), 8 * challenge.size() - 16);  // a full-size nonce for a full-size field
}

}  // namespace
}  // namespace ak::check::test
