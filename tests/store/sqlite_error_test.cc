// The store's one boundary for engine errors: every SQLite failure becomes a
// code the caller can act on and a message of brevis's own, and SQLite's
// text stays with the status for the server log only.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/store/sqlite.h"
#include "tests/testing/engine_phrases.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

using ::testing::HasSubstr;

// The message as std::string: Debian's abseil has its own string_view.
std::string Message(const absl::Status& status) {
  return std::string(status.message());
}

struct Mapping {
  int sqlite_code;
  absl::StatusCode code;
};

TEST(SqliteErrorTest, EveryClassGetsACodeAndAnOwnMessage) {
  const Mapping mappings[] = {
      {SQLITE_CONSTRAINT_FOREIGNKEY, absl::StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_CHECK, absl::StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_TRIGGER, absl::StatusCode::kFailedPrecondition},
      {SQLITE_CONSTRAINT_UNIQUE, absl::StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_PRIMARYKEY, absl::StatusCode::kAlreadyExists},
      {SQLITE_FULL, absl::StatusCode::kResourceExhausted},
      {SQLITE_BUSY, absl::StatusCode::kUnavailable},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable},
      {SQLITE_READONLY, absl::StatusCode::kFailedPrecondition},
      {SQLITE_CORRUPT, absl::StatusCode::kFailedPrecondition},
      {SQLITE_IOERR_WRITE, absl::StatusCode::kInternal},
      {SQLITE_ERROR, absl::StatusCode::kInternal},
  };
  for (const Mapping& mapping : mappings) {
    SCOPED_TRACE(sqlite3_errstr(mapping.sqlite_code));
    absl::Status status = SqliteError(mapping.sqlite_code, "step", nullptr);
    EXPECT_EQ(status.code(), mapping.code);
    EXPECT_EQ(testing::EnginePhraseIn(Message(status)), "") << Message(status);
    EXPECT_THAT(EngineDetail(status),
                HasSubstr(sqlite3_errstr(mapping.sqlite_code)));
    EXPECT_THAT(DescribeForLog(status), HasSubstr(Message(status)));
    EXPECT_THAT(DescribeForLog(status), HasSubstr(EngineDetail(status)));
  }
  EXPECT_THAT(Message(SqliteError(SQLITE_FULL, "exec", nullptr)),
              HasSubstr("disk"));
  EXPECT_EQ(EngineDetail(absl::NotFoundError("finding x not found")), "");
  EXPECT_EQ(DescribeForLog(absl::NotFoundError("finding x not found")),
            "finding x not found");
}

TEST(SqliteErrorTest, AStatementsEngineTextStaysOutOfTheMessage) {
  testing::TempDir dir;
  auto connection =
      SqliteConnection::Open(dir.File("t.db"), /*create=*/true, /*read_only=*/false);
  ASSERT_TRUE(connection.ok()) << connection.status();
  ASSERT_TRUE((*connection)
                  ->Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                         "CREATE TABLE child (parent_id INTEGER NOT NULL "
                         "REFERENCES parent (id));")
                  .ok());
  auto insert =
      (*connection)->Prepare("INSERT INTO child (parent_id) VALUES (?)");
  ASSERT_TRUE(insert.ok());
  absl::Status status = (*insert)->Bind(1, int64_t{42}).Run();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(testing::EnginePhraseIn(Message(status)), "") << Message(status);
  EXPECT_THAT(EngineDetail(status), HasSubstr("FOREIGN KEY constraint failed"));

  absl::Status bad = (*connection)->Exec("SELECT * FROM missing");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(testing::EnginePhraseIn(Message(bad)), "") << Message(bad);
  EXPECT_THAT(EngineDetail(bad), HasSubstr("no such table: missing"));

  auto prepared = (*connection)->Prepare("SELECT missing_column FROM parent");
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(testing::EnginePhraseIn(Message(prepared.status())), "")
      << Message(prepared.status());
  EXPECT_THAT(EngineDetail(prepared.status()), HasSubstr("no such column"));
}

}  // namespace
}  // namespace brevis::store
