// Migration 0009 gives the lifecycle steps recorded before it the states
// they left and entered, from the audit's own history of steps, so that a
// cancellation recorded before the upgrade still reaches those it shut out.

#include <gtest/gtest.h>

#include "server/store/embedded_migrations.h"
#include "server/store/migrator.h"
#include "server/store/sqlite.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

TEST(EventMigrationTest, EarlierStepsGetTheirStatesFromTheHistory) {
  testing::TempDir dir;
  auto connection = SqliteConnection::Open(dir.File("db"), /*create=*/true, false);
  ASSERT_TRUE(connection.ok()) << connection.status();
  Connection& db = **connection;
  std::span<const Migration> all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 9u);
  ASSERT_EQ(all[8].version, 9);
  ASSERT_TRUE(ApplyMigrations(db, all.first(8)).ok());
  ASSERT_TRUE(
      db.Exec("INSERT INTO units (id, uid, display_name, region, kind, active, "
              "create_time, update_time, revision) VALUES (1, 'u', 'BUP', "
              "'Region Stockholm', 1, 1, 0, 0, 1);"
              "INSERT INTO audits (id, uid, unit_id, title, commissioned_by, "
              "focus_areas, other_focus_area, question_guide, state, "
              "create_time, update_time, revision) VALUES (1, 'a', 1, 'T', "
              "'C', 1, '', '', 8, 0, 0, 3);"
              // Published at 100, cancelled at 200; a title change at 200.
              "INSERT INTO audit_transitions (audit_id, from_state, to_state, "
              "reason, actor, time) VALUES (1, 3, 4, '', 'principals/x', 100),"
              " (1, 4, 8, 'Skäl', 'principals/y', 200);"
              "INSERT INTO events (sequence, time, actor, resource, kind, "
              "changed_fields, audit_id, unit_id, audience, published) VALUES "
              "(1, 100, 'principals/x', 'audits/a', 4, 'state', 1, 1, 0, 1),"
              "(2, 200, 'principals/y', 'audits/a', 2, 'title', 1, 1, 0, 1),"
              "(3, 200, 'principals/y', 'audits/a', 4, 'state', 1, 1, 0, 0);")
          .ok());
  absl::StatusOr<int> applied = ApplyMigrations(db, all);
  ASSERT_TRUE(applied.ok()) << applied.status();

  auto select =
      db.Prepare("SELECT prior_state, state FROM events ORDER BY sequence");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->Int(0), 3);
  EXPECT_EQ((*select)->Int(1), 4);
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_TRUE((*select)->IsNull(0)) << "not a step";
  EXPECT_TRUE((*select)->IsNull(1));
  ASSERT_TRUE(*(*select)->Step());
  EXPECT_EQ((*select)->Int(0), 4);
  EXPECT_EQ((*select)->Int(1), 8);
}

}  // namespace
}  // namespace brevis::store
