// The store's SQL conditions for open, overdue and unfinished actions say
// what domain::StandingOf says, for every status, audit state and due date.

#include "server/store/action_standing_sql.h"

#include <gtest/gtest.h>

#include "server/domain/action_standing.h"
#include "server/domain/calendar.h"
#include "server/domain/validation.h"
#include "server/store/database.h"
#include "server/store/sqlite.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

v1::Date Day(int year, int month, int day) {
  return domain::FromCivilDay(absl::CivilDay(year, month, day));
}

TEST(ActionStandingSqlTest, AgreesWithTheDomainOnEveryCombination) {
  testing::TempDir dir;
  auto db = SqliteConnection::Open(dir.File("standing.db"), true, false);
  ASSERT_TRUE(db.ok()) << db.status();
  // One row per combination, under the aliases the repositories use.
  std::string sql = "SELECT " + OpenWorkCondition("a", "au") + ", " +
                    OverdueCondition("a", "au", "?9") + ", " +
                    UnfinishedCondition("a", "au") +
                    " FROM (SELECT ?1 AS status, ?3 AS due_date) a, "
                    "(SELECT ?2 AS state) au";
  const v1::Date today = Day(2026, 5, 28);
  const v1::Date dues[] = {Day(2026, 5, 27), today,
                           Day(2026, 5, 29), Day(2025, 12, 31),
                           Day(2026, 10, 1), v1::Date()};
  int checked = 0;
  for (int status = 0; status <= 4; ++status) {
    for (int state = 0; state <= 8; ++state) {
      for (const v1::Date& due : dues) {
        auto stmt = (*db)->Prepare(sql);
        ASSERT_TRUE(stmt.ok()) << stmt.status();
        (*stmt)->Bind(1, int64_t{status}).Bind(2, int64_t{state});
        (*stmt)->Bind(9, domain::DateText(today));
        if (domain::IsSet(due)) (*stmt)->Bind(3, domain::DateText(due));
        absl::StatusOr<bool> row = (*stmt)->Step();
        ASSERT_TRUE(row.ok() && *row) << row.status();
        domain::ActionStanding standing =
            domain::StandingOf(static_cast<v1::ActionStatus>(status), due,
                               static_cast<v1::AuditState>(state), today);
        SCOPED_TRACE(::testing::Message()
                     << "status " << status << " state " << state << " due "
                     << domain::DateText(due));
        EXPECT_EQ((*stmt)->Int(0) == 1,
                  standing == domain::ActionStanding::kOpen ||
                      standing == domain::ActionStanding::kOverdue);
        EXPECT_EQ((*stmt)->Int(1) == 1,
                  standing == domain::ActionStanding::kOverdue);
        EXPECT_EQ((*stmt)->Int(2) == 1,
                  standing == domain::ActionStanding::kUnfinished);
        stmt->reset();
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 5 * 9 * 6);
}

// The overdue actions of a unit are read through the partial index of
// open actions (migration 0014), which SQLite uses only when the query
// repeats its condition; a change to OverdueCondition or to the open
// statuses that stops that shows here, not as a slow page years later.
TEST(ActionStandingSqlTest, OverdueOfAUnitUsesTheOpenActionsIndex) {
  testing::TempDir dir;
  std::string path = dir.File("plan.db");
  ASSERT_TRUE(CreateDatabase(path, EmbeddedMigrations()).ok());
  auto db = SqliteConnection::Open(path, false, false);
  ASSERT_TRUE(db.ok()) << db.status();
  std::string sql =
      "EXPLAIN QUERY PLAN SELECT a.id FROM actions a JOIN audits au ON "
      "au.id = a.audit_id WHERE a.id > ?1 AND a.unit_id = ?2 AND " +
      OverdueCondition("a", "au", "?9") + " ORDER BY a.id LIMIT 51";
  auto plan = (*db)->Prepare(sql);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::string details;
  while (true) {
    absl::StatusOr<bool> row = (*plan)->Step();
    ASSERT_TRUE(row.ok()) << row.status();
    if (!*row) break;
    details += (*plan)->Text(3) + "\n";
  }
  EXPECT_NE(details.find("actions_open_by_unit"), std::string::npos) << details;
  EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos) << details;
}

}  // namespace
}  // namespace brevis::store
