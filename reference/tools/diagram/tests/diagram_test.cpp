// The figures autokey-diagram draws are read off the code: these tests pin
// the state diagram to the transition table and the layout figure to the
// extension-field serializer.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "diagram/diagram.h"
#include "wire/extension_field.h"
#include "wire/flags.h"

namespace {

using ak::core::RequestTable;
using ak::core::State;
using ak::diagram::StateEdge;
namespace cf = ak::wire::crypto_flag;

bool has_edge(const std::vector<StateEdge>& edges, State from, State to, const std::string& event,
              std::uint32_t lit) {
  return std::any_of(edges.begin(), edges.end(), [&](const StateEdge& e) {
    return e.from == from && e.to == to && e.event == event && e.lit == lit;
  });
}

TEST(StateDiagram, ClientDanceWalksTheRequestRulesInOrder) {
  const auto edges = ak::diagram::state_edges(RequestTable::Client);
  // iff-md5-512's dance, digest §9.4: ASSOC, CERT, IFF, COOK, SIGN, LEAP.
  EXPECT_TRUE(has_edge(edges, State::Unassociated, State::CertificateTrail, "association-response",
                       cf::kAuto | cf::kLeap));
  EXPECT_TRUE(has_edge(edges, State::CertificateTrail, State::IdentityProof, "certificate-response", cf::kCert));
  EXPECT_TRUE(has_edge(edges, State::IdentityProof, State::CookieExchange, "identity-response", cf::kVrfy));
  EXPECT_TRUE(has_edge(edges, State::CookieExchange, State::CertificateSigning, "cookie-response",
                       cf::kCook | cf::kProv));
  EXPECT_TRUE(has_edge(edges, State::CertificateSigning, State::LeapsecondExchange, "sign-response",
                       cf::kSign | cf::kProv));
  EXPECT_TRUE(has_edge(edges, State::LeapsecondExchange, State::Complete, "leapseconds-response",
                       cf::kLeap | cf::kProv));
  // TC: a trusted root lights CERT and VRFY at once and skips the identity step.
  EXPECT_TRUE(
      has_edge(edges, State::CertificateTrail, State::CookieExchange, "certificate-response", cf::kCert | cf::kVrfy));
  EXPECT_TRUE(has_edge(edges, State::Unsynchronized, State::CertificateSigning, "host clock synchronized", 0));
}

TEST(StateDiagram, EveryMessageEdgeLeavesAStateWhoseHandlerAcceptsIt) {
  for (auto table : {RequestTable::Client, RequestTable::Symmetric}) {
    for (const StateEdge& e : ak::diagram::state_edges(table)) {
      EXPECT_NE(e.from, e.to);
      if (e.event == "host clock synchronized") continue;
      bool found = false;
      for (const auto& row : ak::core::transition_table()) {
        if (ak::core::to_string(row.event) != e.event) continue;
        found = true;
        EXPECT_TRUE(ak::core::accepts(row, e.from)) << e.event << " from " << ak::core::to_string(e.from);
        EXPECT_EQ(e.lit & ~row.lights, 0u) << e.event << " lights a bit its row does not name";
      }
      EXPECT_TRUE(found) << e.event;
    }
  }
}

TEST(StateDiagram, OnlyTheTimersRestartAndFromEveryAssociatedState) {
  const auto edges = ak::diagram::state_edges(RequestTable::Client);
  for (const auto& r : ak::core::request_rules(RequestTable::Client)) {
    if (r.state == State::Unassociated) continue;
    for (const char* timer : {"refresh-timer", "silence-timer"}) {
      EXPECT_TRUE(std::any_of(edges.begin(), edges.end(), [&](const StateEdge& e) {
        return e.restart && e.event == timer && e.from == r.state && e.to == State::Unassociated;
      })) << timer << " from " << ak::core::to_string(r.state);
    }
  }
  for (const StateEdge& e : edges) {
    if (e.restart) {
      EXPECT_TRUE(e.event == "refresh-timer" || e.event == "silence-timer") << e.event;
    }
  }
}

TEST(StateDiagram, SymmetricPeerWaitsForItsClockBeforeTheCookie) {
  // Symmetric rule 4 asks for the cookie only once this host is synchronized.
  const auto sym = ak::diagram::state_edges(RequestTable::Symmetric);
  const auto client = ak::diagram::state_edges(RequestTable::Client);
  EXPECT_TRUE(has_edge(sym, State::IdentityProof, State::Unsynchronized, "identity-response", cf::kVrfy));
  EXPECT_FALSE(has_edge(client, State::IdentityProof, State::Unsynchronized, "identity-response", cf::kVrfy));
}

TEST(StateDiagram, DotNamesEveryStateWithTheRequestItSends) {
  const std::string dot = ak::diagram::state_diagram_dot(RequestTable::Client);
  EXPECT_EQ(dot.find("digraph association_states {"), dot.find("digraph"));
  EXPECT_NE(dot.find("certificate_trail [label=\"certificate-trail\\nCERT dark\\nsends CERT\"]"), std::string::npos);
  EXPECT_NE(dot.find("identity_proof [label=\"identity-proof\\nVRFY dark\\nsends IFF (or GQ, MV)\"]"),
            std::string::npos);
  EXPECT_NE(dot.find("ltail=cluster_associated"), std::string::npos);
  // The side table lists the events that never move an association.
  EXPECT_NE(dot.find("<td align=\"left\">crypto-NAK</td>"), std::string::npos);
  EXPECT_EQ(dot.find("<td align=\"left\">error-response</td>") != std::string::npos, true);
  EXPECT_EQ(dot, ak::diagram::state_diagram_dot(RequestTable::Client));
}

TEST(ExtensionFieldLayout, EveryRowIsOneWord) {
  for (const auto& row : ak::diagram::extension_field_layout()) {
    unsigned bits = 0;
    for (const auto& f : row.fields) bits += f.bits;
    EXPECT_EQ(bits, 32u) << row.fields.front().name;
  }
}

TEST(ExtensionFieldLayout, FirstWordBitsAreWhereTheSerializerPutsThem) {
  const auto rows = ak::diagram::extension_field_layout();
  ASSERT_FALSE(rows.empty());
  // Each figure box, filled with ones in an otherwise zero field, must light
  // exactly the bits the figure gives it.
  auto first_word = [](const ak::wire::ExtensionField& ef) {
    auto bytes = ef.serialize();
    EXPECT_TRUE(bytes.ok());
    if (!bytes) return 0u;
    const auto& b = *bytes;
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  };
  ak::wire::ExtensionField zero;
  zero.version = 0;
  const std::uint32_t length_only = first_word(zero);  // the 16-bit length, 8
  unsigned bit = 0;
  for (const auto& f : rows.front().fields) {
    const std::uint32_t mask = static_cast<std::uint32_t>(((std::uint64_t{1} << f.bits) - 1) << (32 - bit - f.bits));
    ak::wire::ExtensionField ef = zero;
    if (f.name == "R") ef.response = true;
    else if (f.name == "E") ef.error = true;
    else if (f.name.rfind("Version", 0) == 0) ef.version = 63;
    else if (f.name == "Code") ef.code = 0xff;
    if (f.name.rfind("Length", 0) == 0) {
      EXPECT_EQ(length_only & ~mask, 0u) << "the length lies outside its box";
      EXPECT_EQ(length_only & mask, ak::wire::kShortFormLength);
    } else {
      EXPECT_EQ(first_word(ef) & ~length_only, mask) << f.name;
    }
    bit += f.bits;
  }
}

TEST(ExtensionFieldLayout, FixedWordsAddUpToTheShortAndLongFormSizes) {
  const auto rows = ak::diagram::extension_field_layout();
  std::size_t fixed = 0;
  for (const auto& r : rows)
    if (!r.fields.front().variable) fixed += 4;
  EXPECT_EQ(fixed, ak::wire::kLongFormMinLength);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields.front().name, "Association ID");
  EXPECT_EQ(2 * 4u, ak::wire::kShortFormLength);
}

TEST(ExtensionFieldSvg, StatesTheWireConstants) {
  const std::string svg = ak::diagram::extension_field_svg();
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("NTP header 48 octets"), std::string::npos);
  EXPECT_NE(svg.find("short form 8 octets, long form at least 24 octets"), std::string::npos);
  EXPECT_NE(svg.find("4 octets (key ID 0: crypto-NAK) to 24 octets"), std::string::npos);
}

}  // namespace
