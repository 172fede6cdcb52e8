// The real brevisd through a whole audit: the lifecycle with every guard,
// the report the unit reads, and the event feed watched across a restart.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "brevis/v1/event_service.grpc.pb.h"
#include "brevis/v1/report_service.grpc.pb.h"
#include "tests/e2e/brevisd_process.h"
#include "tests/testing/bearer_channel.h"
#include "tests/testing/lifecycle_scenario.h"

namespace brevis::e2e {
namespace {

using ::testing::HasSubstr;

// Every unary call here gets a deadline, so a hung server fails the test
// instead of hanging it.
class Deadline : public grpc::ClientContext {
 public:
  Deadline() {
    set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }
};

class LifecycleE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("brevis.db");
    ProcessResult init = RunBrevisd({"init", "--db", db_});
    ASSERT_EQ(init.exit_code, 0) << init.Describe();
    Serve();
  }

  void Serve() {
    std::string error;
    server_ = BrevisdProcess::Start(
        {"serve", "--db", db_, "--listen", "127.0.0.1:0"}, &error);
    ASSERT_NE(server_, nullptr) << error;
    ASSERT_TRUE(server_->WaitForListening().has_value())
        << server_->WaitForExit(std::chrono::milliseconds(0)).Describe();
    std::string token = ReadFile(dir_.File("admin.token")).value_or("");
    admin_ = testing::BearerChannel(server_->address(),
                                    token.substr(0, token.find('\n')));
  }

  void Stop() {
    ASSERT_TRUE(server_->SendSignal(SIGTERM));
    ProcessResult stopped = server_->WaitForExit();
    ASSERT_TRUE(stopped.exited_in_time) << stopped.Describe();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
    server_.reset();
  }

  // A principal made through the API, with a token of its own.
  std::pair<std::string, std::string> NewPrincipal(
      v1::Role role, const std::string& unit = "") {
    auto directory = v1::DirectoryService::NewStub(admin_);
    v1::CreatePrincipalRequest request;
    request.mutable_principal()->set_display_name("Testperson");
    request.mutable_principal()->set_role(role);
    if (!unit.empty()) request.mutable_principal()->add_units(unit);
    v1::Principal principal;
    Deadline create;
    EXPECT_TRUE(directory->CreatePrincipal(&create, request, &principal).ok());
    v1::CreateTokenRequest token_request;
    token_request.set_parent(principal.name());
    v1::CreateTokenResponse token;
    Deadline mint;
    EXPECT_TRUE(directory->CreateToken(&mint, token_request, &token).ok());
    return {principal.name(), token.secret()};
  }

  std::string NewUnit() {
    auto directory = v1::DirectoryService::NewStub(admin_);
    v1::CreateUnitRequest request;
    request.mutable_unit()->set_display_name("BUP Prima Handen");
    request.mutable_unit()->set_region("Region Stockholm");
    request.mutable_unit()->set_kind(v1::UNIT_KIND_OUTPATIENT);
    v1::Unit unit;
    Deadline context;
    EXPECT_TRUE(directory->CreateUnit(&context, request, &unit).ok());
    return unit.name();
  }

  static v1::Audit ExampleAudit() {
    v1::Audit audit;
    audit.set_title("Brukarrevision BUP Prima Handen 2026");
    audit.set_commissioned_by("Regionens psykiatriprogram");
    audit.add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
    audit.add_focus_areas(v1::FOCUS_AREA_RESPECT);
    audit.add_focus_areas(v1::FOCUS_AREA_INFORMATION);
    return audit;
  }

  static v1::Finding ExampleFinding() {
    v1::Finding finding;
    finding.set_focus_area(v1::FOCUS_AREA_RESPECT);
    finding.set_kind(v1::FINDING_KIND_STRENGTH);
    finding.set_text(
        "De flesta unga beskriver att de blir lyssnade på och tagna på "
        "allvar av sin behandlare.");
    finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
    return finding;
  }

  std::vector<v1::Event> ListAllEvents() {
    auto events = v1::EventService::NewStub(admin_);
    std::vector<v1::Event> all;
    v1::ListEventsRequest request;
    request.set_page_size(1000);
    for (int page = 0; page < 100; ++page) {
      Deadline context;
      v1::ListEventsResponse response;
      EXPECT_TRUE(events->ListEvents(&context, request, &response).ok());
      all.insert(all.end(), response.events().begin(), response.events().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<BrevisdProcess> server_;
  std::shared_ptr<grpc::Channel> admin_;
};

TEST_F(LifecycleE2eTest, OneAuditFromCommissionToClosure) {
  std::string unit = NewUnit();
  auto [auditor, auditor_token] = NewPrincipal(v1::ROLE_AUDITOR);
  auto [manager, manager_token] = NewPrincipal(v1::ROLE_UNIT_MANAGER, unit);
  auto as_admin = v1::AuditService::NewStub(admin_);
  auto as_auditor = v1::AuditService::NewStub(
      testing::BearerChannel(server_->address(), auditor_token));
  auto manager_channel =
      testing::BearerChannel(server_->address(), manager_token);
  auto as_manager = v1::AuditService::NewStub(manager_channel);
  v1::Audit audit = ExampleAudit();
  audit.set_unit(unit);
  testing::LifecycleScenario scenario({as_admin.get(), as_auditor.get(),
                                       as_manager.get(), auditor, manager, unit,
                                       audit, ExampleFinding()});
  scenario.Run();
  ASSERT_EQ(scenario.audit().state(), v1::AUDIT_STATE_FOLLOW_UP);

  // The unit reads the report of its audit.
  auto reports = v1::ReportService::NewStub(manager_channel);
  v1::GetAuditReportRequest request;
  request.set_name(scenario.audit().name());
  v1::AuditReport report;
  Deadline context;
  grpc::Status status = reports->GetAuditReport(&context, request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(report.recommendations_size(), 2);
  EXPECT_THAT(report.markdown(),
              HasSubstr("# Brukarrevision BUP Prima Handen 2026"));
  EXPECT_THAT(report.markdown(), HasSubstr("genomförd"));
  EXPECT_THAT(report.html(), HasSubstr("<svg"));

  // init's first admin and its token open the feed, made by the operator.
  std::vector<v1::Event> feed = ListAllEvents();
  ASSERT_GE(feed.size(), 2u);
  EXPECT_EQ(feed[0].actor(), "operator");
  EXPECT_THAT(feed[0].resource(), ::testing::StartsWith("principals/"));
  EXPECT_EQ(feed[1].kind(), v1::EVENT_KIND_CREATED);
  EXPECT_THAT(feed[1].resource(), HasSubstr("/tokens/"));
  // Every step of the lifecycle is in the feed, in order.
  int steps = 0;
  for (const v1::Event& event : feed) {
    if (event.kind() == v1::EVENT_KIND_STATE_CHANGED) {
      EXPECT_EQ(event.resource(), scenario.audit().name());
      ++steps;
    }
  }
  // FIELDWORK, REPORTING, PUBLISHED, IN_PROGRESS, FOLLOW_UP, CLOSED and the
  // reopening.
  EXPECT_EQ(steps, 7);
}

// Reads a watch until `count` events came or the stream ended.
std::vector<v1::Event> Take(
    grpc::ClientReaderInterface<v1::WatchEventsResponse>& reader, size_t count,
    int64_t* resume_after) {
  std::vector<v1::Event> events;
  v1::WatchEventsResponse response;
  while (events.size() < count && reader.Read(&response)) {
    events.insert(events.end(), response.events().begin(),
                  response.events().end());
    *resume_after = response.resume_after();
  }
  return events;
}

TEST_F(LifecycleE2eTest, AWatchResumesAcrossARestartWithoutGapOrRepeat) {
  std::string unit = NewUnit();
  auto audits = v1::AuditService::NewStub(admin_);
  v1::Audit audit = ExampleAudit();
  audit.set_unit(unit);
  v1::Audit created;
  {
    v1::CreateAuditRequest request;
    *request.mutable_audit() = audit;
    Deadline context;
    ASSERT_TRUE(audits->CreateAudit(&context, request, &created).ok());
  }
  auto add_finding = [&] {
    v1::CreateFindingRequest request;
    request.set_parent(created.name());
    *request.mutable_finding() = ExampleFinding();
    v1::Finding finding;
    Deadline context;
    EXPECT_TRUE(audits->CreateFinding(&context, request, &finding).ok());
    return finding.name();
  };

  std::vector<v1::Event> seen;
  int64_t resume_after = 0;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    auto events = v1::EventService::NewStub(admin_);
    auto reader = events->WatchEvents(&context, v1::WatchEventsRequest());
    seen = Take(*reader, ListAllEvents().size(), &resume_after);
    for (int i = 0; i < 3; ++i) {
      std::string finding = add_finding();
      std::vector<v1::Event> next = Take(*reader, 1, &resume_after);
      ASSERT_EQ(next.size(), 1u);
      EXPECT_EQ(next[0].resource(), finding);
      seen.push_back(next[0]);
    }
    // brevisd stops: the watch ends with a status that says to resume.
    Stop();
    v1::WatchEventsResponse response;
    while (reader->Read(&response)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  Serve();
  audits = v1::AuditService::NewStub(admin_);
  std::vector<std::string> later = {add_finding(), add_finding()};

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  v1::WatchEventsRequest request;
  request.set_after_sequence(resume_after);
  auto events = v1::EventService::NewStub(admin_);
  auto reader = events->WatchEvents(&context, request);
  std::vector<v1::Event> rest = Take(*reader, 2, &resume_after);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].resource(), later[0]);
  EXPECT_EQ(rest[1].resource(), later[1]);
  seen.insert(seen.end(), rest.begin(), rest.end());
  // One unbroken run of sequence numbers across the restart.
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].sequence(), static_cast<int64_t>(i) + 1);
  }
  context.TryCancel();
  reader->Finish().IgnoreError();
}

}  // namespace
}  // namespace brevis::e2e
