// The objects the crypto layer keeps for speed (docs/performance.md §4.1):
// one hash object per digest per thread (hash_cache.h) and the last few IFF
// groups (iff.cpp). They must never change a result: every answer below is
// checked against a fresh Botan object or the textbook formula.
#include <botan/hash.h>
#include <botan/numthry.h>

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "crypto/bighash.h"
#include "crypto/digest.h"
#include "crypto/group_gen.h"
#include "crypto/identity_encoding.h"
#include "crypto/iff.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "identity_test_support.h"

namespace ak::crypto {
namespace {

using idtest::rng;

constexpr Digest kAllDigests[] = {Digest::MD5,    Digest::SHA1,   Digest::SHA224,   Digest::SHA256,
                                  Digest::SHA384, Digest::SHA512, Digest::RIPEMD160};

wire::Bytes fresh_hash(Digest d, wire::ByteView a, wire::ByteView b = {}) {
  auto h = Botan::HashFunction::create_or_throw(botan_name(d));
  h->update(a.data(), a.size());
  h->update(b.data(), b.size());
  const auto out = h->final();
  return wire::Bytes(out.begin(), out.end());
}

TEST(ThreadHashes, InterleavedDigestsEqualThoseOfFreshObjects) {
  const wire::Bytes key(16, 0x5a);
  for (std::size_t len = 0; len < 200; len += 7) {
    const wire::Bytes data(len, static_cast<std::uint8_t>(len));
    for (Digest d : kAllDigests) {
      ASSERT_EQ(hash(d, data), fresh_hash(d, data)) << short_name(d) << " len " << len;
      wire::Bytes mac = fresh_hash(d, key, data);
      mac.resize(mac_digest_size(d));
      ASSERT_EQ(mac_digest(key, data, d), mac) << short_name(d) << " len " << len;
    }
  }
}

TEST(ThreadHashes, SessionKeysFromManyThreadsAtOnceEqualThoseOfFreshObjects) {
  const auto src = wire::Address::v4({10, 123, 0, 2});
  const auto dst = wire::Address::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  auto expected = [&](std::uint32_t k, Digest d) {
    wire::Writer w;
    w.bytes(src.octets()).bytes(dst.octets()).u32(k).u32(0x8ac8a20a);
    return fresh_hash(d, w.data());
  };
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < 500; ++i) {
        const Digest d = kAllDigests[(i + static_cast<std::uint32_t>(t)) % 7];
        const std::uint32_t k = 0x10000u + i * 4 + static_cast<std::uint32_t>(t);
        if (session_key(src, dst, k, 0x8ac8a20a, d).key != expected(k, d)) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---- IFF groups -------------------------------------------------------------

IffParams prover_of(const IffParams& p) { return IffParams{p.p, p.q, p.g, p.b, std::nullopt}; }
IffParams verifier_of(const IffParams& p) { return IffParams{p.p, p.q, p.g, std::nullopt, p.v}; }

// RFC 5906 Appendix E with Botan::power_mod alone: the response's hash is
// bighash(g^y · v^r mod p).
bool textbook_accepts(const IffParams& p, wire::ByteView challenge, wire::ByteView response) {
  const auto values = decode_integer_sequence(response, 2);
  if (!values.ok()) return false;
  const Botan::BigInt r(challenge.data(), challenge.size());
  const Botan::BigInt z = (Botan::power_mod(p.g, (*values)[0], p.p) * Botan::power_mod(*p.v, r, p.p)) % p.p;
  return bighash(z) == (*values)[1];
}

const std::vector<IffParams>& groups() {
  // Six groups: more than iff.cpp keeps (four).
  static const std::vector<IffParams> all = [] {
    std::vector<IffParams> g;
    for (int i = 0; i < 6; ++i) g.push_back(generate_iff(rng(), 512, 160));
    return g;
  }();
  return all;
}

TEST(IffPreparedGroups, ResponsesAgreeWithTheTextbookFormulaForEveryGroupInTurn) {
  // Twice round more groups than are kept, so every group is evicted and
  // built again at least once.
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < groups().size(); ++i) {
      const IffParams& p = groups()[i];
      const wire::Bytes challenge = iff_challenge(rng(), p);
      const auto response = iff_respond(prover_of(p), challenge, rng());
      ASSERT_TRUE(response.ok()) << "group " << i;
      EXPECT_TRUE(textbook_accepts(p, challenge, *response)) << "group " << i;
      EXPECT_TRUE(iff_verify(verifier_of(p), challenge, *response).ok()) << "group " << i;
    }
  }
}

TEST(IffPreparedGroups, OneParametersObjectRefilledWithAnotherGroupUsesTheNewGroup) {
  // The groups are found by value: the same object (same address) holding
  // another group must not reach the first group's tables.
  const IffParams& a = groups()[0];
  const IffParams& b = groups()[1];
  IffParams verifier = verifier_of(a);
  const wire::Bytes ca = iff_challenge(rng(), a);
  const auto ra = iff_respond(prover_of(a), ca, rng());
  ASSERT_TRUE(ra.ok());
  ASSERT_TRUE(iff_verify(verifier, ca, *ra).ok());

  verifier = verifier_of(b);
  const wire::Bytes cb = iff_challenge(rng(), b);
  const auto rb = iff_respond(prover_of(b), cb, rng());
  ASSERT_TRUE(rb.ok());
  EXPECT_TRUE(iff_verify(verifier, cb, *rb).ok());
  // a's proof, checked with b's numbers, fails unless a's challenge is out
  // of b's range (then it is refused before any arithmetic).
  EXPECT_FALSE(iff_verify(verifier, ca, *ra).ok());
}

TEST(IffPreparedGroups, TamperedResponseIsRejectedByTheKeptGroupAsByTheFormula) {
  const IffParams& p = groups()[2];
  const wire::Bytes challenge = iff_challenge(rng(), p);
  auto response = iff_respond(prover_of(p), challenge, rng());
  ASSERT_TRUE(response.ok());
  wire::Bytes bad = *response;
  bad.back() ^= 0x01;  // the low octet of the hash
  EXPECT_FALSE(textbook_accepts(p, challenge, bad));
  const auto verdict = iff_verify(verifier_of(p), challenge, bad);
  ASSERT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.error(), IdentityError::ProofRejected);
}

}  // namespace
}  // namespace ak::crypto
