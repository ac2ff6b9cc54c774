// The identity provers behind the responder (digest §5.7-§5.9, §7): GQ
// against the gq-sha1-1024 capture (where ntpd 4.2.8p15's own responses are
// defective and every proof failed) and MV with generated parameters (no
// interoperable MV fixture exists).
#include <botan/bigint.h>
#include <botan/system_rng.h>
#include <gtest/gtest.h>

#include "core/responder.h"
#include "crypto/gq.h"
#include "crypto/group_gen.h"
#include "crypto/iff.h"
#include "crypto/mv.h"
#include "crypto/signature.h"
#include "host_test_support.h"
#include "trace/trace.h"

namespace ak::core {
namespace {

using test::client_of;
using test::server_of;

RequestContext context(std::uint32_t now) {
  RequestContext ctx;
  ctx.client = test::client_address_v4();
  ctx.server = test::server_address_v4();
  ctx.now = now;
  return ctx;
}

TEST(ResponderIdentity, GqResponseToTheCapturedChallengeVerifiesWithTheClientParametersAndTheCertificateKey) {
  Host server = test::make_host(server_of("gq-sha1-1024"), test::ntpd_compatible_options());
  Host client = test::make_host(client_of("gq-sha1-1024"));
  server.update(4004702993);
  ASSERT_NE(client.gq_par(), nullptr);
  ASSERT_TRUE(server.certificate().subject_key_id.has_value());
  // The first GQ request of the capture.
  const auto cap = test::read_fixture_capture("gq-sha1-1024");
  std::optional<wire::IdentityRequest> req;
  std::uint32_t now = 0;
  for (const auto& d : cap.datagrams()) {
    const auto p = test::parse_packet(d.payload);
    if (p.fields.empty() || p.fields[0].response) continue;
    const auto m = test::decode_field(p.fields[0]);
    if (const auto* r = std::get_if<wire::IdentityRequest>(&m); r != nullptr && r->scheme == wire::IdentityScheme::Gq) {
      req = *r;
      now = test::ntp_seconds(d);
      break;
    }
  }
  ASSERT_TRUE(req.has_value());
  const Answer a = respond(wire::Message(*req), context(now), server);
  ASSERT_EQ(a.kind, Answer::Kind::Response) << (a.reason ? message(*a.reason) : "");
  const auto& resp = std::get<wire::IdentityResponse>(*a.message);
  EXPECT_EQ(resp.scheme, wire::IdentityScheme::Gq);
  EXPECT_EQ(resp.env.filestamp, server.gq_key()->filestamp);
  EXPECT_TRUE(crypto::verify_value(*server.certificate().public_key, server.sign_digest(), resp.env.timestamp,
                                   resp.env.filestamp, resp.response, resp.env.signature)
                  .ok());
  crypto::GqParams verifier = client.gq_par()->value;
  const auto& ski = *server.certificate().subject_key_id;
  verifier.v = Botan::BigInt(ski.data(), ski.size());
  EXPECT_TRUE(crypto::gq_verify(verifier, req->challenge, resp.response).ok());
  // Unlike ntpd 4.2.8p15's response, ours does not show its defect.
  auto defect = crypto::gq_shows_p15_defect(verifier, req->challenge, resp.response);
  ASSERT_TRUE(defect.ok());
  EXPECT_FALSE(*defect);
}

TEST(ResponderIdentity, UnsynchronizedServerSendsAnUnsignedProofWithZeroTimestamp) {
  Host server = test::make_host(server_of("iff-md5-512"));
  Host client = test::make_host(client_of("iff-md5-512"));
  const wire::Bytes challenge = crypto::iff_challenge(client.rng(), client.iff_par()->value);
  wire::IdentityRequest req;
  req.env.assoc_id = 7;
  req.challenge = challenge;
  const Answer a = respond(wire::Message(req), context(0), server);
  ASSERT_EQ(a.kind, Answer::Kind::Response);
  const auto& resp = std::get<wire::IdentityResponse>(*a.message);
  EXPECT_EQ(resp.env.timestamp, 0u);
  EXPECT_FALSE(resp.env.is_signed());
  EXPECT_EQ(resp.env.assoc_id, 7u);
  EXPECT_TRUE(crypto::iff_verify(client.iff_par()->value, challenge, resp.response).ok());
}

TEST(ResponderIdentity, MvServerProvesToItsClientButNotToARevokedOne) {
  Botan::System_RNG rng;
  const crypto::MvKeys mv = crypto::generate_mv(rng, 256, 2, {1});
  keys::LoadedKeys k = test::load_keys(server_of("tc-md5-512"));
  k.mv_key = keys::Stamped<crypto::MvParams>{mv.server, 4004704000u, {}, {}};
  auto host = Host::create(std::move(k), {}, test::seeded_random(5));
  ASSERT_TRUE(host.ok()) << describe(host.error());
  host->update(4004704001);
  EXPECT_TRUE(host->status().has(wire::crypto_flag::kMv));

  const wire::Bytes challenge = crypto::mv_challenge(rng, mv.clients[0]);
  wire::IdentityRequest req;
  req.scheme = wire::IdentityScheme::Mv;
  req.env.assoc_id = 9;
  req.challenge = challenge;
  const Answer a = respond(wire::Message(req), context(4004704002), *host);
  ASSERT_EQ(a.kind, Answer::Kind::Response) << (a.reason ? message(*a.reason) : "");
  const auto& resp = std::get<wire::IdentityResponse>(*a.message);
  EXPECT_EQ(resp.env.filestamp, 4004704000u);
  EXPECT_TRUE(crypto::mv_verify(mv.clients[0], challenge, resp.response).ok());
  const auto revoked = crypto::mv_verify(mv.clients[1], challenge, resp.response);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error(), crypto::IdentityError::ProofRejected);

  // A challenge outside [1, p-1] is refused before any exponentiation.
  req.challenge.assign(challenge.size(), 0xff);
  EXPECT_EQ(respond(wire::Message(req), context(4004704002), *host).reason, ResponderError::IdentityChallengeRange);
}

TEST(ResponderIdentity, TwoResponsesToTheSameChallengeUseFreshNonces) {
  Host server = test::make_host(server_of("iff-md5-512"));
  Host client = test::make_host(client_of("iff-md5-512"));
  wire::IdentityRequest req;
  req.challenge = crypto::iff_challenge(client.rng(), client.iff_par()->value);
  const Answer a = respond(wire::Message(req), context(4004703025), server);
  const Answer b = respond(wire::Message(req), context(4004703025), server);
  ASSERT_EQ(a.kind, Answer::Kind::Response);
  ASSERT_EQ(b.kind, Answer::Kind::Response);
  EXPECT_NE(a.field, b.field);
  EXPECT_TRUE(crypto::iff_verify(client.iff_par()->value, req.challenge,
                                 std::get<wire::IdentityResponse>(*b.message).response)
                  .ok());
}

}  // namespace
}  // namespace ak::core
