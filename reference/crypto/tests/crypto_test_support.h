// Test helpers shared by the crypto tests: a minimal walk of captured NTP
// packets (digest §2.2) and loaders for the fixture key and certificate files.
// The wire layer has the real parsers; these few lines only find the octets
// the crypto tests need.
#pragma once

#include <botan/data_src.h>
#include <botan/numthry.h>
#include <botan/pem.h>
#include <botan/pk_keys.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "capture/capture.h"
#include "testing/fixtures.h"
#include "wire/reader.h"

namespace ak::crypto::test {

struct Ef {
  std::uint32_t word = 0;  // first word: R, E, version, code, length
  std::uint32_t assoc = 0;
  wire::ByteView octets;  // the whole field

  std::uint8_t code() const { return static_cast<std::uint8_t>(word >> 16); }
  bool response() const { return (word & 0x80000000u) != 0; }
  bool long_form() const { return octets.size() >= 24; }
  std::uint32_t word_at(std::size_t off) const { return *wire::Reader(octets).peek_u32_at(off); }
  std::uint32_t timestamp() const { return word_at(8); }
  std::uint32_t filestamp() const { return word_at(12); }
  std::uint32_t vl() const { return word_at(16); }
  wire::ByteView value() const { return octets.subspan(20, vl()); }
  std::uint32_t sl() const { return word_at(20 + wire::pad4(vl())); }
  wire::ByteView signature() const { return octets.subspan(24 + wire::pad4(vl()), sl()); }
};

struct Packet {
  capture::Datagram datagram;
  std::size_t authlen = 0;  // octets covered by the MAC
  std::vector<Ef> efs;
  std::uint32_t key_id = 0;
  wire::ByteView mac_digest;  // the MAC after its key ID

  wire::ByteView authenticated() const { return wire::ByteView(datagram.payload).first(authlen); }
};

// Digest §2.2: after the 48-octet header, a word whose low 16 bits are an EF
// length while more than 24 octets remain; the rest is the MAC.
inline Packet split(const capture::Datagram& d) {
  Packet p;
  p.datagram = d;
  wire::Reader r(p.datagram.payload);
  EXPECT_TRUE(r.skip(48));
  while (r.remaining() > 24) {
    const auto word = *r.peek_u32();
    const std::size_t len = word & 0xffff;
    auto ef = r.bytes(len);
    EXPECT_TRUE(ef.has_value()) << "packet " << d.number;
    if (!ef) break;
    p.efs.push_back(Ef{word, *wire::Reader(*ef).peek_u32_at(4), *ef});
  }
  p.authlen = r.consumed();
  p.key_id = r.u32().value_or(0);
  p.mac_digest = r.rest();
  return p;
}

// Every datagram of a fixture capture, split; index i is frame i + 1.
inline std::vector<Packet> packets(const std::string& folder) {
  auto cap = capture::read_capture(testing::fixture(folder + "/exchange.pcap").string());
  EXPECT_TRUE(cap.ok());
  std::vector<Packet> out;
  if (!cap.ok()) return out;
  for (const auto& d : cap->datagrams()) out.push_back(split(d));
  return out;
}

inline const Packet& frame(const std::vector<Packet>& ps, std::size_t number) { return ps.at(number - 1); }

inline std::unique_ptr<Botan::Private_Key> load_private_key(const std::string& fixture_path,
                                                            const std::string& password) {
  Botan::DataSource_Stream src(testing::fixture(fixture_path).string());
  return Botan::PKCS8::load_key(src, password);
}

// A certificate file: two '#' lines, then a PEM CERTIFICATE.
inline wire::Bytes certificate_der(const std::string& fixture_path) {
  const std::string text = testing::read_text(testing::fixture(fixture_path));
  Botan::DataSource_Memory src(text);
  std::string label;
  const auto der = Botan::PEM_Code::decode(src, label);
  EXPECT_EQ(label, "CERTIFICATE");
  return wire::Bytes(der.begin(), der.end());
}

// An RSA key of any size: Botan 2 refuses to generate fewer than 1024 bits
// (deps-probe §3.2), but ntp-keygen's default host key is 512 bits.
inline std::unique_ptr<Botan::RSA_PrivateKey> make_rsa_key(Botan::RandomNumberGenerator& rng,
                                                           std::size_t bits) {
  if (bits >= 1024) return std::make_unique<Botan::RSA_PrivateKey>(rng, bits);
  const Botan::BigInt e(65537);
  Botan::BigInt p, q;
  do {
    p = Botan::random_prime(rng, bits / 2, e);
    q = Botan::random_prime(rng, bits - bits / 2, e);
  } while (p == q || (p * q).bits() != bits);
  return std::make_unique<Botan::RSA_PrivateKey>(p, q, e);
}

inline wire::Address addr(const char* text) { return *wire::Address::parse(text); }

}  // namespace ak::crypto::test
