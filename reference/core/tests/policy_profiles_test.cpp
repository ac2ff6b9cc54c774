// Policy profiles: compat accepts what ntp-keygen 4.2.8p15 makes by default;
// hardened (security-history §4 properties 11-12) refuses it, naming the rule.
#include <botan/bigint.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>
#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "core/policy.h"
#include "core/responder.h"
#include "crypto/errors.h"
#include "host_test_support.h"

namespace ak::core {
namespace {

using test::client_of;
using test::server_of;

const Policy kCompat = Policy::compat();
const Policy kHardened = Policy::hardened();

Botan::BigInt bits_number(std::size_t bits) {
  // An odd number of exactly `bits` bits: the checks look at sizes only.
  Botan::BigInt n = Botan::BigInt::power_of_2(bits - 1);
  n += 1;
  return n;
}

TEST(PolicyProfiles, CompatAcceptsTheFixtureKeysCertificatesAndGroups) {
  Host server = test::make_host(server_of("iff-md5-512"), {});
  EXPECT_TRUE(check_certificate(kCompat, server.certificate()).ok());
  EXPECT_TRUE(check_public_key(kCompat, server.host_key()).ok());
  ASSERT_NE(server.iff_key(), nullptr);
  EXPECT_TRUE(check_identity(kCompat, server.iff_key()->value).ok());
  Host gq = test::make_host(server_of("gq-sha1-1024"), {});
  ASSERT_NE(gq.gq_key(), nullptr);
  EXPECT_TRUE(check_identity(kCompat, gq.gq_key()->value).ok());
  EXPECT_TRUE(check_certificate(kCompat, gq.certificate()).ok());
}

TEST(PolicyProfiles, HardenedRefusesTheFixtureServerAtSetupNamingTheMd5Rule) {
  HostOptions o;
  o.policy = Policy::hardened();
  auto host = Host::create(test::load_keys(server_of("iff-md5-512")), o, test::seeded_random(1));
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.error().error, HostError::PolicyRefused);
  ASSERT_TRUE(host.error().rule.has_value());
  EXPECT_EQ(*host.error().rule, PolicyRule::Md5SignatureNotAllowed);
  EXPECT_NE(describe(host.error()).find("MD5"), std::string::npos) << describe(host.error());
}

TEST(PolicyProfiles, HardenedRefusesEachWeakPartOfTheFixturesWithItsOwnRule) {
  Host iff = test::make_host(server_of("iff-md5-512"), {});
  EXPECT_EQ(check_certificate(kHardened, iff.certificate()).error(), PolicyRule::Md5SignatureNotAllowed);
  EXPECT_EQ(check_public_key(kHardened, iff.host_key()).error(), PolicyRule::RsaModulusTooSmall);
  EXPECT_EQ(check_identity(kHardened, iff.iff_key()->value).error(), PolicyRule::IdentityModulusTooSmall);
  Host gq = test::make_host(server_of("gq-sha1-1024"), {});
  EXPECT_EQ(check_certificate(kHardened, gq.certificate()).error(), PolicyRule::Sha1SignatureNotAllowed);
  EXPECT_EQ(check_public_key(kHardened, gq.host_key()).error(), PolicyRule::RsaModulusTooSmall);
  EXPECT_EQ(check_identity(kHardened, gq.gq_key()->value).error(), PolicyRule::IdentityModulusTooSmall);
  Host client = test::make_host(client_of("iff-md5-512"), {});
  ASSERT_NE(client.iff_par(), nullptr);
  EXPECT_EQ(check_identity(kHardened, client.iff_par()->value).error(), PolicyRule::IdentityModulusTooSmall);
}

TEST(PolicyProfiles, RsaFloorsAndExponentThree) {
  const Botan::RSA_PublicKey small(bits_number(384), 65537);
  EXPECT_EQ(check_public_key(kCompat, small).error(), PolicyRule::RsaModulusTooSmall);
  const Botan::RSA_PublicKey big(bits_number(2048), 65537);
  EXPECT_TRUE(check_public_key(kHardened, big).ok());
  const Botan::RSA_PublicKey e3(bits_number(2048), 3);
  EXPECT_TRUE(check_public_key(kCompat, e3).ok());
  EXPECT_EQ(check_public_key(kHardened, e3).error(), PolicyRule::RsaExponentThree);
}

TEST(PolicyProfiles, IdentitySubgroupFloorIsCheckedSeparatelyFromTheModulus) {
  crypto::IffParams iff;
  iff.p = bits_number(2048);
  iff.q = bits_number(160);
  iff.g = 2;
  EXPECT_EQ(check_identity(kHardened, iff).error(), PolicyRule::IdentitySubgroupTooSmall);
  iff.q = bits_number(256);
  EXPECT_TRUE(check_identity(kHardened, iff).ok());
  // ntp-keygen's MV client files carry q = 1: only p is judged.
  crypto::MvParams mv_client;
  mv_client.p = bits_number(2048);
  mv_client.q = 1;
  EXPECT_TRUE(check_identity(kHardened, mv_client).ok());
  crypto::MvParams mv_server;
  mv_server.p = bits_number(2048);
  mv_server.q = bits_number(200);
  EXPECT_EQ(check_identity(kHardened, mv_server).error(), PolicyRule::IdentitySubgroupTooSmall);
}

TEST(PolicyProfiles, StatusWordNidsAreJudgedByTheirDigest) {
  // security-history §1.2 row 26: digest NID 0, 0xFFFF, or MD5 when refused.
  EXPECT_EQ(check_signature_nid(kCompat, 0).error(), PolicyRule::UnknownSignatureDigest);
  EXPECT_EQ(check_signature_nid(kCompat, 0xFFFF).error(), PolicyRule::UnknownSignatureDigest);
  EXPECT_TRUE(check_signature_nid(kCompat, wire::nid::kMd5WithRsa).ok());
  EXPECT_EQ(check_signature_nid(kHardened, wire::nid::kMd5WithRsa).error(), PolicyRule::Md5SignatureNotAllowed);
  EXPECT_EQ(check_signature_nid(kHardened, wire::nid::kSha1WithRsa).error(), PolicyRule::Sha1SignatureNotAllowed);
  EXPECT_TRUE(check_signature_nid(kHardened, wire::nid::kSha256WithRsa).ok());
}

TEST(PolicyProfiles, EveryRuleHasItsOwnMessageNameAndAnXevntCode) {
  const PolicyRule all[] = {PolicyRule::KeyTypeNotAllowed,      PolicyRule::RsaModulusTooSmall,
                            PolicyRule::RsaExponentThree,       PolicyRule::DsaPrimeTooSmall,
                            PolicyRule::Md5SignatureNotAllowed, PolicyRule::Sha1SignatureNotAllowed,
                            PolicyRule::UnknownSignatureDigest, PolicyRule::IdentityModulusTooSmall,
                            PolicyRule::IdentitySubgroupTooSmall};
  std::set<std::string> messages, names;
  for (auto r : all) {
    messages.insert(message(r));
    names.insert(std::string(name(r)));
    EXPECT_GE(xevnt_code(r), crypto::xevnt::kLen);
    EXPECT_LE(xevnt_code(r), crypto::xevnt::kErr);
  }
  EXPECT_EQ(messages.size(), std::size(all));
  EXPECT_EQ(names.size(), std::size(all));
  EXPECT_EQ(xevnt_code(PolicyRule::Md5SignatureNotAllowed), crypto::xevnt::kMd);
  EXPECT_EQ(xevnt_code(PolicyRule::RsaModulusTooSmall), crypto::xevnt::kPub);
  EXPECT_EQ(xevnt_code(PolicyRule::IdentityModulusTooSmall), crypto::xevnt::kId);
}

// A hardened server with fresh RSA-2048 / sha256WithRSA credentials.
Host hardened_server() {
  Botan::System_RNG rng;
  auto key = std::make_unique<Botan::RSA_PrivateKey>(rng, 2048);
  crypto::CertificateFields f;
  f.subject = f.issuer = "hardened@grp";
  f.serial = 4004702989;
  f.not_before = crypto::unix_from_ntp_seconds(4004702989);
  f.not_after = f.not_before + crypto::kSignedCertificateLifetime;
  f.digest = crypto::Digest::SHA256;
  f.trusted = true;
  auto cert = crypto::make_certificate(f, *key, *key, rng);
  EXPECT_TRUE(cert.ok());
  keys::LoadedKeys k;
  k.host.value = std::move(key);
  k.host.filestamp = 4004702989;
  k.certificate.der = cert->der;
  k.certificate.filestamp = 4004702989;
  HostOptions o;
  o.policy = Policy::hardened();
  auto host = Host::create(std::move(k), o, test::seeded_random(3));
  EXPECT_TRUE(host.ok()) << (host.ok() ? "" : describe(host.error()));
  return std::move(host).value();
}

TEST(PolicyProfiles, HardenedServerRefusesAWeakClientsCookAndSignRequests) {
  Host server = hardened_server();
  server.update(4004702991);
  EXPECT_EQ(server.status().signature_nid(), wire::nid::kSha256WithRsa);
  Host client = test::make_host(client_of("iff-md5-512"), {});
  client.update(4004703047);
  RequestContext ctx;
  ctx.client = test::client_address_v4();
  ctx.server = test::server_address_v4();
  ctx.now = 4004703049;

  const Answer cook = respond(wire::Message(client.cook_request(1)), ctx, server);
  EXPECT_EQ(cook.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(cook.reason, ResponderError::CookPublicKeyPolicy);

  auto sign_req = client.sign_request(1, ctx.now);
  ASSERT_TRUE(sign_req.ok());
  const Answer sign = respond(wire::Message(*sign_req), ctx, server);
  EXPECT_EQ(sign.kind, Answer::Kind::ErrorResponse);
  EXPECT_EQ(sign.reason, ResponderError::SignCertificatePolicy);

  // The compat fixture server answers the same requests.
  Host compat = test::make_host(server_of("iff-md5-512"), {});
  compat.update(4004702991);
  EXPECT_EQ(respond(wire::Message(client.cook_request(1)), ctx, compat).kind, Answer::Kind::Response);
  EXPECT_EQ(respond(wire::Message(*sign_req), ctx, compat).kind, Answer::Kind::Response);
}

}  // namespace
}  // namespace ak::core
