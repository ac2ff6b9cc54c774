// Property: the stateless Autokey server (core/responder.h) gives any
// request a bounded, well-formed answer and remembers nothing.
//
// Input: a datagram. If it parses as an NTP packet it goes through the whole
// server path (plan_server_reply / finish_server_reply, digest §10.2);
// otherwise it is read as a run of extension fields and each is answered on
// its own (respond), so the fuzzer reaches every request handler without
// framing a header first. Two fixture servers answer every input: IFF
// (synchronized, values signed) and TC (never synchronized, now = 0).
//
// Oracles (security-history §4 properties 1-7, 11, 16; §1.2 rows 4, 9, 10,
// 19):
//   * no crash, no over-read, no exception;
//   * a field with R or E set gets no answer; every other field gets one
//     whose code and association ID are the request's (except the ASSOC
//     name screen, a silent drop);
//   * a refusal is typed and at most 8 octets (no amplification);
//   * a value answer is a response of the request's kind that decodes, is
//     at most kMaxAnswer octets (SIGN: at most the request's length plus
//     kSignGrowth), and always fits a datagram with a MAC;
//   * the reply packet serialises, parses, is at most 2120 octets, answers
//     only the first field, and a crypto-NAK reply carries nothing else;
//   * the host is unchanged (same certificates, same update time).
// The two hosts are built once per process. Their RNG (OAEP padding,
// identity nonces) advances from input to input; no oracle depends on it,
// so a crash still reproduces from its input alone.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "core/responder.h"
#include "support/fixture_hosts.h"
#include "wire/packet.h"
#include "support/check.h"

namespace {

using namespace ak;
using ak::core::Answer;

// Largest value answer other than SIGN: a CERT response with the host's
// certificate (a few hundred octets for the fixtures) and its signature.
constexpr std::size_t kMaxAnswer = 1024;
// A SIGN answer is the requester's certificate re-issued by this host: the
// issuer name and signature may grow it.
constexpr std::size_t kSignGrowth = 768;

struct Server {
  core::Host host;
  std::uint32_t now;
};

Server& iff_server() {
  static Server s = [] {
    Server out{fuzz::fixture_host("iff-md5-512", true, 11), fuzz::kT0};
    out.host.update(fuzz::kT0);
    return out;
  }();
  return s;
}
Server& tc_server() {
  static Server s{fuzz::fixture_host("tc-md5-512", true, 12), 0};
  return s;
}

core::RequestContext context(const Server& s) {
  core::RequestContext ctx;
  ctx.client = fuzz::client_address();
  ctx.server = fuzz::server_address();
  ctx.now = s.now;
  return ctx;
}

void check_answer(const wire::ExtensionField& req, const Answer& a) {
  if (req.response || req.error) {
    AK_FUZZ_CHECK(a.kind == Answer::Kind::None);
    return;
  }
  // The one silent drop (digest §9.7): a host with a group ignores an ASSOC
  // name without '@' or longer than ntpd's 257-octet buffer.
  if (!a.has_field()) {
    AK_FUZZ_CHECK(a.reason == core::ResponderError::AssocNameScreened &&
                  req.code == static_cast<std::uint8_t>(wire::Opcode::Assoc));
    return;
  }
  AK_FUZZ_CHECK(a.field.code == req.code && a.field.assoc_id == req.assoc_id);
  AK_FUZZ_CHECK(a.field.response);
  if (a.kind != Answer::Kind::Response) {
    AK_FUZZ_CHECK(a.reason.has_value() && core::message(*a.reason) != nullptr);
    AK_FUZZ_CHECK(a.field.length() == wire::kShortFormLength);
    AK_FUZZ_CHECK(a.field.error == (a.kind == Answer::Kind::ErrorResponse));
    return;
  }
  AK_FUZZ_CHECK(!a.field.error);
  const std::size_t cap = req.code == static_cast<std::uint8_t>(wire::Opcode::Sign) ? req.length() + kSignGrowth
                                                                                     : kMaxAnswer;
  AK_FUZZ_CHECK(a.field.length() <= cap);
  AK_FUZZ_CHECK(wire::kMaxPacketLength >= 48 + a.field.length() + wire::kMaxMacLength);
  // The one value answer without a typed form: LEAP from a host that never
  // updated its values (vl = 0, as ntpd sends it; core/responder.h Answer).
  if (!a.message) {
    AK_FUZZ_CHECK(req.code == static_cast<std::uint8_t>(wire::Opcode::Leap));
    return;
  }
  auto decoded = wire::decode(a.field);
  AK_FUZZ_CHECK(decoded.ok() && wire::is_response(*decoded) && !wire::is_error(*decoded));
  AK_FUZZ_CHECK(*a.message == *decoded);
}

void answer_fields(Server& s, wire::ByteView input) {
  const auto ctx = context(s);
  wire::Reader r(input);
  for (int n = 0; n < 8 && !r.empty(); ++n) {
    auto ef = wire::ExtensionField::parse(r);
    if (!ef) return;
    check_answer(*ef, core::respond(*ef, ctx, s.host));
  }
}

void answer_packet(Server& s, const wire::Packet& request) {
  const auto ctx = context(s);
  const core::ServerReply plan = core::plan_server_reply(request, ctx, s.host);
  if (plan.answer) {
    AK_FUZZ_CHECK(!request.fields.empty());
    check_answer(request.fields.front(), *plan.answer);
  }
  wire::Packet reply;
  reply.header.version = request.header.version;
  reply.header.mode = 4;
  reply.header.origin_ts = request.header.transmit_ts;
  reply.header.transmit_ts = std::uint64_t{fuzz::kT0} << 32;
  if (!core::finish_server_reply(reply, plan, ctx, s.host)) return;
  AK_FUZZ_CHECK(reply.fields.size() <= 1);
  if (plan.crypto_nak) AK_FUZZ_CHECK(reply.is_crypto_nak());
  auto bytes = reply.serialize();
  if (!bytes) return;
  AK_FUZZ_CHECK(bytes->size() <= wire::kMaxPacketLength);
  auto again = wire::Packet::parse(*bytes);
  AK_FUZZ_CHECK(again.ok() && *again == reply);
}

void serve(Server& s, const std::uint8_t* data, std::size_t size) {
  const std::size_t certs = s.host.certificates().size();
  const std::uint32_t updated = s.host.last_update();
  const wire::ByteView input(data, size);
  if (auto p = wire::Packet::parse(input))
    answer_packet(s, *p);
  else
    answer_fields(s, input);
  AK_FUZZ_CHECK(s.host.certificates().size() == certs && s.host.last_update() == updated);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    serve(iff_server(), data, size);
    serve(tc_server(), data, size);
  } catch (...) {
    std::abort();
  }
  return 0;
}
