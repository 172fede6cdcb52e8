#include "server/store/backup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "server/store/database.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

using ::testing::HasSubstr;

constexpr Migration kSchema = {1, "0001_t.sql",
                               "CREATE TABLE t (a INTEGER NOT NULL) STRICT;"};
const Migration kOne[] = {kSchema};

std::unique_ptr<Database> Open(const std::string& path) {
  DatabaseOptions options;
  options.path = path;
  options.migrations = kOne;
  auto db = Database::Open(options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

std::vector<int64_t> Rows(Database& db) {
  std::vector<int64_t> rows;
  EXPECT_TRUE(db.Read([&](Connection& connection) -> absl::Status {
                  auto select =
                      connection.Prepare("SELECT a FROM t ORDER BY a");
                  if (!select.ok()) return select.status();
                  while (true) {
                    absl::StatusOr<bool> row = (*select)->Step();
                    if (!row.ok()) return row.status();
                    if (!*row) return absl::OkStatus();
                    rows.push_back((*select)->Int(0));
                  }
                }).ok());
  return rows;
}

TEST(BackupTest, BackupUnderWritesHoldsEveryEarlierWriteAndRestores) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = Open(dir.File("db"));
  std::atomic<int64_t> acknowledged{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    // Bounded: at most 20,000 writes.
    for (int64_t i = 1; i <= 20000 && !stop; ++i) {
      absl::Status status = db->Write([&](Connection& connection) {
        auto insert = connection.Prepare("INSERT INTO t (a) VALUES (?)");
        if (!insert.ok()) return insert.status();
        return (*insert)->Bind(1, i).Run();
      });
      if (!status.ok()) break;
      acknowledged = i;
    }
  });
  while (acknowledged < 200) std::this_thread::yield();
  int64_t before_backup = acknowledged;
  ASSERT_TRUE(BackupDatabase(dir.File("db"), dir.File("backup.db")).ok());
  stop = true;
  writer.join();

  ASSERT_TRUE(
      RestoreDatabase(dir.File("backup.db"), dir.File("restored.db")).ok());
  auto restored = Open(dir.File("restored.db"));
  ASSERT_NE(restored, nullptr);
  std::vector<int64_t> rows = Rows(*restored);
  ASSERT_GE(static_cast<int64_t>(rows.size()), before_backup);
  for (int64_t i = 0; i < before_backup; ++i) EXPECT_EQ(rows[i], i + 1);
}

TEST(BackupTest, NeverOverwritesAFile) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  std::ofstream(dir.File("taken")) << "keep me";
  absl::Status status = BackupDatabase(dir.File("db"), dir.File("taken"));
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  std::ifstream kept(dir.File("taken"));
  std::string text;
  std::getline(kept, text);
  EXPECT_EQ(text, "keep me");
}

TEST(BackupTest, DamagedBackupIsNotRestored) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  ASSERT_TRUE(BackupDatabase(dir.File("db"), dir.File("backup.db")).ok());
  {
    // Overwrite the middle of the file: the schema page survives, the rest
    // is garbage.
    std::fstream file(dir.File("backup.db"),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file << std::string(3000, '\x5a');
  }
  absl::Status status =
      RestoreDatabase(dir.File("backup.db"), dir.File("restored.db"));
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(std::filesystem::exists(dir.File("restored.db")));
}

TEST(BackupTest, RestoreRefusesADatabaseInUse) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  ASSERT_TRUE(BackupDatabase(dir.File("db"), dir.File("backup.db")).ok());
  auto serving = Open(dir.File("db"));
  ASSERT_NE(serving, nullptr);
  absl::Status status = RestoreDatabase(dir.File("backup.db"), dir.File("db"));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("stop it first"));
  serving.reset();
  EXPECT_TRUE(RestoreDatabase(dir.File("backup.db"), dir.File("db")).ok());
}

TEST(BackupTest, MissingDatabaseIsNotFound) {
  testing::TempDir dir;
  EXPECT_EQ(BackupDatabase(dir.File("none"), dir.File("b")).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace brevis::store
