// Helpers for the identity-scheme tests: the identity EFs of a fixture
// capture (a minimal walk, digest §2.2 and §3.1: 48-octet header, then EFs
// while more than a MAC remains), and the fixture parameter files decoded
// with Botan directly (the keys layer is tested on its own).
#pragma once

#include <botan/auto_rng.h>
#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/data_src.h>
#include <botan/dsa.h>
#include <botan/pem.h>
#include <botan/pbes2.h>
#include <botan/pkcs8.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "crypto/identity_params.h"
#include "testing/fixtures.h"
#include "wire/reader.h"

namespace ak::crypto::idtest {

// One extension field as the tests need it.
struct IdentityEf {
  std::size_t frame = 0;  // 1-based capture frame number
  std::uint16_t code = 0;   // 7 IFF, 8 GQ, 9 MV
  bool response = false;
  std::uint32_t filestamp = 0;
  wire::Bytes value;
};

// Every EF of every datagram of <folder>/exchange.pcap whose code is `code`.
inline std::vector<IdentityEf> identity_efs(const std::string& folder, std::uint16_t code) {
  std::vector<IdentityEf> out;
  auto cap = capture::read_capture(testing::fixture(folder + "/exchange.pcap").string());
  EXPECT_TRUE(cap.ok());
  if (!cap.ok()) return out;
  for (const auto& d : cap->datagrams()) {
    wire::Reader r(d.payload);
    if (!r.skip(48)) continue;
    // Anything up to 24 octets is the MAC (key ID + digest, digest §2.2).
    while (r.remaining() > 24) {
      const auto word = r.peek_u32();
      const std::size_t len = *word & 0xffff;
      auto field = r.sub(len);
      if (!field || len < 8) break;
      IdentityEf ef;
      ef.frame = d.number;
      ef.code = static_cast<std::uint16_t>((*field->u32() >> 16) & 0x3f);
      ef.response = (*word & 0x80000000u) != 0;
      field->skip(4);  // association ID
      if (ef.code == code && field->remaining() >= 12) {
        field->skip(4);  // timestamp
        ef.filestamp = *field->u32();
        const std::uint32_t vl = *field->u32();
        auto value = field->bytes(vl);
        EXPECT_TRUE(value.has_value()) << "frame " << d.number;
        if (value) ef.value.assign(value->begin(), value->end());
        out.push_back(std::move(ef));
      }
    }
  }
  return out;
}

// The client's IFF parameter file: the traditional "DSA PRIVATE KEY" layout
// SEQUENCE{0, p, q, g, v, 1} (digest §7.2; deps-probe §3.4).
inline IffParams load_iffpar(const std::string& fixture_path) {
  const std::string text = testing::read_text(testing::fixture(fixture_path));
  Botan::DataSource_Memory src(text);
  std::string label;
  const auto der = Botan::PEM_Code::decode(src, label);
  EXPECT_EQ(label, "DSA PRIVATE KEY");
  std::size_t version = 99;
  Botan::BigInt p, q, g, v, one;
  Botan::BER_Decoder(der)
      .start_cons(Botan::SEQUENCE)
      .decode(version)
      .decode(p)
      .decode(q)
      .decode(g)
      .decode(v)
      .decode(one)
      .end_cons()
      .verify_end();
  EXPECT_EQ(version, 0u);
  EXPECT_EQ(one, 1);
  return IffParams{p, q, g, std::nullopt, v};
}

inline std::unique_ptr<Botan::Private_Key> load_pkcs8(const std::string& fixture_path,
                                                      const std::string& password) {
  Botan::DataSource_Stream src(testing::fixture(fixture_path).string());
  return Botan::PKCS8::load_key(src, password);
}

// The server's IFF key: PKCS#8 DSA whose private value is b (v not stored).
inline IffParams load_iffkey(const std::string& fixture_path, const std::string& password) {
  auto key = load_pkcs8(fixture_path, password);
  const auto* dsa = dynamic_cast<const Botan::DSA_PrivateKey*>(key.get());
  EXPECT_NE(dsa, nullptr);
  if (!dsa) return {};
  return IffParams{dsa->group_p(), dsa->group_q(), dsa->group_g(), dsa->get_x(), std::nullopt};
}

// A GQ file as ntp-keygen writes it into an RSA key (digest §7.3): n, e = b,
// p = u, q = v, d and CRT slots 1. Botan refuses to build an RSA key from
// that, so the PKCS#8 layers are walked by hand: PEM, then (when a password
// is given) EncryptedPrivateKeyInfo + PBES2, then PrivateKeyInfo, then
// RSAPrivateKey. The client's gqpar file has 1 in the p and q slots.
inline GqParams load_gq(const std::string& fixture_path, const std::string& password) {
  const std::string text = testing::read_text(testing::fixture(fixture_path));
  Botan::DataSource_Memory src(text);
  std::string label;
  Botan::secure_vector<std::uint8_t> info = Botan::PEM_Code::decode(src, label);
  if (!password.empty()) {
    EXPECT_EQ(label, "ENCRYPTED PRIVATE KEY");
    Botan::AlgorithmIdentifier pbes;
    Botan::secure_vector<std::uint8_t> encrypted;
    Botan::BER_Decoder(info)
        .start_cons(Botan::SEQUENCE)
        .decode(pbes)
        .decode(encrypted, Botan::OCTET_STRING)
        .end_cons();
    info = Botan::pbes2_decrypt(encrypted, password, pbes.get_parameters());
  } else {
    EXPECT_EQ(label, "PRIVATE KEY");
  }
  std::size_t version = 99;
  Botan::AlgorithmIdentifier algorithm;
  Botan::secure_vector<std::uint8_t> rsa_der;
  Botan::BER_Decoder(info)
      .start_cons(Botan::SEQUENCE)
      .decode(version)
      .decode(algorithm)
      .decode(rsa_der, Botan::OCTET_STRING)
      .end_cons();
  EXPECT_EQ(algorithm.get_oid(), Botan::OID("1.2.840.113549.1.1.1"));  // rsaEncryption
  Botan::BigInt n, e, d, p, q, dp, dq, qinv;
  Botan::BER_Decoder(rsa_der)
      .start_cons(Botan::SEQUENCE)
      .decode(version)
      .decode(n)
      .decode(e)
      .decode(d)
      .decode(p)
      .decode(q)
      .decode(dp)
      .decode(dq)
      .decode(qinv)
      .end_cons();
  EXPECT_EQ(d, 1);
  GqParams params{n, e, std::nullopt, std::nullopt};
  if (p != 1) params.u = p;
  if (q != 1) params.v = q;
  return params;
}

inline Botan::RandomNumberGenerator& rng() {
  static Botan::AutoSeeded_RNG instance;
  return instance;
}

}  // namespace ak::crypto::idtest
