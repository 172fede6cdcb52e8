// store::CopyToPostgres (`brevisd copy`, issue 17): an SQLite database made
// by the repositories, with blobs, NULLs and Swedish text, copied into
// PostgreSQL and compared value by value; every refusal changes nothing;
// and the checksum that guards the copy tells a single changed byte apart.

#include "server/store/copy_to_postgres.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/store/audit_repository.h"
#include "server/store/database.h"
#include "server/store/database_lock.h"
#include "server/store/embedded_migrations.h"
#include "server/store/event_repository.h"
#include "server/store/finding_repository.h"
#include "server/store/postgres_migrator.h"
#include "server/store/principal_repository.h"
#include "server/store/sqlite.h"
#include "server/store/table_checksum.h"
#include "server/store/token_repository.h"
#include "server/store/unit_repository.h"
#include "tests/pg/pg_environment.h"
#include "tests/testing/temp_dir.h"

namespace brevis::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSwedish[] =
    "Barnen på BUP Syd säger: \"vi blir hörda\" och 'ibland inte'.\n"
    "Åsa, Ärla och Östen\ttackar.";

std::string Expect(const absl::Status& status) {
  return store::DescribeForLog(status);
}

// A refusal: FAILED_PRECONDITION with `words` in its message.
void ExpectRefused(const absl::StatusOr<store::CopyReport>& report,
                   const std::string& words) {
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition)
      << Expect(report.status());
  EXPECT_THAT(report.status().message(), HasSubstr(words));
}

class CopyToPostgresTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    uri_ = SharedPgCluster()->Uri(database_);
    path_ = dir_.File("brevis.db");
  }

  void InitSqlite(std::span<const store::Migration> migrations =
                      store::EmbeddedMigrations()) {
    ASSERT_TRUE(store::CreateDatabase(path_, migrations).ok());
  }

  void InitPostgres(std::span<const store::Migration> migrations =
                        store::EmbeddedPostgresMigrations()) {
    auto db = Connect();
    ASSERT_NE(db, nullptr);
    auto applied = store::pg::ApplyMigrations(*db, migrations);
    ASSERT_TRUE(applied.ok()) << Expect(applied.status());
  }

  // Units, principals, an audit, findings, tokens and events through the
  // repositories, and rows that test the edges: NULLs, empty and binary
  // values, quotes and newlines.
  void Seed() {
    auto db = store::SqliteConnection::Open(path_, false, false);
    ASSERT_TRUE(db.ok());
    store::Connection& c = **db;
    absl::Time now = absl::FromUnixSeconds(1780000000);
    ASSERT_TRUE(c.Exec("BEGIN").ok());
    v1::Unit unit;
    unit.set_display_name("BUP Södra Älvsborg");
    unit.set_region("Västra Götaland");
    unit.set_kind(v1::UNIT_KIND_OUTPATIENT);
    ASSERT_TRUE(store::UnitRepository(c).Create("u1", now, &unit).ok());
    v1::Unit other;
    other.set_display_name("BUP \"Norr\"\n(avd 2)");
    other.set_region("Norrbotten");
    other.set_kind(v1::UNIT_KIND_INPATIENT);
    other.set_hsa_id("SE2321000016-1234");
    ASSERT_TRUE(store::UnitRepository(c).Create("u2", now, &other).ok());
    auto unit_id = store::UnitRepository(c).RowId("u1");
    ASSERT_TRUE(unit_id.ok());

    v1::Principal admin;
    admin.set_display_name("Åke Öberg");
    admin.set_role(v1::ROLE_ADMIN);
    ASSERT_TRUE(
        store::PrincipalRepository(c).Create("p1", {}, now, &admin).ok());
    v1::Principal auditor;
    auditor.set_display_name("Märta 'Mia' Ärlig");
    auditor.set_role(v1::ROLE_AUDITOR);
    auditor.set_certificate_subject("CN=märta,O=Region");
    ASSERT_TRUE(store::PrincipalRepository(c)
                    .Create("p2", {*unit_id}, now, &auditor)
                    .ok());
    auto principal = store::PrincipalRepository(c).Get("p1");
    ASSERT_TRUE(principal.ok());

    v1::Audit audit;
    ASSERT_TRUE(
        store::AuditRepository(c).Create("a1", *unit_id, now, &audit).ok());
    auto audit_id = store::AuditRepository(c).RowId("a1");
    ASSERT_TRUE(audit_id.ok());
    for (int i = 0; i < 3; ++i) {
      v1::Finding finding;
      finding.set_kind(i == 0 ? v1::FINDING_KIND_STRENGTH
                              : v1::FINDING_KIND_IMPROVEMENT_AREA);
      finding.set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
      finding.set_text(i == 0 ? kSwedish : "ändring " + std::to_string(i));
      ASSERT_TRUE(
          store::FindingRepository(c)
              .Create({"a1", "f" + std::to_string(i)}, *audit_id, now, &finding)
              .ok());
    }

    // A secret hash with every byte value, NULs included.
    std::string hash;
    for (int b = 0; b < 256; ++b) hash += static_cast<char>(b);
    for (int i = 0; i < 2; ++i) {
      v1::Token token;
      token.set_display_name(i == 0 ? "skrivare åäö" : "");
      ASSERT_TRUE(store::TokenRepository(c)
                      .Create({"p1", "t" + std::to_string(i)}, principal->id,
                              hash + static_cast<char>(i), now, &token)
                      .ok());
    }
    for (int i = 0; i < 4; ++i) {
      v1::Event event;
      event.mutable_time()->set_seconds(1780000000 + i);
      event.set_actor("principals/p1");
      event.set_resource("audits/a1");
      event.set_kind(v1::EVENT_KIND_UPDATED);
      event.add_changed_fields("text");
      store::EventScope scope;
      scope.audience = store::EventAudience::kAuditReaders;
      scope.audit_id = *audit_id;
      scope.unit_id = *unit_id;
      ASSERT_TRUE(store::EventRepository(c).Append(event, scope).ok());
    }
    ASSERT_TRUE(c.Exec("COMMIT").ok());
  }

  int64_t Count(store::Connection& db, const std::string& table) {
    auto select = db.Prepare("SELECT count(*) FROM " + table);
    EXPECT_TRUE(select.ok());
    if (!select.ok() || !*(*select)->Step()) return -1;
    return (*select)->Int(0);
  }

  testing::TempDir dir_;
  std::string uri_;
  std::string path_;
};

// Every value of every table, read on each side as PostgreSQL's column
// type says, equal one by one.
void ExpectSameRows(store::Connection& sqlite, store::pg::Connection& pg,
                    const std::string& table) {
  SCOPED_TRACE(table);
  auto columns = pg.Prepare(
      "SELECT column_name, data_type FROM information_schema.columns WHERE "
      "table_schema = current_schema() AND table_name = CAST(? AS TEXT) "
      "ORDER BY ordinal_position");
  ASSERT_TRUE(columns.ok());
  (*columns)->Bind(1, table);
  std::vector<std::pair<std::string, std::string>> types;
  while (*(*columns)->Step()) {
    types.emplace_back((*columns)->Text(0), (*columns)->Text(1));
  }
  ASSERT_FALSE(types.empty());
  std::string list, order;
  for (size_t i = 0; i < types.size(); ++i) {
    list += (i ? ", " : "") + types[i].first;
    order += (i ? ", " : "") + std::to_string(i + 1) + " NULLS FIRST";
  }
  std::string sql = "SELECT " + list + " FROM " + table + " ORDER BY " + order;
  auto left = sqlite.Prepare(sql);
  auto right = pg.Prepare(sql);
  ASSERT_TRUE(left.ok() && right.ok());
  int rows = 0;
  while (true) {
    bool more = *(*left)->Step();
    ASSERT_EQ(more, *(*right)->Step()) << "row " << rows;
    if (!more) break;
    for (size_t i = 0; i < types.size(); ++i) {
      int col = static_cast<int>(i);
      SCOPED_TRACE(types[i].first);
      ASSERT_EQ((*left)->IsNull(col), (*right)->IsNull(col));
      if (types[i].second == "bytea") {
        EXPECT_EQ((*left)->Blob(col), (*right)->Blob(col));
      } else if (types[i].second == "bigint") {
        EXPECT_EQ((*left)->Int(col), (*right)->Int(col));
      } else {
        EXPECT_EQ((*left)->Text(col), (*right)->Text(col));
      }
    }
    ++rows;
  }
}

TEST_F(CopyToPostgresTest, CopiesEveryTableValueByValue) {
  InitSqlite();
  Seed();
  InitPostgres();
  auto report = store::CopyToPostgres(path_, uri_);
  ASSERT_TRUE(report.ok()) << Expect(report.status());

  auto sqlite = store::SqliteConnection::Open(path_, false, true);
  ASSERT_TRUE(sqlite.ok());
  auto pg = Connect();
  auto names = (*sqlite)->Prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
      "LIKE 'sqlite%' AND name <> 'schema_migrations' ORDER BY name");
  ASSERT_TRUE(names.ok());
  std::vector<std::string> tables;
  while (*(*names)->Step()) tables.push_back((*names)->Text(0));
  ASSERT_EQ(report->tables.size(), tables.size());
  int64_t total = 0;
  for (const store::CopiedTable& copied : report->tables) {
    EXPECT_EQ(copied.rows, Count(**sqlite, copied.name)) << copied.name;
    EXPECT_EQ(copied.rows, Count(*pg, copied.name)) << copied.name;
    total += copied.rows;
  }
  EXPECT_EQ(report->total_rows, total);
  EXPECT_EQ(total, 16) << "every row Seed made";
  for (const std::string& table : tables) ExpectSameRows(**sqlite, *pg, table);

  // The text, the blob and the NULL arrived exactly.
  auto text = pg->Prepare("SELECT text FROM findings ORDER BY id LIMIT 1");
  ASSERT_TRUE(text.ok() && *(*text)->Step());
  EXPECT_EQ((*text)->Text(0), kSwedish);
  auto blob = pg->Prepare(
      "SELECT length(secret_hash), get_byte(secret_hash, 0) FROM tokens "
      "ORDER BY id LIMIT 1");
  ASSERT_TRUE(blob.ok() && *(*blob)->Step());
  EXPECT_EQ((*blob)->Int(0), 257);
  EXPECT_EQ((*blob)->Int(1), 0);
  auto null = pg->Prepare(
      "SELECT count(*) FROM principals WHERE certificate_subject IS NULL");
  ASSERT_TRUE(null.ok() && *(*null)->Step());
  EXPECT_EQ((*null)->Int(0), 1);

  // New rows get ids past the copied ones; events keep their sequence.
  auto next = pg->Prepare(
      "INSERT INTO units (uid, display_name, region, kind, active, "
      "create_time, update_time, revision) VALUES ('u9', 'Ny', 'Syd', 1, 1, "
      "0, 0, 1) RETURNING id");
  ASSERT_TRUE(next.ok());
  auto step = (*next)->Step();
  ASSERT_TRUE(step.ok()) << Expect(step.status());
  EXPECT_EQ((*next)->Int(0), 3);
  auto sequence = pg->Prepare("SELECT max(sequence) FROM events");
  ASSERT_TRUE(sequence.ok() && *(*sequence)->Step());
  EXPECT_EQ((*sequence)->Int(0), 4);
}

TEST_F(CopyToPostgresTest, CopiesAnEmptyInstallation) {
  InitSqlite();
  InitPostgres();
  auto report = store::CopyToPostgres(path_, uri_);
  ASSERT_TRUE(report.ok()) << Expect(report.status());
  EXPECT_EQ(report->total_rows, 1) << "the auth generation's row";
  EXPECT_EQ(report->schema_version, store::EmbeddedMigrations().back().version);
}

TEST_F(CopyToPostgresTest, CopiesManyRowsInBatches) {
  InitSqlite();
  {
    auto db = store::SqliteConnection::Open(path_, false, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        (*db)
            ->Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT "
                   "i + 1 FROM n WHERE i < 2345) INSERT INTO units (id, "
                   "uid, display_name, region, kind, active, "
                   "create_time, update_time, revision) SELECT i, 'u' "
                   "|| i, 'Enhet ' || i, 'Syd', 1, 1, 0, 0, 1 FROM n")
            .ok());
  }
  InitPostgres();
  auto report = store::CopyToPostgres(path_, uri_);
  ASSERT_TRUE(report.ok()) << Expect(report.status());
  auto pg = Connect();
  EXPECT_EQ(Count(*pg, "units"), 2345);
}

TEST_F(CopyToPostgresTest, RefusesATargetThatIsNotEmptyAndChangesNothing) {
  InitSqlite();
  Seed();
  InitPostgres();
  auto pg = Connect();
  ASSERT_TRUE(pg->Exec("INSERT INTO units (uid, display_name, region, kind, "
                       "active, create_time, update_time, revision) VALUES "
                       "('x', 'X', 'Syd', 1, 1, 0, 0, 1)")
                  .ok());
  auto report = store::CopyToPostgres(path_, uri_);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(),
              AllOf(HasSubstr("is not empty"), HasSubstr("units")));
  EXPECT_EQ(Count(*pg, "units"), 1);
  EXPECT_EQ(Count(*pg, "principals"), 0);
  EXPECT_EQ(Count(*pg, "auth_generation"), 1);
}

TEST_F(CopyToPostgresTest, RefusesASecondCopy) {
  InitSqlite();
  Seed();
  InitPostgres();
  ASSERT_TRUE(store::CopyToPostgres(path_, uri_).ok());
  auto again = store::CopyToPostgres(path_, uri_);
  ExpectRefused(again, "is not empty");
  auto pg = Connect();
  EXPECT_EQ(Count(*pg, "findings"), 3);
}

TEST_F(CopyToPostgresTest, RefusesASourceWithPendingMigrations) {
  auto all = store::EmbeddedMigrations();
  InitSqlite(all.first(all.size() - 1));
  InitPostgres();
  auto report = store::CopyToPostgres(path_, uri_);
  ExpectRefused(report, "run `brevisd migrate --db " + path_);
}

TEST_F(CopyToPostgresTest, RefusesATargetNotSetUpOrBehind) {
  InitSqlite();
  auto none = store::CopyToPostgres(path_, uri_);
  ExpectRefused(none, "brevisd init");

  auto all = store::EmbeddedPostgresMigrations();
  InitPostgres(all.first(all.size() - 1));
  auto behind = store::CopyToPostgres(path_, uri_);
  ExpectRefused(behind, "brevisd migrate");
}

TEST_F(CopyToPostgresTest, RefusesASourceInUse) {
  InitSqlite();
  InitPostgres();
  // As a serving brevisd holds it.
  auto serving = store::DatabaseLock::Acquire(path_, /*exclusive=*/false);
  ASSERT_TRUE(serving.ok());
  auto report = store::CopyToPostgres(path_, uri_);
  ExpectRefused(report, "is in use");
  auto pg = Connect();
  EXPECT_EQ(Count(*pg, "auth_generation"), 1);
}

TEST_F(CopyToPostgresTest, RefusesACollationOtherThanC) {
  InitSqlite();
  auto admin = store::pg::Connection::Open(
      {.conninfo = SharedPgCluster()->ConnInfo("postgres")});
  ASSERT_TRUE(admin.ok());
  std::string name = database_ + "_utf8";
  ASSERT_TRUE((*admin)
                  ->Exec("CREATE DATABASE " + name +
                         " TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE "
                         "'C.UTF-8' ENCODING 'UTF8'")
                  .ok());
  std::string uri = SharedPgCluster()->Uri(name);
  auto report = store::CopyToPostgres(path_, uri);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(),
              AllOf(HasSubstr("collation C.UTF-8"),
                    HasSubstr("CREATE DATABASE \"" + name +
                              "\" TEMPLATE template0 LC_COLLATE 'C' "
                              "LC_CTYPE 'C' ENCODING 'UTF8'")));
}

TEST_F(CopyToPostgresTest, RefusesABadAddressWithoutItsPassword) {
  InitSqlite();
  auto plain = store::CopyToPostgres(path_, "brevis.db");
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kInvalidArgument);
  auto unparsable = store::CopyToPostgres(path_, "postgresql://u:pw1@[x/db");
  EXPECT_EQ(unparsable.status().code(), absl::StatusCode::kInvalidArgument)
      << Expect(unparsable.status());
  auto unreachable = store::CopyToPostgres(
      path_, "postgresql://brevis:s3cret-pw@/nowhere?host=/");
  EXPECT_EQ(unreachable.status().code(), absl::StatusCode::kUnavailable);
  for (const auto* result : {&unparsable, &unreachable}) {
    EXPECT_THAT(Expect(result->status()),
                AllOf(Not(HasSubstr("s3cret-pw")), Not(HasSubstr("pw1"))));
  }
  auto missing = store::CopyToPostgres(dir_.File("none.db"), uri_);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

// A target that changes rows as they arrive (a trigger stands in for a
// fault anywhere between the two reads) is caught, named and rolled back.
TEST_F(CopyToPostgresTest, AMismatchIsNamedAndRolledBack) {
  InitSqlite();
  Seed();
  InitPostgres();
  auto pg = Connect();
  ASSERT_TRUE(pg->Exec("CREATE FUNCTION tamper() RETURNS trigger LANGUAGE "
                       "plpgsql AS $$ BEGIN NEW.text := NEW.text || '.'; "
                       "RETURN NEW; END; $$; CREATE TRIGGER tamper BEFORE "
                       "INSERT ON findings FOR EACH ROW EXECUTE FUNCTION "
                       "tamper()")
                  .ok());
  auto changed = store::CopyToPostgres(path_, uri_);
  EXPECT_EQ(changed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(changed.status().message(),
              AllOf(HasSubstr("table findings"), HasSubstr("checksums"),
                    HasSubstr("rolled back")));
  EXPECT_EQ(Count(*pg, "units"), 0);
  EXPECT_EQ(Count(*pg, "findings"), 0);

  ASSERT_TRUE(pg->Exec("DROP TRIGGER tamper ON findings; CREATE FUNCTION "
                       "drop_row() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       "BEGIN RETURN NULL; END; $$; CREATE TRIGGER drop_row "
                       "BEFORE INSERT ON tokens FOR EACH ROW EXECUTE "
                       "FUNCTION drop_row()")
                  .ok());
  auto lost = store::CopyToPostgres(path_, uri_);
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(lost.status().message(),
              AllOf(HasSubstr("table tokens has 2 rows in SQLite but 0"),
                    HasSubstr("rolled back")));
  EXPECT_EQ(Count(*pg, "principals"), 0);
  EXPECT_EQ(Count(*pg, "auth_generation"), 1);
}

// The checksum both sides are compared by.
std::string Digest(store::Connection& db, const std::string& select,
                   std::vector<store::ColumnKind> kinds) {
  auto row = db.Prepare(select);
  EXPECT_TRUE(row.ok());
  store::TableChecksum checksum;
  while (row.ok() && *(*row)->Step()) checksum.AddRow(**row, kinds);
  return checksum.HexDigest();
}

TEST_F(CopyToPostgresTest, TheChecksumReadsAlikeOnBothEnginesAndTellsBytes) {
  using K = store::ColumnKind;
  std::vector<K> kinds = {K::kInteger, K::kText, K::kBytes, K::kText};
  auto sqlite = store::SqliteConnection::Open(dir_.File("c.db"), true, false);
  ASSERT_TRUE(sqlite.ok());
  auto pg = Connect();
  std::string sql = "SELECT -42, 'åäö \"x\"\n', x'00ff10', NULL";
  std::string pg_sql =
      "SELECT CAST(-42 AS BIGINT), 'åäö \"x\"\n', '\\x00ff10'::bytea, "
      "CAST(NULL AS TEXT)";
  std::string base = Digest(**sqlite, sql, kinds);
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(Digest(*pg, pg_sql, kinds), base);
  // One byte changed, anywhere, changes it.
  for (std::string changed : {"SELECT -43, 'åäö \"x\"\n', x'00ff10', NULL",
                              "SELECT -42, 'åäö \"y\"\n', x'00ff10', NULL",
                              "SELECT -42, 'åäö \"x\"\n', x'00ff11', NULL",
                              "SELECT -42, 'åäö \"x\"\n', x'00ff10', ''"}) {
    EXPECT_NE(Digest(**sqlite, changed, kinds), base) << changed;
  }
  // Values moved between columns render differently.
  std::vector<K> texts = {K::kText, K::kText};
  EXPECT_NE(Digest(**sqlite, "SELECT 'ab', 'c'", texts),
            Digest(**sqlite, "SELECT 'a', 'bc'", texts));
}

}  // namespace
}  // namespace brevis::testing
