// GQ, MV and PC end to end, on keys made in memory (the fixtures have no
// working GQ pair, digest §7.3, and no MV or PC hosts at all).
#include <gtest/gtest.h>

#include <botan/bigint.h>
#include <botan/chacha_rng.h>
#include <botan/rsa.h>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "crypto/certificate.h"
#include "crypto/group_gen.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

constexpr std::uint32_t kFs = kT0 - 1000;  // files made a little before the run

wire::Bytes be(const Botan::BigInt& n) {
  wire::Bytes out(n.bytes());
  n.binary_encode(out.data());
  return out;
}

Botan::ChaCha_RNG& test_rng() {
  static Botan::ChaCha_RNG rng(Botan::secure_vector<std::uint8_t>(32, 0x5a));
  return rng;
}

std::unique_ptr<Botan::RSA_PrivateKey> rsa_key() {
  return std::make_unique<Botan::RSA_PrivateKey>(test_rng(), 1024);
}

// What ntp-keygen would have written for `name` (digest §8.1), in memory.
keys::LoadedKeys host_keys(const std::string& name, std::unique_ptr<Botan::RSA_PrivateKey> key, bool trusted,
                           bool private_cert, std::optional<wire::Bytes> ski = std::nullopt) {
  crypto::CertificateFields f;
  f.subject = name;
  f.issuer = name;
  f.serial = kFs;
  f.not_before = crypto::unix_from_ntp_seconds(kFs);
  f.not_after = f.not_before + crypto::kSignedCertificateLifetime;
  f.digest = crypto::Digest::SHA256;
  f.trusted = trusted;
  f.private_cert = private_cert;
  f.subject_key_id = std::move(ski);
  auto cert = crypto::make_certificate(f, *key, *key, test_rng());
  EXPECT_TRUE(cert.ok());
  keys::LoadedKeys k;
  k.host.value = std::move(key);
  k.host.filestamp = kFs;
  k.certificate.der = cert->der;
  k.certificate.filestamp = kFs;
  return k;
}

Host host_from(keys::LoadedKeys k, std::uint64_t seed) {
  auto h = Host::create(std::move(k), {}, seeded_random(seed));
  EXPECT_TRUE(h.ok()) << (h.ok() ? "" : describe(h.error()));
  if (!h) throw std::runtime_error("host did not build");
  return std::move(h).value();
}

// Runs the dance until the client's flags are the server's status word with
// every progress bit lit (digest §9.1); returns the client's final flags.
std::uint32_t run_dance(Engine& server, Engine& client, Scheme scheme, std::uint32_t& want) {
  (void)server.set_synchronized(kT0);
  want = server.host().status().raw | cf::kAll;
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, scheme, "grp", 4};
  const auto id = client.mobilize(cfg, kT0);
  EXPECT_TRUE(id.ok());
  if (!id) return 0;
  Net net(42);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 900, [&] { return flags_of(client, *id) == want; });
  if (flags_of(client, *id) != want) {
    for (const auto& a : net.log) ADD_FAILURE() << describe(a);
  }
  return flags_of(client, *id);
}

TEST(GqExchange, ClientCompletesWithGroupKeyFromTheTrustedCertificate) {
  const crypto::GqParams gq = crypto::generate_gq(test_rng(), 512);
  ASSERT_TRUE(gq.v.has_value());
  auto skey = host_keys("server@grp", rsa_key(), true, false, be(*gq.v));
  skey.gq_key = keys::Stamped<crypto::GqParams>{gq, kFs, {}, {}};
  auto ckey = host_keys("client@grp", rsa_key(), false, false);
  ckey.gq_par = keys::Stamped<crypto::GqParams>{crypto::GqParams{gq.n, gq.b, std::nullopt, std::nullopt}, kFs, {}, {}};
  Engine server(host_from(std::move(skey), 1));
  Engine client(host_from(std::move(ckey), 2));
  ASSERT_TRUE(server.host().status().has(cf::kGq));
  std::uint32_t want = 0;
  EXPECT_EQ(run_dance(server, client, Scheme::Gq, want), want);
}

TEST(GqExchange, ClientWithAnotherGroupsParametersNeverLightsVrfy) {
  const crypto::GqParams gq = crypto::generate_gq(test_rng(), 512);
  const crypto::GqParams other = crypto::generate_gq(test_rng(), 512);
  auto skey = host_keys("server@grp", rsa_key(), true, false, be(*gq.v));
  skey.gq_key = keys::Stamped<crypto::GqParams>{gq, kFs, {}, {}};
  auto ckey = host_keys("client@grp", rsa_key(), false, false);
  ckey.gq_par =
      keys::Stamped<crypto::GqParams>{crypto::GqParams{other.n, other.b, std::nullopt, std::nullopt}, kFs, {}, {}};
  Engine server(host_from(std::move(skey), 3));
  Engine client(host_from(std::move(ckey), 4));
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Gq, "grp", 4};
  const auto id = client.mobilize(cfg, kT0);
  ASSERT_TRUE(id.ok());
  Net net(43);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 300, [] { return false; });
  const Association* a = client.association(*id);
  EXPECT_TRUE(a->has(cf::kCert));
  EXPECT_FALSE(a->has(cf::kVrfy));
  EXPECT_FALSE(a->has(cf::kCook));
}

TEST(MvExchange, ClientCompletesWithItsAuthorityIssuedKeys) {
  const crypto::MvKeys mv = crypto::generate_mv(test_rng(), 256, 2, {1});
  auto skey = host_keys("server@grp", rsa_key(), true, false);
  skey.mv_key = keys::Stamped<crypto::MvParams>{mv.server, kFs, {}, {}};
  auto ckey = host_keys("client@grp", rsa_key(), false, false);
  ckey.mv_par = keys::Stamped<crypto::MvParams>{mv.clients[0], kFs, {}, {}};
  Engine server(host_from(std::move(skey), 5));
  Engine client(host_from(std::move(ckey), 6));
  ASSERT_TRUE(server.host().status().has(cf::kMv));
  std::uint32_t want = 0;
  EXPECT_EQ(run_dance(server, client, Scheme::Mv, want), want);
}

TEST(PcExchange, ClientSharingThePrivateCertificateSkipsCertIdentityAndSign) {
  auto key = rsa_key();
  auto skey = host_keys("pcgroup", std::make_unique<Botan::RSA_PrivateKey>(*key), false, true);
  auto ckey = host_keys("pcgroup", std::move(key), false, true);
  ckey.certificate = skey.certificate;
  Engine server(host_from(std::move(skey), 7));
  Engine client(host_from(std::move(ckey), 8));
  ASSERT_TRUE(server.host().status().has(cf::kPriv));
  std::uint32_t want = 0;
  EXPECT_EQ(run_dance(server, client, Scheme::Pc, want), want);
}

TEST(PcExchange, ClientRefusesAServerWithoutPrivateCertificate) {
  auto skey = host_keys("server", rsa_key(), true, false);
  auto ckey = host_keys("pcgroup", rsa_key(), false, true);
  Engine server(host_from(std::move(skey), 9));
  Engine client(host_from(std::move(ckey), 10));
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Pc, "", 4};
  const auto id = client.mobilize(cfg, kT0);
  ASSERT_TRUE(id.ok());
  Net net(44);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 200, [] { return false; });
  EXPECT_EQ(flags_of(client, *id), 0u);
  EXPECT_EQ(client.association(*id)->last_error, AssocError::PrivateCertificateMismatch);
}

}  // namespace
}  // namespace ak::core::test
