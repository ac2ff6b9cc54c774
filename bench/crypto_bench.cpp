// The crypto primitives Autokey spends its time in, ours (Botan 2 through
// reference/crypto) beside OpenSSL 3 doing the same work (EVP, and BIGNUM for
// the IFF identity scheme).
//
// Naming is the contract bench/ratios.py reads: every BM_<Op> has a twin
// BM_<Op>_OpenSSL registered with the same arguments, so that
//
//   ak_crypto_bench --benchmark_min_time=0.2 --benchmark_format=json > run.json
//   python3 bench/ratios.py run.json
//
// prints ours/OpenSSL per pair (docs/performance.md). A third twin,
// BM_<Op>_Botan, does the same work through bare Botan 2 (no autokey code),
// in the cheapest way Botan's public API allows for the same per-call
// structure, so the run also shows ours/Botan (the adapter's own cost) and
// Botan/OpenSSL (the library's). Every loop checks its result and stops with
// SkipWithError on failure: a baseline that fails fast would otherwise give a
// meaningless ratio.
#include <benchmark/benchmark.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/dl_group.h>
#include <botan/hash.h>
#include <botan/numthry.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "crypto/cookie.h"
#include "crypto/group_gen.h"
#include "crypto/iff.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "crypto/signature.h"

namespace {

using ak::wire::Bytes;

// The generator autokeyd's Host uses (core/host.cpp: system_random, the
// kernel's getrandom). Ours and the bare-Botan twins draw from it alike.
Botan::RandomNumberGenerator& rng() { return Botan::system_rng(); }

// The shared objects below are deliberately never destroyed: Botan keeps
// BigInt limbs in its own locked-memory pool, a static that is created on
// first use and so would be torn down at exit before a static map created
// earlier, whose destructor would then write into freed memory.

// One RSA key per size; Botan 2 refuses to generate 512-bit keys directly.
const Botan::RSA_PrivateKey& rsa_key(std::size_t bits) {
  static auto* keys = new std::map<std::size_t, std::unique_ptr<Botan::RSA_PrivateKey>>;
  auto& k = (*keys)[bits];
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
  static auto* keys = new std::map<std::size_t, EVP_PKEY*>;
  auto& k = (*keys)[bits];
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

// Bare Botan: one MD5 object kept, as Botan's documentation recommends.
void BM_SessionKeyId_Botan(benchmark::State& state) {
  auto md5 = Botan::HashFunction::create_or_throw("MD5");
  std::uint32_t k = 0x202b4caf;
  std::uint8_t d[16];
  for (auto _ : state) {
    ak::wire::Writer w;
    w.bytes(kClient.octets()).bytes(kServer.octets()).u32(k).u32(0x8ac8a20a);
    md5->update(w.data().data(), w.size());
    md5->final(d);
    k = (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) | (std::uint32_t{d[2]} << 8) | d[3];
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_SessionKeyId_Botan);

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

void BM_Mac_Botan(benchmark::State& state) {
  auto md5 = Botan::HashFunction::create_or_throw("MD5");
  for (auto _ : state) {
    md5->update(kKey.data(), kKey.size());
    md5->update(kPacket.data(), kPacket.size());
    Bytes out(16);
    md5->final(out.data());
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacket.size()));
}
BENCHMARK(BM_Mac_Botan);

// ---- RSA PKCS#1 v1.5 with MD5 over a value structure ----

const Bytes kValue(367, 0x42);  // the size of a CERT response value

void BM_RsaSign(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto sig = ak::crypto::sign_value(key, ak::crypto::Digest::MD5, 1, 2, kValue, rng());
    if (!sig.ok()) {
      state.SkipWithError("sign_value failed");
      break;
    }
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_RsaSign)->Arg(512)->Arg(1024)->Arg(2048);

void BM_RsaSign_OpenSSL(benchmark::State& state) {
  EVP_PKEY* key = openssl_key(static_cast<std::size_t>(state.range(0)));
  const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
  Bytes sig(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = sig.size();
    const bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_md5(), nullptr, key) == 1 &&
                    EVP_DigestSign(ctx, sig.data(), &len, msg.data(), msg.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
      state.SkipWithError("EVP_DigestSign failed");
      break;
    }
    benchmark::DoNotOptimize(sig.data());
  }
}
BENCHMARK(BM_RsaSign_OpenSSL)->Arg(512)->Arg(1024)->Arg(2048);

// Bare Botan with the OpenSSL twin's structure: a new PK_Signer per
// signature (Botan sets up its blinding there).
void BM_RsaSign_Botan(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
  for (auto _ : state) {
    Botan::PK_Signer signer(key, rng(), "EMSA3(MD5)");
    const auto sig = signer.sign_message(msg.data(), msg.size(), rng());
    if (sig.size() != key.get_n().bytes()) {
      state.SkipWithError("PK_Signer failed");
      break;
    }
    benchmark::DoNotOptimize(sig.data());
  }
}
BENCHMARK(BM_RsaSign_Botan)->Arg(512)->Arg(1024)->Arg(2048);

// The same with a ValueSigner kept across signatures (Botan's blinding set-up
// paid once).
void BM_RsaSignKept(benchmark::State& state) {
  auto signer = ak::crypto::ValueSigner::create(rsa_key(static_cast<std::size_t>(state.range(0))),
                                                ak::crypto::Digest::MD5, rng());
  if (!signer.ok()) {
    state.SkipWithError("ValueSigner::create failed");
    return;
  }
  for (auto _ : state) {
    auto sig = signer->sign(1, 2, kValue);
    if (!sig.ok()) {
      state.SkipWithError("ValueSigner::sign failed");
      break;
    }
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_RsaSignKept)->Arg(512)->Arg(1024)->Arg(2048);

// The twin of BM_RsaSignKept: one EVP_PKEY_CTX set up for PKCS#1 v1.5 with
// MD5 and kept, each signature hashing the message and signing the digest.
// (An EVP_MD_CTX cannot be kept across EVP_DigestSign calls: a one-shot
// sign finalises it.)
void BM_RsaSignKept_OpenSSL(benchmark::State& state) {
  EVP_PKEY* key = openssl_key(static_cast<std::size_t>(state.range(0)));
  const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
  Bytes sig(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  if (EVP_PKEY_sign_init(ctx) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx, EVP_md5()) != 1) {
    EVP_PKEY_CTX_free(ctx);
    state.SkipWithError("EVP_PKEY_sign_init failed");
    return;
  }
  for (auto _ : state) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    std::size_t len = sig.size();
    if (EVP_Digest(msg.data(), msg.size(), md, &md_len, EVP_md5(), nullptr) != 1 ||
        EVP_PKEY_sign(ctx, sig.data(), &len, md, md_len) != 1) {
      state.SkipWithError("EVP_PKEY_sign failed");
      break;
    }
    benchmark::DoNotOptimize(sig.data());
  }
  EVP_PKEY_CTX_free(ctx);
}
BENCHMARK(BM_RsaSignKept_OpenSSL)->Arg(512)->Arg(1024)->Arg(2048);

// Bare Botan: one PK_Signer kept, the message octets built per signature as
// ValueSigner does.
void BM_RsaSignKept_Botan(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  Botan::PK_Signer signer(key, rng(), "EMSA3(MD5)");
  for (auto _ : state) {
    const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
    const auto sig = signer.sign_message(msg.data(), msg.size(), rng());
    if (sig.size() != key.get_n().bytes()) {
      state.SkipWithError("PK_Signer failed");
      break;
    }
    benchmark::DoNotOptimize(sig.data());
  }
}
BENCHMARK(BM_RsaSignKept_Botan)->Arg(512)->Arg(1024)->Arg(2048);

void BM_RsaVerify(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  const Bytes sig = *ak::crypto::sign_value(key, ak::crypto::Digest::MD5, 1, 2, kValue, rng());
  for (auto _ : state) {
    const bool ok = ak::crypto::verify_value(key, ak::crypto::Digest::MD5, 1, 2, kValue, sig).ok();
    if (!ok) {
      state.SkipWithError("verify_value rejected a good signature");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RsaVerify)->Arg(512)->Arg(1024)->Arg(2048);

void BM_RsaVerify_OpenSSL(benchmark::State& state) {
  const auto bits = static_cast<std::size_t>(state.range(0));
  EVP_PKEY* key = openssl_key(bits);
  const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
  const Bytes sig = *ak::crypto::sign_value(rsa_key(bits), ak::crypto::Digest::MD5, 1, 2, kValue, rng());
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_md5(), nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, sig.data(), sig.size(), msg.data(), msg.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
      state.SkipWithError("EVP_DigestVerify rejected a good signature");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RsaVerify_OpenSSL)->Arg(512)->Arg(1024)->Arg(2048);

void BM_RsaVerify_Botan(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  const Bytes msg = ak::crypto::signed_octets(1, 2, kValue);
  const Bytes sig = *ak::crypto::sign_value(key, ak::crypto::Digest::MD5, 1, 2, kValue, rng());
  for (auto _ : state) {
    Botan::PK_Verifier verifier(key, "EMSA3(MD5)");
    const bool ok = verifier.verify_message(msg.data(), msg.size(), sig.data(), sig.size());
    if (!ok) {
      state.SkipWithError("PK_Verifier rejected a good signature");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RsaVerify_Botan)->Arg(512)->Arg(1024)->Arg(2048);

// ---- cookie: RSA-OAEP(SHA-1) of 4 octets ----

void BM_CookieEncrypt(benchmark::State& state) {
  const auto der = *ak::crypto::encode_rsa_public_key(rsa_key(static_cast<std::size_t>(state.range(0))));
  // As a server does it: from the COOK request value.
  for (auto _ : state) {
    auto ct = ak::crypto::encrypt_cookie(0x8ac8a20a, der, rng());
    if (!ct.ok()) {
      state.SkipWithError("encrypt_cookie failed");
      break;
    }
    benchmark::DoNotOptimize(ct);
  }
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
    const bool ok = ctx != nullptr && EVP_PKEY_encrypt_init(ctx) == 1 &&
                    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                    EVP_PKEY_encrypt(ctx, ct.data(), &len, plain, sizeof plain) == 1;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    if (!ok) {
      state.SkipWithError("EVP_PKEY_encrypt failed");
      break;
    }
    benchmark::DoNotOptimize(ct.data());
  }
}
BENCHMARK(BM_CookieEncrypt_OpenSSL)->Arg(512)->Arg(2048);

// Bare Botan: decode the RSAPublicKey, build the key, encrypt (the key
// object's constructor is where Botan sets up its Montgomery parameters).
void BM_CookieEncrypt_Botan(benchmark::State& state) {
  const auto der = *ak::crypto::encode_rsa_public_key(rsa_key(static_cast<std::size_t>(state.range(0))));
  const std::uint8_t plain[4] = {0x8a, 0xc8, 0xa2, 0x0a};
  for (auto _ : state) {
    Botan::BigInt n, e;
    Botan::BER_Decoder(der.data(), der.size()).start_cons(Botan::SEQUENCE).decode(n).decode(e).end_cons();
    const Botan::RSA_PublicKey key(n, e);
    Botan::PK_Encryptor_EME enc(key, rng(), "OAEP(SHA-160)");
    const auto ct = enc.encrypt(plain, sizeof plain, rng());
    if (ct.size() != n.bytes()) {
      state.SkipWithError("PK_Encryptor_EME failed");
      break;
    }
    benchmark::DoNotOptimize(ct.data());
  }
}
BENCHMARK(BM_CookieEncrypt_Botan)->Arg(512)->Arg(2048);

void BM_CookieDecrypt(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  const Bytes ct = *ak::crypto::encrypt_cookie(0x8ac8a20a, key, rng());
  for (auto _ : state) {
    auto cookie = ak::crypto::decrypt_cookie(ct, key, rng());
    if (!cookie.ok() || *cookie != 0x8ac8a20a) {
      state.SkipWithError("decrypt_cookie failed");
      break;
    }
    benchmark::DoNotOptimize(cookie);
  }
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
    const bool ok = EVP_PKEY_decrypt_init(ctx) == 1 &&
                    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                    EVP_PKEY_decrypt(ctx, plain.data(), &len, ct.data(), ct.size()) == 1 && len == 4;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
      state.SkipWithError("EVP_PKEY_decrypt failed");
      break;
    }
    benchmark::DoNotOptimize(plain.data());
  }
}
BENCHMARK(BM_CookieDecrypt_OpenSSL)->Arg(512)->Arg(2048);

// Bare Botan with the OpenSSL twin's structure: a new decryptor per cookie.
void BM_CookieDecrypt_Botan(benchmark::State& state) {
  const auto& key = rsa_key(static_cast<std::size_t>(state.range(0)));
  const Bytes ct = *ak::crypto::encrypt_cookie(0x8ac8a20a, key, rng());
  for (auto _ : state) {
    Botan::PK_Decryptor_EME dec(key, rng(), "OAEP(SHA-160)");
    const auto plain = dec.decrypt(ct.data(), ct.size());
    if (plain.size() != 4 || plain[0] != 0x8a) {
      state.SkipWithError("PK_Decryptor_EME failed");
      break;
    }
    benchmark::DoNotOptimize(plain.data());
  }
}
BENCHMARK(BM_CookieDecrypt_Botan)->Arg(512)->Arg(2048);

// ---- IFF identity: RFC 5906 Appendix E ----
//
// Prove is the server's half (iff_respond: draw k, y = k + b·r mod q,
// x = g^k mod p, DER SEQUENCE{y, bighash(x)}); verify is the client's
// (iff_verify: decode, z = g^y·v^r mod p, compare bighash(z)). The argument
// is the size of p; q has 160 bits for 512 (ntp-keygen's default, as in the
// fixtures) and 256 for 2048.

// One parameter set per size, b and v included. Botan's DL_Group will not
// make p < 1024 bits, so 512 comes from group_gen; 2048 is Botan's fixed
// 2048/256 DSA group, which has the same shape (q | p-1, g of order q) and
// costs nothing to set up.
const ak::crypto::IffParams& iff_params(std::size_t pbits) {
  static auto* params = new std::map<std::size_t, ak::crypto::IffParams>;
  auto it = params->find(pbits);
  if (it != params->end()) return it->second;
  ak::crypto::IffParams p;
  if (pbits == 2048) {
    const Botan::DL_Group grp("dsa/botan/2048");
    p = ak::crypto::IffParams{grp.get_p(), grp.get_q(), grp.get_g(), std::nullopt, std::nullopt};
    p.b = Botan::BigInt::random_integer(rng(), 1, p.q);
    p.v = *ak::crypto::iff_public_value(p);
  } else {
    p = ak::crypto::generate_iff(rng(), pbits, 160);
  }
  return params->emplace(pbits, std::move(p)).first->second;
}

// The baseline: the same arithmetic with OpenSSL BIGNUMs, the response
// encoded and decoded by hand. Not product code; it only has to do the work
// ntpd's OpenSSL code does, with the same checks ours makes.

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxFree>;

Bn bn_new() { return Bn(BN_new()); }

Bn to_bn(const Botan::BigInt& x) {
  const auto octets = Botan::BigInt::encode(x);
  return Bn(BN_bin2bn(octets.data(), static_cast<int>(octets.size()), nullptr));
}

struct IffBn {
  Bn p, q, g, b, v;
};

IffBn iff_bn(const ak::crypto::IffParams& params) {
  return IffBn{to_bn(params.p), to_bn(params.q), to_bn(params.g), to_bn(*params.b), to_bn(*params.v)};
}

// MD5 of the minimal big-endian octets of x, as an integer (bighash.h).
Bn bighash_openssl(const BIGNUM* x) {
  std::vector<unsigned char> octets(static_cast<std::size_t>(BN_num_bytes(x)));
  BN_bn2bin(x, octets.data());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(octets.data(), octets.size(), md, &len, EVP_md5(), nullptr) != 1) return nullptr;
  return Bn(BN_bin2bn(md, static_cast<int>(len), nullptr));
}

void der_length(Bytes& out, std::size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
    return;
  }
  std::uint8_t tmp[sizeof n];
  std::size_t k = 0;
  for (; n != 0; n >>= 8) tmp[k++] = static_cast<std::uint8_t>(n & 0xff);
  out.push_back(static_cast<std::uint8_t>(0x80 | k));
  while (k != 0) out.push_back(tmp[--k]);
}

// DER INTEGER of a non-negative x: minimal octets, a 0x00 in front when the
// top bit is set, 0 as a single 0x00.
void der_integer(Bytes& out, const BIGNUM* x) {
  Bytes content(static_cast<std::size_t>(BN_num_bytes(x)));
  BN_bn2bin(x, content.data());
  if (content.empty() || (content[0] & 0x80) != 0) content.insert(content.begin(), 0x00);
  out.push_back(0x02);
  der_length(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
}

Bytes der_sequence(const BIGNUM* a, const BIGNUM* b) {
  Bytes body;
  der_integer(body, a);
  der_integer(body, b);
  Bytes out{0x30};
  der_length(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// A bounded strict DER reader for SEQUENCE{INTEGER, INTEGER} of
// non-negative integers; nullopt on anything else (trailing octets too).
struct DerIn {
  const std::uint8_t* p;
  std::size_t left;

  bool tlv(std::uint8_t tag, const std::uint8_t*& content, std::size_t& len) {
    if (left < 2 || p[0] != tag) return false;
    std::size_t n = p[1];
    std::size_t used = 2;
    if (n >= 0x80) {
      const std::size_t k = n & 0x7f;
      if (k == 0 || k > sizeof(std::size_t) || left - 2 < k || p[2] == 0) return false;
      n = 0;
      for (std::size_t i = 0; i < k; ++i) n = (n << 8) | p[2 + i];
      if (n < 0x80) return false;  // not the shortest length form
      used += k;
    }
    if (left - used < n) return false;
    content = p + used;
    len = n;
    p += used + n;
    left -= used + n;
    return true;
  }

  Bn integer() {
    const std::uint8_t* c = nullptr;
    std::size_t n = 0;
    if (!tlv(0x02, c, n) || n == 0) return nullptr;
    if ((c[0] & 0x80) != 0) return nullptr;                   // negative
    if (n > 1 && c[0] == 0 && (c[1] & 0x80) == 0) return nullptr;  // not minimal
    return Bn(BN_bin2bn(c, static_cast<int>(n), nullptr));
  }
};

std::optional<std::pair<Bn, Bn>> der_decode_pair(ak::wire::ByteView der) {
  DerIn outer{der.data(), der.size()};
  const std::uint8_t* c = nullptr;
  std::size_t n = 0;
  if (!outer.tlv(0x30, c, n) || outer.left != 0) return std::nullopt;
  DerIn in{c, n};
  Bn a = in.integer();
  if (!a) return std::nullopt;
  Bn b = in.integer();
  if (!b || in.left != 0) return std::nullopt;
  return std::make_pair(std::move(a), std::move(b));
}

// The challenge field: exactly octets(q) long, r in [1, q-1].
Bn parse_challenge_openssl(ak::wire::ByteView field, const BIGNUM* q) {
  if (field.size() != static_cast<std::size_t>(BN_num_bytes(q))) return nullptr;
  Bn r(BN_bin2bn(field.data(), static_cast<int>(field.size()), nullptr));
  if (!r || BN_is_zero(r.get()) || BN_cmp(r.get(), q) >= 0) return nullptr;
  return r;
}

std::optional<Bytes> iff_respond_openssl(const IffBn& key, ak::wire::ByteView challenge) {
  Bn r = parse_challenge_openssl(challenge, key.q.get());
  if (!r) return std::nullopt;
  BnCtx ctx(BN_CTX_new());
  Bn qm1 = bn_new(), k = bn_new(), y = bn_new(), x = bn_new();
  // k uniform in [1, q-1]; exponentiated in constant time, as a secret must be.
  if (!BN_sub(qm1.get(), key.q.get(), BN_value_one()) || !BN_priv_rand_range(k.get(), qm1.get()) ||
      !BN_add_word(k.get(), 1))
    return std::nullopt;
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  if (!BN_mod_mul(y.get(), key.b.get(), r.get(), key.q.get(), ctx.get()) ||
      !BN_mod_add(y.get(), y.get(), k.get(), key.q.get(), ctx.get()) ||
      !BN_mod_exp(x.get(), key.g.get(), k.get(), key.p.get(), ctx.get()))
    return std::nullopt;
  Bn h = bighash_openssl(x.get());
  if (!h) return std::nullopt;
  return der_sequence(y.get(), h.get());
}

bool iff_verify_openssl(const IffBn& key, ak::wire::ByteView challenge, ak::wire::ByteView response) {
  Bn r = parse_challenge_openssl(challenge, key.q.get());
  if (!r) return false;
  auto pair = der_decode_pair(response);
  if (!pair) return false;
  const BIGNUM* y = pair->first.get();
  const BIGNUM* hash = pair->second.get();
  if (BN_cmp(y, key.q.get()) >= 0 || BN_num_bits(hash) > 128) return false;
  BnCtx ctx(BN_CTX_new());
  Bn gy = bn_new(), vr = bn_new(), z = bn_new();
  // Public exponents: OpenSSL's ordinary (variable-time) path.
  if (!BN_mod_exp(gy.get(), key.g.get(), y, key.p.get(), ctx.get()) ||
      !BN_mod_exp(vr.get(), key.v.get(), r.get(), key.p.get(), ctx.get()) ||
      !BN_mod_mul(z.get(), gy.get(), vr.get(), key.p.get(), ctx.get()))
    return false;
  Bn h = bighash_openssl(z.get());
  return h && BN_cmp(h.get(), hash) == 0;
}

// Both directions must agree before either is timed: a baseline that fails
// fast would make a meaningless ratio.
bool iff_cross_check(const ak::crypto::IffParams& params, const IffBn& bn) {
  const Bytes c = ak::crypto::iff_challenge(rng(), params);
  const auto ours = ak::crypto::iff_respond(params, c, rng());
  const auto theirs = iff_respond_openssl(bn, c);
  if (!ours.ok() || !theirs) return false;
  // The last octet is the low octet of the hash: flipping it must fail both.
  Bytes bad = *ours;
  bad.back() ^= 0x01;
  return iff_verify_openssl(bn, c, *ours) && ak::crypto::iff_verify(params, c, *theirs).ok() &&
         !iff_verify_openssl(bn, c, bad) && !ak::crypto::iff_verify(params, c, bad).ok();
}

void BM_IffProve(benchmark::State& state) {
  const auto& params = iff_params(static_cast<std::size_t>(state.range(0)));
  const Bytes challenge = ak::crypto::iff_challenge(rng(), params);
  for (auto _ : state) {
    auto response = ak::crypto::iff_respond(params, challenge, rng());
    if (!response.ok()) {
      state.SkipWithError("iff_respond failed");
      break;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_IffProve)->Arg(512)->Arg(2048);

void BM_IffProve_OpenSSL(benchmark::State& state) {
  const auto& params = iff_params(static_cast<std::size_t>(state.range(0)));
  const IffBn bn = iff_bn(params);
  if (!iff_cross_check(params, bn)) {
    state.SkipWithError("OpenSSL IFF baseline disagrees with ours");
    return;
  }
  const Bytes challenge = ak::crypto::iff_challenge(rng(), params);
  for (auto _ : state) {
    auto response = iff_respond_openssl(bn, challenge);
    if (!response) {
      state.SkipWithError("OpenSSL IFF prove failed");
      break;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_IffProve_OpenSSL)->Arg(512)->Arg(2048);

// Bare Botan: the same arithmetic with a DL_Group built once (Botan's
// fixed-base table for g; constant-time power_g_p for the secret k, as
// Botan's DSA uses for its nonce) and Botan's DER encoder.
Botan::BigInt bighash_botan(Botan::HashFunction& md5, const Botan::BigInt& x) {
  const auto octets = Botan::BigInt::encode(x);
  md5.update(octets.data(), octets.size());
  std::uint8_t d[16];
  md5.final(d);
  return Botan::BigInt(d, sizeof d);
}

std::optional<Bytes> iff_respond_botan(const Botan::DL_Group& grp, const Botan::BigInt& b, Botan::HashFunction& md5,
                                       ak::wire::ByteView challenge) {
  const Botan::BigInt& q = grp.get_q();
  if (challenge.size() != q.bytes()) return std::nullopt;
  const Botan::BigInt r(challenge.data(), challenge.size());
  if (r.is_zero() || r >= q) return std::nullopt;
  const Botan::BigInt k = Botan::BigInt::random_integer(rng(), 1, q);
  const Botan::BigInt y = (k + b * r) % q;
  const Botan::BigInt x = grp.power_g_p(k, q.bits());
  Bytes out;
  Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).encode(y).encode(bighash_botan(md5, x)).end_cons();
  return out;
}

bool iff_verify_botan(const Botan::DL_Group& grp, const Botan::BigInt& v, Botan::HashFunction& md5,
                      ak::wire::ByteView challenge, ak::wire::ByteView response) {
  const Botan::BigInt& q = grp.get_q();
  if (challenge.size() != q.bytes()) return false;
  const Botan::BigInt r(challenge.data(), challenge.size());
  if (r.is_zero() || r >= q) return false;
  Botan::BigInt y, hash;
  try {
    Botan::BER_Decoder(response.data(), response.size())
        .start_cons(Botan::SEQUENCE)
        .decode(y)
        .decode(hash)
        .end_cons()
        .verify_end();
  } catch (const std::exception&) {
    return false;
  }
  if (y.is_negative() || y >= q || hash.is_negative() || hash.bits() > 128) return false;
  return bighash_botan(md5, grp.multi_exponentiate(y, v, r)) == hash;
}

// Both directions against ours before timing, as for the OpenSSL baseline.
bool iff_cross_check_botan(const ak::crypto::IffParams& params, const Botan::DL_Group& grp,
                           Botan::HashFunction& md5) {
  const Bytes c = ak::crypto::iff_challenge(rng(), params);
  const auto ours = ak::crypto::iff_respond(params, c, rng());
  const auto theirs = iff_respond_botan(grp, *params.b, md5, c);
  if (!ours.ok() || !theirs) return false;
  Bytes bad = *ours;
  bad.back() ^= 0x01;
  return iff_verify_botan(grp, *params.v, md5, c, *ours) && ak::crypto::iff_verify(params, c, *theirs).ok() &&
         !iff_verify_botan(grp, *params.v, md5, c, bad);
}

void BM_IffProve_Botan(benchmark::State& state) {
  const auto& params = iff_params(static_cast<std::size_t>(state.range(0)));
  const Botan::DL_Group grp(params.p, params.q, params.g);
  auto md5 = Botan::HashFunction::create_or_throw("MD5");
  if (!iff_cross_check_botan(params, grp, *md5)) {
    state.SkipWithError("bare Botan IFF disagrees with ours");
    return;
  }
  const Bytes challenge = ak::crypto::iff_challenge(rng(), params);
  for (auto _ : state) {
    auto response = iff_respond_botan(grp, *params.b, *md5, challenge);
    if (!response) {
      state.SkipWithError("bare Botan IFF prove failed");
      break;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_IffProve_Botan)->Arg(512)->Arg(2048);

void BM_IffVerify(benchmark::State& state) {
  const auto& params = iff_params(static_cast<std::size_t>(state.range(0)));
  const Bytes challenge = ak::crypto::iff_challenge(rng(), params);
  const Bytes response = *ak::crypto::iff_respond(params, challenge, rng());
  for (auto _ : state) {
    const bool ok = ak::crypto::iff_verify(params, challenge, response).ok();
    if (!ok) {
      state.SkipWithError("iff_verify rejected a good response");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_IffVerify)->Arg(512)->Arg(2048);

void BM_IffVerify_OpenSSL(benchmark::State& state) {
  const auto& params = iff_params(static_cast<std::size_t>(state.range(0)));
  const IffBn bn = iff_bn(params);
  if (!iff_cross_check(params, bn)) {
    state.SkipWithError("OpenSSL IFF baseline disagrees with ours");
    return;
  }
  const Bytes challenge = ak::crypto::iff_challenge(rng(), params);
  const Bytes response = *ak::crypto::iff_respond(params, challenge, rng());
  for (auto _ : state) {
    const bool ok = iff_verify_openssl(bn, challenge, response);
    if (!ok) {
      state.SkipWithError("OpenSSL IFF verify rejected a good response");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_IffVerify_OpenSSL)->Arg(512)->Arg(2048);

void BM_IffVerify_Botan(benchmark::State& state) {
  const auto& params = iff_params(static_cast<std::size_t>(state.range(0)));
  const Botan::DL_Group grp(params.p, params.q, params.g);
  auto md5 = Botan::HashFunction::create_or_throw("MD5");
  if (!iff_cross_check_botan(params, grp, *md5)) {
    state.SkipWithError("bare Botan IFF disagrees with ours");
    return;
  }
  const Bytes challenge = ak::crypto::iff_challenge(rng(), params);
  const Bytes response = *ak::crypto::iff_respond(params, challenge, rng());
  for (auto _ : state) {
    const bool ok = iff_verify_botan(grp, *params.v, *md5, challenge, response);
    if (!ok) {
      state.SkipWithError("bare Botan IFF verify rejected a good response");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_IffVerify_Botan)->Arg(512)->Arg(2048);

}  // namespace
