// The WAL is copied into the database file by the checkpointer's thread,
// never by a commit, and stays bounded under a steady stream of writes.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "server/store/database.h"
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

// One write transaction of `rows` rows of about a page each.
absl::Status WritePages(Database& db, int rows) {
  return db.Write([rows](Connection& connection) {
    auto insert = connection.Prepare(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < ?) INSERT INTO t (a, b) SELECT i, randomblob(3000) FROM n");
    if (!insert.ok()) return insert.status();
    return (*insert)->Bind(1, int64_t{rows}).Run();
  });
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
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (db->wal_pages() >= most &&
         std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(WritePages(*db, 1).ok());
  }
  EXPECT_LT(db->wal_pages(), kCheckpointPages);
  EXPECT_GE(db->checkpoints(), 1u);
  EXPECT_EQ(db->checkpoint_failures(), 0u);
}

TEST_F(WalCheckpointerTest, TheWalStaysBoundedUnderSteadyWrites) {
  auto db = OpenSmall(path_);
  ASSERT_NE(db, nullptr);
  // Writers that never pause: without the RESTART between two
  // transactions the WAL would never start again and would grow to hold
  // nearly every write (about 19200 pages here). With it, the WAL grows
  // past restart_pages only by what is written while the thread copies,
  // which depends on the machine: the bound is far from both.
  constexpr int kWriters = 8;
  constexpr int kWritesEach = 600;
  constexpr int kPagesWritten = kWriters * kWritesEach * 4;
  std::atomic<int> most{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < kWritesEach; ++i) {
        if (!WritePages(*db, 4).ok()) ++failed;
        int pages = db->wal_pages();
        int seen = most.load();
        while (pages > seen && !most.compare_exchange_weak(seen, pages)) {
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(most.load(), kCheckpointPages);
  EXPECT_LT(most.load(), kPagesWritten / 3);
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
