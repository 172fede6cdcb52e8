// The real brevisd's `init` and `migrate` on a postgresql:// database, and
// its honest refusal to serve one (issue 17 is in progress).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

TEST_F(BrevisdPostgresTest, ServeAndTheOtherSubcommandsRefuseHonestly) {
  ASSERT_EQ(RunBrevisd({"init", "--db", uri_}).exit_code, 0);
  ProcessResult serve =
      RunBrevisd({"serve", "--db", uri_, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.exit_code, kExitUsage) << serve.out;
  EXPECT_THAT(serve.err, AllOf(HasSubstr("SQLite databases only"),
                               HasSubstr("not finished")));
  EXPECT_THAT(serve.out, Not(HasSubstr("listening")));
  for (std::vector<std::string> args :
       {std::vector<std::string>{"token", "create", "--db", uri_},
        std::vector<std::string>{"backup", "--db", uri_, "--to",
                                 "/dev/null"}}) {
    ProcessResult refused = RunBrevisd(args);
    EXPECT_EQ(refused.exit_code, kExitUsage) << args[0];
    EXPECT_THAT(refused.err, HasSubstr("SQLite databases only")) << args[0];
  }
}

TEST_F(BrevisdPostgresTest, ServeRefusesAPostgresDatabaseFromItsConfigFile) {
  e2e::TempDir dir;
  std::string config = dir.File("brevisd.toml");
  ASSERT_TRUE(e2e::WriteFile(
      config, "db = \"" + uri_ + "\"\nlisten = \"127.0.0.1:0\"\n"));
  ProcessResult serve = RunBrevisd({"serve", "--config", config});
  EXPECT_EQ(serve.exit_code, kExitUsage) << serve.out;
  EXPECT_THAT(serve.err, HasSubstr("SQLite databases only"));
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
