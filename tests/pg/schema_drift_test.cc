// The SQLite and PostgreSQL schemas cannot drift apart: every migration of
// each engine applied to a fresh database, and their tables, columns,
// keys, constraints, indexes and triggers compared.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "server/store/embedded_migrations.h"
#include "server/store/migrator.h"
#include "server/store/postgres_migrator.h"
#include "tests/pg/pg_environment.h"
#include "tests/pg/schema_facts.h"
#include "tests/testing/temp_dir.h"

namespace brevis::testing {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

class SchemaDriftTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    auto sqlite =
        store::SqliteConnection::Open(dir_.File("brevis.db"), true, false);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status();
    sqlite_ = std::move(*sqlite);
    auto applied =
        store::ApplyMigrations(*sqlite_, store::EmbeddedMigrations());
    ASSERT_TRUE(applied.ok()) << store::DescribeForLog(applied.status());

    postgres_ = Connect();
    ASSERT_NE(postgres_, nullptr);
    auto pg_applied = store::pg::ApplyMigrations(
        *postgres_, store::EmbeddedPostgresMigrations());
    ASSERT_TRUE(pg_applied.ok()) << store::DescribeForLog(pg_applied.status());
  }

  std::vector<std::string> Differences() {
    auto sqlite = ReadSqliteSchema(*sqlite_);
    auto postgres = ReadPostgresSchema(*postgres_);
    EXPECT_TRUE(sqlite.ok()) << store::DescribeForLog(sqlite.status());
    EXPECT_TRUE(postgres.ok()) << store::DescribeForLog(postgres.status());
    if (!sqlite.ok() || !postgres.ok()) return {"unreadable schema"};
    return SchemaDifferences(*sqlite, *postgres);
  }

  TempDir dir_;
  std::unique_ptr<store::Connection> sqlite_;
  std::unique_ptr<store::pg::Connection> postgres_;
};

TEST(MigrationSetsTest, BothEnginesHaveTheSameVersionsAndFileNames) {
  std::vector<std::string> sqlite, postgres;
  for (const store::Migration& m : store::EmbeddedMigrations()) {
    sqlite.push_back(std::to_string(m.version) + " " + m.file_name);
  }
  for (const store::Migration& m : store::EmbeddedPostgresMigrations()) {
    postgres.push_back(std::to_string(m.version) + " " + m.file_name);
  }
  EXPECT_EQ(postgres, sqlite)
      << "every migrations/NNNN_name.sql needs its "
         "migrations/postgresql/NNNN_name.sql, with the same name";
}

TEST_F(SchemaDriftTest, EverySchemaFactMatches) {
  std::vector<std::string> differences = Differences();
  EXPECT_THAT(differences, IsEmpty())
      << "the SQLite and PostgreSQL migrations make different schemas:\n  "
      << absl::StrJoin(differences, "\n  ");
  // The comparison saw the schema, not two empty sets.
  auto facts = ReadPostgresSchema(*postgres_);
  ASSERT_TRUE(facts.ok());
  EXPECT_THAT(*facts, Contains("column units.uid: text, not null, no default"));
  EXPECT_THAT(*facts, Contains("index actions_open_by_unit on actions "
                               "(unit_id, id, due_date), partial"));
  EXPECT_THAT(*facts, Contains("foreign key events (audit_id) -> audits (id)"));
  EXPECT_THAT(*facts, Contains("trigger auth_generation_token_update on "
                               "tokens"));
  EXPECT_GT(facts->size(), 200u);
}

// The comparison itself: each kind of drift made on one side is named.
TEST_F(SchemaDriftTest, EachKindOfDriftIsNamed) {
  ASSERT_TRUE(
      postgres_
          ->Exec("ALTER TABLE units ALTER COLUMN region DROP NOT NULL;"
                 "ALTER TABLE units ADD COLUMN extra BYTEA DEFAULT '';"
                 "DROP INDEX audits_by_state;"
                 "CREATE INDEX audits_by_state ON audits (state);"
                 "DROP INDEX units_by_hsa_id;"
                 "CREATE UNIQUE INDEX units_by_hsa_id ON units (hsa_id);"
                 "ALTER TABLE principals DROP CONSTRAINT "
                 "principals_certificate_subject_key;"
                 "ALTER TABLE sessions DROP CONSTRAINT "
                 "sessions_audit_id_fkey;"
                 "ALTER TABLE feedback ALTER COLUMN note TYPE "
                 "VARCHAR(10);"
                 "DROP TRIGGER auth_generation_units_delete ON "
                 "principal_units;")
          .ok());
  std::vector<std::string> differences = Differences();
  for (const char* expected : {
           "only in SQLite: column units.region: text, not null, no default",
           "only in PostgreSQL: column units.region: text, nullable, no "
           "default",
           "only in PostgreSQL: column units.extra: blob, nullable, default",
           "only in SQLite: index audits_by_state on audits (state, id)",
           "only in PostgreSQL: index audits_by_state on audits (state)",
           "only in SQLite: index units_by_hsa_id on units (hsa_id), unique, "
           "partial",
           "only in SQLite: unique principals (certificate_subject)",
           "only in SQLite: foreign key sessions (audit_id) -> audits (id)",
           "only in PostgreSQL: column feedback.note: character varying, not "
           "null, no default",
           "only in SQLite: trigger auth_generation_units_delete on "
           "principal_units",
       }) {
    EXPECT_THAT(differences, Contains(expected))
        << absl::StrJoin(differences, "\n");
  }
  EXPECT_EQ(differences.size(), 12u) << absl::StrJoin(differences, "\n");
}

}  // namespace
}  // namespace brevis::testing
