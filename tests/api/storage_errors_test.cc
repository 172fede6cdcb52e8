// No storage engine's message ever reaches a caller: a refusal names the
// rule and the resources in the way, and a failure of the store itself gets
// a code and a message of brevis's own, while the engine's text goes to the
// server log only.

#include <gmock/gmock.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/api/audit_journey.h"
#include "tests/testing/engine_phrases.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

// What the engine says when a trigger below refuses a write; it must show
// up in the server log and never in a status message.
constexpr char kEngineText[] = "FOREIGN KEY constraint failed (engine)";

class StorageErrorsTest : public AuditJourneyTest {
 protected:
  // Makes every `event` (INSERT, UPDATE, DELETE) on `table` fail inside
  // SQLite, as a broken constraint or a damaged file would.
  void BreakWrites(const std::string& event, const std::string& table) {
    std::string sql = "CREATE TRIGGER break_" + table + "_" + event +
                      " BEFORE " + event + " ON " + table +
                      " BEGIN SELECT RAISE(ABORT, '" + kEngineText + "'); END";
    ASSERT_TRUE(
        db_->Write([&](store::Connection& db) { return db.Exec(sql); }).ok());
  }

  // Undoes BreakWrites.
  void Mend(const std::string& event, const std::string& table) {
    std::string sql = "DROP TRIGGER break_" + table + "_" + event;
    ASSERT_TRUE(
        db_->Write([&](store::Connection& db) { return db.Exec(sql); }).ok());
  }

  // The call failed with `code` and a message of brevis's own.
  void ExpectOwnMessage(const grpc::Status& status, grpc::StatusCode code,
                        const std::string& call) {
    SCOPED_TRACE(call);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_EQ(testing::EnginePhraseIn(status.error_message()), "")
        << status.error_message();
    EXPECT_FALSE(status.error_message().empty());
  }
};

TEST_F(StorageErrorsTest, ARecommendationWithActionsIsRefusedByName) {
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  v1::Action action = MustCreateAction(recommendation_.name());
  MustMove(v1::AUDIT_STATE_REPORTING, "Rapporten rättas.");
  grpc::ClientContext context;
  v1::DeleteRecommendationRequest request;
  request.set_name(recommendation_.name());
  google::protobuf::Empty empty;
  grpc::Status status =
      audits_->DeleteRecommendation(&context, request, &empty);
  ExpectOwnMessage(status, grpc::StatusCode::FAILED_PRECONDITION,
                   "DeleteRecommendation");
  EXPECT_THAT(status.error_message(), HasSubstr(recommendation_.name()));
  EXPECT_THAT(status.error_message(), HasSubstr(action.name()));
  EXPECT_EQ(GetAction(action.name()).name(), action.name());
}

TEST_F(StorageErrorsTest, EngineFailuresOfWritesKeepTheirTextInTheLog) {
  v1::Session session;
  {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_parent(audit_.name());
    *request.mutable_session() = ExampleSession();
    ASSERT_TRUE(audits_->CreateSession(&context, request, &session).ok());
  }
  BreakWrites("INSERT", "findings");
  BreakWrites("UPDATE", "findings");
  BreakWrites("DELETE", "sessions");
  BreakWrites("INSERT", "create_requests");
  BreakWrites("INSERT", "events");

  ExpectOwnMessage(CreateFinding(audit_.name(), ExampleFinding()),
                   grpc::StatusCode::FAILED_PRECONDITION, "CreateFinding");
  ExpectOwnMessage(
      UpdateFindingText(finding_.name(), "Ny text om delaktighet.", ""),
      grpc::StatusCode::FAILED_PRECONDITION, "UpdateFinding");
  {
    grpc::ClientContext context;
    v1::CreateUnitRequest request;
    *request.mutable_unit() = ExampleUnit();
    request.set_request_id("unit-1");
    v1::Unit created;
    ExpectOwnMessage(directory_->CreateUnit(&context, request, &created),
                     grpc::StatusCode::FAILED_PRECONDITION, "CreateUnit");
  }
  {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_parent(audit_.name());
    *request.mutable_session() = ExampleSession();
    v1::Session created;
    ExpectOwnMessage(audits_->CreateSession(&context, request, &created),
                     grpc::StatusCode::FAILED_PRECONDITION,
                     "CreateSession (its event)");
  }
  {
    grpc::ClientContext context;
    v1::DeleteSessionRequest request;
    request.set_name(session.name());
    google::protobuf::Empty empty;
    ExpectOwnMessage(audits_->DeleteSession(&context, request, &empty),
                     grpc::StatusCode::FAILED_PRECONDITION, "DeleteSession");
  }
  Mend("INSERT", "events");
  Mend("UPDATE", "findings");
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  BreakWrites("INSERT", "recommendation_responses");
  ExpectOwnMessage(Respond(recommendation_.name()),
                   grpc::StatusCode::FAILED_PRECONDITION,
                   "RespondToRecommendation");

  EXPECT_THAT(server_log_.str(), HasSubstr(kEngineText))
      << "the engine's text is kept for the operator";
}

TEST_F(StorageErrorsTest, AReadRefusedForItsAccessLogSaysSoInOwnWords) {
  BreakWrites("INSERT", "access_log");
  grpc::ClientContext context;
  v1::GetFindingRequest request;
  request.set_name(finding_.name());
  v1::Finding read;
  ExpectOwnMessage(audits_->GetFinding(&context, request, &read),
                   grpc::StatusCode::UNAVAILABLE, "GetFinding");
  EXPECT_TRUE(read.text().empty());
}

TEST_F(StorageErrorsTest, ALockedDatabaseIsUnavailableInOwnWords) {
  // Another process holds the write lock past the busy timeout.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("brevis.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  v1::CreateUnitRequest request;
  *request.mutable_unit() = ExampleUnit();
  v1::Unit created;
  grpc::Status status = directory_->CreateUnit(&context, request, &created);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  ExpectOwnMessage(status, grpc::StatusCode::UNAVAILABLE, "CreateUnit");
}

// Only the store's one mapping reads SQLite's own messages, so no other
// code can pass them on.
TEST(StorageErrorsSourceTest, OnlyTheStoreMappingReadsEngineMessages) {
  const std::string root = BREVIS_SOURCE_DIR;
  std::regex engine_text(R"(sqlite3_err(msg|str)\s*\()");
  std::vector<std::string> readers;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root + "/server")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream file(entry.path());
    std::string text((std::istreambuf_iterator<char>(file)),
                     std::istreambuf_iterator<char>());
    if (std::regex_search(text, engine_text)) {
      readers.push_back(std::filesystem::relative(entry.path(), root).string());
    }
  }
  EXPECT_THAT(readers, ::testing::ElementsAre("server/store/sqlite.cc"));
}

}  // namespace
}  // namespace brevis::api
