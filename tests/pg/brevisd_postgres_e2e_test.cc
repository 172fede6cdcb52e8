// The real brevisd's `init`, `migrate`, `token`, `serve` and its refusals
// on a postgresql:// database (issue 17).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "server/store/embedded_migrations.h"
#include "tests/e2e/brevisd_process.h"
#include "tests/pg/pg_environment.h"

namespace brevis::testing {
namespace {

using e2e::ProcessResult;
using e2e::RunBrevisd;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitMigrationsPending = 3;

class BrevisdPostgresTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    uri_ = SharedPgCluster()->Uri(database_);
  }

  std::string Latest() const {
    return std::to_string(store::EmbeddedPostgresMigrations().back().version);
  }

  int64_t LedgerRows() {
    auto db = Connect();
    auto select = db->Prepare("SELECT count(*) FROM schema_migrations");
    EXPECT_TRUE(select.ok() && *(*select)->Step());
    return (*select)->Int(0);
  }

  int64_t Tables() {
    auto db = Connect();
    auto select = db->Prepare(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'");
    EXPECT_TRUE(select.ok() && *(*select)->Step());
    return (*select)->Int(0);
  }

  std::string uri_;
};

TEST_F(BrevisdPostgresTest, InitSetsUpAnEmptyDatabaseThenMigrateFindsNothing) {
  ProcessResult init = RunBrevisd({"init", "--db", uri_});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_THAT(init.out, AllOf(HasSubstr("database " + database_),
                              HasSubstr("schema version " + Latest()),
                              HasSubstr("no admin token was issued")));
  EXPECT_EQ(LedgerRows(),
            static_cast<int64_t>(store::EmbeddedPostgresMigrations().size()));

  ProcessResult check = RunBrevisd({"migrate", "--db", uri_, "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("is at schema version " + Latest()));
  ProcessResult migrate = RunBrevisd({"migrate", "--db", uri_});
  EXPECT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_THAT(migrate.out, HasSubstr("applied 0 migration(s)"));
}

TEST_F(BrevisdPostgresTest, InitRefusesADatabaseThatIsNotEmpty) {
  ASSERT_EQ(RunBrevisd({"init", "--db", uri_}).exit_code, 0);
  ProcessResult again = RunBrevisd({"init", "--db", uri_});
  EXPECT_EQ(again.exit_code, kExitFailure);
  EXPECT_THAT(again.err,
              AllOf(HasSubstr("is not empty"), HasSubstr("brevisd migrate")));
}

TEST_F(BrevisdPostgresTest, MigrateListsThenAppliesWhatIsPending) {
  ProcessResult check = RunBrevisd({"migrate", "--db", uri_, "--check"});
  EXPECT_EQ(check.exit_code, kExitMigrationsPending) << check.err;
  EXPECT_THAT(check.out, AllOf(HasSubstr("is at schema version 0"),
                               HasSubstr("pending: 0001_initial.sql")));
  EXPECT_EQ(Tables(), 0) << "--check writes nothing";

  ProcessResult migrate = RunBrevisd({"migrate", "--db", uri_});
  EXPECT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_THAT(
      migrate.out,
      HasSubstr("applied " +
                std::to_string(store::EmbeddedPostgresMigrations().size()) +
                " migration(s)"));
}

TEST_F(BrevisdPostgresTest, MigrateRefusesAnEditedMigration) {
  ASSERT_EQ(RunBrevisd({"migrate", "--db", uri_}).exit_code, 0);
  auto db = Connect();
  ASSERT_TRUE(db->Exec("UPDATE schema_migrations SET checksum = '0' "
                       "WHERE version = 3")
                  .ok());
  ProcessResult migrate = RunBrevisd({"migrate", "--db", uri_});
  EXPECT_EQ(migrate.exit_code, kExitFailure);
  EXPECT_THAT(migrate.err, AllOf(HasSubstr("0003_recommendations.sql"),
                                 HasSubstr("edited")));
}

TEST_F(BrevisdPostgresTest, InitWithATokenFileMakesTheFirstAdmin) {
  e2e::TempDir dir;
  std::string token = dir.File("admin.token");
  ProcessResult init =
      RunBrevisd({"init", "--db", uri_, "--admin-token-file", token});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_THAT(init.out, HasSubstr("the first admin's token"));
  EXPECT_THAT(e2e::ReadFile(token).value_or(""), HasSubstr("brv_"));

  // A token of a PostgreSQL database needs a file named: there is no
  // database directory to put it beside.
  ProcessResult nowhere = RunBrevisd({"token", "create", "--db", uri_});
  EXPECT_EQ(nowhere.exit_code, kExitUsage);
  EXPECT_THAT(nowhere.err, HasSubstr("--out"));
  ProcessResult another = RunBrevisd(
      {"token", "create", "--db", uri_, "--out", dir.File("second.token")});
  EXPECT_EQ(another.exit_code, 0) << another.err;
}

TEST_F(BrevisdPostgresTest, BackupAndRestorePointAtPostgresqlsOwnTools) {
  ASSERT_EQ(RunBrevisd({"init", "--db", uri_}).exit_code, 0);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"backup", "--db", uri_, "--to", "/dev/null"},
        std::vector<std::string>{"restore", "--db", uri_, "--from",
                                 "/dev/null"}}) {
    ProcessResult refused = RunBrevisd(args);
    EXPECT_EQ(refused.exit_code, kExitUsage) << args[0];
    EXPECT_THAT(refused.err, HasSubstr("pg_dump")) << args[0];
  }
}

TEST_F(BrevisdPostgresTest, ServesAPostgresDatabaseNamedInItsConfigFile) {
  ASSERT_EQ(RunBrevisd({"init", "--db", uri_}).exit_code, 0);
  // The cluster trusts its socket's users, so any password is accepted;
  // neither the listening line nor the log may show it.
  std::string uri = "postgresql://brevis:s3cret-pw@/" + database_ +
                    uri_.substr(uri_.find('?'));
  e2e::TempDir dir;
  std::string config = dir.File("brevisd.toml");
  ASSERT_TRUE(e2e::WriteFile(config, "db = \"" + uri +
                                         "\"\nlisten = \"127.0.0.1:0\"\n"
                                         "reader_connections = 2\n"
                                         "db_statement_timeout_ms = 5000\n"));
  std::string error;
  auto serve =
      e2e::BrevisdProcess::Start({"serve", "--config", config}, &error);
  ASSERT_NE(serve, nullptr) << error;
  ASSERT_TRUE(serve->WaitForListening().has_value())
      << serve->WaitForExit().Describe();
  ASSERT_TRUE(serve->SendSignal(SIGTERM));
  ProcessResult stopped = serve->WaitForExit();
  EXPECT_TRUE(stopped.exited_in_time) << stopped.Describe();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  EXPECT_THAT(stopped.out, HasSubstr("database " + database_));
  EXPECT_THAT(stopped.out + stopped.err, Not(HasSubstr("s3cret-pw")));
}

TEST_F(BrevisdPostgresTest, ServeRefusesAnUnmigratedDatabaseSayingWhatToRun) {
  ProcessResult serve =
      RunBrevisd({"serve", "--db", uri_, "--listen", "127.0.0.1:0"});
  EXPECT_NE(serve.exit_code, 0);
  EXPECT_THAT(serve.err, HasSubstr("brevisd init"));
  EXPECT_THAT(serve.out, Not(HasSubstr("listening")));
}

TEST_F(BrevisdPostgresTest, APasswordInTheAddressIsNeverPrinted) {
  // The cluster trusts its socket's users, so any password is accepted.
  std::string uri = "postgresql://brevis:s3cret-pw@/" + database_ +
                    uri_.substr(uri_.find('?'));
  ProcessResult init = RunBrevisd({"init", "--db", uri});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  ProcessResult again = RunBrevisd({"init", "--db", uri});
  EXPECT_EQ(again.exit_code, kExitFailure);
  for (const ProcessResult* result : {&init, &again}) {
    EXPECT_THAT(result->out + result->err, Not(HasSubstr("s3cret-pw")));
  }
  ProcessResult unreachable = RunBrevisd(
      {"migrate", "--db", "postgresql://brevis:s3cret-pw@/nowhere?host=/"});
  EXPECT_EQ(unreachable.exit_code, kExitFailure);
  EXPECT_THAT(unreachable.err, AllOf(HasSubstr("cannot connect to database "
                                               "nowhere"),
                                     Not(HasSubstr("s3cret-pw"))));
}

}  // namespace
}  // namespace brevis::testing
