// The store's SQL of what a published-only caller sees agrees with the
// domain's definition of a published audit, for every state there is.

#include "server/store/visibility_sql.h"

#include <gtest/gtest.h>

#include "server/domain/audit_lifecycle.h"
#include "server/domain/policy.h"
#include "server/store/sqlite.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

TEST(VisibilitySqlTest, PublishedOnlyIsTheDomainsPublishedStates) {
  testing::TempDir dir;
  auto db = SqliteConnection::Open(dir.File("visibility.db"), true, false);
  ASSERT_TRUE(db.ok()) << db.status();
  domain::AuditVisibility published_only;
  published_only.published_only = true;
  std::string sql =
      "SELECT " +
      VisibleAuditStateCondition(published_only, "s.unit_id", "s.state", "?2") +
      " FROM (SELECT 1 AS unit_id, ?1 AS state) s";
  const auto* states = v1::AuditState_descriptor();
  // One past the last state too: a state the domain does not publish.
  for (int i = 0; i <= states->value_count(); ++i) {
    int state = i < states->value_count() ? states->value(i)->number()
                                          : states->value_count() + 1;
    auto stmt = (*db)->Prepare(sql);
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    (*stmt)->Bind(1, int64_t{state});
    absl::StatusOr<bool> row = (*stmt)->Step();
    ASSERT_TRUE(row.ok() && *row) << row.status();
    EXPECT_EQ((*stmt)->Int(0) == 1,
              domain::IsPublished(static_cast<v1::AuditState>(state)))
        << "state " << state;
  }
}

TEST(VisibilitySqlTest, PublishedStateListNamesEachPublishedState) {
  std::string expected;
  for (v1::AuditState state : domain::PublishedStates()) {
    expected += expected.empty() ? "(" : ", ";
    expected += std::to_string(static_cast<int>(state));
  }
  EXPECT_EQ(PublishedStateList(), expected + ")");
}

}  // namespace
}  // namespace brevis::store
