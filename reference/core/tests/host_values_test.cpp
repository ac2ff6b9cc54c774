// Host: the status word, the signed values and crypto_update (digest §4,
// §3.7, §10.1), the certificate cache (§8.4), and the request values a
// client sends — checked against the fixtures' captured requests.
#include <botan/pk_keys.h>
#include <gtest/gtest.h>

#include "core/host.h"
#include "crypto/signature.h"
#include "host_test_support.h"

namespace ak::core {
namespace {

using test::client_of;
using test::server_of;

constexpr std::uint32_t kServerUpdate = 4004702991;  // iff-md5-512 packet 2 ASSOC-R timestamp
constexpr std::uint32_t kFileStamp = 4004702989;     // every iff-md5-512 key file

// The first field of capture frame `number` (1-based).
wire::ExtensionField captured_field(const std::string& folder, std::size_t number) {
  const auto cap = test::read_fixture_capture(folder);
  const auto p = test::parse_packet(cap.frames.at(number - 1).datagram->payload);
  EXPECT_FALSE(p.fields.empty());
  return p.fields.at(0);
}

bool verifies(const Host& host, const SignedValue& v) {
  return crypto::verify_value(*host.certificate().public_key, host.sign_digest(), v.timestamp, v.filestamp, v.value,
                              v.signature)
      .ok();
}

TEST(HostStatus, IffServerAdvertisesIffAndGainsTaiAtItsFirstUpdateAsNtpdDid) {
  Host host = test::make_host(server_of("iff-md5-512"));
  EXPECT_EQ(host.name(), "servername@servername");
  EXPECT_EQ(host.group(), "servername");
  EXPECT_EQ(host.status().raw, 0x00080021u);  // md5WithRSA, IFF, ENAB
  host.update(kServerUpdate);
  // iff-md5-512 packet 2 carries exactly 0x00080023.
  EXPECT_EQ(host.status().raw, 0x00080023u);
}

TEST(HostStatus, ClientWithOnlyIffParametersAdvertisesNoIdentityBit) {
  Host client = test::make_host(client_of("iff-md5-512"));
  ASSERT_NE(client.iff_par(), nullptr);
  EXPECT_EQ(client.iff_key(), nullptr);
  EXPECT_EQ(client.status().raw, 0x00080001u);  // iff-md5-512 packet 1
}

TEST(HostStatus, GqServerAdvertisesSha1NidAndGq) {
  Host host = test::make_host(server_of("gq-sha1-1024"));
  host.update(4004702993);
  EXPECT_EQ(host.status().raw, 0x00410043u);  // gq-sha1-1024 packet 2
}

TEST(HostUpdate, NothingIsSignedBeforeTheFirstSynchronizedUpdate) {
  Host host = test::make_host(server_of("iff-md5-512"));
  EXPECT_EQ(host.last_update(), 0u);
  EXPECT_FALSE(host.public_key_value().is_signed());
  EXPECT_TRUE(host.leap_value().value.empty());
  for (const auto& c : host.certificates()) EXPECT_FALSE(c.signed_value.is_signed());
  // crypto_update does nothing while unsynchronized.
  EXPECT_TRUE(host.update(0).empty());
  EXPECT_EQ(host.last_update(), 0u);
  EXPECT_FALSE(host.status().tai());
}

TEST(HostUpdate, EveryValueIsResignedWithTheNewTimestampAndItsOwnFilestamp) {
  Host host = test::make_host(server_of("iff-md5-512"));
  const auto first = host.update(kServerUpdate);
  ASSERT_EQ(first.size(), 4u);  // hostval, pubkey, one certificate, leap
  EXPECT_EQ(host.last_update(), kServerUpdate);
  EXPECT_EQ(host.host_value().filestamp, kFileStamp);
  EXPECT_FALSE(host.host_value().is_signed());  // hostval is never signed
  EXPECT_TRUE(verifies(host, host.public_key_value()));
  EXPECT_TRUE(verifies(host, host.leap_value()));
  EXPECT_EQ(host.leap_value().value, wire::Bytes(12, 0));  // no leap table: three zero words
  EXPECT_EQ(host.leap_value().filestamp, kFileStamp);
  ASSERT_EQ(host.certificates().size(), 1u);
  EXPECT_EQ(host.certificates()[0].signed_value.filestamp, kFileStamp);
  EXPECT_TRUE(verifies(host, host.certificates()[0].signed_value));

  const wire::Bytes old_signature = host.public_key_value().signature;
  const auto second = host.update(kServerUpdate + 600);
  ASSERT_EQ(second.size(), 4u);
  for (const auto& u : second) EXPECT_EQ(u.timestamp, kServerUpdate + 600);
  EXPECT_EQ(host.public_key_value().timestamp, kServerUpdate + 600);
  EXPECT_NE(host.public_key_value().signature, old_signature);
  EXPECT_TRUE(verifies(host, host.public_key_value()));
  EXPECT_TRUE(verifies(host, host.certificates()[0].signed_value));
  EXPECT_TRUE(verifies(host, host.leap_value()));
}

TEST(HostUpdate, LeapValuesAreSentOnlyAboveTenSecondsTaiOffset) {
  Host host = test::make_host(server_of("iff-md5-512"));
  // Not yet updated: stored, nothing signed.
  EXPECT_TRUE(host.set_leap({37, 3692217600u, 3881174400u}, 0).empty());
  EXPECT_TRUE(host.leap_value().value.empty());
  host.update(kServerUpdate);
  // Three big-endian words: 37, 3692217600, 3881174400.
  EXPECT_EQ(wire::to_hex(host.leap_value().value), "00000025dc12c500e7560580");
  EXPECT_TRUE(verifies(host, host.leap_value()));
  const auto updated = host.set_leap({10, 1, 2}, kServerUpdate + 1);
  EXPECT_FALSE(updated.empty());
  EXPECT_EQ(host.leap_value().value, wire::Bytes(12, 0));
  EXPECT_EQ(host.leap_value().timestamp, kServerUpdate + 1);
}

TEST(HostCookieSeed, TwoHostsGiveDifferentCookiesForTheSameAddresses) {
  Host a = test::make_host(server_of("iff-md5-512"), {}, 1);
  Host b = test::make_host(server_of("iff-md5-512"), {}, 2);
  const auto& client = test::client_address_v4();
  const auto& server = test::server_address_v4();
  EXPECT_NE(a.cookie_seed(), b.cookie_seed());
  EXPECT_NE(a.server_cookie(client, server), b.server_cookie(client, server));
  EXPECT_NE(a.server_cookie(client, server), 0x8ac8a20au);
  // Same host, same addresses: the same cookie (stateless servers recompute it).
  EXPECT_EQ(a.server_cookie(client, server), a.server_cookie(client, server));
}

TEST(HostCookieSeed, NtpdCompatibleZeroSeedGivesTheFixtureCookie) {
  Host host = test::make_host(server_of("iff-md5-512"), test::ntpd_compatible_options());
  EXPECT_EQ(host.cookie_seed(), 0u);
  EXPECT_EQ(host.server_cookie(test::client_address_v4(), test::server_address_v4()), 0x8ac8a20au);
  // And it never rotates.
  EXPECT_FALSE(host.on_revoke_timer(kServerUpdate));
  EXPECT_FALSE(host.on_revoke_timer(kServerUpdate + (1u << 20)));
  EXPECT_EQ(host.cookie_seed(), 0u);
}

TEST(HostCookieSeed, SeedRotatesWhenTheRevokeTimerExpires) {
  HostOptions o;
  o.revoke_log2 = 10;
  Host host = test::make_host(server_of("iff-md5-512"), o);
  const auto& client = test::client_address_v4();
  const auto& server = test::server_address_v4();
  const std::uint32_t seed0 = host.cookie_seed();
  const std::uint32_t cookie0 = host.server_cookie(client, server);
  EXPECT_FALSE(host.on_revoke_timer(kServerUpdate));  // starts the timer
  EXPECT_FALSE(host.on_revoke_timer(kServerUpdate + 1023));
  EXPECT_EQ(host.cookie_seed(), seed0);
  EXPECT_TRUE(host.on_revoke_timer(kServerUpdate + 1024));
  EXPECT_NE(host.cookie_seed(), seed0);
  EXPECT_NE(host.server_cookie(client, server), cookie0);
  // The period restarts from the rotation.
  EXPECT_FALSE(host.on_revoke_timer(kServerUpdate + 1500));
  EXPECT_TRUE(host.on_revoke_timer(kServerUpdate + 2048));
}

TEST(HostRequests, ClientAssocCertAndCookRequestsAreTheCapturedOnes) {
  Host client = test::make_host(client_of("iff-md5-512"));
  const std::uint32_t assoc = 20189;
  // Packets 1, 3, 7: sent while the client had never been synchronized.
  wire::AssocRequest assoc_req;
  static_cast<wire::AssocMessage&>(assoc_req) = client.assoc_message(assoc);
  EXPECT_EQ(assoc_req.to_field(), captured_field("iff-md5-512", 1));
  EXPECT_EQ(client.cert_request(assoc, "servername@servername", 0).to_field(), captured_field("iff-md5-512", 3));
  EXPECT_EQ(client.cook_request(assoc).to_field(), captured_field("iff-md5-512", 7));
}

TEST(HostRequests, ClientSignRequestIsTheCapturedOneOnceSynchronized) {
  Host client = test::make_host(client_of("iff-md5-512"));
  const auto captured = captured_field("iff-md5-512", 15);
  const auto sign = std::get<wire::SignRequest>(test::decode_field(captured));
  // Not synchronized: suppressed.
  EXPECT_EQ(client.sign_request(20189, 0).error(), HostError::NotSynchronized);
  client.update(sign.env.timestamp);  // the client's first signature update
  auto req = client.sign_request(20189, sign.env.timestamp);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->to_field(), captured);
}

TEST(HostRequests, SignRequestIsSuppressedWhenTheOwnCertificateExpired) {
  Host client = test::make_host(client_of("iff-md5-512"));
  client.update(kServerUpdate);
  const std::uint32_t after = client.certificate().not_after_ntp() + 1;
  EXPECT_EQ(client.sign_request(1, after).error(), HostError::OwnCertificateNotValidNow);
}

TEST(HostAutokey, AutokeyValuesAreSignedWithGenerationTimeAndLastUpdate) {
  Host host = test::make_host(server_of("iff-md5-512"));
  host.update(kServerUpdate);
  auto r = host.sign_autokey(54233, 0x7238009f, 99, kServerUpdate + 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->env.timestamp, kServerUpdate + 5);
  EXPECT_EQ(r->env.filestamp, kServerUpdate);
  EXPECT_EQ(wire::to_hex(r->value()), "7238009f00000063");
  EXPECT_TRUE(crypto::verify_value(*host.certificate().public_key, host.sign_digest(), r->env.timestamp,
                                   r->env.filestamp, r->value(), r->env.signature)
                  .ok());
  auto unsynced = host.sign_autokey(54233, 0x7238009f, 99, 0);
  ASSERT_TRUE(unsynced.ok());
  EXPECT_FALSE(unsynced->env.is_signed());
}

// The certificate ntpd issued to the client in iff-md5-512 packet 16.
crypto::Certificate issued_client_certificate(std::uint32_t* filestamp) {
  const auto sign = std::get<wire::SignResponse>(test::decode_field(captured_field("iff-md5-512", 16)));
  *filestamp = sign.env.filestamp;
  auto cert = crypto::parse_certificate(sign.certificate);
  EXPECT_TRUE(cert.ok());
  return *cert;
}

TEST(HostCertificates, SelfSignedUntrustedOwnCertificateIsNeverServedButTheIssuedOneIs) {
  Host client = test::make_host(client_of("iff-md5-512"));
  client.update(4004703047);
  EXPECT_EQ(client.find_certificate("clientname@servername"), nullptr);
  std::uint32_t fs = 0;
  auto installed = client.install_certificate(issued_client_certificate(&fs), fs, 4004703049);
  ASSERT_TRUE(installed.ok());
  EXPECT_EQ(installed->size(), 5u);  // hostval, pubkey, two certificates, leap
  ASSERT_EQ(client.certificates().size(), 2u);
  const CachedCertificate* served = client.find_certificate("clientname@servername");
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(served->cert.issuer, "servername@servername");
  EXPECT_EQ(served->signed_value.timestamp, 4004703049u);
  EXPECT_TRUE(verifies(client, served->signed_value));
}

TEST(HostCertificates, TrustedRootIsServedForItsSubject) {
  Host server = test::make_host(server_of("iff-md5-512"));
  const CachedCertificate* root = server.find_certificate("servername@servername");
  ASSERT_NE(root, nullptr);
  EXPECT_TRUE(root->own);
  EXPECT_EQ(server.find_certificate("nobody"), nullptr);
}

TEST(HostCertificates, SameSubjectAndIssuerKeepsTheNewerFilestampAndTheCachedOneWinsTies) {
  Host client = test::make_host(client_of("iff-md5-512"));
  std::uint32_t fs = 0;
  const crypto::Certificate issued = issued_client_certificate(&fs);
  ASSERT_TRUE(client.install_certificate(issued, fs, 4004703049).ok());
  auto tie = client.install_certificate(issued, fs, 4004703050);
  ASSERT_FALSE(tie.ok());
  EXPECT_EQ(tie.error(), HostError::CertificateOlderThanCached);
  EXPECT_EQ(client.install_certificate(issued, fs - 1, 4004703050).error(), HostError::CertificateOlderThanCached);
  ASSERT_TRUE(client.install_certificate(issued, fs + 1, 4004703051).ok());
  ASSERT_EQ(client.certificates().size(), 2u);
  EXPECT_EQ(client.certificates().front().filestamp, fs + 1);
}

}  // namespace
}  // namespace ak::core
