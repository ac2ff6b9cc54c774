// IFF (Schnorr) identity: RFC 5906 Appendix E; digest §5.7, §7.2;
// security-history NEW-2.
#include "crypto/iff.h"

#include <botan/numthry.h>
#include <botan/reducer.h>

#include <gtest/gtest.h>

#include <optional>

#include "crypto/bighash.h"
#include "crypto/group_gen.h"
#include "crypto/identity_encoding.h"
#include "identity_test_support.h"

namespace ak::crypto {
namespace {

using idtest::rng;

const char* const kIffPar = "iff-md5-512/client/ntpkey_iffpar_servername.4004702989";
const char* const kIffKey = "iff-md5-512/server/ntpkey_IFFkey_servername.4004702989";

// One 512/160 group for the tests of this file (generation is tested in
// identity_group_gen_test.cpp).
const IffParams& group() {
  static const IffParams params = generate_iff(rng(), 512, 160);
  return params;
}

IffParams prover_of(const IffParams& p) { return IffParams{p.p, p.q, p.g, p.b, std::nullopt}; }
IffParams verifier_of(const IffParams& p) { return IffParams{p.p, p.q, p.g, std::nullopt, p.v}; }

wire::Bytes encode_r(const Botan::BigInt& r, std::size_t length) {
  wire::Bytes field(length);
  Botan::BigInt::encode_1363(field.data(), field.size(), r);
  return field;
}

// --- golden data from ntpd 4.2.8p15 -----------------------------------------

TEST(IffFixture, CapturedResponseVerifiesWithTheClientParameterFile) {
  const auto efs = idtest::identity_efs("iff-md5-512", 7);
  ASSERT_EQ(efs.size(), 2u);
  const auto& request = efs[0];
  const auto& response = efs[1];
  EXPECT_EQ(request.frame, 5u);
  EXPECT_FALSE(request.response);
  EXPECT_EQ(response.frame, 6u);
  EXPECT_TRUE(response.response);
  EXPECT_EQ(request.value.size(), 20u);   // octets(q), digest §5.7
  EXPECT_EQ(response.value.size(), 42u);  // SEQUENCE{20-octet y, 16-octet hash}

  const IffParams params = idtest::load_iffpar(kIffPar);
  EXPECT_EQ(params.q.bits(), 160u);
  EXPECT_TRUE(iff_verify(params, request.value, response.value).ok());
}

TEST(IffFixture, CapturedResponseWithOneFlippedBitIsRejected) {
  const auto efs = idtest::identity_efs("iff-md5-512", 7);
  ASSERT_EQ(efs.size(), 2u);
  const IffParams params = idtest::load_iffpar(kIffPar);
  // Every bit of y and of the hash (header octets 0-1, 2-3 and 24-25 skipped:
  // flipping those breaks the DER instead, tested elsewhere).
  for (std::size_t octet : {4u, 10u, 23u, 26u, 33u, 41u}) {
    for (int bit = 0; bit < 8; ++bit) {
      wire::Bytes tampered = efs[1].value;
      tampered[octet] ^= static_cast<std::uint8_t>(1u << bit);
      const auto result = iff_verify(params, efs[0].value, tampered);
      ASSERT_FALSE(result.ok()) << "octet " << octet << " bit " << bit;
    }
  }
}

TEST(IffFixture, CapturedResponseDoesNotVerifyAgainstAnotherChallenge) {
  const auto efs = idtest::identity_efs("iff-md5-512", 7);
  ASSERT_EQ(efs.size(), 2u);
  const IffParams params = idtest::load_iffpar(kIffPar);
  wire::Bytes other = efs[0].value;
  other.back() ^= 1;
  const auto result = iff_verify(params, other, efs[1].value);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ProofRejected);
}

TEST(IffFixture, ServerGroupKeyAndClientPublicValueBelongTogether) {
  const IffParams server = idtest::load_iffkey(kIffKey, "server_password");
  const IffParams client = idtest::load_iffpar(kIffPar);
  ASSERT_TRUE(server.b.has_value());
  EXPECT_EQ(server.p, client.p);
  EXPECT_EQ(server.q, client.q);
  EXPECT_EQ(server.g, client.g);
  // Digest §7.2: v = g^(q-b), so g^b·v ≡ 1 (mod p).
  EXPECT_EQ((Botan::power_mod(server.g, *server.b, server.p) * *client.v) % server.p, 1);
  const auto v = iff_public_value(server);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, *client.v);
  IffParams both = server;
  both.v = client.v;
  EXPECT_TRUE(validate_iff_group(both, rng()).ok());
}

TEST(IffFixture, OurProverWithTheFixtureGroupKeyConvincesTheFixtureClientParameters) {
  const IffParams server = idtest::load_iffkey(kIffKey, "server_password");
  const IffParams client = idtest::load_iffpar(kIffPar);
  for (int run = 0; run < 8; ++run) {
    const wire::Bytes challenge = iff_challenge(rng(), client);
    const auto response = iff_respond(server, challenge, rng());
    ASSERT_TRUE(response.ok());
    EXPECT_TRUE(iff_verify(client, challenge, *response).ok());
  }
}

TEST(IffFixture, OurResponseToTheCapturedChallengeVerifiesAndDiffersFromNtpds) {
  const auto efs = idtest::identity_efs("iff-md5-512", 7);
  ASSERT_EQ(efs.size(), 2u);
  const IffParams server = idtest::load_iffkey(kIffKey, "server_password");
  const IffParams client = idtest::load_iffpar(kIffPar);
  const auto response = iff_respond(server, efs[0].value, rng());
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(iff_verify(client, efs[0].value, *response).ok());
  EXPECT_NE(*response, efs[1].value);  // a fresh nonce
}

TEST(IffFixture, ResponseMadeWithAWrongGroupKeyIsRejected) {
  IffParams server = idtest::load_iffkey(kIffKey, "server_password");
  const IffParams client = idtest::load_iffpar(kIffPar);
  server.b = (*server.b + 1) % server.q;
  const wire::Bytes challenge = iff_challenge(rng(), client);
  const auto response = iff_respond(server, challenge, rng());
  ASSERT_TRUE(response.ok());
  const auto result = iff_verify(client, challenge, *response);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ProofRejected);
  EXPECT_EQ(xevnt_code(result.error()), 0x10E);
}

// --- completeness and soundness ----------------------------------------------

TEST(IffExchange, HonestProverAlwaysConvincesTheVerifier) {
  for (int run = 0; run < 32; ++run) {
    const wire::Bytes challenge = iff_challenge(rng(), group());
    ASSERT_EQ(challenge.size(), challenge_length(group().q));
    const auto response = iff_respond(prover_of(group()), challenge, rng());
    ASSERT_TRUE(response.ok());
    ASSERT_TRUE(iff_verify(verifier_of(group()), challenge, *response).ok()) << "run " << run;
  }
}

TEST(IffExchange, RandomResponsesAreRejected) {
  const wire::Bytes challenge = iff_challenge(rng(), group());
  for (int run = 0; run < 16; ++run) {
    const Botan::BigInt y = Botan::BigInt::random_integer(rng(), 0, group().q);
    const Botan::BigInt h = Botan::BigInt::random_integer(rng(), 0, Botan::BigInt::power_of_2(128));
    const auto result = iff_verify(verifier_of(group()), challenge, encode_integer_sequence({y, h}));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ProofRejected);
  }
}

TEST(IffExchange, ClientRejectsResponseFromAnotherGroup) {
  const IffParams other = generate_iff(rng(), 512, 160);
  const wire::Bytes challenge = iff_challenge(rng(), group());
  // Same q length, so the other group's prover accepts our challenge.
  const auto response = iff_respond(prover_of(other), challenge, rng());
  if (!response.ok()) {
    EXPECT_EQ(response.error(), IdentityError::ChallengeOutOfRange);  // r >= other q
    return;
  }
  EXPECT_FALSE(iff_verify(verifier_of(group()), challenge, *response).ok());
}

TEST(IffExchange, ResponseWithYNotBelowQIsOutOfRange) {
  const wire::Bytes challenge = iff_challenge(rng(), group());
  const auto response = iff_respond(prover_of(group()), challenge, rng());
  ASSERT_TRUE(response.ok());
  auto values = decode_integer_sequence(*response, 2);
  ASSERT_TRUE(values.ok());
  // y + q gives the same g^y, so it would verify if the range were not checked.
  const auto result =
      iff_verify(verifier_of(group()), challenge, encode_integer_sequence({(*values)[0] + group().q, (*values)[1]}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ResponseOutOfRange);
}

TEST(IffExchange, ResponseWithTrailingOctetIsRejectedAsProtocolError) {
  const wire::Bytes challenge = iff_challenge(rng(), group());
  auto response = iff_respond(prover_of(group()), challenge, rng());
  ASSERT_TRUE(response.ok());
  response->push_back(0);
  const auto result = iff_verify(verifier_of(group()), challenge, *response);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ResponseTrailingBytes);
  EXPECT_EQ(xevnt_code(result.error()), 0x10F);
}

TEST(IffExchange, ProverWithoutGroupKeyRefuses) {
  const auto result = iff_respond(verifier_of(group()), iff_challenge(rng(), group()), rng());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::MissingPrivateValue);
}

TEST(IffExchange, VerifierWithoutPublicValueRefuses) {
  const wire::Bytes challenge = iff_challenge(rng(), group());
  const auto response = iff_respond(prover_of(group()), challenge, rng());
  ASSERT_TRUE(response.ok());
  const auto result = iff_verify(prover_of(group()), challenge, *response);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::MissingPublicValue);
}

// --- security-history NEW-2 ---------------------------------------------------

TEST(IffNew2, ProverRefusesAOneOctetChallenge) {
  const wire::Bytes one_octet{0x01};
  const auto result = iff_respond(prover_of(group()), one_octet, rng());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), IdentityError::ChallengeWrongLength);
  EXPECT_EQ(xevnt_code(result.error()), 0x101);
}

TEST(IffNew2, ProverRefusesChallengesOfEveryOtherLength) {
  const std::size_t length = challenge_length(group().q);
  for (std::size_t n : {std::size_t{0}, length - 1, length + 1, 2 * length}) {
    const auto result = iff_respond(prover_of(group()), wire::Bytes(n, 0x01), rng());
    ASSERT_FALSE(result.ok()) << n;
    EXPECT_EQ(result.error(), IdentityError::ChallengeWrongLength);
  }
}

TEST(IffNew2, ProverRefusesChallengesZeroAndNotBelowQ) {
  const std::size_t length = challenge_length(group().q);
  for (const Botan::BigInt& r : {Botan::BigInt(0), group().q, group().q + 1, Botan::BigInt::power_of_2(8 * length) - 1}) {
    const auto result = iff_respond(prover_of(group()), encode_r(r, length), rng());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), IdentityError::ChallengeOutOfRange);
  }
}

TEST(IffNew2, NonceIsFullSizeEvenForTheSmallestChallenge) {
  // With r = 1, y = k + b mod q: if k were as short as the challenge's
  // significant octets (ntpd: 8 bits here), y - b would stay tiny. A uniform
  // k puts y - b mod q in the top 1/256 of [0, q) about once in 256 runs and
  // above 2^(|q|-8) almost always.
  const wire::Bytes challenge = encode_r(1, challenge_length(group().q));
  const Botan::BigInt bound = Botan::BigInt::power_of_2(group().q.bits() - 8);
  int large = 0;
  for (int run = 0; run < 32; ++run) {
    const auto response = iff_respond(prover_of(group()), challenge, rng());
    ASSERT_TRUE(response.ok());
    auto values = decode_integer_sequence(*response, 2);
    ASSERT_TRUE(values.ok());
    const Botan::BigInt k = ((*values)[0] + group().q - *group().b) % group().q;
    if (k >= bound) ++large;
  }
  EXPECT_GE(large, 24);  // expected ~31.9 of 32
}

// security-history §1.2 item 19: a search of 2^16 nonces over one response
// must not recover b. From y = k + b·r with r = 1, g^y·v = g^(k+b-b) = g^k,
// so the attacker walks g^k for small k looking for g^y·v.
std::optional<std::uint32_t> small_nonce_search(const IffParams& pub, const Botan::BigInt& y) {
  // Barrett reduction: BigInt's operator% is a constant-time long division,
  // far too slow for 2^16 steps over a large modulus.
  const Botan::Modular_Reducer mod_p(pub.p);
  const Botan::BigInt target = mod_p.multiply(Botan::power_mod(pub.g, y, pub.p), *pub.v);
  Botan::BigInt gk = 1;
  for (std::uint32_t k = 0; k < (1u << 16); ++k) {
    if (gk == target) return k;
    gk = mod_p.multiply(gk, pub.g);
  }
  return std::nullopt;
}

TEST(IffNew2, SmallNonceSearchOverOneResponseDoesNotFindTheNonce) {
  const wire::Bytes challenge = encode_r(1, challenge_length(group().q));
  const auto response = iff_respond(prover_of(group()), challenge, rng());
  ASSERT_TRUE(response.ok());
  const auto values = decode_integer_sequence(*response, 2);
  ASSERT_TRUE(values.ok());
  EXPECT_FALSE(small_nonce_search(group(), (*values)[0]).has_value());
  // The same search on an ntpd-style response (8-bit nonce for a 1-octet
  // challenge) finds k, and with it b = y - k.
  const Botan::BigInt leaky_y = (Botan::BigInt(200) + *group().b) % group().q;
  const auto k = small_nonce_search(group(), leaky_y);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ((leaky_y + group().q - *k) % group().q, *group().b);
}

}  // namespace
}  // namespace ak::crypto
