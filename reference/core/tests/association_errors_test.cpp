// Every typed refusal of the association layer has a name, a sentence and
// ntpd's event code (digest §1.6).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/association.h"
#include "crypto/errors.h"

namespace ak::core {
namespace {

TEST(AssocErrors, EachHasADistinctNameAMessageAndAnXevntCode) {
  std::set<std::string> names;
  const auto last = static_cast<int>(AssocError::KeyIdChainBroken);
  for (int i = 0; i <= last; ++i) {
    const auto e = static_cast<AssocError>(i);
    EXPECT_NE(name(e), "?") << i;
    EXPECT_STRNE(message(e), "unknown association error") << i;
    EXPECT_GE(xevnt_code(e), crypto::xevnt::kOk);
    EXPECT_LE(xevnt_code(e), crypto::xevnt::kErr);
    names.insert(std::string(name(e)));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(last + 1));
}

TEST(AssocErrors, MapToNtpdCodesWhereNtpdHasOne) {
  EXPECT_EQ(xevnt_code(AssocError::TimestampReplayed), crypto::xevnt::kTsp);
  EXPECT_EQ(xevnt_code(AssocError::SignatureLength), crypto::xevnt::kSgl);
  EXPECT_EQ(xevnt_code(AssocError::SignatureInvalid), crypto::xevnt::kSig);
  EXPECT_EQ(xevnt_code(AssocError::CookieInvalid), crypto::xevnt::kCky);
  EXPECT_EQ(xevnt_code(AssocError::IdentityProofRejected), crypto::xevnt::kId);
  EXPECT_EQ(xevnt_code(AssocError::UnsupportedDigest), crypto::xevnt::kMd);
}

TEST(AssociationRestart, DropsAutokeyStateButKeepsIdentityAndConfiguration) {
  Association a;
  a.id = 7;
  a.config.ident = "grp";
  a.flags = 0x87f23;
  a.pcookie = 42;
  a.subject = "x@grp";
  a.restart(1000);
  EXPECT_EQ(a.id, 7u);
  EXPECT_EQ(a.config.ident, "grp");
  EXPECT_EQ(a.flags, 0u);
  EXPECT_EQ(a.pcookie, 0u);
  EXPECT_TRUE(a.subject.empty());
  EXPECT_EQ(a.restarts, 1u);
  EXPECT_EQ(a.refresh_at, 1000u);
}

}  // namespace
}  // namespace ak::core
