// Hostile replies (security-history §1.2 rows that reach a client
// association): each is refused with a typed error and the association is
// left exactly as it was (security-history §4 property 8).
//
// The forger sits on the path: it sees the client's request (key ID and
// transmit time) and, since packets with fields use cookie 0 (digest §6.4),
// can compute a valid MAC. Only the Autokey checks stand in its way.
#include <gtest/gtest.h>

#include <random>

#include <botan/pubkey.h>
#include <botan/rsa.h>

#include "core/engine.h"
#include "core/tests/engine_test_support.h"
#include "core/tests/host_test_support.h"
#include "crypto/certificate.h"
#include "crypto/cookie.h"
#include "crypto/mac.h"
#include "crypto/session_key.h"
#include "wire/flags.h"

namespace ak::core::test {
namespace {

namespace cf = wire::crypto_flag;

// Everything a forged packet must not change.
struct Snapshot {
  std::uint32_t flags, remote_assoc, pcookie, hcookie, pkeyid;
  std::string subject, issuer;
  std::size_t trail;
  wire::Bytes challenge;
  bool has_key, has_autokey;
  std::uint32_t restarts;
  bool operator==(const Snapshot&) const = default;
};
Snapshot snap(const Association& a) {
  return {a.flags,  a.remote_assoc, a.pcookie,      a.hcookie,          a.pkeyid, a.subject, a.issuer,
          a.trail.size(), a.challenge, a.verification_cert.has_value(), a.autokey.has_value(), a.restarts};
}

class Hostile : public ::testing::Test {
 protected:
  Engine server{make_host(server_of("iff-md5-512"), {}, 21)};
  Engine client{make_host(client_of("iff-md5-512"), {}, 22)};
  std::uint32_t id = 0;
  std::uint32_t t = kT0;
  wire::Packet request;  // the client's last request, as the forger saw it

  void SetUp() override {
    (void)server.set_synchronized(kT0);
    PeerConfig cfg{server_address_v4(), client_address_v4(), PeerMode::Client, Scheme::Iff, "servername", 4};
    id = *client.mobilize(cfg, kT0);
  }

  const Association& assoc() const { return *client.association(id); }

  // Runs the honest exchange until the client's state is `s`, then lets the
  // client send its next request and keeps it (the server never sees it).
  void advance_to(State s) {
    if (assoc().state(client.synchronized()) != s) {
      Net net(9);
      net.add(server, server_address_v4());
      net.add(client, client_address_v4(), true);
      t = net.run(t, t + 900, [&] { return assoc().state(client.synchronized()) == s && net.in_flight() == 0; });
      t = assoc().next_poll;
    }
    ASSERT_EQ(assoc().state(client.synchronized()), s);
    for (const auto& a : client.handle_timer(t)) {
      if (auto* snd = std::get_if<Send>(&a)) request = *wire::Packet::parse(snd->bytes);
    }
  }

  // A reply to `request` carrying `fields`, MAC'd as the server would.
  wire::Bytes forge(std::vector<wire::ExtensionField> fields, std::optional<std::uint32_t> key_id = {}) {
    wire::Packet p;
    p.header.mode = 4;
    p.header.stratum = 3;
    p.header.origin_ts = request.header.transmit_ts;
    p.header.transmit_ts = std::uint64_t{t} << 32;
    p.fields = std::move(fields);
    const std::uint32_t kid = key_id.value_or(request.mac->key_id);
    const std::uint32_t cookie = p.fields.empty() ? assoc().pcookie : 0;
    const auto sk = crypto::session_key(server_address_v4(), client_address_v4(), kid, cookie);
    wire::Writer w;
    (void)p.header.serialize(w);
    for (const auto& ef : p.fields) (void)ef.serialize(w);
    p.mac = wire::Mac{kid, crypto::mac_digest(sk.key, w.take())};
    auto bytes = p.serialize();
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : wire::Bytes{};
  }

  // Delivers and returns the typed error it was refused with.
  std::optional<AssocError> deliver(const wire::Bytes& bytes) {
    const Snapshot before = snap(assoc());
    (void)client.handle_datagram(bytes, server_address_v4(), client_address_v4(), t);
    EXPECT_TRUE(snap(assoc()) == before) << "association state changed";
    return assoc().last_error;
  }

  // A signed value structure as the server would sign it.
  wire::Envelope signed_env(std::uint32_t ts, std::uint32_t fs, wire::ByteView value) {
    wire::Envelope env{id, ts, fs, {}};
    env.signature = *server.host().sign(ts, fs, value);
    return env;
  }
};

TEST_F(Hostile, CookResponseWithForgedSignatureIsRefused) {  // row 1 (CVE-2009-0021)
  advance_to(State::CookieExchange);
  wire::CookResponse m;
  m.ciphertext = wire::Bytes(64, 0x11);
  m.env = wire::Envelope{id, t, t - 1, wire::Bytes(64, 0xff)};
  EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::SignatureInvalid);
  m.env.signature = wire::Bytes(63, 0xff);
  EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::SignatureLength);
  m.env.signature.clear();
  EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::SignatureMissing);  // row 25: siglen 0 on a signed message
}

TEST_F(Hostile, CookieOfAnyLengthButFourIsRefusedEvenWhenSigned) {  // row 7 (CVE-2014-9295)
  advance_to(State::CookieExchange);
  const auto& client_key = client.host().host_key();
  for (std::size_t n : {0u, 3u, 5u, 22u}) {
    wire::Bytes plain(n, 0x42);
    // Encrypt n octets directly: the cookie helper only makes 4-octet ones.
    Botan::PK_Encryptor_EME e(client_key, server.host().rng(), "OAEP(SHA-160)");
    const auto ct = e.encrypt(plain, server.host().rng());
    wire::CookResponse m;
    m.ciphertext = ct;
    m.env = signed_env(t, t - 1, m.ciphertext);
    EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::CookieInvalid) << n << " octets";
  }
}

TEST_F(Hostile, PacketWithBadMacChangesNothing) {  // rows 8, 13 (CVE-2014-9296, CVE-2015-1799)
  advance_to(State::CertificateTrail);
  wire::Bytes bytes = forge({});
  bytes[bytes.size() - 1] ^= 1;
  EXPECT_EQ(deliver(bytes), AssocError::MacMismatch);
  wire::Packet p = *wire::Packet::parse(bytes);
  p.header.leap = 1;
  EXPECT_EQ(deliver(*p.serialize()), AssocError::MacMismatch);
}

TEST_F(Hostile, ThousandCryptoNaksNeitherClearNorDemobilize) {  // rows 12, 14 (CVE-2016-1547)
  advance_to(State::CookieExchange);
  wire::Packet nak;
  nak.header.mode = 4;
  nak.header.origin_ts = request.header.transmit_ts;
  nak.mac = wire::Mac{0, {}};
  const wire::Bytes bytes = *nak.serialize();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(deliver(bytes), AssocError::CryptoNak);
  EXPECT_NE(client.association(id), nullptr);
  EXPECT_TRUE(assoc().has(cf::kVrfy));
}

TEST_F(Hostile, KeyIdsAtTheEdgesOfTheAutokeyRangeAreRefused) {  // row 17 (bug 3036)
  advance_to(State::CertificateTrail);
  EXPECT_EQ(deliver(forge({}, 0x00010000u)), AssocError::KeyIdNotExpected);
  EXPECT_EQ(deliver(forge({}, 0xffffffffu)), AssocError::KeyIdNotExpected);
  EXPECT_EQ(deliver(forge({}, 0x0000ffffu)), AssocError::NotAutokey);
}

TEST_F(Hostile, AssocResponseWithLongOrGrouplessNameIsRefused) {  // rows 2, 5 (CVE-2009-1252, bug 2052)
  advance_to(State::Unassociated);
  wire::AssocResponse m;
  m.assoc_id = id;
  m.status = wire::StatusWord::make(wire::nid::kMd5WithRsa, cf::kEnab | cf::kTai | cf::kIff);
  m.name = std::string(512, 'A');
  EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::GroupMismatch);
  m.name = "evil@othergroup";
  EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::GroupMismatch);
  // 513 octets do not even decode (MAXHOSTNAME).
  wire::ValueStructure vs{0, m.status.raw, wire::Bytes(513, 'A'), {}};
  EXPECT_EQ(deliver(forge({wire::make_long_field(wire::Opcode::Assoc, true, id, vs)})),
            AssocError::FieldUndecodable);
}

TEST_F(Hostile, AssocStatusWithUnknownDigestOrWithoutOurSchemeIsRefused) {  // row 26; property 14
  advance_to(State::Unassociated);
  wire::AssocResponse m;
  m.assoc_id = id;
  m.name = "servername@servername";
  for (std::uint16_t nid : {0, 0xffff}) {
    m.status = wire::StatusWord::make(nid, cf::kEnab | cf::kIff);
    EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::UnsupportedDigest) << nid;
  }
  // Downgrade: the server "forgets" IFF; we were configured for IFF.
  m.status = wire::StatusWord::make(wire::nid::kMd5WithRsa, cf::kEnab | cf::kTai);
  EXPECT_EQ(deliver(forge({m.to_field()})), AssocError::IdentitySchemeNotOffered);
  // A status word claiming our progress bits gives none of them.
  m.status = wire::StatusWord{(wire::nid::kMd5WithRsa << 16) | 0x7f00u | cf::kEnab | cf::kIff};
  (void)client.handle_datagram(forge({m.to_field()}), server_address_v4(), client_address_v4(), t);
  EXPECT_EQ(assoc().flags & cf::kAll, cf::kAuto | cf::kLeap);
}

TEST_F(Hostile, WrappingLengthsAndErrorFieldsAreRefused) {  // rows 9, 10, 20, 25
  advance_to(State::CertificateTrail);
  // vl = 0xFFFFFFFD in a 28-octet CERT response (row 9a).
  wire::ExtensionField ef;
  ef.response = true;
  ef.code = static_cast<std::uint8_t>(wire::Opcode::Cert);
  ef.assoc_id = id;
  ef.body = {0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(deliver(forge({ef})), AssocError::FieldUndecodable);
  // vl = 0x7FFFFFF0 with sl = 0x80000010 (row 9b).
  ef.body = {0, 0, 0, 1, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xf0, 0x80, 0, 0, 0x10, 0, 0, 0, 0};
  EXPECT_EQ(deliver(forge({ef})), AssocError::FieldUndecodable);
  // An error response never restarts (row 25: E bit).
  EXPECT_EQ(deliver(forge({wire::make_short_field(wire::Opcode::Cert, true, true, id)})), AssocError::ErrorResponse);
  // A response for another association (row 25: assoc != ours).
  wire::CertResponse c;
  c.certificate = server.host().certificate().der;
  c.env = wire::Envelope{id + 1, t, t - 1, {}};
  EXPECT_EQ(deliver(forge({c.to_field()})), AssocError::AssocIdMismatch);
  c.env.assoc_id = id;
  c.env.timestamp = 0;  // row 25: ts = 0
  EXPECT_EQ(deliver(forge({c.to_field()})), AssocError::TimestampZero);
  c.env.timestamp = 5;
  c.env.filestamp = 6;  // row 25: ts < fs
  EXPECT_EQ(deliver(forge({c.to_field()})), AssocError::TimestampBeforeFilestamp);
}

TEST_F(Hostile, ResponsesThatAnswerNoOutstandingRequestAreRefused) {  // rows 3, 21 (bug 1229, NEW-4)
  advance_to(State::CookieExchange);
  wire::CertResponse c;
  c.certificate = server.host().certificate().der;
  c.env = signed_env(t, t - 1, c.certificate);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(deliver(forge({c.to_field()})), AssocError::UnexpectedResponse);
  EXPECT_EQ(assoc().trail.size(), 1u);
}

TEST_F(Hostile, GarbageCertificateIsRefused) {  // rows 18, 23, 24 (NEW-1, NEW-6)
  advance_to(State::CertificateTrail);
  wire::CertResponse c;
  c.certificate = wire::Bytes(300, 'A');
  c.env = wire::Envelope{id, t, t - 1, {}};
  EXPECT_EQ(deliver(forge({c.to_field()})), AssocError::CertificateInvalid);
  // A valid certificate that is not the one asked for.
  c.certificate = client.host().certificate().der;
  c.env.filestamp = client.host().certificate_filestamp();
  EXPECT_EQ(deliver(forge({c.to_field()})), AssocError::CertificateNotRequested);
}

TEST_F(Hostile, IdentityResponseWithWrongProofOrFilestampIsRefused) {  // row 22 (NEW-5)
  advance_to(State::IdentityProof);
  wire::IdentityResponse r;
  r.scheme = wire::IdentityScheme::Iff;
  r.response = wire::Bytes(16, 0x30);
  r.env = signed_env(t, client.host().iff_par()->filestamp, r.response);
  EXPECT_EQ(deliver(forge({r.to_field()})), AssocError::IdentityProofRejected);
  r.env = signed_env(t, client.host().iff_par()->filestamp - 1, r.response);
  EXPECT_EQ(deliver(forge({r.to_field()})), AssocError::IdentityFilestamp);
  r.scheme = wire::IdentityScheme::Gq;
  EXPECT_EQ(deliver(forge({r.to_field()})), AssocError::UnexpectedResponse);
}

TEST_F(Hostile, ReplayedHonestReplyIsRefusedAfterItWasAccepted) {
  advance_to(State::CookieExchange);
  // Let the real server answer, then replay its answer.
  std::vector<wire::Bytes> replies;
  for (const auto& a : server.handle_datagram(*request.serialize(), client_address_v4(), server_address_v4(), t)) {
    if (auto* s = std::get_if<Send>(&a)) replies.push_back(s->bytes);
  }
  ASSERT_EQ(replies.size(), 1u);
  (void)client.handle_datagram(replies[0], server_address_v4(), client_address_v4(), t);
  ASSERT_TRUE(assoc().has(cf::kCook));
  EXPECT_EQ(deliver(replies[0]), AssocError::DuplicateReply);
  // After the next request it is simply an old key ID.
  (void)client.handle_timer(assoc().next_poll);
  t = assoc().next_poll;
  EXPECT_EQ(deliver(replies[0]), AssocError::KeyIdNotExpected);
}

// The honest server's reply to the request the client just sent.
wire::Bytes honest_reply(Engine& server, const wire::Packet& request, std::uint32_t t) {
  for (const auto& a : server.handle_datagram(*request.serialize(), client_address_v4(), server_address_v4(), t)) {
    if (auto* s = std::get_if<Send>(&a)) return s->bytes;
  }
  return {};
}

TEST_F(Hostile, NoSingleBitFlipOfAnHonestReplyChangesAnythingInAnyState) {
  for (State s : {State::Unassociated, State::CertificateTrail, State::IdentityProof, State::CookieExchange}) {
    advance_to(s);
    const wire::Bytes good = honest_reply(server, request, t);
    ASSERT_FALSE(good.empty());
    for (std::size_t bit = 0; bit < good.size() * 8; bit += 5) {
      wire::Bytes bad = good;
      bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      const Snapshot before = snap(assoc());
      const auto acts = client.handle_datagram(bad, server_address_v4(), client_address_v4(), t);
      ASSERT_TRUE(snap(assoc()) == before) << to_string(s) << " bit " << bit;
      for (const auto& a : acts) ASSERT_FALSE(std::holds_alternative<Sample>(a)) << to_string(s) << " bit " << bit;
    }
    // The honest reply still works afterwards.
    const std::uint32_t before = assoc().flags;
    (void)client.handle_datagram(good, server_address_v4(), client_address_v4(), t);
    EXPECT_NE(assoc().flags, before) << to_string(s);
    t = assoc().next_poll;
  }
}

TEST_F(Hostile, ForgedIntermediateCertificateOnlyDelaysTheTrail) {
  advance_to(State::CertificateTrail);
  // A certificate for the server's name, issued by a name the server does
  // not know; the forger can MAC it (cookie 0) but not make it verify.
  crypto::CertificateFields f;
  f.subject = "servername@servername";
  f.issuer = "evil@servername";
  f.serial = 1;
  f.not_before = crypto::unix_from_ntp_seconds(t - 100);
  f.not_after = f.not_before + 86400;
  const auto forged = crypto::make_certificate(f, client.host().host_key(), client.host().host_key(), client.host().rng());
  ASSERT_TRUE(forged.ok());
  wire::CertResponse c;
  c.certificate = forged->der;
  c.env = wire::Envelope{id, t, t - 100, {}};
  (void)client.handle_datagram(forge({c.to_field()}), server_address_v4(), client_address_v4(), t);
  EXPECT_EQ(assoc().issuer, "evil@servername");  // provisional only
  EXPECT_FALSE(assoc().has(cf::kCert));
  // The honest exchange resumes: the server has nothing for "evil", the
  // provisional trail is dropped, and the dance completes.
  Net net(10);
  net.add(server, server_address_v4());
  net.add(client, client_address_v4(), true);
  net.run(t + 1, t + 900, [&] { return assoc().flags == 0x87f23u; });
  EXPECT_EQ(assoc().flags, 0x87f23u);
  EXPECT_EQ(assoc().verification_cert->subject, "servername@servername");
  EXPECT_TRUE(crypto::same_certificate(*assoc().verification_cert, server.host().certificate()));
}

TEST_F(Hostile, ThousandsOfRandomFieldsWithValidMacsChangeNothing) {
  std::mt19937_64 gen(1234);
  auto byte = [&] { return static_cast<std::uint8_t>(gen() & 0xff); };
  for (State s : {State::Unassociated, State::CertificateTrail, State::IdentityProof, State::CookieExchange}) {
    advance_to(s);
    for (int i = 0; i < 600; ++i) {
      wire::ExtensionField ef;
      ef.response = (gen() & 3) != 0;
      ef.error = (gen() & 7) == 0;
      ef.version = (gen() & 15) == 0 ? static_cast<std::uint8_t>(gen() & 63) : wire::kAutokeyVersion;
      ef.code = static_cast<std::uint8_t>(gen() % 12);
      ef.assoc_id = (gen() & 1) ? id : static_cast<std::uint32_t>(gen());
      const std::size_t words = (gen() & 1) ? 0 : 4 + gen() % 40;
      for (std::size_t k = 0; k < words * 4; ++k) ef.body.push_back(byte());
      if (words && (gen() & 1)) {  // a plausible value structure with a random value length
        const std::uint32_t vl = static_cast<std::uint32_t>(gen() % (words * 4));
        ef.body[8] = static_cast<std::uint8_t>(vl >> 24);
        ef.body[9] = static_cast<std::uint8_t>(vl >> 16);
        ef.body[10] = static_cast<std::uint8_t>(vl >> 8);
        ef.body[11] = static_cast<std::uint8_t>(vl);
      }
      const wire::Bytes bytes = forge({ef});
      if (bytes.empty()) continue;  // a field the wire layer would not even send
      // deliver() checks that nothing changed; the only field let through
      // is the empty CERT response, which means "ask again" (digest §5).
      const bool empty_cert = ef.response && !ef.error && ef.is_short_form() && ef.version == 2 &&
                              ef.code == static_cast<std::uint8_t>(wire::Opcode::Cert);
      EXPECT_TRUE(deliver(bytes).has_value() || empty_cert) << to_string(s) << " #" << i << " " << wire::summary(ef);
    }
  }
}

}  // namespace
}  // namespace ak::core::test
