// The OS layer's files: statistics and log files where ntp.conf puts them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "daemon/files.h"
#include "daemon_test_support.h"

namespace ak::daemon {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("ak-daemon-files-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string read(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  std::filesystem::path dir;
  hw::SimulatedClock clock{hw::Timespec{testing::kFixtureUnix, 0}};
};

TEST_F(FilesTest, StatisticsGoToStatsdirPlusTheFilegenFileName) {
  auto cfg = testing::parse("statsdir " + dir.string() + "/s-\nstatistics cryptostats peerstats\n"
                            "filegen cryptostats file crypto type none enable\n");
  {
    FileOutput out(clock, (dir / "log").string(), cfg);
    out.stats(StatsKind::Cryptostats, "61370 1.000 0.0.0.0 setup");
    out.stats(StatsKind::Peerstats, "61370 1.000 127.127.1.0 9014 0 0 0 0");
  }
  // ntpd joins statsdir and file name as strings.
  EXPECT_EQ(read(dir / "s-crypto"), "61370 1.000 0.0.0.0 setup\n");
  EXPECT_EQ(read(dir / "s-peerstats"), "61370 1.000 127.127.1.0 9014 0 0 0 0\n");
}

TEST_F(FilesTest, StatisticsNotListedOrDisabledAreNotWritten) {
  auto cfg = testing::parse("statsdir " + dir.string() + "/\nstatistics peerstats\n"
                            "filegen peerstats file peerstats type none disable\n");
  {
    FileOutput out(clock, (dir / "log").string(), cfg);
    out.stats(StatsKind::Cryptostats, "x");
    out.stats(StatsKind::Peerstats, "y");
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "cryptostats"));
  EXPECT_FALSE(std::filesystem::exists(dir / "peerstats"));
}

TEST_F(FilesTest, LogLinesCarryATimeStampAndTheProgramName) {
  auto cfg = testing::parse("");
  {
    FileOutput out(clock, (dir / "log").string(), cfg);
    std::string why;
    EXPECT_TRUE(out.ok(&why)) << why;
    out.log("hello");
  }
  const std::string text = read(dir / "log");
  EXPECT_EQ(text.rfind("26 Nov 17:31:29 autokeyd[", 0), 0u) << text;
  EXPECT_NE(text.find("]: hello\n"), std::string::npos) << text;
}

TEST_F(FilesTest, AnUnwritableLogFileIsReportedAndStderrUsed) {
  auto cfg = testing::parse("");
  FileOutput out(clock, (dir / "missing-dir" / "log").string(), cfg);
  std::string why;
  EXPECT_FALSE(out.ok(&why));
  EXPECT_NE(why.find("missing-dir"), std::string::npos) << why;
}

TEST_F(FilesTest, PidFileHoldsOurProcessId) {
  ASSERT_TRUE(write_pid_file(dir / "pid"));
  EXPECT_EQ(read(dir / "pid"), std::to_string(::getpid()) + "\n");
}

}  // namespace
}  // namespace ak::daemon
