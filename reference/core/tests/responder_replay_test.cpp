// The replay oracle: our Responder answers the client requests of real
// ntpd 4.2.8p15 sessions, and its replies are compared with ntpd's.
//
// ASSOC, CERT, SIGN and LEAP responses (and every reply without a field) are
// deterministic — RSA PKCS#1 v1.5 signatures, the zero-seed cookie in the
// MAC keys — so the whole reply datagram, MAC included, must equal ntpd's
// octet for octet once our Host has signed its values at the instant the
// server did (the ASSOC response timestamp). COOK and IFF responses carry
// randomness (OAEP padding, the prover's nonce); they are spliced into the
// capture in place of ntpd's and the trace verifier, holding both ends' key
// files, must find every cookie, proof, signature and MAC good.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <map>
#include <string>

#include "core/responder.h"
#include "crypto/cookie.h"
#include "crypto/iff.h"
#include "crypto/signature.h"
#include "host_test_support.h"
#include "trace/trace.h"

namespace ak::core {
namespace {

using test::client_of;
using test::server_of;

struct Replayed {
  std::size_t request_number = 0;
  std::optional<wire::Opcode> opcode;  // of the request's first field
  Answer answer;
  wire::Bytes ours;    // our reply datagram
  wire::Bytes ntpds;   // ntpd's
};

struct ReplayRun {
  capture::Capture spliced;  // the capture with our replies in place of ntpd's
  std::vector<Replayed> replies;
  std::uint32_t update_time = 0;
};

// The server's signature update: the timestamp of its first ASSOC response.
std::uint32_t server_update_time(const capture::Capture& cap) {
  for (const auto& d : cap.datagrams()) {
    const auto p = test::parse_packet(d.payload);
    if (p.header.mode_enum() != wire::Mode::Server || p.fields.empty()) continue;
    const auto m = test::decode_field(p.fields.front());
    if (const auto* a = std::get_if<wire::AssocResponse>(&m)) return a->timestamp;
  }
  ADD_FAILURE() << "no ASSOC response in the capture";
  return 0;
}

ReplayRun replay(const std::string& folder, Host& host, std::optional<std::uint32_t> update_time = std::nullopt,
                 std::function<const wire::AutoResponse*(std::uint32_t)> autokey_values = {}) {
  ReplayRun run;
  run.spliced = test::read_fixture_capture(folder);
  run.update_time = update_time ? *update_time : server_update_time(run.spliced);
  host.update(run.update_time);

  auto& frames = run.spliced.frames;
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    if (!frames[i].datagram || !frames[i + 1].datagram) continue;
    const auto& req_d = *frames[i].datagram;
    auto& rep_d = *frames[i + 1].datagram;
    if (!(req_d.dst == test::server_address_v4()) || !(rep_d.src == test::server_address_v4())) continue;

    const wire::Packet request = test::parse_packet(req_d.payload);
    const wire::Packet ntpd_reply = test::parse_packet(rep_d.payload);
    RequestContext ctx;
    ctx.client = req_d.src;
    ctx.server = req_d.dst;
    ctx.now = test::ntp_seconds(rep_d);
    ctx.autokey_values = autokey_values;

    const ServerReply plan = plan_server_reply(request, ctx, host);
    EXPECT_FALSE(plan.crypto_nak) << folder << " packet " << req_d.number;
    EXPECT_FALSE(plan.unauthenticated) << folder << " packet " << req_d.number;
    // ntpd's header (times and system variables are not the responder's
    // business); our fields and MAC.
    wire::Packet ours;
    ours.header = ntpd_reply.header;
    EXPECT_TRUE(finish_server_reply(ours, plan, ctx, host).ok());
    auto bytes = ours.serialize();
    EXPECT_TRUE(bytes.ok());

    Replayed r;
    r.request_number = req_d.number;
    if (!request.fields.empty()) r.opcode = request.fields.front().opcode();
    if (plan.answer) r.answer = *plan.answer;
    r.ntpds = rep_d.payload;
    if (bytes) r.ours = *bytes;
    rep_d.payload = r.ours;
    run.replies.push_back(std::move(r));
  }
  return run;
}

const Replayed* find(const ReplayRun& run, wire::Opcode op) {
  for (const auto& r : run.replies)
    if (r.opcode == op) return &r;
  return nullptr;
}

trace::TraceKeys both_ends(const std::string& folder) {
  return trace::load_trace_keys({{testing::fixture(folder + "/client"), "client_password"},
                                 {testing::fixture(folder + "/server"), "server_password"}});
}

const trace::Check* find_check(const trace::Report& r, std::size_t packet, trace::CheckKind kind) {
  for (const auto& p : r.packets)
    if (p.number == packet)
      for (const auto& c : p.checks)
        if (c.kind == kind) return &c;
  return nullptr;
}

void expect_deterministic_replies_identical(const ReplayRun& run, const std::string& folder) {
  std::size_t compared = 0;
  for (const auto& r : run.replies) {
    const bool random_value = r.opcode == wire::Opcode::Cook || r.opcode == wire::Opcode::Iff ||
                              r.opcode == wire::Opcode::Gq || r.opcode == wire::Opcode::Mv;
    if (random_value) continue;
    EXPECT_EQ(wire::to_hex(r.ours), wire::to_hex(r.ntpds))
        << folder << ": reply to packet " << r.request_number << " ("
        << (r.opcode ? std::string(wire::name(*r.opcode)) : std::string("no field")) << ")";
    ++compared;
  }
  EXPECT_GT(compared, 0u);
}

TEST(ResponderReplay, IffSessionAssocCertSignAndLeapRepliesAreByteIdenticalToNtpd) {
  Host host = test::make_host(server_of("iff-md5-512"), test::ntpd_compatible_options());
  const ReplayRun run = replay("iff-md5-512", host);
  EXPECT_EQ(run.update_time, 4004702991u);
  for (auto op : {wire::Opcode::Assoc, wire::Opcode::Cert, wire::Opcode::Sign, wire::Opcode::Leap}) {
    const Replayed* r = find(run, op);
    ASSERT_NE(r, nullptr) << wire::name(op);
    EXPECT_EQ(r->answer.kind, Answer::Kind::Response) << wire::name(op);
    EXPECT_EQ(wire::to_hex(r->ours), wire::to_hex(r->ntpds)) << wire::name(op);
  }
  expect_deterministic_replies_identical(run, "iff-md5-512");
}

TEST(ResponderReplay, IffSessionWithOurCookAndIffRepliesVerifiesEndToEnd) {
  Host host = test::make_host(server_of("iff-md5-512"), test::ntpd_compatible_options());
  const ReplayRun run = replay("iff-md5-512", host);
  const Replayed* cook = find(run, wire::Opcode::Cook);
  const Replayed* iff = find(run, wire::Opcode::Iff);
  ASSERT_NE(cook, nullptr);
  ASSERT_NE(iff, nullptr);
  // Not ntpd's octets (fresh OAEP padding and prover nonce) ...
  EXPECT_NE(cook->ours, cook->ntpds);
  EXPECT_NE(iff->ours, iff->ntpds);
  // ... but the observer holding both ends' keys finds every check good.
  const auto keys = both_ends("iff-md5-512");
  EXPECT_TRUE(keys.errors.empty());
  const auto report = trace::verify(run.spliced, keys);
  const auto totals = report.totals();
  EXPECT_EQ(totals.failures, 0u);
  EXPECT_EQ(totals.identity_ok, 1u);
  EXPECT_EQ(totals.macs_ok, totals.packets);
  EXPECT_EQ(totals.signatures_ok, 6u);
  // With the ntpd-compatible zero seed our cookie is ntpd's 8ac8a20a.
  const trace::Check* c = find_check(report, cook->request_number + 1, trace::CheckKind::Cookie);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->ok);
  EXPECT_NE(c->what.find("0x8ac8a20a"), std::string::npos) << c->what;
}

TEST(ResponderReplay, CookResponseDecryptsWithTheClientHostKeyToTheZeroSeedCookie) {
  Host server = test::make_host(server_of("iff-md5-512"), test::ntpd_compatible_options());
  Host client = test::make_host(client_of("iff-md5-512"));
  const ReplayRun run = replay("iff-md5-512", server);
  const Replayed* cook = find(run, wire::Opcode::Cook);
  ASSERT_NE(cook, nullptr);
  ASSERT_TRUE(cook->answer.message.has_value());
  const auto* resp = std::get_if<wire::CookResponse>(&*cook->answer.message);
  ASSERT_NE(resp, nullptr);
  auto cookie = crypto::decrypt_cookie(resp->ciphertext, client.host_key(), client.rng());
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(*cookie, 0x8ac8a20au);
  // Digest §5.3: ts = now, fs = the server's signature update; signed.
  EXPECT_EQ(resp->env.filestamp, 4004702991u);
  EXPECT_NE(resp->env.timestamp, 0u);
  EXPECT_TRUE(crypto::verify_value(*server.certificate().public_key, server.sign_digest(), resp->env.timestamp,
                                   resp->env.filestamp, resp->ciphertext, resp->env.signature)
                  .ok());
}

TEST(ResponderReplay, IffResponseProvesTheGroupKeyToTheClientParameters) {
  Host server = test::make_host(server_of("iff-md5-512"), test::ntpd_compatible_options());
  Host client = test::make_host(client_of("iff-md5-512"));
  ASSERT_NE(client.iff_par(), nullptr);
  const ReplayRun run = replay("iff-md5-512", server);
  const Replayed* iff = find(run, wire::Opcode::Iff);
  ASSERT_NE(iff, nullptr);
  ASSERT_TRUE(iff->answer.message.has_value());
  const auto* resp = std::get_if<wire::IdentityResponse>(&*iff->answer.message);
  ASSERT_NE(resp, nullptr);
  // The challenge is the captured request's.
  const auto cap = test::read_fixture_capture("iff-md5-512");
  const auto req_packet = test::parse_packet(cap.frames.at(iff->request_number - 1).datagram->payload);
  const auto req = std::get<wire::IdentityRequest>(test::decode_field(req_packet.fields.front()));
  EXPECT_TRUE(crypto::iff_verify(client.iff_par()->value, req.challenge, resp->response).ok());
  // Digest §5.7: the client requires fs == its iffpar filestamp.
  EXPECT_EQ(resp->env.filestamp, client.iff_par()->filestamp);
}

TEST(ResponderReplay, TcSessionDeterministicRepliesAreByteIdenticalAndTheWholeSessionVerifies) {
  Host host = test::make_host(server_of("tc-md5-512"), test::ntpd_compatible_options());
  const ReplayRun run = replay("tc-md5-512", host);
  for (auto op : {wire::Opcode::Assoc, wire::Opcode::Cert, wire::Opcode::Sign, wire::Opcode::Leap})
    ASSERT_NE(find(run, op), nullptr) << wire::name(op);
  expect_deterministic_replies_identical(run, "tc-md5-512");
  const auto totals = trace::verify(run.spliced, both_ends("tc-md5-512")).totals();
  EXPECT_EQ(totals.failures, 0u);
  EXPECT_EQ(totals.macs_ok, totals.packets);
}

TEST(ResponderReplay, ServerWithoutIdentityKeysAdvertisesNoIdentityBit) {
  Host host = test::make_host(server_of("tc-md5-512"), test::ntpd_compatible_options());
  EXPECT_EQ(host.status().identity_bits(), 0u);
  Host iff = test::make_host(server_of("iff-md5-512"), test::ntpd_compatible_options());
  EXPECT_EQ(iff.status().identity_bits(), wire::crypto_flag::kIff);
}

TEST(ResponderReplay, BroadcastServersAutokeyValuesAndUnicastRepliesAreByteIdenticalToNtpd) {
  Host host = test::make_host(server_of("bcast-tc-md5-512"), test::ntpd_compatible_options());
  const auto cap = test::read_fixture_capture("bcast-tc-md5-512");
  // Packet 1: the broadcast association's signed autokey values.
  const auto first = test::parse_packet(cap.frames.at(0).datagram->payload);
  const auto ntpd_auto = std::get<wire::AutoResponse>(test::decode_field(first.fields.at(0)));
  const std::uint32_t update = ntpd_auto.env.filestamp;  // the server's signature update
  host.update(update);
  auto ours = host.sign_autokey(ntpd_auto.env.assoc_id, ntpd_auto.key_id, ntpd_auto.sequence,
                                ntpd_auto.env.timestamp);
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(ours->to_field(), first.fields.at(0));

  const wire::AutoResponse values = *ours;
  const ReplayRun run = replay("bcast-tc-md5-512", host, update, [&](std::uint32_t id) {
    return id == values.env.assoc_id ? &values : nullptr;
  });
  for (auto op : {wire::Opcode::Cert, wire::Opcode::Auto, wire::Opcode::Sign, wire::Opcode::Leap}) {
    const Replayed* r = find(run, op);
    ASSERT_NE(r, nullptr) << wire::name(op);
    EXPECT_EQ(r->answer.kind, Answer::Kind::Response) << wire::name(op);
  }
  expect_deterministic_replies_identical(run, "bcast-tc-md5-512");
}

TEST(ResponderReplay, GqSessionWithOurProofsVerifiesWhereNtpdsFailed) {
  Host host = test::make_host(server_of("gq-sha1-1024"), test::ntpd_compatible_options());
  const ReplayRun run = replay("gq-sha1-1024", host);
  std::size_t gq_requests = 0;
  for (const auto& r : run.replies) {
    if (r.opcode == wire::Opcode::Gq) {
      ++gq_requests;
      EXPECT_EQ(r.answer.kind, Answer::Kind::Response) << "packet " << r.request_number;
    }
  }
  ASSERT_GT(gq_requests, 0u);
  expect_deterministic_replies_identical(run, "gq-sha1-1024");
  const auto totals = trace::verify(run.spliced, both_ends("gq-sha1-1024")).totals();
  // ntpd 4.2.8p15's GQ arithmetic is defective (digest §7.3): in the
  // original capture every proof fails; with our responder every one passes.
  EXPECT_EQ(totals.identity_ok, gq_requests);
  EXPECT_EQ(totals.failures, 0u);
}

TEST(ResponderReplay, SymmetricAssocResponseCarriesTheRespondersOwnIdAsNtpdSent) {
  // sym-tc-md5-512: peerb (24811) asks, peera answers with its own ID 7958
  // (digest §3.4) in the same packet as its CERT request.
  const test::FixtureSide peera{"sym-tc-md5-512", "a", "peera", "apw"};
  Host host = test::make_host(peera, test::ntpd_compatible_options());
  const auto cap = test::read_fixture_capture("sym-tc-md5-512");
  const auto request = test::parse_packet(cap.frames.at(0).datagram->payload);
  const auto& reply_d = *cap.frames.at(1).datagram;
  const auto reply = test::parse_packet(reply_d.payload);
  ASSERT_EQ(reply.fields.size(), 2u);
  const auto ntpd_assoc = std::get<wire::AssocResponse>(test::decode_field(reply.fields[0]));
  host.update(ntpd_assoc.timestamp);

  RequestContext ctx;
  ctx.client = reply_d.dst;
  ctx.server = reply_d.src;
  ctx.now = test::ntp_seconds(reply_d);
  ctx.own_assoc_id = 7958;
  const Answer a = respond(request.fields.at(0), ctx, host);
  ASSERT_EQ(a.kind, Answer::Kind::Response);
  EXPECT_EQ(a.field, reply.fields[0]);
  // The request peera sends alongside is built from the same host values.
  EXPECT_EQ(host.cert_request(7958, "peerb@grp", ctx.now).to_field(), reply.fields[1]);
}

TEST(ResponderReplay, SymmetricCookCarriesTheAssociationsHostCookie) {
  Host server = test::make_host(server_of("tc-md5-512"), test::ntpd_compatible_options());
  Host client = test::make_host(client_of("tc-md5-512"));
  server.update(4004704000);
  RequestContext ctx;
  ctx.client = test::client_address_v4();
  ctx.server = test::server_address_v4();
  ctx.now = 4004704001;
  ctx.host_cookie = 0x01020304;
  const Answer a = respond(wire::Message(client.cook_request(3)), ctx, server);
  ASSERT_EQ(a.kind, Answer::Kind::Response);
  const auto& resp = std::get<wire::CookResponse>(*a.message);
  auto cookie = crypto::decrypt_cookie(resp.ciphertext, client.host_key(), client.rng());
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(*cookie, 0x01020304u);
}

TEST(ResponderReplay, RandomSeedServerHandsOutACookieNoAddressHashPredicts) {
  Host server = test::make_host(server_of("iff-md5-512"), {}, 99);
  Host client = test::make_host(client_of("iff-md5-512"));
  server.update(4004702991);
  RequestContext ctx;
  ctx.client = test::client_address_v4();
  ctx.server = test::server_address_v4();
  ctx.now = 4004703041;
  const Answer a = respond(wire::Message(client.cook_request(20189)), ctx, server);
  ASSERT_EQ(a.kind, Answer::Kind::Response);
  auto cookie = crypto::decrypt_cookie(std::get<wire::CookResponse>(*a.message).ciphertext, client.host_key(),
                                       client.rng());
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(*cookie, server.server_cookie(ctx.client, ctx.server));
  EXPECT_NE(*cookie, 0x8ac8a20au);
}

}  // namespace
}  // namespace ak::core
