// MV (Mu-Varadharajan) identity: RFC 5906 Appendix G; digest §5.9, §7.4.
#include "crypto/mv.h"

#include <botan/numthry.h>

#include <gtest/gtest.h>

#include "crypto/group_gen.h"
#include "crypto/identity_encoding.h"
#include "identity_test_support.h"

namespace ak::crypto {
namespace {

using idtest::rng;

// Four clients, the last revoked, as ntp-keygen -V 4 does; 5 factors of 51 bits.
const MvKeys& keys() {
  static const MvKeys k = generate_mv(rng(), 256, 4, {3});
  return k;
}

Botan::BigInt key_relation(const MvKeys& k, const MvParams& client) {
  const Botan::BigInt& p = k.server.p;
  return (((Botan::power_mod(*k.server.gbar, *client.xhat, p) * Botan::power_mod(*k.server.ghat, *client.xbar, p)) %
           p) *
          *k.server.E) %
         p;
}

TEST(MvKeys, GeneratedParametersValidate) {
  EXPECT_TRUE(validate_mv(keys().server, rng()).ok());
  for (const auto& c : keys().clients) EXPECT_TRUE(validate_mv(c, rng()).ok());
  EXPECT_EQ(keys().server.p, 2 * keys().server.q + 1);
  EXPECT_TRUE(Botan::is_prime(keys().server.p, rng()));
  ASSERT_EQ(keys().clients.size(), 4u);
  EXPECT_EQ(keys().revoked, (std::vector<bool>{false, false, false, true}));
}

TEST(MvKeys, KeyRelationHoldsExactlyForClientsNotRevoked) {
  for (std::size_t j = 0; j < keys().clients.size(); ++j) {
    const bool holds = key_relation(keys(), keys().clients[j]) == 1;
    EXPECT_EQ(holds, !keys().revoked[j]) << "client " << j;
  }
}

TEST(MvExchange, EveryClientNotRevokedAcceptsTheHonestServer) {
  for (std::size_t j = 0; j < 3; ++j) {
    for (int run = 0; run < 8; ++run) {
      const wire::Bytes challenge = mv_challenge(rng(), keys().clients[j]);
      ASSERT_EQ(challenge.size(), challenge_length(keys().server.p));
      const auto response = mv_respond(keys().server, challenge, rng());
      ASSERT_TRUE(response.ok());
      ASSERT_TRUE(mv_verify(keys().clients[j], challenge, *response).ok()) << "client " << j << " run " << run;
    }
  }
}

TEST(MvExchange, RevokedClientCannotVerifyTheHonestServer) {
  for (int run = 0; run < 8; ++run) {
    const wire::Bytes challenge = mv_challenge(rng(), keys().clients[3]);
    const auto response = mv_respond(keys().server, challenge, rng());
    ASSERT_TRUE(response.ok());
    const auto result = mv_verify(keys().clients[3], challenge, *response);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ProofRejected);
  }
}

TEST(MvExchange, GroupWithoutRevocationStillHasAProperServerKey) {
  const MvKeys k = generate_mv(rng(), 128, 2, {});
  EXPECT_NE(*k.server.gbar, 1);  // the spare factor keeps gbar off 1
  for (const auto& client : k.clients) {
    const wire::Bytes challenge = mv_challenge(rng(), client);
    const auto response = mv_respond(k.server, challenge, rng());
    ASSERT_TRUE(response.ok());
    EXPECT_TRUE(mv_verify(client, challenge, *response).ok());
  }
}

TEST(MvExchange, ServerOfAnotherGroupIsRejected) {
  const MvKeys other = generate_mv(rng(), 256, 4, {3});
  const wire::Bytes challenge = mv_challenge(rng(), keys().clients[0]);
  const auto response = mv_respond(other.server, challenge, rng());
  if (!response.ok()) {
    // Different p: our challenge may not fit the other group.
    EXPECT_TRUE(response.error() == IdentityError::ChallengeOutOfRange ||
                response.error() == IdentityError::ChallengeWrongLength);
    return;
  }
  EXPECT_FALSE(mv_verify(keys().clients[0], challenge, *response).ok());
}

TEST(MvExchange, RandomResponsesAreRejected) {
  const Botan::BigInt& p = keys().server.p;
  const wire::Bytes challenge = mv_challenge(rng(), keys().clients[0]);
  for (int run = 0; run < 16; ++run) {
    std::vector<Botan::BigInt> values;
    for (int i = 0; i < 3; ++i) values.push_back(Botan::BigInt::random_integer(rng(), 2, p - 1));
    const auto result = mv_verify(keys().clients[0], challenge, encode_integer_sequence(values));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ProofRejected);
  }
}

TEST(MvExchange, ResponseEchoingTheChallengeWithTrivialPowersIsRejected) {
  // (y, a, c) = (r, 1, 1) would give z = r without any key: refused.
  const Botan::BigInt& p = keys().server.p;
  const wire::Bytes challenge = mv_challenge(rng(), keys().clients[0]);
  const Botan::BigInt r(challenge.data(), challenge.size());
  for (const auto& [a, c] : std::vector<std::pair<Botan::BigInt, Botan::BigInt>>{
           {1, 1}, {p - 1, p - 1}, {1, p - 1}, {p - 1, 1}}) {
    const auto result = mv_verify(keys().clients[0], challenge, encode_integer_sequence({r, a, c}));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ResponseOutOfRange);
  }
}

TEST(MvExchange, ResponseWithTwoIntegersIsNotDer) {
  const wire::Bytes challenge = mv_challenge(rng(), keys().clients[0]);
  const auto result = mv_verify(keys().clients[0], challenge, encode_integer_sequence({2, 3}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ResponseNotDer);
}

TEST(MvExchange, ProverRefusesAOneOctetChallenge) {
  const auto result = mv_respond(keys().server, wire::Bytes{0x01}, rng());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ChallengeWrongLength);
}

TEST(MvExchange, ClientKeysCannotAnswerAndServerKeysCannotVerify) {
  const wire::Bytes challenge = mv_challenge(rng(), keys().clients[0]);
  const auto response = mv_respond(keys().clients[0], challenge, rng());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), IdentityError::MissingPrivateValue);
  const auto result = mv_verify(keys().server, challenge, encode_integer_sequence({2, 3, 4}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::MissingPublicValue);
}

TEST(MvExchange, ClientFileWithQOneAsNtpKeygenWritesItStillVerifies) {
  MvParams client = keys().clients[1];
  client.q = 1;  // digest §7.4: the mvpar export has q = g = 1
  EXPECT_TRUE(validate_mv(client, rng()).ok());
  const wire::Bytes challenge = mv_challenge(rng(), client);
  const auto response = mv_respond(keys().server, challenge, rng());
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(mv_verify(client, challenge, *response).ok());
}

}  // namespace
}  // namespace ak::crypto
