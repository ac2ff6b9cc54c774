// The unsafe no-crypto switch (reference/crypto/fuzzing.h, docs/fuzzing.md §2):
// in an ordinary build it does not exist and every verifier rejects forged
// input; in a fuzz build configured with AK_FUZZ_UNSAFE_NO_CRYPTO it is off
// until switched on, passes signatures, certificates, MACs and identity
// proofs while on, and leaves the cookie decryption real (CVE-2014-9295).
// Built in every tree (label fuzz), so both halves run: the default build
// proves the bypass is absent, the fuzz build proves it is confined.
#include <gtest/gtest.h>

#include <botan/auto_rng.h>
#include <botan/rsa.h>

#include <memory>
#include <string>
#include <vector>

#include "crypto/certificate.h"
#include "crypto/cookie.h"
#include "crypto/fuzzing.h"
#include "crypto/gq.h"
#include "crypto/iff.h"
#include "crypto/mac.h"
#include "crypto/mv.h"
#include "crypto/signature.h"
#include "keys/identity.h"
#include "keys/key_file.h"
#include "keys/private_key.h"
#include "testing/fixtures.h"

namespace {

using namespace ak;

struct Fixture {
  std::unique_ptr<Botan::RSA_PrivateKey> server_key;
  std::unique_ptr<Botan::RSA_PrivateKey> client_key;
  crypto::Certificate server_cert;
  crypto::Certificate client_cert;
  crypto::IffParams client_iff;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture out;
    auto key = [](const std::string& path, const char* pw) {
      auto file = keys::read_key_file(ak::testing::fixture(path));
      EXPECT_TRUE(file.ok()) << path;
      auto k = keys::load_host_key(file.value(), pw);
      EXPECT_TRUE(k.ok()) << path;
      return std::move(k.value());
    };
    auto cert = [](const std::string& path) {
      auto file = keys::read_key_file(ak::testing::fixture(path));
      EXPECT_TRUE(file.ok()) << path;
      auto c = keys::load_certificate(file.value());
      EXPECT_TRUE(c.ok()) << path;
      auto parsed = crypto::parse_certificate(c.value().der);
      EXPECT_TRUE(parsed.ok()) << path;
      return parsed.value();
    };
    out.server_key = key("iff-md5-512/server/ntpkey_RSAhost_servername.4004702989", "server_password");
    out.client_key = key("iff-md5-512/client/ntpkey_RSAhost_clientname.4004702989", "client_password");
    out.server_cert = cert("iff-md5-512/server/ntpkey_RSA-MD5cert_servername.4004702989");
    out.client_cert = cert("iff-md5-512/client/ntpkey_RSA-MD5cert_clientname.4004702989");
    auto par = keys::read_key_file(ak::testing::fixture("iff-md5-512/client/ntpkey_iffpar_servername.4004702989"));
    EXPECT_TRUE(par.ok());
    auto iff = keys::load_iff(par.value(), "client_password");
    EXPECT_TRUE(iff.ok());
    out.client_iff = iff.value();
    return out;
  }();
  return f;
}

// One of each forgery, and whether each verifier accepted it.
struct Verdicts {
  bool signature, message, certificate, mac, iff, gq, mv;
};

Verdicts verify_forgeries() {
  const Fixture& f = fixture();
  Botan::AutoSeeded_RNG rng;
  const std::vector<std::uint8_t> value{1, 2, 3, 4};
  auto sig = crypto::sign_value(*f.server_key, crypto::Digest::MD5, 10, 20, value, rng);
  EXPECT_TRUE(sig.ok());
  wire::Bytes forged = sig.value();
  forged[forged.size() / 2] ^= 0x01;
  // A digest of the right length that is not the MAC.
  const wire::Bytes key{9, 9, 9, 9};
  wire::Bytes bad_mac = crypto::mac_digest(key, value, crypto::Digest::MD5);
  bad_mac[0] ^= 0x80;
  // IFF: a well-formed challenge and a response that is not even DER.
  const wire::Bytes challenge(f.client_iff.q.bytes(), 0x5a);
  const wire::Bytes junk{0xde, 0xad, 0xbe, 0xef};

  Verdicts v{};
  v.signature = crypto::verify_value(*f.server_key, crypto::Digest::MD5, 10, 20, value, forged).ok();
  v.message = crypto::verify_message(*f.server_key, crypto::Digest::MD5, value, forged).ok();
  // The client's certificate is self-signed by the client, not by the server.
  v.certificate = crypto::verify_issued_by(f.client_cert, f.server_cert);
  v.mac = crypto::mac_matches(key, value, bad_mac, crypto::Digest::MD5);
  v.iff = crypto::iff_verify(f.client_iff, challenge, junk).ok();
  v.gq = crypto::gq_verify(crypto::GqParams{}, challenge, junk).ok();
  v.mv = crypto::mv_verify(crypto::MvParams{}, challenge, junk).ok();
  return v;
}

void expect_all_rejected(const Verdicts& v) {
  EXPECT_FALSE(v.signature);
  EXPECT_FALSE(v.message);
  EXPECT_FALSE(v.certificate);
  EXPECT_FALSE(v.mac);
  EXPECT_FALSE(v.iff);
  EXPECT_FALSE(v.gq);
  EXPECT_FALSE(v.mv);
}

TEST(UnsafeNoCrypto, GenuineValuesVerifyInEveryBuild) {
  const Fixture& f = fixture();
  Botan::AutoSeeded_RNG rng;
  const std::vector<std::uint8_t> value{1, 2, 3, 4};
  auto sig = crypto::sign_value(*f.server_key, crypto::Digest::MD5, 10, 20, value, rng);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(crypto::verify_value(*f.server_key, crypto::Digest::MD5, 10, 20, value, sig.value()).ok());
  EXPECT_TRUE(crypto::verify_issued_by(f.server_cert, f.server_cert));
  const wire::Bytes key{9, 9, 9, 9};
  EXPECT_TRUE(crypto::mac_matches(key, value, crypto::mac_digest(key, value, crypto::Digest::MD5), crypto::Digest::MD5));
}

#ifndef AK_CRYPTO_HAS_UNSAFE_NO_CRYPTO

TEST(UnsafeNoCrypto, OrdinaryBuildHasNoSwitchAndRejectsEveryForgery) {
  // No ak::crypto::fuzzing here: the header declares nothing without the
  // macro, so no code path can turn the checks off.
  expect_all_rejected(verify_forgeries());
}

#else

TEST(UnsafeNoCrypto, FuzzBuildSwitchIsOffByDefaultAndRejectsEveryForgery) {
  ASSERT_FALSE(crypto::fuzzing::unsafe_no_crypto());
  expect_all_rejected(verify_forgeries());
}

TEST(UnsafeNoCrypto, SwitchedOnEveryVerifierPassesAndSwitchedOffTheyRejectAgain) {
  crypto::fuzzing::set_unsafe_no_crypto(true);
  const Verdicts on = verify_forgeries();
  crypto::fuzzing::set_unsafe_no_crypto(false);
  EXPECT_TRUE(on.signature);
  EXPECT_TRUE(on.message);
  EXPECT_TRUE(on.certificate);
  EXPECT_TRUE(on.mac);
  EXPECT_TRUE(on.iff);
  EXPECT_TRUE(on.gq);
  EXPECT_TRUE(on.mv);
  expect_all_rejected(verify_forgeries());
}

TEST(UnsafeNoCrypto, SwitchedOnCookieDecryptionStaysReal) {
  // CVE-2014-9295: a plaintext that is not 4 octets is refused whatever the
  // switch says, and a ciphertext to another key does not decrypt.
  const Fixture& f = fixture();
  Botan::AutoSeeded_RNG rng;
  crypto::fuzzing::set_unsafe_no_crypto(true);
  auto good = crypto::encrypt_cookie(0x01020304u, *f.client_key, rng);
  ASSERT_TRUE(good.ok());
  auto decrypted = crypto::decrypt_cookie(good.value(), *f.client_key, rng);
  auto wrong_key = crypto::decrypt_cookie(good.value(), *f.server_key, rng);
  wire::Bytes garbage = good.value();
  garbage[3] ^= 0x40;
  auto tampered = crypto::decrypt_cookie(garbage, *f.client_key, rng);
  crypto::fuzzing::set_unsafe_no_crypto(false);
  ASSERT_TRUE(decrypted.ok());
  EXPECT_EQ(decrypted.value(), 0x01020304u);
  EXPECT_FALSE(wrong_key.ok());
  EXPECT_FALSE(tampered.ok());
}

#endif

}  // namespace
