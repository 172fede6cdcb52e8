// The store's SQL conditions for open, overdue and unfinished actions say
// what domain::StandingOf says, for every status, audit state and due date.

#include "server/store/action_standing_sql.h"

#include <gtest/gtest.h>

#include "server/domain/action_standing.h"
#include "server/domain/calendar.h"
#include "server/domain/validation.h"
#include "server/store/sqlite.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

v1::Date Day(int year, int month, int day) {
  return domain::FromCivilDay(absl::CivilDay(year, month, day));
}

TEST(ActionStandingSqlTest, AgreesWithTheDomainOnEveryCombination) {
  testing::TempDir dir;
  auto db = Connection::Open(dir.File("standing.db"), true, false);
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

}  // namespace
}  // namespace brevis::store
