// The throwaway cluster itself: a test binary that crashes leaves no server
// and no directory behind.
#include "tests/testing/pg_cluster.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "server/store/postgres.h"
#include "tests/testing/child_report.h"

namespace brevis::testing {
namespace {

// Exit codes of the middle process below.
constexpr int kCleanedUp = 0;
constexpr int kLeftBehind = 1;
constexpr int kNoCluster = 2;

// Runs in a child: becomes the subreaper of what it starts, so the
// cluster's detached server and its reaper are adopted by it and can be
// waited for. Its own child starts a cluster and dies without any
// destructor running, as a crashed test binary does. Returns the exit
// code.
int CrashWithAClusterAndWait() {
  // A hung server must not hang the test: the alarm ends this process.
  alarm(120);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return kNoCluster;
  int report[2];
  if (pipe(report) != 0) return kNoCluster;
  pid_t crashing = fork();
  if (crashing == 0) {
    close(report[0]);
    auto cluster = PgCluster::Start();
    if (cluster.ok()) {
      std::string dir = (*cluster)->dir();
      if (write(report[1], dir.data(), dir.size()) < 0) _exit(kNoCluster);
      cluster->release();  // no destructor: this is the crash
    }
    _exit(kNoCluster);
  }
  close(report[1]);
  std::string dir;
  char buffer[256];
  ssize_t got;
  while ((got = read(report[0], buffer, sizeof buffer)) > 0) {
    dir.append(buffer, got);
  }
  // Every descendant: the crashed child, the reaper, the server and its
  // processes. Ends when all of them have ended.
  int status;
  while (wait(&status) > 0 || errno == EINTR) {
  }
  if (dir.empty()) return kNoCluster;
  return std::filesystem::exists(dir) ? kLeftBehind : kCleanedUp;
}

TEST(PgClusterTest, ACrashedTestBinaryLeavesNoServerAndNoDirectory) {
  pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) _exit(CrashWithAClusterAndWait());
  int status = 0;
  ASSERT_EQ(waitpid(middle, &status, 0), middle);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == kCleanedUp)
      << "the middle process: " << DescribeWaitStatus(status) << " ("
      << kLeftBehind << ": the directory was left behind, " << kNoCluster
      << ": no cluster started)";
}

// Stop and Restart keep the data directory: what was committed before a
// fast stop or a crash (immediate) is there after the restart, and no
// session survives a stop.
TEST(PgClusterTest, StopAndRestartKeepWhatWasCommitted) {
  auto cluster = PgCluster::Start();
  ASSERT_TRUE(cluster.ok()) << cluster.status().message();
  auto database = (*cluster)->CreateDatabase();
  ASSERT_TRUE(database.ok()) << database.status().message();
  std::string conninfo = (*cluster)->ConnInfo(*database);
  {
    auto db = store::pg::Connection::Open({.conninfo = conninfo});
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_TRUE((*db)->Exec("CREATE TABLE kept (n BIGINT)").ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO kept VALUES (1)").ok());
  }
  for (PgCluster::StopMode mode :
       {PgCluster::StopMode::kFast, PgCluster::StopMode::kImmediate}) {
    auto db = store::pg::Connection::Open({.conninfo = conninfo});
    ASSERT_TRUE(db.ok()) << db.status().message();
    absl::Status stopped = (*cluster)->Stop(mode);
    ASSERT_TRUE(stopped.ok()) << stopped.message();
    EXPECT_FALSE((*db)->Exec("INSERT INTO kept VALUES (2)").ok())
        << "a session outlived the stop";
    EXPECT_FALSE(store::pg::Connection::Open({.conninfo = conninfo}).ok());
    absl::Status restarted = (*cluster)->Restart();
    ASSERT_TRUE(restarted.ok()) << restarted.message();
    auto again = store::pg::Connection::Open({.conninfo = conninfo});
    ASSERT_TRUE(again.ok()) << again.status().message();
    auto count = (*again)->Prepare("SELECT count(*) FROM kept");
    ASSERT_TRUE(count.ok());
    ASSERT_TRUE(*(*count)->Step());
    EXPECT_EQ((*count)->Int(0), 1);
  }
  EXPECT_TRUE((*cluster)->Stop().ok());
}

}  // namespace
}  // namespace brevis::testing
