// The migrator on PostgreSQL: the same ledger, checksums and refusals as on
// SQLite (tests/store/migrator_test.cc), each migration in one transaction.
#include "server/store/postgres_migrator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "tests/pg/pg_environment.h"

namespace brevis::store::pg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr Migration kFirst = {1, "0001_first.sql",
                              "CREATE TABLE t (a BIGINT NOT NULL);"};
constexpr Migration kSecond = {2, "0002_second.sql",
                               "ALTER TABLE t ADD COLUMN b TEXT;"};
constexpr Migration kFirstEdited = {
    1, "0001_first.sql", "CREATE TABLE t (a BIGINT NOT NULL, z TEXT);"};
constexpr Migration kBroken = {
    2, "0002_broken.sql",
    "CREATE TABLE half (x BIGINT); INSERT INTO missing_table VALUES (1);"};

const Migration kOne[] = {kFirst};
const Migration kTwo[] = {kFirst, kSecond};
const Migration kEdited[] = {kFirstEdited};
const Migration kOneThenBroken[] = {kFirst, kBroken};

class PostgresMigratorTest : public testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    db_ = Connect();
    ASSERT_NE(db_, nullptr);
  }

  bool TableExists(const char* name) {
    auto select = db_->Prepare("SELECT to_regclass($1) IS NOT NULL");
    EXPECT_TRUE(select.ok());
    (*select)->Bind(1, std::string_view(name));
    EXPECT_TRUE(*(*select)->Step());
    return (*select)->Int(0) != 0;
  }

  std::unique_ptr<Connection> db_;
};

TEST_F(PostgresMigratorTest, EveryEmbeddedMigrationAppliesAndIsRecorded) {
  auto migrations = EmbeddedPostgresMigrations();
  absl::StatusOr<int> applied = ApplyMigrations(*db_, migrations);
  ASSERT_TRUE(applied.ok()) << DescribeForLog(applied.status());
  EXPECT_EQ(*applied, static_cast<int>(migrations.size()));
  auto schema = InspectSchema(*db_, migrations);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->current_version, migrations.back().version);
  EXPECT_TRUE(schema->pending.empty());
  EXPECT_EQ(*ApplyMigrations(*db_, migrations), 0) << "second run is a no-op";

  auto ledger = db_->Prepare(
      "SELECT file_name, checksum FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(ledger.ok());
  for (const Migration& migration : migrations) {
    ASSERT_TRUE(*(*ledger)->Step());
    EXPECT_EQ((*ledger)->Text(0), migration.file_name);
    EXPECT_EQ((*ledger)->Text(1), MigrationChecksum(migration.sql));
  }
}

TEST_F(PostgresMigratorTest, TheAuthGenerationTriggersBumpTheNumber) {
  ASSERT_TRUE(ApplyMigrations(*db_, EmbeddedPostgresMigrations()).ok());
  auto generation = [&] {
    auto select =
        db_->Prepare("SELECT generation FROM auth_generation WHERE id = 1");
    EXPECT_TRUE(select.ok() && *(*select)->Step());
    return (*select)->Int(0);
  };
  int64_t before = generation();
  auto insert = db_->Prepare(
      "INSERT INTO principals (uid, display_name, role, active, scopes, "
      "create_time, update_time, revision) VALUES ($1, $2, 1, 1, 0, 0, 0, 1) "
      "RETURNING id");
  ASSERT_TRUE(insert.ok());
  (*insert)->Bind(1, std::string_view("p1")).Bind(2, std::string_view("P"));
  ASSERT_TRUE(*(*insert)->Step());
  EXPECT_EQ(generation(), before + 1);
  auto touch = db_->Prepare("UPDATE principals SET display_name = $1");
  ASSERT_TRUE((*touch)->Bind(1, std::string_view("Q")).Run().ok());
  EXPECT_EQ(generation(), before + 2);
}

TEST_F(PostgresMigratorTest, UpgradeAppliesOnlyThePendingMigration) {
  ASSERT_EQ(*ApplyMigrations(*db_, kOne), 1);
  absl::StatusOr<int> applied = ApplyMigrations(*db_, kTwo);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 1);
  EXPECT_TRUE(db_->Exec("INSERT INTO t (a, b) VALUES (1, 'x')").ok());
}

TEST_F(PostgresMigratorTest, AnEditedMigrationIsRefused) {
  ASSERT_TRUE(ApplyMigrations(*db_, kOne).ok());
  absl::StatusOr<int> applied = ApplyMigrations(*db_, kEdited);
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(applied.status().message(),
              AllOf(HasSubstr("0001_first.sql"), HasSubstr("edited")));
  EXPECT_EQ(InspectSchema(*db_, kEdited).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PostgresMigratorTest, ADatabaseOfANewerBrevisdIsRefused) {
  ASSERT_TRUE(ApplyMigrations(*db_, kTwo).ok());
  absl::StatusOr<int> applied = ApplyMigrations(*db_, kOne);
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(applied.status().message(),
              AllOf(HasSubstr("newer brevisd"), HasSubstr("0002_second.sql")));
}

TEST_F(PostgresMigratorTest, AFailedMigrationLeavesTheLastCompleteStep) {
  absl::StatusOr<int> applied = ApplyMigrations(*db_, kOneThenBroken);
  EXPECT_FALSE(applied.ok());
  EXPECT_THAT(applied.status().message(), HasSubstr("0002_broken.sql"));
  EXPECT_TRUE(TableExists("t"));
  EXPECT_FALSE(TableExists("half")) << "the failed step was rolled back";
  auto schema = InspectSchema(*db_, kOneThenBroken);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->current_version, 1);
  EXPECT_TRUE(db_->Healthy());
}

TEST_F(PostgresMigratorTest, ReplicasMigratingAtOnceApplyEachStepOnce) {
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  auto migrations = EmbeddedPostgresMigrations();
  absl::StatusOr<int> from_thread = 0;
  std::thread replica(
      [&] { from_thread = ApplyMigrations(*other, migrations); });
  absl::StatusOr<int> from_main = ApplyMigrations(*db_, migrations);
  replica.join();
  ASSERT_TRUE(from_thread.ok()) << DescribeForLog(from_thread.status());
  ASSERT_TRUE(from_main.ok()) << DescribeForLog(from_main.status());
  EXPECT_EQ(*from_thread + *from_main, static_cast<int>(migrations.size()));
}

}  // namespace
}  // namespace brevis::store::pg
