// Reports through the API: the audit report as the unit's manager reads
// it, the unit summary, the overdue digests and the CSV export, each over
// only what the caller may see, with small informant groups suppressed.

#include <gmock/gmock.h>

#include "brevis/v1/report_service.grpc.pb.h"
#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ReportServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    audit_ = MustCreateAudit();
    // 6 young people and 3 guardians were heard: the guardians are too
    // few to be shown.
    AddSession(v1::INFORMANT_GROUP_YOUNG_PERSON, 6);
    AddSession(v1::INFORMANT_GROUP_GUARDIAN, 3);
    v1::Finding finding = ExampleFinding();
    finding.set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
    finding.clear_informant_groups();
    finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
    finding.add_informant_groups(v1::INFORMANT_GROUP_GUARDIAN);
    finding_ = MustCreateFinding(audit_.name(), finding);
    recommendation_ = Recommend("Inför en rutin där den unge får ge sin syn.");
    Recommend("Ge skriftlig information om SIP på lättläst svenska.");
    ASSERT_TRUE(db_->Write([](store::Connection& db) {
                     return db.Exec("UPDATE audits SET state = 4");
                   })
                    .ok());
    manager_ = NewPrincipal(v1::ROLE_UNIT_MANAGER, {audit_.unit()});
    as_manager_ = v1::ReportService::NewStub(ChannelFor(manager_.secret));
    reports_ = v1::ReportService::NewStub(channel_);
    // Today is 2026-05-28 in Stockholm: one action overdue, one not.
    AddAction(2026, 5, 1);
    AddAction(2026, 9, 1);
  }

  void AddSession(v1::InformantGroup group, int people) {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_parent(audit_.name());
    *request.mutable_session() = ExampleSession();
    request.mutable_session()->set_informant_group(group);
    request.mutable_session()->set_participant_count(people);
    v1::Session session;
    ASSERT_TRUE(audits_->CreateSession(&context, request, &session).ok());
  }

  v1::Recommendation Recommend(const std::string& text) {
    grpc::ClientContext context;
    v1::CreateRecommendationRequest request;
    request.set_parent(audit_.name());
    request.mutable_recommendation()->set_text(text);
    request.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    request.mutable_recommendation()->add_findings(finding_.name());
    v1::Recommendation created;
    EXPECT_TRUE(
        audits_->CreateRecommendation(&context, request, &created).ok());
    return created;
  }

  void AddAction(int year, int month, int day) {
    grpc::ClientContext context;
    v1::CreateActionRequest request;
    request.set_parent(recommendation_.name());
    request.mutable_action()->set_description("Rutinen införs i alla team.");
    request.mutable_action()->set_responsible("enhetschef");
    request.mutable_action()->mutable_due_date()->set_year(year);
    request.mutable_action()->mutable_due_date()->set_month(month);
    request.mutable_action()->mutable_due_date()->set_day(day);
    v1::Action action;
    ASSERT_TRUE(audits_->CreateAction(&context, request, &action).ok());
  }

  v1::Audit audit_;
  v1::Finding finding_;
  v1::Recommendation recommendation_;
  TestPrincipal manager_;
  std::unique_ptr<v1::ReportService::Stub> as_manager_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
};

TEST_F(ReportServiceTest, TheUnitReadsThePublishedReport) {
  grpc::ClientContext context;
  v1::GetAuditReportRequest request;
  request.set_name(audit_.name());
  v1::AuditReport report;
  grpc::Status status = as_manager_->GetAuditReport(&context, request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(report.name(), audit_.name() + "/report");
  EXPECT_EQ(report.language(), v1::REPORT_LANGUAGE_SWEDISH);
  EXPECT_EQ(report.findings_size(), 1);
  ASSERT_EQ(report.recommendations_size(), 2);
  EXPECT_EQ(report.recommendations(0).actions_size(), 2);
  EXPECT_EQ(report.recommendations(1).actions_size(), 0);
  ASSERT_EQ(report.participants_size(), 2);
  EXPECT_EQ(report.participants(0).participants(), 6);
  EXPECT_TRUE(report.participants(1).suppressed());
  EXPECT_EQ(report.participants(1).participants(), 0);
  ASSERT_EQ(report.chart_size(), 1);
  EXPECT_EQ(report.chart(0).focus_area(), v1::FOCUS_AREA_PARTICIPATION);
  EXPECT_THAT(report.markdown(), HasSubstr("| vårdnadshavare | färre än 5 |"));
  EXPECT_THAT(report.markdown(), Not(HasSubstr("| 3 |")));
  EXPECT_THAT(report.markdown(), HasSubstr("planerad, försenad"));
  EXPECT_THAT(report.html(), HasSubstr("<svg role=\"img\""));
  EXPECT_THAT(report.html(), HasSubstr("BUP Prima Handen"));
}

TEST_F(ReportServiceTest, EnglishOnRequest) {
  grpc::ClientContext context;
  v1::GetAuditReportRequest request;
  request.set_name(audit_.name());
  request.set_language(v1::REPORT_LANGUAGE_ENGLISH);
  v1::AuditReport report;
  ASSERT_TRUE(reports_->GetAuditReport(&context, request, &report).ok());
  EXPECT_THAT(report.markdown(), HasSubstr("| guardians | fewer than 5 |"));
  EXPECT_THAT(report.html(), HasSubstr("<html lang=\"en\">"));
}

TEST_F(ReportServiceTest, AnotherUnitsManagerFindsNoReport) {
  v1::Unit other = MustCreateUnit(ExampleUnit());
  TestPrincipal stranger = NewPrincipal(v1::ROLE_UNIT_MANAGER, {other.name()});
  auto as_stranger = v1::ReportService::NewStub(ChannelFor(stranger.secret));
  grpc::ClientContext context;
  v1::GetAuditReportRequest request;
  request.set_name(audit_.name());
  v1::AuditReport report;
  EXPECT_EQ(
      as_stranger->GetAuditReport(&context, request, &report).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReportServiceTest, UnitSummaryCountsWhatTheCallerSees) {
  grpc::ClientContext context;
  v1::GetUnitSummaryRequest request;
  request.set_name(audit_.unit());
  v1::UnitSummary summary;
  ASSERT_TRUE(as_manager_->GetUnitSummary(&context, request, &summary).ok());
  EXPECT_EQ(summary.display_name(), "BUP Prima Handen");
  ASSERT_EQ(summary.audits_by_state_size(), 1);
  EXPECT_EQ(summary.audits_by_state(0).state(), v1::AUDIT_STATE_PUBLISHED);
  EXPECT_EQ(summary.audits_by_state(0).count(), 1);
  EXPECT_EQ(summary.open_actions(), 2);
  EXPECT_EQ(summary.overdue_actions(), 1);
  EXPECT_EQ(summary.assessed_recommendations(), 0);
  EXPECT_EQ(summary.implemented_share(), 0.0);
  // A draft of the same unit is counted for the admin, not the manager.
  ASSERT_TRUE(db_->Write([&](store::Connection& db) {
                   return db.Exec(
                       "INSERT INTO audits (uid, unit_id, title, "
                       "commissioned_by, focus_areas, other_focus_area, "
                       "question_guide, state, create_time, update_time, "
                       "revision) SELECT 'draft0000000000', unit_id, 't', "
                       "'c', 2, '', '', 1, 0, 0, 1 FROM audits LIMIT 1");
                 })
                  .ok());
  grpc::ClientContext again;
  ASSERT_TRUE(as_manager_->GetUnitSummary(&again, request, &summary).ok());
  EXPECT_EQ(summary.audits_by_state_size(), 1);
  grpc::ClientContext as_admin;
  v1::UnitSummary everything;
  ASSERT_TRUE(reports_->GetUnitSummary(&as_admin, request, &everything).ok());
  EXPECT_EQ(everything.audits_by_state_size(), 2);
}

TEST_F(ReportServiceTest, OverdueActionsComeAsOneDigestPerUnit) {
  AddAction(2026, 4, 20);
  auto digests = [&](v1::ReportService::Stub& stub) {
    grpc::ClientContext context;
    v1::ListOverdueActionsResponse response;
    EXPECT_TRUE(stub.ListOverdueActions(
                        &context, v1::ListOverdueActionsRequest(), &response)
                    .ok());
    return response;
  };
  v1::ListOverdueActionsResponse response = digests(*as_manager_);
  ASSERT_EQ(response.digests_size(), 1);
  const v1::OverdueDigest& digest = response.digests(0);
  EXPECT_EQ(digest.unit(), audit_.unit());
  EXPECT_EQ(digest.overdue_actions(), 2);
  EXPECT_EQ(digest.oldest_due_date().month(), 4);
  EXPECT_EQ(digest.oldest_due_date().day(), 20);
  EXPECT_EQ(digest.most_days_overdue(), 38);
  EXPECT_THAT(digest.audits(), ::testing::ElementsAre(audit_.name()));
  ASSERT_EQ(digest.most_overdue_size(), 2);
  EXPECT_EQ(digest.most_overdue(0).due_date().day(), 20);
  // At midnight in Stockholm (22:00 UTC in summer) the September action is
  // still not due; the one due on the 28th becomes overdue a day later.
  AddAction(2026, 5, 28);
  EXPECT_EQ(digests(*as_manager_).digests(0).overdue_actions(), 2);
  clock_.Advance(absl::Hours(2));  // 22:26 UTC = 00:26 on the 29th
  EXPECT_EQ(digests(*as_manager_).digests(0).overdue_actions(), 3);
}

TEST_F(ReportServiceTest, ExportIsCsvOfWhatTheCallerSees) {
  grpc::ClientContext context;
  v1::ExportAuditsRequest request;
  v1::ExportAuditsResponse response;
  ASSERT_TRUE(as_manager_->ExportAudits(&context, request, &response).ok());
  EXPECT_EQ(response.row_count(), 2);
  EXPECT_EQ(response.csv().rfind("Enhet,Revision,Revisionens namn,", 0), 0u);
  EXPECT_THAT(response.csv(),
              HasSubstr("ungdomar 13–17 år: 6; vårdnadshavare: färre än 5"));
  EXPECT_EQ(std::count(response.csv().begin(), response.csv().end(), '\n'), 3);

  request.set_language(v1::REPORT_LANGUAGE_ENGLISH);
  grpc::ClientContext english;
  ASSERT_TRUE(as_manager_->ExportAudits(&english, request, &response).ok());
  EXPECT_EQ(response.csv().rfind("Unit,Audit,Audit name,", 0), 0u);

  v1::Unit other = MustCreateUnit(ExampleUnit());
  TestPrincipal stranger = NewPrincipal(v1::ROLE_UNIT_MANAGER, {other.name()});
  auto as_stranger = v1::ReportService::NewStub(ChannelFor(stranger.secret));
  grpc::ClientContext theirs;
  ASSERT_TRUE(as_stranger->ExportAudits(&theirs, request, &response).ok());
  EXPECT_EQ(response.row_count(), 0);
}

TEST_F(ReportServiceTest, ExportPagesByAuditWithOneHeader) {
  v1::Audit second = MustCreateAudit();
  (void)second;
  v1::ExportAuditsRequest request;
  request.set_page_size(1);
  std::string csv;
  int pages = 0;
  for (; pages < 10; ++pages) {
    grpc::ClientContext context;
    v1::ExportAuditsResponse response;
    ASSERT_TRUE(reports_->ExportAudits(&context, request, &response).ok());
    csv += response.csv();
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(pages, 1);  // two pages, one audit each
  size_t headers = 0;
  for (size_t at = csv.find("Enhet,"); at != std::string::npos;
       at = csv.find("Enhet,", at + 1)) {
    ++headers;
  }
  EXPECT_EQ(headers, 1u);
}

// An overdue action whose audit ends (cancelled, or closed) is no longer
// open work or overdue anywhere: it is unfinished, not done when the audit
// ended, in the action itself, the filters, the summary, the digest and
// every rendering of the report.
class EndedAuditTest : public ReportServiceTest,
                       public ::testing::WithParamInterface<v1::AuditState> {
 protected:
  void End() {
    if (GetParam() == v1::AUDIT_STATE_CANCELLED) {
      grpc::ClientContext context;
      v1::TransitionAuditRequest request;
      request.set_name(audit_.name());
      request.set_state(v1::AUDIT_STATE_CANCELLED);
      request.set_reason("Enheten lades ner.");
      v1::Audit cancelled;
      grpc::Status status =
          audits_->TransitionAudit(&context, request, &cancelled);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(cancelled.state(), v1::AUDIT_STATE_CANCELLED);
    } else {
      // Closing needs verdicts and feedback; only the end state matters.
      ASSERT_TRUE(db_->Write([](store::Connection& db) {
                       return db.Exec("UPDATE audits SET state = 7");
                     })
                      .ok());
    }
  }

  std::vector<v1::Action> ListActions(const std::string& filter) {
    grpc::ClientContext context;
    v1::ListActionsRequest request;
    request.set_filter(filter);
    v1::ListActionsResponse response;
    grpc::Status status = audits_->ListActions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return {response.actions().begin(), response.actions().end()};
  }

  v1::UnitSummary Summary() {
    grpc::ClientContext context;
    v1::GetUnitSummaryRequest request;
    request.set_name(audit_.unit());
    v1::UnitSummary summary;
    EXPECT_TRUE(reports_->GetUnitSummary(&context, request, &summary).ok());
    return summary;
  }

  int Digests() {
    grpc::ClientContext context;
    v1::ListOverdueActionsResponse response;
    EXPECT_TRUE(reports_
                    ->ListOverdueActions(
                        &context, v1::ListOverdueActionsRequest(), &response)
                    .ok());
    return response.digests_size();
  }

  v1::AuditReport Report() {
    grpc::ClientContext context;
    v1::GetAuditReportRequest request;
    request.set_name(audit_.name());
    v1::AuditReport report;
    EXPECT_TRUE(reports_->GetAuditReport(&context, request, &report).ok());
    return report;
  }

  std::string Csv() {
    grpc::ClientContext context;
    v1::ExportAuditsResponse response;
    EXPECT_TRUE(
        reports_->ExportAudits(&context, v1::ExportAuditsRequest(), &response)
            .ok());
    return response.csv();
  }
};

TEST_P(EndedAuditTest, OpenActionsOfAnEndedAuditAreUnfinishedNotOverdue) {
  // Before: one overdue, one open, both planned.
  ASSERT_EQ(ListActions("overdue = true").size(), 1u);
  ASSERT_EQ(Summary().overdue_actions(), 1);
  ASSERT_EQ(Digests(), 1);
  ASSERT_THAT(Csv(), HasSubstr(",1,"));  // one overdue action in the row

  End();

  std::vector<v1::Action> actions = ListActions("");
  ASSERT_EQ(actions.size(), 2u);
  for (const v1::Action& action : actions) {
    EXPECT_FALSE(action.overdue()) << action.name();
    EXPECT_TRUE(action.unfinished()) << action.name();
    EXPECT_EQ(action.status(), v1::ACTION_STATUS_PLANNED);
  }
  EXPECT_TRUE(ListActions("overdue = true").empty());
  EXPECT_EQ(ListActions("overdue = false").size(), 2u);
  EXPECT_EQ(ListActions("unfinished = true").size(), 2u);
  EXPECT_TRUE(ListActions("unfinished = false").empty());

  v1::UnitSummary summary = Summary();
  EXPECT_EQ(summary.open_actions(), 0);
  EXPECT_EQ(summary.overdue_actions(), 0);
  EXPECT_EQ(summary.unfinished_actions(), 2);
  EXPECT_EQ(Digests(), 0);

  v1::AuditReport report = Report();
  EXPECT_THAT(report.markdown(), Not(HasSubstr("försenad")));
  EXPECT_THAT(report.html(), Not(HasSubstr("försenad")));
  EXPECT_THAT(report.markdown(),
              HasSubstr("planerad, ej klar när revisionen avslutades"));
  EXPECT_THAT(report.html(),
              HasSubstr("planerad, ej klar när revisionen avslutades"));
  std::string csv = Csv();
  EXPECT_THAT(csv, HasSubstr("ej klar när revisionen avslutades"));
  EXPECT_THAT(csv, Not(HasSubstr(",1,"))) << "no overdue action counted";
}

INSTANTIATE_TEST_SUITE_P(CancelledOrClosed, EndedAuditTest,
                         ::testing::Values(v1::AUDIT_STATE_CANCELLED,
                                           v1::AUDIT_STATE_CLOSED),
                         [](const auto& info) {
                           return v1::AuditState_Name(info.param);
                         });

// A running audit's actions keep their standing through every state in
// which the unit works on them.
TEST_F(ReportServiceTest, OverdueWhileTheAuditRuns) {
  for (int state : {4, 5, 6}) {
    ASSERT_TRUE(db_->Write([state](store::Connection& db) {
                     return db.Exec("UPDATE audits SET state = " +
                                    std::to_string(state));
                   })
                    .ok());
    grpc::ClientContext context;
    v1::GetUnitSummaryRequest request;
    request.set_name(audit_.unit());
    v1::UnitSummary summary;
    ASSERT_TRUE(reports_->GetUnitSummary(&context, request, &summary).ok());
    EXPECT_EQ(summary.open_actions(), 2) << state;
    EXPECT_EQ(summary.overdue_actions(), 1) << state;
    EXPECT_EQ(summary.unfinished_actions(), 0) << state;
  }
}

}  // namespace
}  // namespace brevis::api
