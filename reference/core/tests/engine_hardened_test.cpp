// The `hardened` policy profile end to end (policy.h; security-history §4
// properties 11-12): a hardened client refuses ntp-keygen 4.2.8p15's
// defaults (RSA-512, md5WithRSA) with an error naming the rule, and a
// hardened pair on RSA-2048/SHA-256 with a 2048-bit IFF group completes.
// The strong keys are made in memory once per test binary.
#include <gtest/gtest.h>

#include <botan/chacha_rng.h>
#include <botan/rsa.h>

#include <algorithm>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "crypto/certificate.h"
#include "crypto/group_gen.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

constexpr std::uint32_t kFs = kT0 - 1000;

Botan::ChaCha_RNG& strong_rng() {
  static Botan::ChaCha_RNG rng(Botan::secure_vector<std::uint8_t>(32, 0x3c));
  return rng;
}

// Generated once: two RSA-2048 keys and an IFF group with a 2048-bit p and
// a 256-bit q (the hardened floors).
struct StrongMaterial {
  Botan::RSA_PrivateKey server_key{strong_rng(), 2048};
  Botan::RSA_PrivateKey client_key{strong_rng(), 2048};
  crypto::IffParams iff = crypto::generate_iff(strong_rng(), 2048, 256);
};
const StrongMaterial& strong() {
  static const StrongMaterial m;
  return m;
}

std::unique_ptr<Botan::RSA_PrivateKey> copy_of(const Botan::RSA_PrivateKey& k) {
  return std::make_unique<Botan::RSA_PrivateKey>(k.get_p(), k.get_q(), k.get_e(), k.get_d(), k.get_n());
}

keys::LoadedKeys strong_keys(const std::string& name, const Botan::RSA_PrivateKey& key, bool trusted) {
  crypto::CertificateFields f;
  f.subject = name;
  f.issuer = name;
  f.serial = kFs;
  f.not_before = crypto::unix_from_ntp_seconds(kFs);
  f.not_after = f.not_before + crypto::kSignedCertificateLifetime;
  f.digest = crypto::Digest::SHA256;
  f.trusted = trusted;
  auto cert = crypto::make_certificate(f, key, key, strong_rng());
  EXPECT_TRUE(cert.ok());
  keys::LoadedKeys k;
  k.host.value = copy_of(key);
  k.host.filestamp = kFs;
  k.certificate.der = cert->der;
  k.certificate.filestamp = kFs;
  return k;
}

Host hardened_host(keys::LoadedKeys k, std::uint64_t seed) {
  HostOptions o;
  o.policy = Policy::hardened();
  auto h = Host::create(std::move(k), o, seeded_random(seed));
  EXPECT_TRUE(h.ok()) << (h.ok() ? "" : describe(h.error()));
  if (!h) throw std::runtime_error("hardened host did not build");
  return std::move(h).value();
}

bool logged(const std::vector<Action>& log, const std::string& text) {
  return std::any_of(log.begin(), log.end(), [&](const Action& x) {
    const auto* l = std::get_if<Log>(&x);
    return l && l->text.find(text) != std::string::npos;
  });
}

TEST(HardenedPolicy, ClientRefusesAnRsa512Md5ServerWithAnErrorNamingTheRule) {
  Engine server(make_host(server_of("tc-md5-512"), {}, 51));  // ntp-keygen 4.2.8p15 defaults
  Engine client(hardened_host(strong_keys("clientname@servername", strong().client_key, false), 52));
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Tc, "", 4};
  const auto id = *client.mobilize(cfg, kT0);
  Net net(51);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 300, [] { return false; });
  const Association* a = client.association(id);
  ASSERT_NE(a, nullptr);
  // Refused at the ASSOC response: its status word names md5WithRSA.
  EXPECT_EQ(a->flags, 0u);
  ASSERT_TRUE(a->last_error.has_value());
  EXPECT_EQ(*a->last_error, AssocError::PolicyRefused);
  EXPECT_TRUE(logged(net.log, "policy hardened refuses the peer's signature md5WithRSAEncryption: "
                              "Md5SignatureNotAllowed"));
  EXPECT_TRUE(logged(net.log, "MD5"));
}

TEST(HardenedPolicy, ClientRefusesAWeakCertificateEvenBehindAnAcceptableStatusWord) {
  // A server whose status word says sha256WithRSA but whose certificate
  // carries an RSA-1024 key: the CERT response is refused by the key rule.
  const Botan::RSA_PrivateKey weak(strong_rng(), 1024);  // Botan makes none smaller; 1024 < 2048 all the same
  auto made = Host::create(strong_keys("servername@servername", weak, true), {}, seeded_random(53));
  ASSERT_TRUE(made.ok()) << describe(made.error());
  Engine server(std::move(made).value());  // compat: it may run on a weak key
  Engine client(hardened_host(strong_keys("clientname@servername", strong().client_key, false), 54));
  (void)server.set_synchronized(kT0);
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Tc, "", 4};
  const auto id = *client.mobilize(cfg, kT0);
  Net net(53);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 300, [] { return false; });
  const Association* a = client.association(id);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->has(cf::kEnab));   // ASSOC passed: SHA-256 is allowed
  EXPECT_FALSE(a->has(cf::kCert));  // the certificate never verified
  EXPECT_TRUE(logged(net.log, "PolicyRefused"));
  EXPECT_TRUE(logged(net.log, "refuses the peer's certificate servername@servername: RsaModulusTooSmall"));
}

TEST(HardenedPolicy, HardenedPairWithRsa2048Sha256AndA2048BitIffGroupCompletes) {
  const StrongMaterial& m = strong();
  auto skeys = strong_keys("server@grp", m.server_key, true);
  skeys.iff_key = keys::Stamped<crypto::IffParams>{m.iff, kFs, {}, {}};
  auto ckeys = strong_keys("client@grp", m.client_key, false);
  ckeys.iff_par = keys::Stamped<crypto::IffParams>{crypto::IffParams{m.iff.p, m.iff.q, m.iff.g, std::nullopt, m.iff.v},
                                                   kFs, {}, {}};
  Engine server(hardened_host(std::move(skeys), 55));
  Engine client(hardened_host(std::move(ckeys), 56));
  ASSERT_TRUE(server.host().status().has(cf::kIff));
  (void)server.set_synchronized(kT0);
  const std::uint32_t want = server.host().status().raw | cf::kAll;
  PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Iff, "grp", 4};
  const auto id = *client.mobilize(cfg, kT0);
  Net net(55);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(kT0, kT0 + 900, [&] { return flags_of(client, id) == want; });
  EXPECT_EQ(flags_of(client, id), want);
  if (flags_of(client, id) != want) {
    for (const auto& x : net.log) ADD_FAILURE() << describe(x);
  }
  const auto views = client.associations();
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].signature, "sha256WithRSAEncryption");
  EXPECT_FALSE(logged(net.log, "policy"));
}

}  // namespace
}  // namespace ak::core::test
