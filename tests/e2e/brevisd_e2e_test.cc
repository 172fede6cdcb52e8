// End-to-end tests of the brevisd binary: each test starts the real server
// as a child process on a fresh database in a temporary directory and talks
// to it over a real loopback gRPC channel, or runs a subcommand to its end.

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/store/embedded_migrations.h"
#include "tests/e2e/brevisd_process.h"
#include "tests/e2e/raw_grpc_calls.h"
#include "tests/testing/bearer_channel.h"

namespace brevis::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::chrono::milliseconds kCallTimeout{5000};
// A list that has not ended after this many pages is broken.
constexpr int kMaxPages = 100;

// Example texts from the domain description, in Swedish with å, ä and ö.
constexpr char kStrengthText[] =
    "De flesta unga beskriver att de blir lyssnade på och tagna på allvar av "
    "sin behandlare.";
constexpr char kParticipationText[] =
    "Flera unga säger att de inte får vara med när beslut om deras behandling "
    "fattas.";
constexpr char kInformationText[] =
    "Vårdnadshavare vet inte vad en SIP är eller hur man begär en.";

// The schema version this brevisd brings: the last embedded migration.
std::string LatestSchema() {
  return std::to_string(store::EmbeddedMigrations().back().version);
}

// A client context whose deadline keeps every call bounded.
class CallContext : public grpc::ClientContext {
 public:
  CallContext() {
    set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  }
};

::testing::AssertionResult SameMessage(const google::protobuf::Message& got,
                                       const google::protobuf::Message& want) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string report;
  differencer.ReportDifferencesToString(&report);
  if (differencer.Compare(got, want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << got.ShortDebugString() << "\nwant "
         << want.ShortDebugString() << "\ndifferences:\n"
         << report;
}

v1::Date MakeDate(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// The resources of the domain's example, as a client sends them.
v1::Unit ExampleUnit() {
  v1::Unit unit;
  unit.set_display_name("BUP Prima Handen");
  unit.set_region("Region Stockholm");
  unit.set_kind(v1::UNIT_KIND_OUTPATIENT);
  return unit;
}

v1::Audit ExampleAudit(const std::string& unit_name) {
  v1::Audit audit;
  audit.set_unit(unit_name);
  audit.set_title("Brukarrevision BUP Prima Handen 2026");
  audit.set_commissioned_by(
      "Regionala programområdet för psykisk hälsa, Region Stockholm");
  audit.add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  audit.add_focus_areas(v1::FOCUS_AREA_RESPECT);
  audit.add_focus_areas(v1::FOCUS_AREA_INFORMATION);
  audit.add_focus_areas(v1::FOCUS_AREA_CHILD_RIGHTS);
  audit.set_question_guide(
      "Delaktighet: Får du vara med och bestämma om din behandling?\n"
      "Bemötande: Känner du dig lyssnad på?");
  *audit.mutable_planned_start_date() = MakeDate(2026, 2, 1);
  *audit.mutable_planned_report_date() = MakeDate(2026, 5, 15);
  *audit.mutable_planned_follow_up_date() = MakeDate(2026, 11, 15);
  return audit;
}

v1::Session MakeSession(v1::Date date, v1::SessionKind kind,
                        v1::InformantGroup group, int participants) {
  v1::Session session;
  *session.mutable_date() = date;
  session.set_kind(kind);
  session.set_informant_group(group);
  session.set_participant_count(participants);
  return session;
}

// 6 interviews with young people 13-17 (1 each), 2 focus groups with
// children 6-12 (4 and 3), 1 focus group with guardians (5).
std::vector<v1::Session> ExampleSessions() {
  std::vector<v1::Session> sessions;
  for (int day = 10; day < 16; ++day) {
    sessions.push_back(MakeSession(MakeDate(2026, 2, day),
                                   v1::SESSION_KIND_INTERVIEW,
                                   v1::INFORMANT_GROUP_YOUNG_PERSON, 1));
  }
  sessions.push_back(MakeSession(MakeDate(2026, 2, 20),
                                 v1::SESSION_KIND_FOCUS_GROUP,
                                 v1::INFORMANT_GROUP_CHILD, 4));
  sessions.push_back(MakeSession(MakeDate(2026, 2, 27),
                                 v1::SESSION_KIND_FOCUS_GROUP,
                                 v1::INFORMANT_GROUP_CHILD, 3));
  sessions.push_back(MakeSession(MakeDate(2026, 3, 5),
                                 v1::SESSION_KIND_FOCUS_GROUP,
                                 v1::INFORMANT_GROUP_GUARDIAN, 5));
  return sessions;
}

std::vector<v1::Finding> ExampleFindings() {
  v1::Finding strength;
  strength.set_focus_area(v1::FOCUS_AREA_RESPECT);
  strength.set_kind(v1::FINDING_KIND_STRENGTH);
  strength.set_text(kStrengthText);
  strength.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);

  v1::Finding participation;
  participation.set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
  participation.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  participation.set_text(kParticipationText);
  participation.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  participation.add_informant_groups(v1::INFORMANT_GROUP_CHILD);
  participation.add_child_rights_articles(12);

  v1::Finding information;
  information.set_focus_area(v1::FOCUS_AREA_INFORMATION);
  information.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  information.set_text(kInformationText);
  information.add_informant_groups(v1::INFORMANT_GROUP_GUARDIAN);
  information.set_sip(true);
  return {strength, participation, information};
}

// Runs `sql` on the database file with SQLite's C API; "" on success,
// otherwise the error.
std::string ExecSql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  std::string error;
  if (rc != SQLITE_OK) {
    error = std::string("cannot open: ") + sqlite3_errstr(rc);
  } else {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) !=
        SQLITE_OK) {
      error = message != nullptr ? message : "sqlite3_exec failed";
    }
    sqlite3_free(message);
  }
  sqlite3_close(db);
  return error;
}

class BrevisdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "cannot create a temp directory";
    db_path_ = dir_.File("brevis.db");
  }

  void InitDatabase() {
    ProcessResult init = RunBrevisd({"init", "--db", db_path_});
    ASSERT_EQ(init.exit_code, 0) << init.Describe();
  }

  // Starts `brevisd args...` and waits until it listens; on success
  // server_ is running and channel_ and the stubs point at it.
  void StartServer(const std::vector<std::string>& args) {
    std::string error;
    server_ = BrevisdProcess::Start(args, &error);
    ASSERT_NE(server_, nullptr) << error;
    std::optional<int> port = server_->WaitForListening();
    ASSERT_TRUE(port.has_value())
        << "brevisd did not report listening:\n"
        << server_->WaitForExit(std::chrono::milliseconds(0)).Describe();
    // Calls go as the first admin, whose token init wrote beside the
    // database.
    channel_ = testing::BearerChannel(server_->address(), AdminToken());
    directory_ = v1::DirectoryService::NewStub(channel_);
    audits_ = v1::AuditService::NewStub(channel_);
  }

  std::string AdminToken() {
    std::ifstream file(dir_.File("admin.token"));
    std::string token;
    std::getline(file, token);
    return token;
  }

  void Serve() {
    StartServer({"serve", "--db", db_path_, "--listen", "127.0.0.1:0"});
  }

  // Signals the server and expects the clean stop brevisd promises.
  void StopServer(int signal_number) {
    ASSERT_NE(server_, nullptr);
    channel_.reset();
    directory_.reset();
    audits_.reset();
    ASSERT_TRUE(server_->SendSignal(signal_number));
    ProcessResult stopped = server_->WaitForExit();
    server_.reset();
    ASSERT_TRUE(stopped.exited_in_time) << stopped.Describe();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
    EXPECT_THAT(stopped.out, HasSubstr("brevisd: stopped\n"));
  }

  // Writes a config file and returns its path.
  std::string WriteConfig(const std::string& text) {
    std::string path = dir_.File("brevisd.toml");
    EXPECT_TRUE(WriteFile(path, text)) << path;
    return path;
  }

  v1::Unit MustCreateUnit(const v1::Unit& unit) {
    v1::CreateUnitRequest request;
    *request.mutable_unit() = unit;
    v1::Unit created;
    CallContext context;
    grpc::Status status = directory_->CreateUnit(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::Audit MustCreateAudit(const v1::Audit& audit) {
    v1::CreateAuditRequest request;
    *request.mutable_audit() = audit;
    v1::Audit created;
    CallContext context;
    grpc::Status status = audits_->CreateAudit(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::Session MustCreateSession(const std::string& audit,
                                const v1::Session& session) {
    v1::CreateSessionRequest request;
    request.set_parent(audit);
    *request.mutable_session() = session;
    v1::Session created;
    CallContext context;
    grpc::Status status = audits_->CreateSession(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::Finding MustCreateFinding(const std::string& audit,
                                const v1::Finding& finding) {
    v1::CreateFindingRequest request;
    request.set_parent(audit);
    *request.mutable_finding() = finding;
    v1::Finding created;
    CallContext context;
    grpc::Status status = audits_->CreateFinding(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // Every session of `audit`, page by page; `page_lengths` gets the length
  // of each page.
  std::vector<v1::Session> ListAllSessions(const std::string& audit,
                                           int page_size,
                                           std::vector<int>* page_lengths) {
    std::vector<v1::Session> sessions;
    v1::ListSessionsRequest request;
    request.set_parent(audit);
    request.set_page_size(page_size);
    for (int page = 0; page < kMaxPages; ++page) {
      v1::ListSessionsResponse response;
      CallContext context;
      grpc::Status status = audits_->ListSessions(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      page_lengths->push_back(response.sessions_size());
      sessions.insert(sessions.end(), response.sessions().begin(),
                      response.sessions().end());
      if (response.next_page_token().empty()) return sessions;
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << "ListSessions did not end within " << kMaxPages
                  << " pages";
    return sessions;
  }

  std::vector<v1::Finding> ListAllFindings(const std::string& audit,
                                           int page_size,
                                           std::vector<int>* page_lengths) {
    std::vector<v1::Finding> findings;
    v1::ListFindingsRequest request;
    request.set_parent(audit);
    request.set_page_size(page_size);
    for (int page = 0; page < kMaxPages; ++page) {
      v1::ListFindingsResponse response;
      CallContext context;
      grpc::Status status = audits_->ListFindings(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      page_lengths->push_back(response.findings_size());
      findings.insert(findings.end(), response.findings().begin(),
                      response.findings().end());
      if (response.next_page_token().empty()) return findings;
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << "ListFindings did not end within " << kMaxPages
                  << " pages";
    return findings;
  }

  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<BrevisdProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DirectoryService::Stub> directory_;
  std::unique_ptr<v1::AuditService::Stub> audits_;
};

// The domain's example written through one server, which is then stopped
// with SIGTERM and replaced by a fresh one on the same database.
class RestartTest : public BrevisdTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(BrevisdTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(InitDatabase());
    ASSERT_NO_FATAL_FAILURE(Serve());
    unit_ = MustCreateUnit(ExampleUnit());
    ASSERT_FALSE(unit_.name().empty());
    audit_ = MustCreateAudit(ExampleAudit(unit_.name()));
    ASSERT_FALSE(audit_.name().empty());
    for (const v1::Session& session : ExampleSessions()) {
      sessions_.push_back(MustCreateSession(audit_.name(), session));
    }
    for (const v1::Finding& finding : ExampleFindings()) {
      findings_.push_back(MustCreateFinding(audit_.name(), finding));
    }
    ASSERT_FALSE(HasFailure());
    ASSERT_NO_FATAL_FAILURE(Restart());
  }

  void Restart() {
    ASSERT_NO_FATAL_FAILURE(StopServer(SIGTERM));
    ASSERT_NO_FATAL_FAILURE(Serve());
    EXPECT_THAT(server_->out(),
                HasSubstr("database " + db_path_ + " at schema version " +
                          LatestSchema() + "\n"));
  }

  v1::Unit unit_;
  v1::Audit audit_;
  std::vector<v1::Session> sessions_;
  std::vector<v1::Finding> findings_;
};

TEST_F(RestartTest, UnitReadsBackFieldByField) {
  v1::GetUnitRequest request;
  request.set_name(unit_.name());
  v1::Unit unit;
  CallContext context;
  grpc::Status status = directory_->GetUnit(&context, request, &unit);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(unit.name(), unit_.name());
  EXPECT_THAT(unit.name(), ::testing::StartsWith("units/"));
  EXPECT_EQ(unit.display_name(), "BUP Prima Handen");
  EXPECT_EQ(unit.region(), "Region Stockholm");
  EXPECT_EQ(unit.kind(), v1::UNIT_KIND_OUTPATIENT);
  EXPECT_EQ(unit.hsa_id(), "");
  ASSERT_TRUE(unit.has_active());
  EXPECT_TRUE(unit.active());
  EXPECT_TRUE(SameMessage(unit.create_time(), unit_.create_time()));
  EXPECT_TRUE(SameMessage(unit.update_time(), unit_.update_time()));
  EXPECT_EQ(unit.etag(), unit_.etag());
  EXPECT_TRUE(SameMessage(unit, unit_));
}

TEST_F(RestartTest, UnitIsListedAfterRestart) {
  v1::ListUnitsResponse response;
  CallContext context;
  grpc::Status status =
      directory_->ListUnits(&context, v1::ListUnitsRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.units_size(), 1);
  EXPECT_TRUE(SameMessage(response.units(0), unit_));
  EXPECT_EQ(response.next_page_token(), "");
}

TEST_F(RestartTest, AuditReadsBackFieldByField) {
  v1::GetAuditRequest request;
  request.set_name(audit_.name());
  v1::Audit audit;
  CallContext context;
  grpc::Status status = audits_->GetAudit(&context, request, &audit);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(audit.name(), audit_.name());
  EXPECT_THAT(audit.name(), ::testing::StartsWith("audits/"));
  EXPECT_EQ(audit.unit(), unit_.name());
  EXPECT_EQ(audit.title(), "Brukarrevision BUP Prima Handen 2026");
  EXPECT_EQ(audit.commissioned_by(),
            "Regionala programområdet för psykisk hälsa, Region Stockholm");
  ASSERT_EQ(audit.focus_areas_size(), 4);
  EXPECT_EQ(audit.focus_areas(0), v1::FOCUS_AREA_PARTICIPATION);
  EXPECT_EQ(audit.focus_areas(1), v1::FOCUS_AREA_RESPECT);
  EXPECT_EQ(audit.focus_areas(2), v1::FOCUS_AREA_INFORMATION);
  EXPECT_EQ(audit.focus_areas(3), v1::FOCUS_AREA_CHILD_RIGHTS);
  EXPECT_EQ(audit.other_focus_area(), "");
  EXPECT_EQ(audit.question_guide(), ExampleAudit("").question_guide());
  EXPECT_TRUE(SameMessage(audit.planned_start_date(), MakeDate(2026, 2, 1)));
  EXPECT_TRUE(SameMessage(audit.planned_report_date(), MakeDate(2026, 5, 15)));
  EXPECT_TRUE(
      SameMessage(audit.planned_follow_up_date(), MakeDate(2026, 11, 15)));
  EXPECT_EQ(audit.state(), v1::AUDIT_STATE_PLANNED);
  EXPECT_TRUE(SameMessage(audit.create_time(), audit_.create_time()));
  EXPECT_TRUE(SameMessage(audit.update_time(), audit_.update_time()));
  EXPECT_FALSE(audit.etag().empty());
  EXPECT_EQ(audit.etag(), audit_.etag());
  EXPECT_TRUE(SameMessage(audit, audit_));
}

TEST_F(RestartTest, AuditIsListedAfterRestart) {
  v1::ListAuditsResponse response;
  CallContext context;
  grpc::Status status =
      audits_->ListAudits(&context, v1::ListAuditsRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.audits_size(), 1);
  EXPECT_TRUE(SameMessage(response.audits(0), audit_));
  EXPECT_EQ(response.next_page_token(), "");
}

TEST_F(RestartTest, SessionsPageByTwoInCreationOrder) {
  std::vector<int> page_lengths;
  std::vector<v1::Session> sessions =
      ListAllSessions(audit_.name(), 2, &page_lengths);
  EXPECT_EQ(page_lengths, (std::vector<int>{2, 2, 2, 2, 1}));

  std::vector<v1::Session> expected = ExampleSessions();
  ASSERT_EQ(sessions.size(), expected.size());
  ASSERT_EQ(sessions_.size(), expected.size());
  int participants = 0;
  for (size_t i = 0; i < sessions.size(); ++i) {
    SCOPED_TRACE("session " + std::to_string(i));
    EXPECT_EQ(sessions[i].name(), sessions_[i].name());
    EXPECT_THAT(sessions[i].name(),
                ::testing::StartsWith(audit_.name() + "/sessions/"));
    EXPECT_TRUE(SameMessage(sessions[i].date(), expected[i].date()));
    EXPECT_EQ(sessions[i].kind(), expected[i].kind());
    EXPECT_EQ(sessions[i].informant_group(), expected[i].informant_group());
    EXPECT_EQ(sessions[i].participant_count(), expected[i].participant_count());
    EXPECT_TRUE(sessions[i].has_create_time());
    EXPECT_TRUE(SameMessage(sessions[i], sessions_[i]));
    participants += sessions[i].participant_count();
  }
  EXPECT_EQ(participants, 6 + 4 + 3 + 5);
}

TEST_F(RestartTest, FindingsKeepSwedishTextAndTags) {
  std::vector<v1::Finding> expected = ExampleFindings();
  ASSERT_EQ(findings_.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("finding " + std::to_string(i));
    v1::GetFindingRequest request;
    request.set_name(findings_[i].name());
    v1::Finding finding;
    CallContext context;
    grpc::Status status = audits_->GetFinding(&context, request, &finding);
    ASSERT_TRUE(status.ok()) << status.error_message();

    EXPECT_EQ(finding.name(), findings_[i].name());
    EXPECT_THAT(finding.name(),
                ::testing::StartsWith(audit_.name() + "/findings/"));
    EXPECT_EQ(finding.focus_area(), expected[i].focus_area());
    EXPECT_EQ(finding.kind(), expected[i].kind());
    EXPECT_EQ(finding.text(), expected[i].text());
    EXPECT_TRUE(SameMessage(finding, findings_[i]));
  }
  // Spot checks that do not go through ExampleFindings, so a mistake there
  // cannot hide one in the server.
  v1::GetFindingRequest request;
  request.set_name(findings_[2].name());
  v1::Finding information;
  CallContext context;
  ASSERT_TRUE(audits_->GetFinding(&context, request, &information).ok());
  EXPECT_EQ(information.text(),
            "Vårdnadshavare vet inte vad en SIP är eller hur man begär en.");
  EXPECT_TRUE(information.sip());
  ASSERT_EQ(information.informant_groups_size(), 1);
  EXPECT_EQ(information.informant_groups(0), v1::INFORMANT_GROUP_GUARDIAN);
  EXPECT_EQ(information.child_rights_articles_size(), 0);
}

TEST_F(RestartTest, ParticipationFindingKeepsArticle12AndGroups) {
  v1::GetFindingRequest request;
  request.set_name(findings_[1].name());
  v1::Finding finding;
  CallContext context;
  grpc::Status status = audits_->GetFinding(&context, request, &finding);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(finding.text(),
            "Flera unga säger att de inte får vara med när beslut om deras "
            "behandling fattas.");
  EXPECT_EQ(finding.kind(), v1::FINDING_KIND_IMPROVEMENT_AREA);
  EXPECT_EQ(finding.focus_area(), v1::FOCUS_AREA_PARTICIPATION);
  ASSERT_EQ(finding.child_rights_articles_size(), 1);
  EXPECT_EQ(finding.child_rights_articles(0), 12);
  // A set: the server keeps it as a bit mask and returns it in enum order.
  EXPECT_THAT(finding.informant_groups(),
              ::testing::UnorderedElementsAre(v1::INFORMANT_GROUP_YOUNG_PERSON,
                                              v1::INFORMANT_GROUP_CHILD));
  EXPECT_FALSE(finding.sip());
}

TEST_F(RestartTest, FindingsPageByTwoInWritingOrder) {
  std::vector<int> page_lengths;
  std::vector<v1::Finding> findings =
      ListAllFindings(audit_.name(), 2, &page_lengths);
  EXPECT_EQ(page_lengths, (std::vector<int>{2, 1}));
  ASSERT_EQ(findings.size(), findings_.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    SCOPED_TRACE("finding " + std::to_string(i));
    EXPECT_TRUE(SameMessage(findings[i], findings_[i]));
  }
  EXPECT_EQ(findings[0].text(), kStrengthText);
  EXPECT_EQ(findings[1].text(), kParticipationText);
  EXPECT_EQ(findings[2].text(), kInformationText);
}

TEST_F(RestartTest, PageTokenFromBeforeARestartStillWorks) {
  // The page-token key lives in the database, so a client paging through a
  // list does not break when the server restarts under it.
  v1::ListSessionsRequest request;
  request.set_parent(audit_.name());
  request.set_page_size(4);
  v1::ListSessionsResponse first;
  {
    CallContext context;
    ASSERT_TRUE(audits_->ListSessions(&context, request, &first).ok());
  }
  ASSERT_EQ(first.sessions_size(), 4);
  ASSERT_FALSE(first.next_page_token().empty());

  ASSERT_NO_FATAL_FAILURE(Restart());
  request.set_page_token(first.next_page_token());
  v1::ListSessionsResponse second;
  CallContext context;
  grpc::Status status = audits_->ListSessions(&context, request, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(second.sessions_size(), 4);
  EXPECT_TRUE(SameMessage(second.sessions(0), sessions_[4]));
  EXPECT_TRUE(SameMessage(second.sessions(3), sessions_[7]));
}

TEST_F(BrevisdTest, AcknowledgedWritesSurviveAKill) {
  // No drain, no clean close: what a crash or power cut leaves. A write
  // that was acknowledged must still be there (WAL with synchronous=FULL).
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  v1::Unit created = MustCreateUnit(ExampleUnit());
  ASSERT_FALSE(created.name().empty());
  ASSERT_TRUE(server_->SendSignal(SIGKILL));
  ProcessResult killed = server_->WaitForExit();
  ASSERT_EQ(killed.term_signal, SIGKILL) << killed.Describe();

  ASSERT_NO_FATAL_FAILURE(Serve());
  v1::GetUnitRequest request;
  request.set_name(created.name());
  v1::Unit unit;
  CallContext context;
  grpc::Status status = directory_->GetUnit(&context, request, &unit);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(SameMessage(unit, created));
}

TEST_F(BrevisdTest, ListeningLineNamesAddressAndDatabase) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  EXPECT_THAT(server_->address(), ::testing::StartsWith("127.0.0.1:"));
  EXPECT_THAT(server_->out(),
              HasSubstr("brevisd: listening on " + server_->address() +
                        " (plaintext, loopback only), database " + db_path_ +
                        " at schema version " + LatestSchema() + "\n"));
}

TEST_F(BrevisdTest, HealthCheckAnswersServing) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  HealthCheckResult health = CheckHealth(channel_, "", kCallTimeout);
  ASSERT_TRUE(health.status.ok()) << health.status.error_message();
  EXPECT_EQ(health.serving_status, kHealthServing);
}

TEST_F(BrevisdTest, HealthCheckOfAnUnknownServiceIsNotFound) {
  // Shows that the raw health call reaches a real health service, which
  // tells services apart, rather than any server that answers.
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  HealthCheckResult health =
      CheckHealth(channel_, "no.such.Service", kCallTimeout);
  EXPECT_EQ(health.status.error_code(), grpc::StatusCode::NOT_FOUND)
      << health.status.error_message();
}

TEST_F(BrevisdTest, ReflectionListsBrevisServices) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  ReflectionResult reflection =
      ListServicesByReflection(channel_, kCallTimeout);
  ASSERT_EQ(reflection.response_error, "")
      << "stream status: " << reflection.status.error_code() << " "
      << reflection.status.error_message();
  EXPECT_THAT(reflection.services,
              ::testing::IsSupersetOf({"brevis.v1.DirectoryService",
                                       "brevis.v1.AuditService",
                                       "grpc.health.v1.Health"}));
}

TEST_F(BrevisdTest, ReflectionStreamEndsOkAfterTheClientHalfCloses) {
  // A client-streaming or bidi call whose client half-closes ends with a
  // final read that carries no message; that is the normal end of the
  // stream, not a request that failed to parse.
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  ReflectionResult reflection =
      ListServicesByReflection(channel_, kCallTimeout);
  ASSERT_EQ(reflection.response_error, "");
  EXPECT_TRUE(reflection.status.ok()) << reflection.status.error_code() << " "
                                      << reflection.status.error_message();
}

TEST_F(BrevisdTest, SigtermDrainsAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  ASSERT_TRUE(server_->SendSignal(SIGTERM));
  ProcessResult stopped = server_->WaitForExit();
  ASSERT_TRUE(stopped.exited_in_time) << stopped.Describe();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  EXPECT_THAT(stopped.out, HasSubstr("brevisd: SIGTERM received, draining"));
  EXPECT_THAT(stopped.out, HasSubstr("brevisd: stopped\n"));
}

TEST_F(BrevisdTest, SigintDrainsAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  ASSERT_TRUE(server_->SendSignal(SIGINT));
  ProcessResult stopped = server_->WaitForExit();
  ASSERT_TRUE(stopped.exited_in_time) << stopped.Describe();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  EXPECT_THAT(stopped.out, HasSubstr("brevisd: SIGINT received, draining"));
  EXPECT_THAT(stopped.out, HasSubstr("brevisd: stopped\n"));
}

TEST_F(BrevisdTest, StopWithAnIdleClientConnectedIsQuick) {
  // A client that keeps its connection open must not keep the server up:
  // once no call is in flight, brevisd closes the connections and stops.
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_NO_FATAL_FAILURE(Serve());
  ASSERT_TRUE(CheckHealth(channel_, "", kCallTimeout).status.ok());
  auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(server_->SendSignal(SIGTERM));
  ProcessResult stopped = server_->WaitForExit();
  auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_TRUE(stopped.exited_in_time) << stopped.Describe();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
  EXPECT_THAT(stopped.out, HasSubstr("brevisd: stopped\n"));
  EXPECT_LT(took, std::chrono::milliseconds(2000));
}

TEST_F(BrevisdTest, ServeRefusesANonLoopbackAddress) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_path_, "--listen", "0.0.0.0:0"});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 1) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("refusing to listen"));
  EXPECT_THAT(serve.out, Not(HasSubstr("listening on")));
}

TEST_F(BrevisdTest, InitRefusesAnExistingFileAndLeavesItAlone) {
  ASSERT_TRUE(WriteFile(db_path_, "not a database"));
  ProcessResult init = RunBrevisd({"init", "--db", db_path_});
  EXPECT_EQ(init.exit_code, 1) << init.Describe();
  EXPECT_THAT(init.err, HasSubstr("already exists"));
  EXPECT_EQ(ReadFile(db_path_), "not a database");
}

TEST_F(BrevisdTest, InitRefusesAnExistingDatabase) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ProcessResult again = RunBrevisd({"init", "--db", db_path_});
  EXPECT_EQ(again.exit_code, 1) << again.Describe();
  EXPECT_THAT(again.err, HasSubstr("already exists"));
}

TEST_F(BrevisdTest, InitReportsTheSchemaVersion) {
  ProcessResult init = RunBrevisd({"init", "--db", db_path_});
  EXPECT_EQ(init.exit_code, 0) << init.Describe();
  EXPECT_THAT(init.out, HasSubstr("brevisd: created " + db_path_ +
                                  " at schema version " + LatestSchema()));
}

TEST_F(BrevisdTest, ServeOnAMissingDatabaseSaysHowToCreateIt) {
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_path_, "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 1) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("brevisd init --db " + db_path_));
  EXPECT_FALSE(std::filesystem::exists(db_path_));
}

TEST_F(BrevisdTest, MigrateCheckOnAFreshDatabaseExitsZero) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ProcessResult check = RunBrevisd({"migrate", "--db", db_path_, "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.Describe();
  EXPECT_THAT(check.out, HasSubstr("is at schema version " + LatestSchema()));
  EXPECT_THAT(check.out, Not(HasSubstr("pending:")));
}

TEST_F(BrevisdTest, MigrateOnACurrentDatabaseAppliesNothing) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ProcessResult migrate = RunBrevisd({"migrate", "--db", db_path_});
  EXPECT_EQ(migrate.exit_code, 0) << migrate.Describe();
  EXPECT_THAT(migrate.out, HasSubstr("applied 0 migration(s)"));
}

TEST_F(BrevisdTest, PendingMigrationIsReportedAndServeRefuses) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_EQ(ExecSql(db_path_, "DELETE FROM schema_migrations"), "");

  ProcessResult check = RunBrevisd({"migrate", "--db", db_path_, "--check"});
  EXPECT_EQ(check.exit_code, 3) << check.Describe();
  EXPECT_THAT(check.out, HasSubstr("pending: 0001_initial.sql"));

  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_path_, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.exit_code, 1) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("brevisd migrate --db " + db_path_));
}

TEST_F(BrevisdTest, ServeRefusesAnEditedMigration) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_EQ(ExecSql(db_path_, "UPDATE schema_migrations SET checksum = 'x'"),
            "");
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_path_, "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 1) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("edited"));
  EXPECT_THAT(serve.err, HasSubstr("0001_initial.sql"));
  EXPECT_THAT(serve.out, Not(HasSubstr("listening on")));
}

TEST_F(BrevisdTest, MigrateCheckRefusesAnEditedMigration) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_EQ(ExecSql(db_path_, "UPDATE schema_migrations SET checksum = 'x'"),
            "");
  ProcessResult check = RunBrevisd({"migrate", "--db", db_path_, "--check"});
  EXPECT_EQ(check.exit_code, 1) << check.Describe();
  EXPECT_THAT(check.err, HasSubstr("edited"));
}

TEST_F(BrevisdTest, ServeRefusesADatabaseFromANewerBrevisd) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ASSERT_EQ(ExecSql(db_path_,
                    "INSERT INTO schema_migrations (version, file_name, "
                    "checksum, applied_time) VALUES "
                    "(9999, '9999_from_the_future.sql', 'abc', 0)"),
            "");
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_path_, "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 1) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("newer brevisd"));
  EXPECT_THAT(serve.err, HasSubstr("9999_from_the_future.sql"));
  EXPECT_THAT(serve.out, Not(HasSubstr("listening on")));
}

TEST_F(BrevisdTest, ServeRefusesAFileThatIsNotADatabase) {
  ASSERT_TRUE(WriteFile(db_path_, std::string(8192, 'x')));
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_path_, "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 1) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr(db_path_));
}

TEST_F(BrevisdTest, ConfigFileWithAnUnknownKeyExitsTwoNamingTheKey) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  std::string config =
      WriteConfig("db = '" + db_path_ + "'\nlisten_port = 50051\n");
  ProcessResult serve = RunBrevisd({"serve", "--config", config});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 2) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("listen_port"));
  EXPECT_THAT(serve.err, HasSubstr(config));
}

TEST_F(BrevisdTest, ConfigFileOfTheWrongTypeExitsTwo) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  std::string config = WriteConfig("db = '" + db_path_ +
                                   "'\nlisten = '127.0.0.1:0'\n"
                                   "max_message_bytes = 'large'\n");
  ProcessResult serve = RunBrevisd({"serve", "--config", config});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 2) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("max_message_bytes"));
}

TEST_F(BrevisdTest, MissingConfigFileExitsTwo) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ProcessResult serve = RunBrevisd(
      {"serve", "--db", db_path_, "--config", dir_.File("missing.toml")});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 2) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("missing.toml"));
}

TEST_F(BrevisdTest, ConfigFileSetsDatabaseAndListenAddress) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  // 127.0.0.2 is loopback too, and differs from the built-in default, so
  // the listening line shows the file's address was used.
  std::string config =
      WriteConfig("db = '" + db_path_ + "'\nlisten = '127.0.0.2:0'\n");
  ASSERT_NO_FATAL_FAILURE(StartServer({"serve", "--config", config}));
  EXPECT_THAT(server_->address(), ::testing::StartsWith("127.0.0.2:"));
  EXPECT_THAT(server_->out(), HasSubstr("database " + db_path_ + " at"));
  HealthCheckResult health = CheckHealth(channel_, "", kCallTimeout);
  ASSERT_TRUE(health.status.ok()) << health.status.error_message();
  EXPECT_EQ(health.serving_status, kHealthServing);
}

TEST_F(BrevisdTest, CommandLineFlagsWinOverTheConfigFile) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  // Either value from the file would make serve fail.
  std::string config = WriteConfig("db = '" + dir_.File("missing.db") +
                                   "'\nlisten = '0.0.0.0:0'\n");
  ASSERT_NO_FATAL_FAILURE(StartServer({"serve", "--config", config, "--db",
                                       db_path_, "--listen", "127.0.0.1:0"}));
  EXPECT_THAT(server_->address(), ::testing::StartsWith("127.0.0.1:"));
  EXPECT_THAT(server_->out(), HasSubstr("database " + db_path_ + " at"));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("missing.db")));
}

TEST_F(BrevisdTest, ReaderConnectionsFlagOutOfRangeExitsTwo) {
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_path_, "--listen", "127.0.0.1:0",
                  "--reader-connections", "0"});
  ASSERT_TRUE(serve.exited_in_time) << serve.Describe();
  EXPECT_EQ(serve.exit_code, 2) << serve.Describe();
  EXPECT_THAT(serve.err, HasSubstr("--reader-connections"));
}

TEST_F(BrevisdTest, ReaderConnectionsZeroInConfigFileIsRefusedLikeTheFlag) {
  // The file's values must pass the same range checks as the flags: with
  // no reader connection every read would wait for one forever.
  ASSERT_NO_FATAL_FAILURE(InitDatabase());
  std::string config = WriteConfig("reader_connections = 0\n");
  std::string error;
  std::unique_ptr<BrevisdProcess> serve =
      BrevisdProcess::Start({"serve", "--db", db_path_, "--listen",
                             "127.0.0.1:0", "--config", config},
                            &error);
  ASSERT_NE(serve, nullptr) << error;
  if (serve->WaitForListening().has_value()) {
    auto channel = grpc::CreateChannel(serve->address(),
                                       grpc::InsecureChannelCredentials());
    auto directory = v1::DirectoryService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(2));
    v1::ListUnitsResponse response;
    grpc::Status status =
        directory->ListUnits(&context, v1::ListUnitsRequest(), &response);
    serve->SendSignal(SIGTERM);
    ProcessResult stopped = serve->WaitForExit();
    ADD_FAILURE() << "brevisd accepted reader_connections = 0 from the "
                     "config file and serves; ListUnits with a 2 s deadline "
                     "then ended with code "
                  << status.error_code() << " (" << status.error_message()
                  << "); after SIGTERM brevisd " << stopped.Describe();
    return;  // The destructor kills the server.
  }
  ProcessResult result = serve->WaitForExit();
  EXPECT_EQ(result.exit_code, 2) << result.Describe();
  EXPECT_THAT(result.err, HasSubstr("reader_connections"));
}

TEST_F(BrevisdTest, UnknownFlagIsAUsageErrorExitTwo) {
  ProcessResult serve = RunBrevisd({"serve", "--no-such-flag"});
  EXPECT_EQ(serve.exit_code, 2) << serve.Describe();
}

TEST_F(BrevisdTest, NoSubcommandIsAUsageErrorExitTwo) {
  ProcessResult bare = RunBrevisd({});
  EXPECT_EQ(bare.exit_code, 2) << bare.Describe();
}

TEST_F(BrevisdTest, HelpExitsZeroAndNamesTheSubcommands) {
  ProcessResult help = RunBrevisd({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.Describe();
  EXPECT_THAT(help.out, HasSubstr("serve"));
  EXPECT_THAT(help.out, HasSubstr("init"));
  EXPECT_THAT(help.out, HasSubstr("migrate"));
}

TEST_F(BrevisdTest, ServeHelpListsTheConfigKeys) {
  ProcessResult help = RunBrevisd({"serve", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.Describe();
  EXPECT_THAT(help.out, HasSubstr("--config"));
  EXPECT_THAT(help.out, HasSubstr("reader_connections"));
}

// The helper itself: a child that never gets to listen is reported, not
// waited for forever, and a destroyed helper leaves no process behind.
TEST(BrevisdProcessTest, ChildThatExitsBeforeListeningIsReported) {
  std::string error;
  std::unique_ptr<BrevisdProcess> process =
      BrevisdProcess::Start({"--help"}, &error);
  ASSERT_NE(process, nullptr) << error;
  EXPECT_FALSE(process->WaitForListening().has_value());
  ProcessResult result = process->WaitForExit();
  EXPECT_TRUE(result.exited_in_time);
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
}

TEST(BrevisdProcessTest, DestructorKillsARunningServer) {
  TempDir dir;
  std::string db = dir.File("brevis.db");
  ASSERT_EQ(RunBrevisd({"init", "--db", db}).exit_code, 0);
  std::string error;
  std::unique_ptr<BrevisdProcess> process = BrevisdProcess::Start(
      {"serve", "--db", db, "--listen", "127.0.0.1:0"}, &error);
  ASSERT_NE(process, nullptr) << error;
  ASSERT_TRUE(process->WaitForListening().has_value()) << process->err();
  pid_t pid = process->pid();
  process.reset();
  // Reaped: the pid no longer names our child.
  EXPECT_NE(kill(pid, 0), 0);
}

TEST(BrevisdProcessTest, WaitForExitKillsAChildThatOverstays) {
  TempDir dir;
  std::string db = dir.File("brevis.db");
  ASSERT_EQ(RunBrevisd({"init", "--db", db}).exit_code, 0);
  std::string error;
  std::unique_ptr<BrevisdProcess> process = BrevisdProcess::Start(
      {"serve", "--db", db, "--listen", "127.0.0.1:0"}, &error);
  ASSERT_NE(process, nullptr) << error;
  ASSERT_TRUE(process->WaitForListening().has_value()) << process->err();
  ProcessResult result = process->WaitForExit(std::chrono::milliseconds(200));
  EXPECT_FALSE(result.exited_in_time);
  EXPECT_EQ(result.term_signal, SIGKILL);
}

}  // namespace
}  // namespace brevis::e2e
