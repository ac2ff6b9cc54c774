// Option parsing: the ntp-keygen 4.2.8p15 syntax (operator-surface §1.1)
// and a typed error for everything that cannot work.
#include "keygen/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ak::keygen {
namespace {

using Args = std::vector<std::string>;

Options parse_ok(const Args& args) {
  auto r = parse_options(args);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : describe(r.error()));
  return r.ok() ? r.value() : Options{};
}

OptionError parse_error(const Args& args) {
  auto r = parse_options(args);
  EXPECT_FALSE(r.ok());
  return r.ok() ? OptionError::UnknownOption : r.error().error;
}

TEST(KeygenOptions, SeedServerCommandSetsTrustedIffAndPassword) {
  const auto o = parse_ok({"-T", "-I", "-p", "server_password"});
  EXPECT_TRUE(o.trusted_cert);
  EXPECT_TRUE(o.iff);
  EXPECT_EQ(o.password, "server_password");
  EXPECT_FALSE(o.export_params);
  EXPECT_FALSE(o.modulus_bits);  // default applies later
}

TEST(KeygenOptions, BundledFlagsAndAttachedValuesParseLikeLibopts) {
  const auto o = parse_ok({"-TIe", "-ppw", "-V4", "-b", "512"});
  EXPECT_TRUE(o.trusted_cert && o.iff && o.export_params);
  EXPECT_EQ(o.password, "pw");
  EXPECT_EQ(o.mv_clients, 4u);
  EXPECT_EQ(o.identity_bits, 512u);
}

TEST(KeygenOptions, LongOptionsTakeEqualsOrSeparateValues) {
  const auto o = parse_ok({"--trusted-cert", "--modulus=1024", "--certificate", "RSA-SHA1", "--lifetime=30",
                           "--export-passwd", "pw2", "--gq-params", "--legacy-names"});
  EXPECT_TRUE(o.trusted_cert && o.gq && o.legacy_names);
  EXPECT_EQ(o.modulus_bits, 1024u);
  EXPECT_EQ(o.digest, crypto::Digest::SHA1);
  EXPECT_EQ(o.lifetime_days, 30u);
  EXPECT_EQ(o.export_password, "pw2");
}

TEST(KeygenOptions, SubjectNameSplitsHostAndGroup) {
  auto o = parse_ok({"-s", "alice@grpA"});
  EXPECT_EQ(o.host, "alice");
  EXPECT_EQ(o.group, "grpA");
  o = parse_ok({"-s", "@grp"});  // keeps the system host name
  EXPECT_FALSE(o.host);
  EXPECT_EQ(o.group, "grp");
  o = parse_ok({"-s", "srv", "-i", "grp"});
  EXPECT_EQ(o.host, "srv");
  EXPECT_EQ(o.group, "grp");
}

TEST(KeygenOptions, SchemesAcceptOpenSslDigestNames) {
  EXPECT_EQ(parse_scheme("RSA-MD5"), crypto::Digest::MD5);
  EXPECT_EQ(parse_scheme("md5"), crypto::Digest::MD5);
  EXPECT_EQ(parse_scheme("SHA1"), crypto::Digest::SHA1);
  EXPECT_EQ(parse_scheme("RSA-SHA256"), crypto::Digest::SHA256);
  EXPECT_EQ(parse_scheme("DSA-SHA1"), crypto::Digest::SHA1);
  EXPECT_FALSE(parse_scheme("RSA-MD2"));
  EXPECT_FALSE(parse_scheme("RSA-SHA"));
  EXPECT_FALSE(parse_scheme("DSA-MD5"));
  EXPECT_EQ(scheme_short_name(crypto::Digest::MD5), "RSA-MD5");
  EXPECT_EQ(scheme_short_name(crypto::Digest::SHA256), "RSA-SHA256");
}

TEST(KeygenOptions, UnknownOptionsAreErrors) {
  EXPECT_EQ(parse_error({"-X"}), OptionError::UnknownOption);
  EXPECT_EQ(parse_error({"--no-such"}), OptionError::UnknownOption);
  EXPECT_EQ(parse_error({"operand"}), OptionError::UnexpectedArgument);
  EXPECT_EQ(parse_error({"--iffkey=yes"}), OptionError::UnexpectedArgument);
  EXPECT_EQ(parse_error({"-C", "aes-128-cbc"}), OptionError::UnsupportedOption);
}

TEST(KeygenOptions, MissingValuesAreErrors) {
  EXPECT_EQ(parse_error({"-p"}), OptionError::MissingArgument);
  EXPECT_EQ(parse_error({"--modulus"}), OptionError::MissingArgument);
  EXPECT_EQ(parse_error({"-p", ""}), OptionError::EmptyPassword);
}

TEST(KeygenOptions, ImpossibleSizesAreErrors) {
  EXPECT_EQ(parse_error({"-m", "256"}), OptionError::ModulusOutOfRange);
  EXPECT_EQ(parse_error({"-m", "4096"}), OptionError::ModulusOutOfRange);
  EXPECT_EQ(parse_error({"-m", "12x"}), OptionError::NotANumber);
  EXPECT_EQ(parse_error({"-b", "100"}), OptionError::IdentityBitsOutOfRange);
  EXPECT_EQ(parse_error({"-V", "0"}), OptionError::MvClientsOutOfRange);  // ntp-keygen: SIGFPE
  EXPECT_EQ(parse_error({"-V", "100"}), OptionError::MvClientsOutOfRange);
  EXPECT_EQ(parse_error({"-V", "40", "-b", "300"}), OptionError::MvFactorsTooSmall);
  EXPECT_EQ(parse_error({"-l", "0"}), OptionError::LifetimeOutOfRange);
  EXPECT_EQ(parse_error({"-l", "99999999999"}), OptionError::NotANumber);
}

TEST(KeygenOptions, SignKeyTypeAndDigestMustFit) {
  EXPECT_EQ(parse_error({"-S", "foo"}), OptionError::UnknownSignKeyType);
  EXPECT_EQ(parse_error({"-S", "DSA", "-c", "RSA-MD5"}), OptionError::DigestNotUsableWithDsa);
  EXPECT_EQ(parse_ok({"-S", "dsa", "-c", "SHA1"}).sign_key, SignKeyType::Dsa);
  EXPECT_EQ(parse_error({"-c", "RSA-MD2"}), OptionError::UnknownDigest);
}

TEST(KeygenOptions, BadNamesAreErrors) {
  EXPECT_EQ(parse_error({"-s", "a b"}), OptionError::BadName);
  EXPECT_EQ(parse_error({"-s", "a@"}), OptionError::BadName);
  EXPECT_EQ(parse_error({"-i", "x@y"}), OptionError::BadName);
}

TEST(KeygenOptions, EveryErrorHasAMessage) {
  for (int e = 0; e <= static_cast<int>(OptionError::UnsupportedOption); ++e)
    EXPECT_GT(std::string(message(static_cast<OptionError>(e))).size(), 10u) << e;
}

TEST(KeygenOptions, HelpIsAnOptionAndListsEveryFlag) {
  EXPECT_TRUE(parse_ok({"--help"}).help);
  EXPECT_TRUE(parse_ok({"-?"}).help);
  const auto text = usage_text();
  for (const char* flag : {"-b,", "-c,", "-d,", "-e,", "-G,", "-H,", "-I,", "-i,", "-l,", "-m,", "-M,", "-P,", "-p,",
                           "-q,", "-S,", "-s,", "-T,", "-V,"})
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
}


}  // namespace
}  // namespace ak::keygen
