// Milestone 4: mode 6 on the daemon's socket, read the way ntpq reads it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "daemon_test_support.h"
#include "daemon/leapfile.h"
#include "daemon/variables.h"
#include "wire/control_message.h"
#include "wire/flags.h"

namespace ak::daemon {
namespace {

using testing::Network;
using testing::parse;

// One READSTAT/READVAR exchange; returns the reassembled text (or binary)
// data and the status word of the first fragment.
struct Answer {
  std::string data;
  std::uint16_t status = 0;
  bool error = false;
};

Answer ask(Daemon& d, std::uint8_t opcode, std::uint16_t assoc, const std::string& names = "") {
  wire::ControlMessage q;
  q.opcode = opcode;
  q.sequence = 7;
  q.assoc_id = assoc;
  q.data.assign(names.begin(), names.end());
  auto bytes = q.serialize();
  EXPECT_TRUE(bytes.ok());
  const Endpoint ntpq{*wire::Address::parse("10.9.9.9"), 40123};
  const Endpoint me{*wire::Address::parse("10.123.0.2"), 123};
  auto out = d.handle_datagram(*bytes, ntpq, me);
  Answer a;
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].to, ntpq);
    auto r = wire::ControlMessage::parse(out[i].bytes);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) continue;
    EXPECT_TRUE(r->response);
    EXPECT_EQ(r->sequence, 7);
    if (i == 0) a.status = r->status;
    a.error = a.error || r->error;
    a.data.append(r->data.begin(), r->data.end());
  }
  return a;
}

std::string unwrap(std::string s) {  // ntpd's ",\r\n" line breaks to ", "
  for (std::size_t p; (p = s.find(",\r\n")) != std::string::npos;) s.replace(p, 3, ", ");
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class AutokeyPair : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 5);
    auto c = net.start("clientname", "10.123.0.2", parse(testing::client_config()), 1, 6);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE(c.ok()) << c.error().message;
    server = *s;
    client = *c;
    net.run(60, [&] {
      auto v = client->daemon->sources();
      return v.size() == 1 && v[0].autokey && (v[0].autokey->flags & wire::crypto_flag::kAll) == wire::crypto_flag::kAll;
    });
  }
  Network net;
  testing::Node* server = nullptr;
  testing::Node* client = nullptr;
};

TEST_F(AutokeyPair, ServerSystemFlagsAndCertificateReadAsTheFixtureShows) {
  // iff-md5-512/ntpq.txt: flags=0x80023, cert="servername@servername servername@servername 0x1",
  // until=<one year after key generation>.
  const Answer a = ask(*server->daemon, 2, 0, "flags,cert");
  ASSERT_FALSE(a.error);
  EXPECT_EQ(unwrap(a.data),
            "flags=0x80023, cert=\"servername@servername servername@servername 0x1\", until=202711261729");
}

TEST_F(AutokeyPair, ClientListsTheSignedCertificateFirstAndItsOwnLast) {
  const std::string text = unwrap(ask(*client->daemon, 2, 0, "flags,cert").data);
  EXPECT_EQ(text.rfind("flags=0x80003, cert=\"clientname@servername servername@servername 0x4\", until=", 0), 0u)
      << text;
  const auto trusted = text.find("cert=\"servername@servername servername@servername 0x5\", until=202711261729");
  const auto own = text.find("cert=\"clientname@servername clientname@servername 0x0\", until=202711261729");
  EXPECT_NE(trusted, std::string::npos) << text;
  EXPECT_NE(own, std::string::npos) << text;
  EXPECT_LT(trusted, own);
}

TEST_F(AutokeyPair, AssociationListAndFlagsMatchTheSeedsViews) {
  const Answer list = ask(*client->daemon, 1, 0);
  ASSERT_EQ(list.data.size(), 4u);  // one (assoc id, status) pair
  const std::uint16_t id = static_cast<std::uint16_t>((std::uint8_t(list.data[0]) << 8) | std::uint8_t(list.data[1]));
  const std::uint16_t status = static_cast<std::uint16_t>((std::uint8_t(list.data[2]) << 8) | std::uint8_t(list.data[3]));
  EXPECT_EQ(id, client->daemon->sources()[0].assoc_id);
  EXPECT_EQ(status & 0xf700, 0xf600);  // conf, authenb, auth, reach, sys.peer
  EXPECT_EQ(unwrap(ask(*client->daemon, 2, id, "flags").data), "flags=0x87f23");
  const std::string all = unwrap(ask(*client->daemon, 2, id).data);
  for (const char* item : {"srcadr=10.123.0.1", "host=\"servername@servername\"", "flags=0x87f23",
                           "signature=\"md5WithRSAEncryption\"", "ident=\"servername\"", "stratum=4"})
    EXPECT_NE(all.find(item), std::string::npos) << item << " missing from: " << all;
}

TEST_F(AutokeyPair, SystemVariablesIncludeHostDigestSignatureAndUpdate) {
  const std::string all = unwrap(ask(*client->daemon, 2, 0).data);
  for (const char* item : {"host=\"clientname@servername\"", "flags=0x80003", "digest=\"md5\"",
                           "signature=\"md5WithRSAEncryption\"", "update=2026", "stratum=5", "refid=10.123.0.1"})
    EXPECT_NE(all.find(item), std::string::npos) << item << " missing from: " << all;
}

TEST(Mode6, UnknownAssociationIsAnError) {
  Network net;
  auto d = net.start("s", "10.0.0.1", parse("server 127.127.1.0\n"));
  ASSERT_TRUE(d.ok());
  const Answer a = ask(*(*d)->daemon, 2, 4242);
  EXPECT_TRUE(a.error);
  EXPECT_EQ(a.status >> 8, 4);  // BADASSOC
}

TEST(Mode6, WithoutCryptoNoAutokeyVariableIsShown) {
  Network net;
  auto d = net.start("s", "10.0.0.1", parse("server 127.127.1.0\n"));
  ASSERT_TRUE(d.ok());
  net.run(0.5);
  const std::string all = unwrap(ask(*(*d)->daemon, 2, 0).data);
  EXPECT_NE(all.find("stratum=6"), std::string::npos) << all;  // LOCAL's default stratum 5, plus one
  EXPECT_EQ(all.find("flags="), std::string::npos) << all;
  EXPECT_EQ(all.find("host="), std::string::npos) << all;
}

TEST(Mode6, ReadClockShowsTheReferenceClockAndFollowsTheSystemPeer) {
  Network net;
  auto d = net.start("s", "10.0.0.1",
                     parse("server 127.127.1.0 minpoll 3 maxpoll 3\nfudge 127.127.1.0 stratum 3 refid TEST time1 0.002\n"));
  ASSERT_TRUE(d.ok());
  net.run(20);
  const auto sources = (*d)->daemon->sources();
  ASSERT_EQ(sources.size(), 1u);
  const std::uint16_t id = sources[0].assoc_id;
  const Answer a = ask(*(*d)->daemon, 4, id);
  ASSERT_FALSE(a.error);
  EXPECT_EQ(a.status, 0u);  // clk_unspec, no event
  const std::string all = unwrap(a.data);
  EXPECT_EQ(all.rfind("device=\"LOCAL(0)\", type=1, poll=", 0), 0u) << all;
  for (const char* item : {"fudgetime1=2.000", "stratum=3", "refid=TEST", "flags=0"})
    EXPECT_NE(all.find(item), std::string::npos) << item << " missing from: " << all;
  // Association 0: the system peer's clock, which is this one.
  EXPECT_EQ(unwrap(ask(*(*d)->daemon, 4, 0, "device,type").data), "device=\"LOCAL(0)\", type=1");
}

TEST_F(AutokeyPair, ReadClockOnANetworkAssociationIsBadAssociation) {
  const auto sources = client->daemon->sources();
  ASSERT_FALSE(sources.empty());
  const Answer a = ask(*client->daemon, 4, sources[0].assoc_id);
  EXPECT_TRUE(a.error);
  EXPECT_EQ(a.status >> 8, 4);  // BADASSOC
}

TEST(RefidText, IsDottedAboveStratumOneAndTextOtherwise) {
  EXPECT_EQ(refid_text(0x0a7b0001, 2), "10.123.0.1");
  EXPECT_EQ(refid_text(0x494e4954, 16), "INIT");
  EXPECT_EQ(refid_text(0x4c4f434c, 0), "LOCL");
}

}  // namespace
}  // namespace ak::daemon

namespace ak::daemon {
namespace {

TEST(Restrict, NoqueryDropsModeSixButStillServesTime) {
  testing::Network net;
  auto d = net.start("s", "10.0.0.1",
                     testing::parse("server 127.127.1.0\nrestrict default noquery\nrestrict 127.0.0.1\n"));
  ASSERT_TRUE(d.ok());
  net.run(0.5);
  wire::ControlMessage q;
  q.opcode = 1;
  auto bytes = q.serialize();
  const Endpoint me{*wire::Address::parse("10.0.0.1"), 123};
  EXPECT_TRUE((*d)->daemon->handle_datagram(*bytes, {*wire::Address::parse("10.9.9.9"), 4000}, me).empty());
  // The more specific `restrict 127.0.0.1` (no flags) lets loopback ask.
  EXPECT_EQ((*d)->daemon->handle_datagram(*bytes, {*wire::Address::parse("127.0.0.1"), 4000}, me).size(), 1u);
  wire::Packet request;
  request.header.mode = 3;
  request.header.transmit_ts = 1;
  auto req = request.serialize();
  EXPECT_EQ((*d)->daemon->handle_datagram(*req, {*wire::Address::parse("10.9.9.9"), 4000}, me).size(), 1u);
}

TEST(Restrict, IgnoreWithMaskDropsEverythingFromThatNetwork) {
  testing::Network net;
  auto d = net.start("s", "10.0.0.1",
                     testing::parse("server 127.127.1.0\nrestrict 10.9.0.0 mask 255.255.0.0 ignore\n"));
  ASSERT_TRUE(d.ok());
  net.run(0.5);
  wire::Packet request;
  request.header.mode = 3;
  request.header.transmit_ts = 1;
  auto req = request.serialize();
  const Endpoint me{*wire::Address::parse("10.0.0.1"), 123};
  EXPECT_TRUE((*d)->daemon->handle_datagram(*req, {*wire::Address::parse("10.9.9.9"), 4000}, me).empty());
  EXPECT_EQ((*d)->daemon->handle_datagram(*req, {*wire::Address::parse("10.8.9.9"), 4000}, me).size(), 1u);
}

}  // namespace
}  // namespace ak::daemon

// LEAP values: the server's `leapfile` gives the values it signs; the
// client's LEAP exchange brings them over; both show tai/leapsec/expire in
// mode 6 as ntpd does (operator-surface §4.6).
namespace ak::daemon {
namespace {

constexpr const char* kLeapFile =
    "# a leap-seconds.list extract\n"
    "#$\t3913697179\n"
    "#@\t4017513600\n"
    "3644697600\t36\t# 1 Jul 2015\n"
    "3692217600\t37\t# 1 Jan 2017\n";

// A leap-seconds list in a temporary file (the caller removes it).
std::string write_leapfile(const std::string& text = kLeapFile, const std::string& tag = "leap") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("autokeyd-" + tag + "-" + std::to_string(::getpid()) + ".list");
  std::ofstream(path) << text;
  return path.string();
}

TEST(LeapFile, GivesTheTransitionInForceAtAnyTimeAndTheExpiry) {
  auto t = parse_leapfile(kLeapFile);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->transitions.size(), 2u);
  EXPECT_EQ(t->expiry, 4017513600u);
  EXPECT_EQ(t->values(4004705000u), (core::LeapValues{37, 3692217600u, 4017513600u}));
  // Between the two lines, the first one is in force.
  EXPECT_EQ(t->values(3692217599u), (core::LeapValues{36, 3644697600u, 4017513600u}));
}

TEST(LeapFile, RefusesFilesWithoutExpiryOrTransitionsOrWithBadNumbers) {
  EXPECT_EQ(parse_leapfile("3692217600\t37\n").error(), LeapFileError::NoExpiry);
  EXPECT_EQ(parse_leapfile("#@\t4017513600\n").error(), LeapFileError::NoTransitions);
  EXPECT_EQ(parse_leapfile("#@\t4017513600\n36922x7600\t37\n").error(), LeapFileError::BadNumber);
  EXPECT_EQ(parse_leapfile("#@\t4017513600\n3692217600\t37\n3644697600\t36\n").error(),
            LeapFileError::NotIncreasing);
}

// The extract above with its "#h" line: SHA-1 over "3913697179" "4017513600"
// "3644697600" "36" "3692217600" "37", computed with Python's hashlib.
const std::string kHashedLeapFile =
    std::string(kLeapFile) + "#h\tb17c2635 841e9c38 ff5cd9a6 f3c10a23 e093685b\n";

TEST(LeapFile, AFileWhoseNumbersHashToItsHashLineIsTakenAndSaysSo) {
  auto t = parse_leapfile(kHashedLeapFile);
  ASSERT_TRUE(t.ok()) << message(t.error());
  EXPECT_TRUE(t->hash_checked);
  EXPECT_EQ(t->transitions.back().tai_offset, 37u);
  EXPECT_FALSE(parse_leapfile(kLeapFile)->hash_checked);  // no "#h": taken, unchecked
}

TEST(LeapFile, AChangedNumberOrAMalformedHashLineIsRefused) {
  std::string changed = kHashedLeapFile;
  changed.replace(changed.find("\t37\t"), 4, "\t38\t");  // one second more TAI - UTC
  EXPECT_EQ(parse_leapfile(changed).error(), LeapFileError::HashMismatch);
  std::string later = kHashedLeapFile;
  later.replace(later.find("4017513600"), 10, "4017513601");  // the expiry pushed back
  EXPECT_EQ(parse_leapfile(later).error(), LeapFileError::HashMismatch);
  EXPECT_EQ(parse_leapfile(std::string(kLeapFile) + "#h\tb17c2635 841e9c38\n").error(), LeapFileError::HashMalformed);
  EXPECT_EQ(parse_leapfile(std::string(kLeapFile) + "#h\tb17c2635 841e9c38 ff5cd9a6 f3c10a23 e093685z\n").error(),
            LeapFileError::HashMalformed);
}

TEST(LeapFile, TheListTzdataShipsPassesItsOwnHash) {
  // The real file, as `leapfile /usr/share/zoneinfo/leap-seconds.list`.
  std::ifstream in("/usr/share/zoneinfo/leap-seconds.list", std::ios::binary);
  if (!in) GTEST_SKIP() << "no /usr/share/zoneinfo/leap-seconds.list (Debian package tzdata)";
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto t = parse_leapfile(text);
  ASSERT_TRUE(t.ok()) << message(t.error());
  EXPECT_TRUE(t->hash_checked);
  EXPECT_GE(t->transitions.back().tai_offset, 37u);
}

TEST(LeapValues, TravelFromTheServersLeapFileToTheClientAndShowInModeSix) {
  const std::string leapfile = write_leapfile();
  Network net;
  auto s = net.start("servername", "10.123.0.1", parse(testing::server_config() + "leapfile " + leapfile + "\n"), 1, 7);
  auto c = net.start("clientname", "10.123.0.2", parse(testing::client_config()), 1, 8);
  std::filesystem::remove(leapfile);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(c.ok()) << c.error().message;
  Daemon& client = *(*c)->daemon;
  Daemon& server = *(*s)->daemon;
  net.run(60, [&] {
    auto v = client.sources();
    return v.size() == 1 && v[0].autokey && (v[0].autokey->flags & wire::crypto_flag::kAll) == wire::crypto_flag::kAll;
  });
  ASSERT_EQ(client.sources()[0].autokey->flags, 0x87f23u);
  // The client's association holds the verified words; its host adopted them.
  ASSERT_TRUE(client.sources()[0].autokey->leap.has_value());
  EXPECT_EQ(client.sources()[0].autokey->leap->tai_offset, 37u);
  ASSERT_TRUE(client.leap_values().has_value());
  EXPECT_EQ(*client.leap_values(), (core::LeapValues{37, 3692217600u, 4017513600u}));
  EXPECT_TRUE(std::any_of((*c)->output.cryptostats.begin(), (*c)->output.cryptostats.end(), [](const std::string& l) {
    return l.find("10.123.0.1 leap TAI offset 37 at 3692217600 expire 4017513600") != std::string::npos;
  }));
  for (Daemon* d : {&server, &client})
    EXPECT_EQ(unwrap(ask(*d, 2, 0, "tai,leapsec,expire").data), "tai=37, leapsec=201701010000, expire=202704240000");
  // In ntpd's default system variable list, after clk_wander.
  const std::string all = unwrap(ask(client, 2, 0).data);
  EXPECT_NE(all.find("tai=37, leapsec=201701010000, expire=202704240000"), std::string::npos) << all;
}

TEST(LeapValues, ALeapSecondTheFileAnnouncesIsTakenWhenItsTransitionPasses) {
  // A list published ahead of a leap second ends with a line still in the
  // future: until then the values in force are the line before it's
  // (RFC 5906 §10.5: the TAI offset now), then the host signs the new ones.
  const std::uint64_t start = static_cast<std::uint64_t>(testing::kFixtureUnix) + 2208988800ULL;
  const std::uint64_t leap = start + 30;
  const std::string path =
      write_leapfile("#@\t4017513600\n3692217600\t37\n" + std::to_string(leap) + "\t38\n", "leap-ahead");
  Network net;
  auto s = net.start("servername", "10.123.0.1", parse(testing::server_config() + "leapfile " + path + "\n"), 1, 11);
  std::filesystem::remove(path);
  ASSERT_TRUE(s.ok()) << s.error().message;
  Daemon& server = *(*s)->daemon;
  net.run(5);
  ASSERT_TRUE(server.leap_values().has_value());
  EXPECT_EQ(*server.leap_values(), (core::LeapValues{37, 3692217600u, 4017513600u}));
  EXPECT_EQ(unwrap(ask(server, 2, 0, "tai").data), "tai=37");
  net.run(60);
  EXPECT_EQ(*server.leap_values(), (core::LeapValues{38, static_cast<std::uint32_t>(leap), 4017513600u}));
  EXPECT_EQ(unwrap(ask(server, 2, 0, "tai").data), "tai=38");
  const auto& log = (*s)->output.logs;
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const std::string& l) {
    return l.find("leap second table: TAI offset 38 s") != std::string::npos;
  }));
}

TEST(LeapFile, WarnsOfALeapSecondAtTheEndOfTheCurrentMonthOnly) {
  // 1 Dec 2026 00:00:00 UTC is NTP 4005072000; 1 Nov 2026 is 4002480000.
  auto t = parse_leapfile("#@\t4017513600\n3692217600\t37\n4005072000\t38\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->announcement(4004703089u), 1);  // 26 Nov: the leap is at the end of this month
  EXPECT_EQ(t->announcement(4005071999u), 1);  // its last second
  EXPECT_EQ(t->announcement(4002479999u), 0);  // 31 Oct: next month's business
  EXPECT_EQ(t->announcement(4005072000u), 0);  // done: 38 s in force
  EXPECT_EQ(t->values(4005072000u).tai_offset, 38u);
  auto negative = parse_leapfile("#@\t4017513600\n3692217600\t37\n4005072000\t36\n");
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(negative->announcement(4004703089u), 2);  // a second taken away
}

TEST(LeapValues, AServerWhoseListAnnouncesALeapThisMonthSaysSoInItsLeapIndicator) {
  // RFC 5905 §7.3: LI 01 in every header while a leap second is due at the
  // end of the month; the client, following it, passes the warning on.
  const std::string path = write_leapfile("#@\t4017513600\n3692217600\t37\n4005072000\t38\n", "leap-warning");
  Network net;  // 26 Nov 2026
  auto s = net.start("servername", "10.123.0.1", parse(testing::server_config() + "leapfile " + path + "\n"), 1, 12);
  auto c = net.start("clientname", "10.123.0.2", parse(testing::client_config()), 1, 13);
  std::filesystem::remove(path);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(c.ok()) << c.error().message;
  Daemon& server = *(*s)->daemon;
  Daemon& client = *(*c)->daemon;
  net.run(120, [&] { return client.time_service().system().synchronized(); });
  ASSERT_TRUE(server.time_service().system().synchronized());
  EXPECT_EQ(server.time_service().system().leap, 1);
  ASSERT_TRUE(client.time_service().system().synchronized());
  EXPECT_EQ(client.time_service().system().leap, 1);
}

TEST(LeapValues, WithoutALeapFileNoneIsShown) {
  Network net;
  auto s = net.start("servername", "10.123.0.1", parse(testing::server_config()), 1, 9);
  ASSERT_TRUE(s.ok());
  net.run(2);
  EXPECT_EQ(unwrap(ask(*(*s)->daemon, 2, 0, "tai,leapsec,expire").data), "");
  EXPECT_FALSE((*s)->daemon->leap_values().has_value());
}

TEST(LeapValues, AnUnreadableLeapFileIsLoggedAndIgnored) {
  Network net;
  auto s = net.start("servername", "10.123.0.1",
                     parse(testing::server_config() + "leapfile /nonexistent/leap-seconds.list\n"), 1, 10);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE((*s)->daemon->has_leap_table());
  EXPECT_TRUE(std::any_of((*s)->output.logs.begin(), (*s)->output.logs.end(), [](const std::string& l) {
    return l.find("leapfile /nonexistent/leap-seconds.list: cannot be read") != std::string::npos;
  }));
}

}  // namespace
}  // namespace ak::daemon
