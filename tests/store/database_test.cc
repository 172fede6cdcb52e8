#include "server/store/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

using ::testing::HasSubstr;

constexpr Migration kSchema = {1, "0001_t.sql",
                               "CREATE TABLE t (a INTEGER NOT NULL) STRICT;"};
constexpr Migration kNext = {2, "0002_u.sql", "CREATE TABLE u (b INTEGER);"};
const Migration kOne[] = {kSchema};
const Migration kTwo[] = {kSchema, kNext};

std::unique_ptr<Database> OpenDatabase(const std::string& path,
                                       std::span<const Migration> migrations) {
  DatabaseOptions options;
  options.path = path;
  options.migrations = migrations;
  auto db = Database::Open(options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

int64_t CountRows(Database& db) {
  int64_t count = -1;
  EXPECT_TRUE(db.Read([&](Connection& connection) {
                  auto select = connection.Prepare("SELECT count(*) FROM t");
                  if (!select.ok()) return select.status();
                  if (auto row = (*select)->Step(); !row.ok()) {
                    return row.status();
                  }
                  count = (*select)->Int(0);
                  return absl::OkStatus();
                }).ok());
  return count;
}

std::string Pragma(Connection& connection, const char* sql) {
  auto select = connection.Prepare(sql);
  EXPECT_TRUE(select.ok());
  EXPECT_TRUE(*(*select)->Step());
  return (*select)->Text(0);
}

TEST(DatabaseTest, CreateRefusesAnExistingFile) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  absl::Status again = CreateDatabase(dir.File("db"), kOne);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
}

TEST(DatabaseTest, CreateMakesMissingParentDirectories) {
  testing::TempDir dir;
  EXPECT_TRUE(CreateDatabase(dir.File("var/sub/db"), kOne).ok());
}

TEST(DatabaseTest, OpenMissingFileSaysHowToCreateIt) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.path = dir.File("none.db");
  auto db = Database::Open(options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(db.status().message(), HasSubstr("brevisd init"));
}

TEST(DatabaseTest, OpenRefusesPendingMigrations) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  DatabaseOptions options;
  options.path = dir.File("db");
  options.migrations = kTwo;
  auto db = Database::Open(options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(db.status().message(), HasSubstr("brevisd migrate"));
}

TEST(DatabaseTest, OpenRefusesAFileThatIsNotADatabase) {
  testing::TempDir dir;
  std::ofstream(dir.File("db")) << std::string(8192, 'x');
  DatabaseOptions options;
  options.path = dir.File("db");
  options.migrations = kOne;
  auto db = Database::Open(options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DatabaseTest, ConnectionsUseWalFullSyncAndForeignKeys) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Write([&](Connection& connection) {
                  EXPECT_EQ(Pragma(connection, "PRAGMA journal_mode"), "wal");
                  EXPECT_EQ(Pragma(connection, "PRAGMA synchronous"), "2");
                  EXPECT_EQ(Pragma(connection, "PRAGMA foreign_keys"), "1");
                  return absl::OkStatus();
                }).ok());
  ASSERT_TRUE(db->Read([&](Connection& connection) {
                  EXPECT_EQ(Pragma(connection, "PRAGMA foreign_keys"), "1");
                  EXPECT_EQ(Pragma(connection, "PRAGMA query_only"), "1");
                  return absl::OkStatus();
                }).ok());
}

TEST(DatabaseTest, FailedWriteLeavesNothingBehind) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  absl::Status status = db->Write([](Connection& connection) {
    if (auto s = connection.Exec("INSERT INTO t (a) VALUES (1)"); !s.ok()) {
      return s;
    }
    return absl::InvalidArgumentError("the caller's mistake");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CountRows(*db), 0);
  ASSERT_TRUE(db->Write([](Connection& connection) {
                  return connection.Exec("INSERT INTO t (a) VALUES (2)");
                }).ok());
  EXPECT_EQ(CountRows(*db), 1) << "the writer is usable after a rollback";
}

TEST(DatabaseTest, CommittedWriteSurvivesReopen) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  {
    auto db = OpenDatabase(dir.File("db"), kOne);
    ASSERT_TRUE(db->Write([](Connection& connection) {
                    return connection.Exec("INSERT INTO t (a) VALUES (3)");
                  }).ok());
  }
  auto db = OpenDatabase(dir.File("db"), kOne);
  EXPECT_EQ(CountRows(*db), 1);
}

TEST(DatabaseTest, ReadersCannotWrite) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  absl::Status status = db->Read([](Connection& connection) {
    return connection.Exec("INSERT INTO t (a) VALUES (4)");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(CountRows(*db), 0);
}

}  // namespace
}  // namespace brevis::store
