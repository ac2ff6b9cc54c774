// ntp.conf parsing (config.h): every fixture's config, the HOWTO's, and
// each error rule.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "config/config.h"
#include "testing/fixtures.h"

namespace ak::config {
namespace {

Config parse_ok(std::string_view text) {
  auto c = parse_config(text, "test.conf");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message());
  return c.ok() ? *c : Config{};
}

ConfigError parse_err(std::string_view text) {
  auto c = parse_config(text, "bad.conf");
  EXPECT_FALSE(c.ok()) << "expected an error for: " << text;
  return c.ok() ? ConfigError{} : c.error();
}

TEST(ConfigFixtures, EveryFixtureConfigParses) {
  for (const char* name : {"iff-md5-512/client.conf", "iff-md5-512/server.conf", "tc-md5-512/client.conf",
                           "tc-md5-512/server.conf", "gq-sha1-1024/client.conf", "gq-sha1-1024/server.conf",
                           "sym-tc-md5-512/a.conf", "sym-tc-md5-512/b.conf", "bcast-tc-md5-512/client.conf",
                           "bcast-tc-md5-512/server.conf"}) {
    auto c = load_config_file(ak::testing::fixture(name));
    EXPECT_TRUE(c.ok()) << name << ": " << (c.ok() ? "" : c.error().message());
    if (c.ok()) {
      EXPECT_TRUE(c->crypto.has_value()) << name;
    }
  }
}

TEST(ConfigFixtures, IffClientConfigGivesAnAutokeyServerWithGroupIdent) {
  auto c = load_config_file(ak::testing::fixture("iff-md5-512/client.conf"));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_EQ(c->associations.size(), 1u);
  const Association& a = c->associations[0];
  EXPECT_EQ(a.kind, AssociationKind::Server);
  EXPECT_EQ(a.address, "10.123.0.1");
  EXPECT_TRUE(a.autokey);
  EXPECT_EQ(a.ident, "servername");
  EXPECT_TRUE(a.iburst);
  EXPECT_EQ(a.minpoll, 4);
  EXPECT_EQ(a.maxpoll, 4);
  EXPECT_FALSE(a.is_refclock());
  EXPECT_EQ(c->crypto->pw, "client_password");
  EXPECT_EQ(c->crypto->host, "clientname");
  EXPECT_EQ(c->crypto->ident, "servername");
  EXPECT_FALSE(c->crypto->digest.has_value());
  EXPECT_EQ(c->keysdir, "./client/");
  EXPECT_EQ(c->driftfile, "./client/drift");
  EXPECT_EQ(c->statsdir, "./client/");
  EXPECT_EQ(c->disable, std::vector<std::string>{"ntp"});
  EXPECT_EQ(c->statistics, std::vector<std::string>{"cryptostats"});
  const Filegen* g = c->filegen("cryptostats");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->file, "cryptostats");
  EXPECT_EQ(g->type, "none");
  EXPECT_EQ(g->enable, true);
  ASSERT_EQ(c->restricts.size(), 2u);
  EXPECT_TRUE(c->restricts[0].is_default);
  EXPECT_EQ(c->restricts[0].flags, (std::vector<std::string>{"nomodify", "notrap", "nopeer"}));
  EXPECT_EQ(c->restricts[1].address, "127.0.0.0");
  EXPECT_EQ(c->restricts[1].mask, "255.0.0.0");
  EXPECT_TRUE(c->restricts[1].flags.empty());
}

TEST(ConfigFixtures, ServerConfigGivesALocalRefclockWithFudgedStratum) {
  auto c = load_config_file(ak::testing::fixture("iff-md5-512/server.conf"));
  ASSERT_TRUE(c.ok()) << c.error().message();
  ASSERT_EQ(c->associations.size(), 1u);
  const Association& a = c->associations[0];
  EXPECT_TRUE(a.is_refclock());
  EXPECT_EQ(a.refclock_type_unit(), std::make_pair(1, 0));
  EXPECT_TRUE(a.prefer);
  EXPECT_EQ(a.minpoll, 3);
  const Fudge* f = c->fudge("127.127.1.0");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->stratum, 3);
  EXPECT_EQ(c->crypto->pw, "server_password");
}

TEST(ConfigFixtures, SymmetricAndBroadcastConfigsGiveTheirAssociationKinds) {
  auto a = load_config_file(ak::testing::fixture("sym-tc-md5-512/a.conf"));
  ASSERT_TRUE(a.ok()) << a.error().message();
  ASSERT_EQ(a->associations.size(), 2u);
  EXPECT_EQ(a->associations[1].kind, AssociationKind::Peer);
  EXPECT_EQ(a->associations[1].address, "10.123.0.2");
  EXPECT_TRUE(a->associations[1].autokey);
  EXPECT_EQ(a->crypto->ident, "grp");
  EXPECT_EQ(a->associations[1].line, 6u);

  auto s = load_config_file(ak::testing::fixture("bcast-tc-md5-512/server.conf"));
  ASSERT_TRUE(s.ok()) << s.error().message();
  ASSERT_EQ(s->associations.size(), 2u);
  EXPECT_EQ(s->associations[1].kind, AssociationKind::Broadcast);
  EXPECT_EQ(s->associations[1].address, "10.123.0.255");
  auto c = load_config_file(ak::testing::fixture("bcast-tc-md5-512/client.conf"));
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_TRUE(c->broadcastclient);
  EXPECT_TRUE(c->associations.empty());
}

// The seed HOWTO points at the ConfiguringAutokey page for ntp.conf and
// gives no file of its own; this is that page's IFF client/server set-up
// with the seed's names and password.
TEST(ConfigSeed, HowtoStyleIffConfigsParse) {
  const Config server = parse_ok(
      "# Autokey IFF server\n"
      "driftfile /var/lib/ntp/ntp.drift\n"
      "server 127.127.1.0\n"
      "fudge 127.127.1.0 stratum 10\n"
      "keysdir /etc/ntp\n"
      "crypto pw server_password randfile /dev/urandom\n");
  EXPECT_EQ(server.crypto->pw, "server_password");
  EXPECT_EQ(server.crypto->randfile, "/dev/urandom");
  EXPECT_EQ(server.fudge("127.127.1.0")->stratum, 10);
  const Config client = parse_ok(
      "driftfile /var/lib/ntp/ntp.drift\n"
      "server servername autokey\n"
      "keysdir /etc/ntp\n"
      "crypto pw server_password\n");
  ASSERT_EQ(client.associations.size(), 1u);
  EXPECT_EQ(client.associations[0].address, "servername");
  EXPECT_TRUE(client.associations[0].autokey);
}

TEST(ConfigSyntax, CommentsBlankLinesCrlfAndQuotedStringsAreHandled) {
  const Config c = parse_ok(
      "  # only a comment\r\n"
      "\r\n"
      "crypto pw \"a b#c\" host h  # trailing comment\r\n"
      "keysdir \"/etc/my keys\"\n"
      "crypto digest SHA1\n");
  EXPECT_EQ(c.crypto->pw, "a b#c");
  EXPECT_EQ(c.crypto->host, "h");
  EXPECT_EQ(c.crypto->digest, "SHA1");  // second crypto line merged (§3.1)
  EXPECT_EQ(c.keysdir, "/etc/my keys");
}

TEST(ConfigSyntax, EveryAssociationOptionIsRecorded) {
  const Config c = parse_ok(
      "peer -4 192.0.2.1 autokey ident grp key 70000 minpoll 5 maxpoll 9 iburst burst prefer true noselect "
      "version 3 mode 7 ttl 8 port 1123 preempt xleave\n"
      "manycastclient 239.1.1.1 autokey\n"
      "pool pool.example\n");
  ASSERT_EQ(c.associations.size(), 3u);
  const Association& a = c.associations[0];
  EXPECT_EQ(a.address_family, 4);
  EXPECT_EQ(a.key, 70000u);
  EXPECT_EQ(a.version, 3);
  EXPECT_EQ(a.mode, 7);
  EXPECT_EQ(a.ttl, 8);
  EXPECT_EQ(a.port, 1123);
  EXPECT_TRUE(a.burst && a.prefer && a.true_ && a.noselect && a.preempt && a.xleave);
  EXPECT_EQ(c.associations[1].kind, AssociationKind::ManycastClient);
  EXPECT_EQ(c.associations[2].kind, AssociationKind::Pool);
}

TEST(ConfigSyntax, FudgeTimesRefidAndFlagsAreRecorded) {
  const Config c = parse_ok("server 127.127.20.1\nfudge 127.127.20.1 time1 0.5 time2 -1e-3 refid GPS flag1 1 flag4 0\n");
  const Fudge* f = c.fudge("127.127.20.1");
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ(*f->time1, 0.5);
  EXPECT_DOUBLE_EQ(*f->time2, -0.001);
  EXPECT_EQ(f->refid, "GPS");
  EXPECT_EQ(f->flag1, true);
  EXPECT_EQ(f->flag4, false);
  EXPECT_FALSE(f->flag2.has_value());
  EXPECT_EQ(c.associations[0].refclock_type_unit(), std::make_pair(20, 1));
}

TEST(ConfigSyntax, TopLevelIdentAutomaxRevokeAndPortAreRecorded) {
  const Config c = parse_ok("ident grp\nautomax 10\nrevoke 20\nport 11123\nenable auth monitor\n");
  EXPECT_EQ(c.ident, "grp");
  EXPECT_EQ(c.automax, 10);
  EXPECT_EQ(c.revoke, 20);
  EXPECT_EQ(c.port, 11123);
  EXPECT_EQ(c.enable, (std::vector<std::string>{"auth", "monitor"}));
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ConfigSyntax, AutomaxAndRevokeOutsideTwoToThirtyTwoAreIgnoredWithNtpdsWarning) {
  const Config c = parse_ok("automax 2\nrevoke 32\n");
  EXPECT_FALSE(c.automax.has_value());
  EXPECT_FALSE(c.revoke.has_value());
  ASSERT_EQ(c.warnings.size(), 2u);
  EXPECT_EQ(c.warnings[0], "'automax' value 2 ignored");
  EXPECT_EQ(c.warnings[1], "'revoke' value 32 ignored");
}

TEST(ConfigSyntax, CryptoRevokeIsAcceptedButDeprecated) {
  const Config c = parse_ok("crypto revoke 18\n");
  EXPECT_EQ(c.revoke, 18);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], "'crypto revoke 18' is deprecated, please use 'revoke 18' instead.");
}

TEST(ConfigErrors, UnknownDirectiveNamesFileLineAndWord) {
  const ConfigError e = parse_err("keysdir /k\n\nfrobnicate yes\n");
  EXPECT_EQ(e.code, ConfigErrorCode::UnknownDirective);
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.message(), "bad.conf:3: unknown directive: frobnicate");
}

TEST(ConfigErrors, MisspeltAutokeyOptionIsAnErrorNotIgnored) {
  const ConfigError e = parse_err("server 10.0.0.1 autokye\n");
  EXPECT_EQ(e.code, ConfigErrorCode::UnknownOption);
  EXPECT_EQ(e.detail, "autokye");
}

TEST(ConfigErrors, CryptoSubcommandsRemovedInP15AreRejected) {
  for (const char* sub : {"cert x", "leap y", "sign z", "gq", "gqpar a", "iffpar b", "mvpar c"}) {
    const ConfigError e = parse_err(std::string("crypto pw p ") + sub + "\n");
    EXPECT_EQ(e.code, ConfigErrorCode::RemovedCryptoSubcommand) << sub;
  }
}

TEST(ConfigErrors, MissingBadAndOutOfRangeNumbersAreDistinguished) {
  EXPECT_EQ(parse_err("server\n").code, ConfigErrorCode::MissingArgument);
  EXPECT_EQ(parse_err("server a minpoll\n").code, ConfigErrorCode::MissingArgument);
  EXPECT_EQ(parse_err("server a minpoll four\n").code, ConfigErrorCode::BadNumber);
  EXPECT_EQ(parse_err("server a minpoll 2\n").code, ConfigErrorCode::NumberOutOfRange);
  EXPECT_EQ(parse_err("server a key 4294967295\n").code, ConfigErrorCode::NumberOutOfRange);
  EXPECT_EQ(parse_err("server a key 99999999999999999999999\n").code, ConfigErrorCode::NumberOutOfRange);
  EXPECT_EQ(parse_err("port 0\n").code, ConfigErrorCode::NumberOutOfRange);
  EXPECT_EQ(parse_err("fudge 127.127.1.0 time1 x\n").code, ConfigErrorCode::BadNumber);
}

TEST(ConfigErrors, OtherRulesEachHaveTheirCode) {
  EXPECT_EQ(parse_err("keysdir a b\n").code, ConfigErrorCode::UnexpectedArgument);
  EXPECT_EQ(parse_err("crypto pw \"open\n").code, ConfigErrorCode::UnterminatedString);
  EXPECT_EQ(parse_err("fudge 10.0.0.1 stratum 1\n").code, ConfigErrorCode::NotARefclock);
  EXPECT_EQ(parse_err("fudge 127.127.1.0 flag5 1\n").code, ConfigErrorCode::UnknownOption);
  EXPECT_EQ(parse_err("restrict default nosuchflag\n").code, ConfigErrorCode::UnknownOption);
  EXPECT_EQ(parse_err("filegen cryptostats type hourly\n").code, ConfigErrorCode::UnknownOption);
  EXPECT_EQ(parse_err("disable everything\n").code, ConfigErrorCode::UnknownOption);
  EXPECT_EQ(parse_err("includefile other.conf\n").code, ConfigErrorCode::IncludeWithoutLoader);
  EXPECT_EQ(parse_err("Server 10.0.0.1\n").code, ConfigErrorCode::UnknownDirective);  // case-sensitive
  for (int c = 0; c < 13; ++c) EXPECT_FALSE(describe(static_cast<ConfigErrorCode>(c)).empty());
}

class ConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ak_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigFiles, IncludefileIsFollowedAndItsErrorsNameTheIncludedFile) {
  const auto inc = write("inc.conf", "crypto pw inner\n");
  const auto main = write("main.conf", "keysdir /k\nincludefile " + inc.string() + "\n");
  auto c = load_config_file(main);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(c->crypto->pw, "inner");
  EXPECT_EQ(c->keysdir, "/k");

  const auto bad = write("bad.conf", "\nbogus\n");
  const auto main2 = write("main2.conf", "includefile " + bad.string() + "\n");
  auto e = load_config_file(main2);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().file, bad.string());
  EXPECT_EQ(e.error().line, 2u);
}

TEST_F(ConfigFiles, SelfIncludeStopsAtTheDepthLimit) {
  const auto self = dir_ / "self.conf";
  write("self.conf", "includefile " + self.string() + "\n");
  auto e = load_config_file(self);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ConfigErrorCode::IncludeTooDeep);
}

TEST_F(ConfigFiles, MissingFileIsCannotReadFile) {
  auto e = load_config_file(dir_ / "absent.conf");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ConfigErrorCode::CannotReadFile);
  EXPECT_EQ(e.error().line, 0u);
}

}  // namespace
}  // namespace ak::config

namespace ak::config {
namespace {

// Arbitrary text never crashes the parser: it parses or names a line.
TEST(ConfigHostile, RandomTextEitherParsesOrReportsALine) {
  std::mt19937 rng(123);
  const std::string alphabet = "server peer crypto pw ident autokey key minpoll fudge 127.127.1.0 \"#\n\r\t 0123456789-";
  for (int i = 0; i < 5000; ++i) {
    std::string text(rng() % 200, ' ');
    for (auto& c : text) c = (rng() % 4 == 0) ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    auto c = parse_config(text, "random.conf");
    if (!c.ok()) {
      EXPECT_GE(c.error().line, 1u);
      EXPECT_FALSE(c.error().message().empty());
    }
  }
}

}  // namespace
}  // namespace ak::config
