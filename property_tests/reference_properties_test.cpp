// Properties of the reference that the model's observation cannot see:
// which timestamps a client takes (RFC 5906 §10, digest §3.8 checks 6-9) and
// where the server's cookies come from (digest §6.5). Each runs the real
// engines of ReferenceSystem on the iff-md5-512 keys; each is what catches
// one of the mutants (docs/mutants.md).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>

#include "crypto/session_key.h"
#include "property.h"
#include "reference_system.h"
#include "wire/flags.h"

namespace ak::prop {
namespace {

namespace cf = wire::crypto_flag;
using model::Event;
using model::EventKind;
using wire::Opcode;

// The fair schedule: the client polls, the network delivers everything, the
// client's clock is set once its server is proventic (digest §9.3). Stops
// right after a client poll at which `stop` holds (its request still in
// flight), or after 40 rounds.
bool run_until(ReferenceSystem& ref, const std::function<bool()>& stop) {
  for (int round = 0; round < 40; ++round) {
    ref.apply(Event{EventKind::PollTimerFires, 0});
    if (stop()) return true;
    while (!ref.in_flight().empty()) ref.apply(Event{EventKind::NetworkDelivers, 0});
    if (ref.observe(0).proventic && !ref.engine(0).synchronized()) ref.apply(Event{EventKind::ClockSynchronizes, 0});
  }
  return stop();
}

// RFC 5906 §10 / digest §3.8 checks 6-7: a value whose timestamp is zero
// (never signed by a synchronized host) or older than its own filestamp is
// refused even when the signature over it verifies: the signature says who,
// the timestamp says when, and a value from "before its file existed" is a
// replay or a broken clock. The honest server's reply to the client's
// IFF, COOK, SIGN or LEAP request is signed again by the server with such a
// timestamp; the client must take nothing from it.
AK_PROPERTY(ReferenceTimestamps, ValueSignedWithZeroOrPreFilestampTimeChangesNothing, 0.02, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const Opcode target = *rc::gen::element(Opcode::Iff, Opcode::Cook, Opcode::Sign, Opcode::Leap);
  const bool zero = *rc::gen::arbitrary<bool>();
  ReferenceSystem ref(model::Configuration::ClientServer, seed);
  RC_ASSERT(run_until(ref, [&] { return ref.observe(0).outstanding == target; }));
  RC_ASSERT(ref.in_flight().size() == 1u);
  ref.apply(Event{EventKind::NetworkDelivers, 0, 0});  // the server answers
  RC_ASSERT(ref.in_flight().size() == 1u);
  const auto before = ref.observe(0);
  // The reply's filestamp, to go one second before it.
  auto reply = wire::Packet::parse(ref.in_flight().front().bytes);
  RC_ASSERT(reply.ok() && !reply->fields.empty());
  auto vs = wire::ValueStructure::parse(reply->fields.front().body);
  RC_ASSERT(vs.ok());
  const std::uint32_t ts = (zero || vs->filestamp == 0) ? 0 : vs->filestamp - 1;
  RC_CLASSIFY(ts == 0, "zero timestamp");
  RC_ASSERT(ref.resign_first_field(0, ts));
  ref.apply(Event{EventKind::NetworkDelivers, 0, 0});
  const auto after = ref.observe(0);
  if (!(after == before)) {
    RC_FAIL(std::string(wire::name(target)) + " response signed at " + std::to_string(ts) + " (filestamp " +
            std::to_string(vs->filestamp) + ") was taken: " + model::to_string(before) + " -> " +
            model::to_string(after));
  }
}

// Digest §6.5: the server cookie is H(client, server, 0, seed) with a random
// seed (RFC 5906 §6), so the cookie a client holds is not computable from
// the two addresses (ntpd 4.2.8p15's seed 0), and a restarted server hands
// the same client a different one.
AK_PROPERTY(CookieSeed, ServerCookieIsNotAFunctionOfTheAddressesAlone, 0.01, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  ReferenceSystem ref(model::Configuration::ClientServer, seed);
  auto cookie_lit = [&] { return (ref.observe(0).progress & cf::kCook) != 0; };
  RC_ASSERT(run_until(ref, cookie_lit));
  const std::uint32_t first = ref.client_association()->pcookie;
  const std::uint32_t seed_zero =
      crypto::server_cookie(ReferenceSystem::client_address(), ReferenceSystem::server_address(), 0);
  RC_ASSERT(first != seed_zero);
  ref.apply(Event{EventKind::HostRestarts, 1});
  ref.apply(Event{EventKind::ClockSynchronizes, 1});
  ref.apply(Event{EventKind::RefreshTimerFires, 0});
  RC_ASSERT(run_until(ref, cookie_lit));
  const std::uint32_t second = ref.client_association()->pcookie;
  RC_ASSERT(second != first);
}

}  // namespace
}  // namespace ak::prop
