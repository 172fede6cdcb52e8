// The WAL is copied into the database file by the checkpointer's thread,
// never by a commit, and stays bounded under a steady stream of writes.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>
#include <vector>

#include "server/store/database.h"
#include "server/store/engine_error.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

constexpr Migration kSchema = {
    1, "0001_t.sql", "CREATE TABLE t (a INTEGER NOT NULL, b BLOB) STRICT;"};
const Migration kOne[] = {kSchema};
// Small bounds, so that a test writes a few megabytes, not hundreds.
constexpr int kCheckpointPages = 100;
constexpr int kRestartPages = 400;
// SQLite's own wal_autocheckpoint: a commit would checkpoint past it.
constexpr int kSqliteAutocheckpoint = 1000;

std::unique_ptr<Database> OpenSmall(const std::string& path) {
  DatabaseOptions options;
  options.path = path;
  options.migrations = kOne;
  options.checkpoint_pages = kCheckpointPages;
  options.restart_pages = kRestartPages;
  auto db = Database::Open(options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

// One write transaction of `rows` rows of about a page each; adds them to
// `*written` when acknowledged.
absl::Status WritePages(Database& db, int rows, int64_t* written = nullptr) {
  absl::Status status = db.Write([rows](Connection& connection) {
    auto insert = connection.Prepare(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < ?) INSERT INTO t (a, b) SELECT i, randomblob(3000) FROM n");
    if (!insert.ok()) return insert.status();
    return (*insert)->Bind(1, int64_t{rows}).Run();
  });
  if (status.ok() && written != nullptr) *written += rows;
  return status;
}

// Writes, with the thread released, until the WAL has started again from
// its beginning: every frame before is in the file. False after 30 s.
bool WriteUntilTheWalRestarts(Database& db, int64_t* written) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int before = db.wal_pages();
  while (std::chrono::steady_clock::now() < deadline) {
    if (!WritePages(db, 1, written).ok()) return false;
    if (db.wal_pages() < before) return true;
    before = db.wal_pages();
  }
  return false;
}

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(CreateDatabase(path_, kOne).ok()); }

  testing::TempDir dir_;
  std::string path_ = dir_.File("brevis.db");
};

TEST_F(WalCheckpointerTest, CommitsNeverCheckpointAndTheThreadDoes) {
  auto db = OpenSmall(path_);
  ASSERT_NE(db, nullptr);
  db->HoldCheckpointsForTesting(true);
  // Far past SQLite's default threshold: a commit that checkpointed would
  // have let the next one start the WAL again, and its page count fall.
  int most = 0;
  for (int i = 0; i < 200 && most <= 3 * kSqliteAutocheckpoint; ++i) {
    ASSERT_TRUE(WritePages(*db, 40).ok());
    ASSERT_GE(db->wal_pages(), most) << "the WAL restarted after write " << i;
    most = db->wal_pages();
  }
  EXPECT_GT(most, 3 * kSqliteAutocheckpoint);
  EXPECT_EQ(db->checkpoints(), 0u);
  EXPECT_GE(std::filesystem::file_size(path_ + "-wal"),
            static_cast<uintmax_t>(most) * 4096);

  // Released, the thread copies the WAL; the first write after it has
  // copied everything starts the WAL again from its beginning.
  db->HoldCheckpointsForTesting(false);
  ASSERT_TRUE(WriteUntilTheWalRestarts(*db, nullptr));
  EXPECT_LT(db->wal_pages(), kCheckpointPages);
  EXPECT_GE(db->checkpoints(), 1u);
  EXPECT_EQ(db->checkpoint_failures(), 0u);
}

TEST_F(WalCheckpointerTest, TheWalStartsAgainUnderSteadyWrites) {
  auto db = OpenSmall(path_);
  ASSERT_NE(db, nullptr);
  // Writers that never pause: without the RESTART between two
  // transactions the WAL would not start again and would grow to hold
  // nearly every write (about 19200 pages here). With it, it starts again
  // every few hundred pages; how far past restart_pages it gets depends on
  // the machine's disk, so the test counts the restarts.
  constexpr int kWriters = 8;
  constexpr int kWritesEach = 600;
  std::atomic<int> most{0};
  std::atomic<int> most_restarts{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      // One thread's successive reads of the count fall only when the WAL
      // started again in between.
      int before = 0;
      int restarts = 0;
      for (int i = 0; i < kWritesEach; ++i) {
        if (!WritePages(*db, 4).ok()) ++failed;
        int pages = db->wal_pages();
        if (pages < before) ++restarts;
        before = pages;
        int seen = most.load();
        while (pages > seen && !most.compare_exchange_weak(seen, pages)) {
        }
      }
      int seen = most_restarts.load();
      while (restarts > seen &&
             !most_restarts.compare_exchange_weak(seen, restarts)) {
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GE(most_restarts.load(), 3) << "the WAL grew to " << most.load();
  EXPECT_GE(db->checkpoints(), 1u);
  EXPECT_EQ(db->checkpoint_failures(), 0u);
}

TEST_F(WalCheckpointerTest, TheLastCloseStillCopiesTheWalAwayAndMarksClean) {
  {
    auto db = OpenSmall(path_);
    ASSERT_NE(db, nullptr);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE(WritePages(*db, 20).ok());
    // Some frames were left for the close: those of the last writes.
    db->HoldCheckpointsForTesting(true);
    ASSERT_TRUE(WritePages(*db, 20).ok());
  }
  EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));
  EXPECT_TRUE(std::filesystem::exists(path_ + ".clean"));
  auto db = OpenSmall(path_);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->start_check(), Database::StartCheck::kInBackground);
  EXPECT_TRUE(db->WaitForCheck(absl::Seconds(30)));
  EXPECT_TRUE(db->damage().ok());
}

// Files this process writes may not grow past `bytes` while it exists
// (RLIMIT_FSIZE; SIGXFSZ ignored, so a write past it fails with EFBIG, as
// an I/O error would).
class FileSizeLimit {
 public:
  explicit FileSizeLimit(uintmax_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ok_ = setrlimit(RLIMIT_FSIZE, &limit) == 0;
  }
  ~FileSizeLimit() { Lift(); }
  bool ok() const { return ok_; }
  void Lift() {
    if (lifted_) return;
    lifted_ = true;
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
  bool ok_ = false;
  bool lifted_ = false;
};

TEST_F(WalCheckpointerTest, AFailedCheckpointIsReportedAndTheNextStartChecks) {
  int64_t written = 0;
  {
    auto db = OpenSmall(path_);
    ASSERT_NE(db, nullptr);
    std::atomic<int> reports{0};
    absl::Status reported;
    db->SetCheckpointFailureListener([&](const absl::Status& failure) {
      if (reports++ == 0) reported = failure;
    });
    // A WAL file of some 1200 frames, copied, and started again: later
    // commits reuse it without growing it.
    db->HoldCheckpointsForTesting(true);
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(WritePages(*db, 40, &written).ok());
    }
    db->HoldCheckpointsForTesting(false);
    ASSERT_TRUE(WriteUntilTheWalRestarts(*db, &written));
    uintmax_t limit = std::max(std::filesystem::file_size(path_),
                               std::filesystem::file_size(path_ + "-wal"));

    // The database file cannot grow: copying new pages into it fails,
    // while the commits, which only write the WAL, are acknowledged.
    db->HoldCheckpointsForTesting(true);
    FileSizeLimit no_growth(limit);
    ASSERT_TRUE(no_growth.ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(WritePages(*db, 40, &written).ok());
    }
    db->HoldCheckpointsForTesting(false);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (db->checkpoint_failures() < 2 &&
           std::chrono::steady_clock::now() < deadline) {
      ASSERT_TRUE(WritePages(*db, 1, &written).ok());
    }
    db->HoldCheckpointsForTesting(true);
    no_growth.Lift();
    EXPECT_GE(db->checkpoint_failures(), 2u);
    // Once, not per failure; with SQLite's own words for the log only.
    EXPECT_EQ(reports.load(), 1);
    EXPECT_FALSE(reported.ok());
    EXPECT_NE(EngineDetail(reported).find("wal_checkpoint"), std::string::npos)
        << EngineDetail(reported);
    db->SetCheckpointFailureListener(nullptr);
    db->HoldCheckpointsForTesting(false);
  }
  // The close copied the WAL away, but the file may have lost a write on
  // the way: no marker, and the next open reads every page first.
  EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".clean"));
  auto db = OpenSmall(path_);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->start_check(), Database::StartCheck::kFullAtOpen);
  int64_t rows = -1;
  ASSERT_TRUE(db->Read([&](Connection& connection) {
                  auto count = connection.Prepare("SELECT count(*) FROM t");
                  if (!count.ok()) return count.status();
                  absl::StatusOr<bool> row = (*count)->Step();
                  if (!row.ok()) return row.status();
                  rows = (*count)->Int(0);
                  return absl::OkStatus();
                }).ok());
  // Every acknowledged write is there.
  EXPECT_EQ(rows, written);
}

TEST_F(WalCheckpointerTest, BoundsAreChecked) {
  DatabaseOptions options;
  options.path = path_;
  options.migrations = kOne;
  options.checkpoint_pages = 0;
  EXPECT_EQ(Database::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.checkpoint_pages = 100;
  options.restart_pages = 99;
  EXPECT_EQ(Database::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace brevis::store
