// Golden data: every datagram ntpd 4.2.8p15 put on the wire in the fixtures
// parses, decodes, and goes back to the very same octets.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "capture/capture.h"
#include "testing/fixtures.h"
#include "wire/datagram.h"
#include "wire/messages/message.h"
#include "wire_test_util.h"

namespace ak::wire {
namespace {

const char* const kCaptures[] = {
    "iff-md5-512/exchange.pcap",      "tc-md5-512/exchange.pcap",     "gq-sha1-1024/exchange.pcap",
    "sym-tc-md5-512/exchange.pcap",   "bcast-tc-md5-512/exchange.pcap", "mode6-ntpq/ntpq-queries.pcap",
};

std::vector<capture::Datagram> datagrams(const std::string& rel) {
  auto cap = capture::read_capture(ak::testing::fixture(rel).string());
  EXPECT_TRUE(cap.ok()) << rel << ": " << (cap.ok() ? "" : cap.error());
  if (!cap.ok()) return {};
  return cap->datagrams();
}

// Packet N (1-based, as tshark counts) of a capture, parsed as an NTP packet.
Packet packet(const std::string& rel, std::size_t number) {
  for (const auto& d : datagrams(rel)) {
    if (d.number != number) continue;
    auto p = Packet::parse(d.payload);
    EXPECT_TRUE(p.ok()) << rel << " #" << number;
    return p.ok() ? *p : Packet{};
  }
  ADD_FAILURE() << rel << " has no packet " << number;
  return {};
}

template <class M>
M message(const Packet& p, std::size_t field) {
  if (field >= p.fields.size()) {
    ADD_FAILURE() << "no field " << field;
    return M{};
  }
  auto m = decode(p.fields[field]);
  if (!m.ok() || !std::holds_alternative<M>(*m)) {
    ADD_FAILURE() << "field " << field << " is not the expected message";
    return M{};
  }
  return std::get<M>(*m);
}

TEST(GoldenCaptures, EveryDatagramParsesAndReserializesByteIdentical) {
  std::size_t total = 0;
  for (const char* rel : kCaptures) {
    const auto list = datagrams(rel);
    EXPECT_FALSE(list.empty()) << rel;
    for (const auto& d : list) {
      SCOPED_TRACE(std::string(rel) + " packet " + std::to_string(d.number));
      auto parsed = parse_datagram(d.payload);
      ASSERT_TRUE(parsed.ok()) << name(parsed.error());
      auto out = serialize(*parsed);
      ASSERT_TRUE(out.ok()) << name(out.error());
      EXPECT_EQ(to_hex(*out), to_hex(d.payload));
      ++total;
    }
  }
  EXPECT_EQ(total, 28u + 16u + 20u + 33u + 23u + 19u);
}

TEST(GoldenCaptures, EveryExtensionFieldDecodesAndReencodesByteIdentical) {
  std::map<std::string, int> seen;
  for (const char* rel : kCaptures) {
    for (const auto& d : datagrams(rel)) {
      SCOPED_TRACE(std::string(rel) + " packet " + std::to_string(d.number));
      auto parsed = parse_datagram(d.payload);
      ASSERT_TRUE(parsed.ok());
      const auto* p = std::get_if<Packet>(&*parsed);
      if (!p) continue;
      // The walk accounts for every octet: header + fields + MAC.
      EXPECT_EQ(p->size(), d.payload.size());
      // ntpd always sends a 20-octet MAC in these captures (digest §2.1).
      ASSERT_TRUE(p->mac.has_value());
      EXPECT_EQ(p->mac->size(), 20u);
      std::size_t offset = NtpHeader::kSize;
      for (const auto& ef : p->fields) {
        auto m = decode(ef);
        ASSERT_TRUE(m.ok()) << summary(ef) << ": " << name(m.error());
        auto back = encode(*m);
        ASSERT_TRUE(back.ok()) << name(back.error());
        auto octets = back->serialize();
        ASSERT_TRUE(octets.ok());
        const ByteView original = ByteView(d.payload).subspan(offset, ef.length());
        EXPECT_EQ(to_hex(*octets), to_hex(original));
        offset += ef.length();
        ++seen[summary(ef)];
      }
      EXPECT_EQ(offset, p->authenticated_length());
    }
  }
  // Every message kind ntpd sent in the fixtures was exercised.
  for (const char* kind : {"ASSOC", "ASSOC-R", "CERT", "CERT-R", "COOK", "COOK-R", "AUTO", "AUTO-R", "LEAP",
                           "LEAP-R", "SIGN", "SIGN-R", "IFF", "IFF-R", "GQ", "GQ-R"})
    EXPECT_GT(seen[kind], 0) << kind;
}

TEST(GoldenCaptures, IffPacketOneIsTheClientsAssocRequest) {
  const Packet p = packet("iff-md5-512/exchange.pcap", 1);
  EXPECT_EQ(p.header.mode_enum(), Mode::Client);
  const auto m = message<AssocRequest>(p, 0);
  EXPECT_EQ(m.assoc_id, 20189u);
  EXPECT_EQ(m.timestamp, 0u);
  EXPECT_EQ(m.status.raw, 0x00080001u);
  EXPECT_EQ(m.name, "clientname@servername");
  EXPECT_EQ(p.fields[0].length(), 48u);
  EXPECT_EQ(p.authenticated_length(), 96u);
}

TEST(GoldenCaptures, IffPacketTwoAdvertisesTheServersIdentityScheme) {
  const auto m = message<AssocResponse>(packet("iff-md5-512/exchange.pcap", 2), 0);
  EXPECT_EQ(m.status.raw, 0x00080023u);
  EXPECT_EQ(m.timestamp, 4004702991u);
  EXPECT_EQ(m.name, "servername@servername");
}

TEST(GoldenCaptures, IffPacketFourCarriesTheServerCertificate) {
  const Packet p = packet("iff-md5-512/exchange.pcap", 4);
  const auto m = message<CertResponse>(p, 0);
  EXPECT_EQ(p.fields[0].length(), 456u);  // 24 + pad4(367) + 64
  EXPECT_EQ(m.certificate.size(), 367u);
  EXPECT_EQ(m.env.signature.size(), 64u);
  EXPECT_EQ(m.env.filestamp, 4004702989u);
}

TEST(GoldenCaptures, IffPacketEightIsTheCookieResponseOf152Octets) {
  const Packet p = packet("iff-md5-512/exchange.pcap", 8);
  EXPECT_EQ(p.header.mode_enum(), Mode::Server);
  const auto m = message<CookResponse>(p, 0);
  EXPECT_EQ(p.fields[0].length(), 152u);
  EXPECT_EQ(p.fields[0].field_type(), 0x8203);
  EXPECT_EQ(m.ciphertext.size(), 64u);
  EXPECT_EQ(m.env.timestamp, 4004703041u);
  EXPECT_EQ(m.env.filestamp, 4004702991u);
}

TEST(GoldenCaptures, IffPacketSeventeenIsAShortLeapRequest) {
  const Packet p = packet("iff-md5-512/exchange.pcap", 17);
  ASSERT_EQ(p.fields.size(), 1u);
  const Bytes first = *p.fields[0].serialize();
  EXPECT_EQ(to_hex(first), "0205000800004edd");
  EXPECT_EQ(message<LeapRequest>(p, 0).assoc_id, 20189u);
  EXPECT_EQ(p.size(), 48u + 8u + 20u);
}

TEST(GoldenCaptures, IffPacketEighteenIsAnAllZeroLeapResponse) {
  const auto m = message<LeapResponse>(packet("iff-md5-512/exchange.pcap", 18), 0);
  EXPECT_EQ(m.tai_offset, 0u);
  EXPECT_EQ(m.era_start, 0u);
  EXPECT_EQ(m.expiry, 0u);
  EXPECT_EQ(m.env.signature.size(), 64u);
}

TEST(GoldenCaptures, BroadcastPacketOneCarriesKeyIdThenSequence) {
  const Packet p = packet("bcast-tc-md5-512/exchange.pcap", 1);
  EXPECT_EQ(p.header.mode_enum(), Mode::Broadcast);
  const auto m = message<AutoResponse>(p, 0);
  EXPECT_EQ(m.env.assoc_id, 54233u);
  EXPECT_EQ(m.key_id, 0x7238009fu);
  EXPECT_EQ(m.sequence, 99u);
  EXPECT_EQ(m.env.timestamp, 4004704713u);
  EXPECT_EQ(m.env.filestamp, 4004704712u);
  EXPECT_EQ(p.fields[0].length(), 96u);
}

TEST(GoldenCaptures, SymmetricPacketTwoHasAssocResponseThenCertRequest) {
  const Packet p = packet("sym-tc-md5-512/exchange.pcap", 2);
  ASSERT_EQ(p.fields.size(), 2u);
  EXPECT_EQ(message<AssocResponse>(p, 0).assoc_id, 7958u);
  const auto cert = message<CertRequest>(p, 1);
  EXPECT_EQ(cert.subject, "peerb@grp");
  EXPECT_EQ(cert.env.filestamp, 4004704418u);
}

TEST(GoldenCaptures, GqPacketTwoNamesSha1InTheStatusWord) {
  const auto m = message<AssocResponse>(packet("gq-sha1-1024/exchange.pcap", 2), 0);
  EXPECT_EQ(m.status.signature_nid(), nid::kSha1WithRsa);
  EXPECT_EQ(m.status.identity_bits(), crypto_flag::kGq);
  const auto gq = message<IdentityResponse>(packet("gq-sha1-1024/exchange.pcap", 6), 0);
  EXPECT_EQ(gq.scheme, IdentityScheme::Gq);
  EXPECT_EQ(gq.env.signature.size(), 128u);
}

TEST(GoldenCaptures, ModeSixQueriesAreControlMessages) {
  std::size_t n = 0;
  for (const auto& d : datagrams("mode6-ntpq/ntpq-queries.pcap")) {
    auto parsed = parse_datagram(d.payload);
    ASSERT_TRUE(parsed.ok());
    ASSERT_TRUE(std::holds_alternative<ControlMessage>(*parsed)) << d.number;
    ++n;
  }
  EXPECT_EQ(n, 19u);
}

TEST(GoldenCaptures, FieldsReadFromAReaderAccountForEveryOctet) {
  // consumed + rest == input at every step of the walk.
  for (const auto& d : datagrams("iff-md5-512/exchange.pcap")) {
    Reader r(d.payload);
    ASSERT_TRUE(NtpHeader::parse(r).ok());
    while (r.remaining() > kMaxMacLength) {
      const std::size_t before = r.consumed();
      auto ef = ExtensionField::parse(r);
      ASSERT_TRUE(ef.ok());
      EXPECT_EQ(r.consumed() - before, ef->length());
      EXPECT_EQ(r.consumed() + r.rest().size(), d.payload.size());
    }
    EXPECT_EQ(r.remaining(), 20u);
  }
}

}  // namespace
}  // namespace ak::wire
