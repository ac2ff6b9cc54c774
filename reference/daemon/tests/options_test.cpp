#include <gtest/gtest.h>

#include "daemon/options.h"
#include "daemon/output.h"
#include "daemon/endpoint.h"

namespace ak::daemon {
namespace {

TEST(Options, TakeNtpdsFlagsAndTheTwoExtensions) {
  auto o = parse_options({"-n", "-c", "a.conf", "-l", "a.log", "-p", "a.pid", "--port", "12345", "--poll", "1"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->no_fork);
  EXPECT_EQ(o->config_file, "a.conf");
  EXPECT_EQ(o->log_file, "a.log");
  EXPECT_EQ(o->pid_file, "a.pid");
  EXPECT_EQ(o->port, 12345);
  EXPECT_EQ(o->poll_log2, 1);
}

TEST(Options, RefuseUnknownFlagsMissingValuesAndBadNumbers) {
  EXPECT_EQ(parse_options({"-x"}).error().error, OptionError::UnknownOption);
  EXPECT_EQ(parse_options({"-c"}).error().error, OptionError::MissingArgument);
  EXPECT_EQ(parse_options({"--port", "0"}).error().error, OptionError::BadNumber);
  EXPECT_EQ(parse_options({"--port", "70000"}).error().error, OptionError::BadNumber);
  EXPECT_EQ(parse_options({"--poll", "18"}).error().error, OptionError::BadNumber);
  EXPECT_EQ(parse_options({"stray"}).error().error, OptionError::StrayArgument);
  EXPECT_EQ(parse_options({"-q"}).error().describe(), "autokeyd: unknown option: -q");
}

TEST(StatsTime, MatchesTheFixtureCryptostatsStamp) {
  // iff-md5-512/client/cryptostats: "61370 62992.426 ..." is MJD 61370,
  // 62992.426 s after midnight UTC.
  const std::int64_t unix_seconds = (61370 - 40587) * 86400LL + 62992;
  EXPECT_EQ(stats_time(unix_seconds, 426'500'000), "61370 62992.426");
  EXPECT_EQ(stats_time(unix_seconds - 62992, 0), "61370 0.000");
}

TEST(Endpoint, ParsesAddressesWithAndWithoutPorts) {
  EXPECT_EQ(parse_endpoint("127.0.0.1")->port, 123);
  EXPECT_EQ(parse_endpoint("127.0.0.1:5000")->port, 5000);
  EXPECT_EQ(parse_endpoint("[::1]:5000")->to_string(), "[::1]:5000");
  EXPECT_TRUE(parse_endpoint("::1")->address.is_v6());
  EXPECT_FALSE(parse_endpoint("example.org").has_value());
  EXPECT_FALSE(parse_endpoint("127.0.0.1:0").has_value());
}

}  // namespace
}  // namespace ak::daemon
