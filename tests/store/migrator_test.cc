#include "server/store/migrator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "server/store/database.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

using ::testing::HasSubstr;

constexpr Migration kFirst = {1, "0001_first.sql",
                              "CREATE TABLE t (a INTEGER NOT NULL) STRICT;"};
constexpr Migration kSecond = {2, "0002_second.sql",
                               "ALTER TABLE t ADD COLUMN b TEXT;"};
constexpr Migration kFirstEdited = {
    1, "0001_first.sql", "CREATE TABLE t (a INTEGER NOT NULL, z TEXT) STRICT;"};
constexpr Migration kBroken = {
    2, "0002_broken.sql",
    "CREATE TABLE half (x INTEGER); INSERT INTO missing_table VALUES (1);"};

const Migration kOne[] = {kFirst};
const Migration kTwo[] = {kFirst, kSecond};
const Migration kEdited[] = {kFirstEdited};
const Migration kOneThenBroken[] = {kFirst, kBroken};

std::unique_ptr<Connection> OpenConnection(const std::string& path) {
  auto connection = SqliteConnection::Open(path, /*create=*/true, false);
  EXPECT_TRUE(connection.ok()) << connection.status();
  return std::move(*connection);
}

bool TableExists(Connection& connection, const char* name) {
  auto select = connection.Prepare(
      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  EXPECT_TRUE(select.ok());
  (*select)->Bind(1, std::string_view(name));
  return *(*select)->Step();
}

TEST(MigratorTest, FreshDatabaseGetsEveryMigrationAndLedgerRows) {
  testing::TempDir dir;
  auto connection = OpenConnection(dir.File("db"));
  absl::StatusOr<int> applied = ApplyMigrations(*connection, kTwo);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 2);
  auto schema = InspectSchema(*connection, kTwo);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->current_version, 2);
  EXPECT_TRUE(schema->pending.empty());
  EXPECT_EQ(*ApplyMigrations(*connection, kTwo), 0) << "second run is a no-op";
}

TEST(MigratorTest, UpgradeAppliesOnlyThePendingMigration) {
  testing::TempDir dir;
  auto connection = OpenConnection(dir.File("db"));
  ASSERT_EQ(*ApplyMigrations(*connection, kOne), 1);
  ASSERT_TRUE(connection->Exec("INSERT INTO t (a) VALUES (7)").ok());
  auto before = InspectSchema(*connection, kTwo);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->pending.size(), 1u);
  EXPECT_EQ(before->pending[0]->version, 2);
  EXPECT_EQ(*ApplyMigrations(*connection, kTwo), 1);
  auto select = connection->Prepare("SELECT a, b FROM t");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->Int(0), 7) << "existing rows survive the upgrade";
  EXPECT_TRUE((*select)->IsNull(1));
}

TEST(MigratorTest, RefusesDatabaseMigratedByNewerBinary) {
  testing::TempDir dir;
  auto connection = OpenConnection(dir.File("db"));
  ASSERT_EQ(*ApplyMigrations(*connection, kTwo), 2);
  auto schema = InspectSchema(*connection, kOne);
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(schema.status().message(), HasSubstr("newer brevisd"));
  EXPECT_THAT(schema.status().message(), HasSubstr("0002_second.sql"));
  EXPECT_FALSE(ApplyMigrations(*connection, kOne).ok());
}

TEST(MigratorTest, RefusesEditedMigration) {
  testing::TempDir dir;
  auto connection = OpenConnection(dir.File("db"));
  ASSERT_EQ(*ApplyMigrations(*connection, kOne), 1);
  auto schema = InspectSchema(*connection, kEdited);
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(schema.status().message(), HasSubstr("0001_first.sql"));
  EXPECT_THAT(schema.status().message(), HasSubstr("edited"));
}

TEST(MigratorTest, FailedMigrationLeavesNothingHalfDone) {
  testing::TempDir dir;
  auto connection = OpenConnection(dir.File("db"));
  absl::StatusOr<int> applied = ApplyMigrations(*connection, kOneThenBroken);
  ASSERT_FALSE(applied.ok());
  EXPECT_THAT(applied.status().message(), HasSubstr("0002_broken.sql"));
  EXPECT_TRUE(TableExists(*connection, "t")) << "the first step committed";
  EXPECT_FALSE(TableExists(*connection, "half")) << "the second rolled back";
  auto schema = InspectSchema(*connection, kOneThenBroken);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->current_version, 1);
}

TEST(MigratorTest, EmbeddedMigrationsAreNumberedInOrderFromOne) {
  auto migrations = EmbeddedMigrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1)
        << migrations[i].file_name;
  }
}

}  // namespace
}  // namespace brevis::store
