// The crypto primitives Autokey spends its time in, ours (Botan 2 through
// reference/crypto) beside OpenSSL 3's EVP doing the same work.
//
//   ak_crypto_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <botan/auto_rng.h>
#include <botan/numthry.h>
#include <botan/rsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <map>
#include <memory>

#include "crypto/cookie.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"

namespace {

using ak::wire::Bytes;

Botan::RandomNumberGenerator& rng() {
  static Botan::AutoSeeded_RNG r;
  return r;
}

// One RSA key per size; Botan 2 refuses to generate 512-bit keys directly.
const Botan::RSA_PrivateKey& rsa_key(std::size_t bits) {
  static std::map<std::size_t, std::unique_ptr<Botan::RSA_PrivateKey>> keys;
  auto& k = keys[bits];
  if (!k) {
    if (bits >= 1024) {
      k = std::make_unique<Botan::RSA_PrivateKey>(rng(), bits);
    } else {
      const Botan::BigInt e(65537);
      Botan::BigInt p, q;
      do {
        p = Botan::random_prime(rng(), bits / 2, e);
        q = Botan::random_prime(rng(), bits - bits / 2, e);
      } while (p == q || (p * q).bits() != bits);
      k = std::make_unique<Botan::RSA_PrivateKey>(p, q, e);
    }
  }
  return *k;
}

// The same key for OpenSSL.
EVP_PKEY* openssl_key(std::size_t bits) {
  static std::map<std::size_t, EVP_PKEY*> keys;
  auto& k = keys[bits];
  if (!k) {
    const auto der = rsa_key(bits).private_key_info();
    const unsigned char* p = der.data();
    k = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  }
  return k;
}

const ak::wire::Address kClient = ak::wire::Address::v4({10, 123, 0, 2});
const ak::wire::Address kServer = ak::wire::Address::v4({10, 123, 0, 1});

Bytes md5_openssl(std::initializer_list<ak::wire::ByteView> parts) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  for (auto p : parts) EVP_DigestUpdate(ctx, p.data(), p.size());
  Bytes out(16);
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

// ---- session key / key ID ----

void BM_SessionKeyId(benchmark::State& state) {
  std::uint32_t k = 0x202b4caf;
  for (auto _ : state) {
    k = ak::crypto::session_key(kClient, kServer, k, 0x8ac8a20a).next_key_id;
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_SessionKeyId);

void BM_SessionKeyId_OpenSSL(benchmark::State& state) {
  std::uint32_t k = 0x202b4caf;
  for (auto _ : state) {
    ak::wire::Writer w;
    w.bytes(kClient.octets()).bytes(kServer.octets()).u32(k).u32(0x8ac8a20a);
    const Bytes d = md5_openssl({w.data()});
    k = (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) | (std::uint32_t{d[2]} << 8) | d[3];
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_SessionKeyId_OpenSSL);

// ---- MAC over a header plus one CERT-response-sized EF ----

const Bytes kKey(16, 0x5a);
const Bytes kPacket(48 + 456, 0x23);

void BM_Mac(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ak::crypto::mac_digest(kKey, kPacket));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket.size()));
}
BENCHMARK(BM_Mac);

void BM_Mac_OpenSSL(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(md5_openssl({kKey, kPacket}));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket.size()));
}
BENCHMARK(BM_Mac_OpenSSL);

// ---- RSA PKCS#1 v1.5 with MD5 over a value structure ----

const Bytes kValue(367, 0x42);  // the size of a CERT response value

void BM_RsaSign(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state)
    benchmark::DoNotOptimize(ak::crypto::sign_value(key, ak::crypto::Digest::MD5, 1, 2, kValue, rng()));
}
BENCHMARK(BM_RsaSign)->Arg(512)->Arg(1024)->Arg(2048);

// The same with a ValueSigner kept across signatures (Botan's blinding set-up
// paid once).
void BM_RsaSignKept(benchmark::State& state) {
  auto signer = ak::crypto::ValueSigner::create(rsa_key(static_cast<std::size_t>(state.range(0))),
                                                ak::crypto::Digest::MD5, rng());
  for (auto _ : state) benchmark::DoNotOptimize(signer->sign(1, 2, kValue));
}
BENCHMARK(BM_RsaSignKept)->Arg(512)->Arg(1024)->Arg(2048);

void BM_RsaSign_OpenSSL(benchmark::State& state) {
  EVP_PKEY* key = openssl_key(static_cast<std::size_t>(state.range(0)));
  const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
  Bytes sig(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = sig.size();
    EVP_DigestSignInit(ctx, nullptr, EVP_md5(), nullptr, key);
    EVP_DigestSign(ctx, sig.data(), &len, msg.data(), msg.size());
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(sig.data());
  }
}
BENCHMARK(BM_RsaSign_OpenSSL)->Arg(512)->Arg(1024)->Arg(2048);

void BM_RsaVerify(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  const Bytes sig = *ak::crypto::sign_value(key, ak::crypto::Digest::MD5, 1, 2, kValue, rng());
  for (auto _ : state)
    benchmark::DoNotOptimize(ak::crypto::verify_value(key, ak::crypto::Digest::MD5, 1, 2, kValue, sig).ok());
}
BENCHMARK(BM_RsaVerify)->Arg(512)->Arg(1024)->Arg(2048);

void BM_RsaVerify_OpenSSL(benchmark::State& state) {
  const auto bits = static_cast<std::size_t>(state.range(0));
  EVP_PKEY* key = openssl_key(bits);
  const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
  const Bytes sig = *ak::crypto::sign_value(rsa_key(bits), ak::crypto::Digest::MD5, 1, 2, kValue, rng());
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(ctx, nullptr, EVP_md5(), nullptr, key);
    benchmark::DoNotOptimize(EVP_DigestVerify(ctx, sig.data(), sig.size(), msg.data(), msg.size()));
    EVP_MD_CTX_free(ctx);
  }
}
BENCHMARK(BM_RsaVerify_OpenSSL)->Arg(512)->Arg(1024)->Arg(2048);

// ---- cookie: RSA-OAEP(SHA-1) of 4 octets ----

void BM_CookieEncrypt(benchmark::State& state) {
  const auto der = *ak::crypto::encode_rsa_public_key(rsa_key(static_cast<std::size_t>(state.range(0))));
  // As a server does it: from the COOK request value.
  for (auto _ : state) benchmark::DoNotOptimize(ak::crypto::encrypt_cookie(0x8ac8a20a, der, rng()));
}
BENCHMARK(BM_CookieEncrypt)->Arg(512)->Arg(2048);

void BM_CookieEncrypt_OpenSSL(benchmark::State& state) {
  const auto der = *ak::crypto::encode_rsa_public_key(rsa_key(static_cast<std::size_t>(state.range(0))));
  const unsigned char plain[4] = {0x8a, 0xc8, 0xa2, 0x0a};
  Bytes ct(der.size() * 2);
  for (auto _ : state) {
    const unsigned char* p = der.data();
    EVP_PKEY* key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    std::size_t len = ct.size();
    EVP_PKEY_encrypt_init(ctx);
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING);
    EVP_PKEY_encrypt(ctx, ct.data(), &len, plain, sizeof plain);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    benchmark::DoNotOptimize(ct.data());
  }
}
BENCHMARK(BM_CookieEncrypt_OpenSSL)->Arg(512)->Arg(2048);

void BM_CookieDecrypt(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  const Bytes ct = *ak::crypto::encrypt_cookie(0x8ac8a20a, key, rng());
  for (auto _ : state) benchmark::DoNotOptimize(ak::crypto::decrypt_cookie(ct, key, rng()));
}
BENCHMARK(BM_CookieDecrypt)->Arg(512)->Arg(2048);

void BM_CookieDecrypt_OpenSSL(benchmark::State& state) {
  const auto bits = static_cast<std::size_t>(state.range(0));
  EVP_PKEY* key = openssl_key(bits);
  const Bytes ct = *ak::crypto::encrypt_cookie(0x8ac8a20a, rsa_key(bits), rng());
  Bytes plain(ct.size());
  for (auto _ : state) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    std::size_t len = plain.size();
    EVP_PKEY_decrypt_init(ctx);
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING);
    EVP_PKEY_decrypt(ctx, plain.data(), &len, ct.data(), ct.size());
    EVP_PKEY_CTX_free(ctx);
    benchmark::DoNotOptimize(plain.data());
  }
}
BENCHMARK(BM_CookieDecrypt_OpenSSL)->Arg(512)->Arg(2048);

}  // namespace
