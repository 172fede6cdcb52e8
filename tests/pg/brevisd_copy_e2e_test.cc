// The real brevisd's `copy`: an installation `brevisd init` made on SQLite
// moved to PostgreSQL, its table of counts, and its refusals with exit code
// 2 (a second copy, a source a serving brevisd holds).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/brevisd_process.h"
#include "tests/pg/pg_environment.h"

namespace brevis::testing {
namespace {

using e2e::ProcessResult;
using e2e::RunBrevisd;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr int kExitRefused = 2;

class BrevisdCopyTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    // The cluster trusts its socket's users, so any password is accepted.
    std::string uri = SharedPgCluster()->Uri(database_);
    uri_ = "postgresql://brevis:s3cret-pw@/" + database_ +
           uri.substr(uri.find('?'));
    path_ = dir_.File("brevis.db");
    ProcessResult sqlite = RunBrevisd({"init", "--db", path_});
    ASSERT_EQ(sqlite.exit_code, 0) << sqlite.Describe();
    ProcessResult pg = RunBrevisd({"init", "--db", uri_});
    ASSERT_EQ(pg.exit_code, 0) << pg.Describe();
  }

  e2e::TempDir dir_;
  std::string path_;
  std::string uri_;
};

TEST_F(BrevisdCopyTest, CopiesPrintsTheCountsThenRefusesASecondCopy) {
  ProcessResult copy = RunBrevisd({"copy", "--from", path_, "--to", uri_});
  ASSERT_EQ(copy.exit_code, 0) << copy.Describe();
  EXPECT_THAT(copy.out,
              AllOf(HasSubstr("copied " + path_ + " to database " + database_),
                    HasSubstr("row count and checksum match"),
                    // init's admin and token.
                    HasSubstr("\nprincipals "), HasSubstr("\ntokens "),
                    HasSubstr("\ntotal ")));
  EXPECT_THAT(copy.out, MatchesRegex("(.|\n)*\nprincipals +1\n(.|\n)*"));
  auto db = Connect();
  auto tokens = db->Prepare("SELECT count(*) FROM tokens");
  ASSERT_TRUE(tokens.ok() && *(*tokens)->Step());
  EXPECT_EQ((*tokens)->Int(0), 1);

  ProcessResult again = RunBrevisd({"copy", "--from", path_, "--to", uri_});
  EXPECT_EQ(again.exit_code, kExitRefused) << again.Describe();
  EXPECT_THAT(again.err, AllOf(HasSubstr("brevisd: "), HasSubstr("not empty")));
  for (const ProcessResult* result : {&copy, &again}) {
    EXPECT_THAT(result->out + result->err, Not(HasSubstr("s3cret-pw")));
  }
}

TEST_F(BrevisdCopyTest, RefusesWhileABrevisdServesTheFile) {
  std::string error;
  auto serve = e2e::BrevisdProcess::Start(
      {"serve", "--db", path_, "--listen", "127.0.0.1:0"}, &error);
  ASSERT_NE(serve, nullptr) << error;
  ASSERT_TRUE(serve->WaitForListening().has_value());
  ProcessResult copy = RunBrevisd({"copy", "--from", path_, "--to", uri_});
  EXPECT_EQ(copy.exit_code, kExitRefused) << copy.Describe();
  EXPECT_THAT(copy.err, AllOf(HasSubstr("is in use"), HasSubstr("stop it")));
  EXPECT_THAT(copy.out, Not(HasSubstr("copied")));
}

TEST_F(BrevisdCopyTest, HelpShowsAnExampleAndUsageMistakesExitTwo) {
  ProcessResult help = RunBrevisd({"copy", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("Example: brevisd copy --from"));
  ProcessResult missing = RunBrevisd({"copy", "--from", path_});
  EXPECT_EQ(missing.exit_code, kExitRefused);
  EXPECT_THAT(missing.err, HasSubstr("--to is required"));
  ProcessResult file = RunBrevisd({"copy", "--from", path_, "--to", "x.db"});
  EXPECT_EQ(file.exit_code, kExitRefused);
  EXPECT_THAT(file.err, HasSubstr("postgresql:// URI"));
}

}  // namespace
}  // namespace brevis::testing
