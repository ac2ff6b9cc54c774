// GQ (Guillou-Quisquater) identity: RFC 5906 Appendix F; digest §5.8, §7.3
// (including the 4.2.8p15 defect); security-history NEW-2.
#include "crypto/gq.h"

#include <botan/numthry.h>

#include <gtest/gtest.h>

#include "crypto/bighash.h"
#include "crypto/group_gen.h"
#include "crypto/identity_encoding.h"
#include "identity_test_support.h"

namespace ak::crypto {
namespace {

using idtest::rng;

const char* const kGqPar = "gq-sha1-1024/client/ntpkey_gqpar_servername.4004702991";
const char* const kGqKey = "gq-sha1-1024/server/ntpkey_GQkey_servername.4004702991";

const GqParams& params() {
  static const GqParams p = generate_gq(rng(), 512);
  return p;
}
GqParams prover_of(const GqParams& p) { return GqParams{p.n, p.b, p.u, std::nullopt}; }
GqParams verifier_of(const GqParams& p) { return GqParams{p.n, p.b, std::nullopt, p.v}; }

// The client's view in the fixture: n and b from its gqpar file, v from the
// server (in the protocol: the certificate's subjectKeyIdentifier; here the
// q slot of the server's key file, which the certificate test checks equal).
GqParams fixture_verifier() {
  GqParams client = idtest::load_gq(kGqPar, "");
  const GqParams server = idtest::load_gq(kGqKey, "server_password");
  client.v = server.v;
  return client;
}

struct Exchange {
  wire::Bytes challenge, response;
};

std::vector<Exchange> fixture_exchanges() {
  const auto efs = idtest::identity_efs("gq-sha1-1024", 8);
  std::vector<Exchange> out;
  for (std::size_t i = 0; i + 1 < efs.size(); ++i) {
    if (!efs[i].response && efs[i + 1].response && efs[i + 1].frame == efs[i].frame + 1)
      out.push_back(Exchange{efs[i].value, efs[i + 1].value});
  }
  return out;
}

// --- golden data from ntpd 4.2.8p15 -----------------------------------------

TEST(GqFixture, ServerKeyFileHoldsAMatchingKeyPair) {
  const GqParams server = idtest::load_gq(kGqKey, "server_password");
  const GqParams client = idtest::load_gq(kGqPar, "");
  ASSERT_TRUE(server.u && server.v);
  EXPECT_FALSE(client.u || client.v);  // the -e export blanks both slots
  EXPECT_EQ(server.n, client.n);
  EXPECT_EQ(server.b, client.b);
  EXPECT_EQ(server.n.bits(), 512u);
  EXPECT_TRUE(validate_gq(server, rng()).ok());
  const auto v = gq_public_value(server);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, *server.v);
}

TEST(GqFixture, CapturedResponsesDoNotVerifyUnderTheIntendedMathematics) {
  const auto exchanges = fixture_exchanges();
  ASSERT_EQ(exchanges.size(), 8u);  // digest §5.8: packets 5-20
  const GqParams verifier = fixture_verifier();
  for (const auto& x : exchanges) {
    EXPECT_EQ(x.challenge.size(), 64u);
    const auto result = gq_verify(verifier, x.challenge, x.response);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ProofRejected);  // XEVNT_ID, as the client logged
    EXPECT_EQ(xevnt_code(result.error()), 0x10E);
  }
}

TEST(GqFixture, CapturedResponsesAreExplainedByTheNtpd4_2_8p15Defect) {
  const auto exchanges = fixture_exchanges();
  ASSERT_EQ(exchanges.size(), 8u);
  const GqParams verifier = fixture_verifier();
  for (const auto& x : exchanges) {
    const auto shows = gq_shows_p15_defect(verifier, x.challenge, x.response);
    ASSERT_TRUE(shows.ok());
    EXPECT_TRUE(*shows);
    // The same fact spelled out: second INTEGER = MD5(k), k = y·b^-r mod n.
    const auto values = decode_integer_sequence(x.response, 2);
    ASSERT_TRUE(values.ok());
    const Botan::BigInt r(x.challenge.data(), x.challenge.size());
    const Botan::BigInt& n = verifier.n;
    const Botan::BigInt k = ((*values)[0] * Botan::power_mod(Botan::inverse_mod(verifier.b, n), r, n)) % n;
    EXPECT_EQ(bighash(k), (*values)[1]);
    // ...and p15's own client check, MD5(v^r·y), fails too (digest §7.3).
    EXPECT_NE(bighash((Botan::power_mod(*verifier.v, r, n) * (*values)[0]) % n), (*values)[1]);
  }
}

TEST(GqFixture, OurProverWithTheFixtureServerKeyConvincesTheFixtureClient) {
  const GqParams server = idtest::load_gq(kGqKey, "server_password");
  const GqParams verifier = fixture_verifier();
  for (int run = 0; run < 4; ++run) {
    const wire::Bytes challenge = gq_challenge(rng(), verifier);
    const auto response = gq_respond(server, challenge, rng());
    ASSERT_TRUE(response.ok());
    EXPECT_TRUE(gq_verify(verifier, challenge, *response).ok());
    const auto shows = gq_shows_p15_defect(verifier, challenge, *response);
    ASSERT_TRUE(shows.ok());
    EXPECT_FALSE(*shows);
  }
}

// --- completeness and soundness ----------------------------------------------

TEST(GqExchange, HonestProverAlwaysConvincesTheVerifier) {
  EXPECT_TRUE(validate_gq(params(), rng()).ok());
  for (int run = 0; run < 16; ++run) {
    const wire::Bytes challenge = gq_challenge(rng(), params());
    ASSERT_EQ(challenge.size(), 64u);
    const auto response = gq_respond(prover_of(params()), challenge, rng());
    ASSERT_TRUE(response.ok());
    ASSERT_TRUE(gq_verify(verifier_of(params()), challenge, *response).ok()) << "run " << run;
  }
}

TEST(GqExchange, ProverWithAWrongPrivateKeyIsRejected) {
  GqParams impostor = prover_of(params());
  impostor.u = (*impostor.u * 2) % impostor.n;
  const wire::Bytes challenge = gq_challenge(rng(), params());
  const auto response = gq_respond(impostor, challenge, rng());
  ASSERT_TRUE(response.ok());
  const auto result = gq_verify(verifier_of(params()), challenge, *response);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ProofRejected);
}

TEST(GqExchange, RandomResponsesAreRejected) {
  const wire::Bytes challenge = gq_challenge(rng(), params());
  for (int run = 0; run < 16; ++run) {
    const Botan::BigInt y = Botan::BigInt::random_integer(rng(), 1, params().n);
    const Botan::BigInt h = Botan::BigInt::random_integer(rng(), 0, Botan::BigInt::power_of_2(128));
    const auto result = gq_verify(verifier_of(params()), challenge, encode_integer_sequence({y, h}));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ProofRejected);
  }
}

TEST(GqExchange, ResponseWithYZeroOrNotBelowNIsOutOfRange) {
  const wire::Bytes challenge = gq_challenge(rng(), params());
  for (const Botan::BigInt& y : {Botan::BigInt(0), params().n, params().n + 1}) {
    const auto result = gq_verify(verifier_of(params()), challenge, encode_integer_sequence({y, 1}));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ResponseOutOfRange);
  }
}

TEST(GqExchange, ProverWithoutPrivateKeyAndVerifierWithoutPublicKeyRefuse) {
  const wire::Bytes challenge = gq_challenge(rng(), params());
  const auto response = gq_respond(verifier_of(params()), challenge, rng());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error(), IdentityError::MissingPrivateValue);
  const auto result = gq_verify(prover_of(params()), challenge, encode_integer_sequence({1, 1}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::MissingPublicValue);
}

// --- security-history NEW-2 ---------------------------------------------------

TEST(GqNew2, ProverRefusesAOneOctetChallenge) {
  const auto result = gq_respond(prover_of(params()), wire::Bytes{0x01}, rng());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ChallengeWrongLength);
}

TEST(GqNew2, ProverRefusesChallengesZeroAndNotBelowN) {
  const std::size_t length = challenge_length(params().n);
  for (const Botan::BigInt& r : {Botan::BigInt(0), params().n}) {
    wire::Bytes field(length);
    Botan::BigInt::encode_1363(field.data(), field.size(), r);
    const auto result = gq_respond(prover_of(params()), field, rng());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ChallengeOutOfRange);
  }
}

TEST(GqNew2, NonceIsFullSizeEvenForTheSmallestChallenge) {
  // r = 1: y = k·u, so k = y·u^-1; ntpd's k would be below 2^8 here.
  const std::size_t length = challenge_length(params().n);
  wire::Bytes field(length, 0);
  Botan::BigInt::encode_1363(field.data(), field.size(), Botan::BigInt(1));  // r = 1, left-padded
  const Botan::BigInt u_inv = Botan::inverse_mod(*params().u, params().n);
  const Botan::BigInt bound = Botan::BigInt::power_of_2(params().n.bits() - 8);
  int large = 0;
  for (int run = 0; run < 32; ++run) {
    const auto response = gq_respond(prover_of(params()), field, rng());
    ASSERT_TRUE(response.ok());
    const auto values = decode_integer_sequence(*response, 2);
    ASSERT_TRUE(values.ok());
    if (((*values)[0] * u_inv) % params().n >= bound) ++large;
  }
  EXPECT_GE(large, 24);
}

}  // namespace
}  // namespace ak::crypto
