// The transition table is the single description of the state machine:
// these tests hold it to digest §9.2 and keep it introspectable for docs/.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/transitions.h"
#include "wire/flags.h"

namespace ak::core {
namespace {

namespace cf = wire::crypto_flag;

TEST(TransitionTable, HasExactlyOneRowPerEventWithAHandlerName) {
  std::set<Event> seen;
  for (const auto& row : transition_table()) {
    EXPECT_TRUE(seen.insert(row.event).second) << to_string(row.event);
    EXPECT_FALSE(row.handler.empty());
    EXPECT_FALSE(row.source.empty());
    EXPECT_NE(row.accepted_in, 0u);
  }
  EXPECT_EQ(seen.size(), kEventCount);
}

TEST(TransitionTable, EveryStateAndEventHasADistinctName) {
  std::set<std::string> names;
  for (std::size_t s = 0; s < kStateCount; ++s) names.insert(std::string(to_string(static_cast<State>(s))));
  EXPECT_EQ(names.size(), kStateCount);
  names.clear();
  for (std::size_t e = 0; e < kEventCount; ++e) names.insert(std::string(to_string(static_cast<Event>(e))));
  EXPECT_EQ(names.size(), kEventCount);
}

TEST(RequestRules, FollowDigestNinePointTwoFirstMatchOrderForTheIffFixture) {
  // Fixture iff-md5-512, packets 1..17: ASSOC, CERT, IFF, COOK, (none while
  // unsynchronized), SIGN, LEAP, then none.
  const std::uint32_t status = 0x00080023;
  EXPECT_EQ(state_of(0, false), State::Unassociated);
  EXPECT_EQ(request_for(State::Unassociated), wire::Opcode::Assoc);
  std::uint32_t f = status | cf::kAuto;
  EXPECT_EQ(state_of(f, false), State::CertificateTrail);
  f |= cf::kCert;
  EXPECT_EQ(state_of(f, false), State::IdentityProof);
  f |= cf::kVrfy;
  EXPECT_EQ(state_of(f, false), State::CookieExchange);
  f |= cf::kCook | cf::kProv;
  EXPECT_EQ(state_of(f, false), State::Unsynchronized);
  EXPECT_EQ(request_for(State::Unsynchronized), std::nullopt);
  EXPECT_EQ(state_of(f, true), State::CertificateSigning);
  f |= cf::kSign;
  EXPECT_EQ(state_of(f, true), State::LeapsecondExchange);
  f |= cf::kLeap;
  EXPECT_EQ(f, 0x87f23u);
  EXPECT_EQ(state_of(f, true), State::Complete);
  EXPECT_EQ(request_for(State::Complete), std::nullopt);
}

TEST(RequestRules, SymmetricPeersAskForTheCookieOnlyWhenBothClocksAreSynchronized) {
  const std::uint32_t f = 0x00080003 | cf::kCert | cf::kVrfy;
  EXPECT_EQ(state_of(f, false, RequestTable::Symmetric), State::AutokeyExchange);
  EXPECT_EQ(state_of(f, true, RequestTable::Symmetric), State::CookieExchange);
  // Digest §9.2 symmetric rule 4: the peer's leap indicator counts too; until
  // it says synchronized the AUTO row comes first.
  EXPECT_EQ(state_of(f, true, RequestTable::Symmetric, false), State::AutokeyExchange);
  EXPECT_EQ(state_of(f | cf::kAuto | cf::kProv, true, RequestTable::Symmetric, false), State::CertificateSigning);
  // The client table never reads it.
  EXPECT_EQ(state_of(f, true, RequestTable::Client, false), State::CookieExchange);
}

TEST(TransitionTable, AutokeyValuesAreTakenWhileTheCookieIsStillDark) {
  // A symmetric association asks for them before its cookie (rule 4), and a
  // peer pushes new ones whenever its list changes (digest §6.8).
  EXPECT_TRUE(accepts(transition_for(Event::AutoResponse), State::CookieExchange));
  EXPECT_FALSE(accepts(transition_for(Event::AutoResponse), State::IdentityProof));
}

TEST(TransitionTable, ResponsesAreAcceptedOnlyInTheStateThatAskedForThem) {
  EXPECT_TRUE(accepts(transition_for(Event::CookResponse), State::CookieExchange));
  EXPECT_FALSE(accepts(transition_for(Event::CookResponse), State::Complete));
  EXPECT_FALSE(accepts(transition_for(Event::CertResponse), State::IdentityProof));
  EXPECT_FALSE(accepts(transition_for(Event::RefreshTimer), State::Unassociated));
  EXPECT_TRUE(accepts(transition_for(Event::CryptoNak), State::Complete));
  EXPECT_EQ(transition_for(Event::CryptoNak).lights, 0u);
  EXPECT_EQ(transition_for(Event::ErrorResponse).lights, 0u);
}

}  // namespace
}  // namespace ak::core
