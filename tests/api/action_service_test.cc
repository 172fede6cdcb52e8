// The unit's actions: planned from publication, followed with notes, and
// overdue by the Stockholm calendar.

#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class ActionServiceTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    audit_ = MustCreateAudit();
    v1::Finding finding = MustCreateFinding(audit_.name(), ExampleFinding());
    grpc::ClientContext context;
    v1::CreateRecommendationRequest request;
    request.set_parent(audit_.name());
    request.mutable_recommendation()->set_text("Inför en rutin.");
    request.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    request.mutable_recommendation()->add_findings(finding.name());
    ASSERT_TRUE(
        audits_->CreateRecommendation(&context, request, &recommendation_)
            .ok());
    manager_ = NewPrincipal(v1::ROLE_UNIT_MANAGER, {audit_.unit()});
    as_manager_ = v1::AuditService::NewStub(ChannelFor(manager_.secret));
  }

  void Publish() {
    ASSERT_TRUE(db_->Write([](store::Connection& db) {
                     return db.Exec("UPDATE audits SET state = 4");
                   })
                    .ok());
  }

  grpc::Status Create(int year, int month, int day, v1::Action* created) {
    grpc::ClientContext context;
    v1::CreateActionRequest request;
    request.set_parent(recommendation_.name());
    request.mutable_action()->set_description(
        "Den unge får ge sin syn före varje behandlingsbeslut.");
    request.mutable_action()->set_responsible("enhetschef");
    request.mutable_action()->mutable_due_date()->set_year(year);
    request.mutable_action()->mutable_due_date()->set_month(month);
    request.mutable_action()->mutable_due_date()->set_day(day);
    return as_manager_->CreateAction(&context, request, created);
  }

  std::vector<v1::Action> List(const std::string& filter) {
    grpc::ClientContext context;
    v1::ListActionsRequest request;
    request.set_filter(filter);
    v1::ListActionsResponse response;
    grpc::Status status =
        as_manager_->ListActions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return {response.actions().begin(), response.actions().end()};
  }

  v1::Audit audit_;
  v1::Recommendation recommendation_;
  TestPrincipal manager_;
  std::unique_ptr<v1::AuditService::Stub> as_manager_;
};

TEST_F(ActionServiceTest, ActionsStartWithThePublishedReport) {
  v1::Action created;
  EXPECT_EQ(Create(2026, 9, 1, &created).error_code(),
            grpc::StatusCode::NOT_FOUND)
      << "a draft is invisible to the unit";
  Publish();
  ASSERT_TRUE(Create(2026, 9, 1, &created).ok());
  EXPECT_EQ(created.status(), v1::ACTION_STATUS_PLANNED);
  EXPECT_EQ(created.unit(), audit_.unit());
  EXPECT_THAT(created.name(),
              ::testing::StartsWith(recommendation_.name() + "/actions/"));
}

TEST_F(ActionServiceTest, OverdueFromMidnightInStockholm) {
  Publish();
  v1::Action created;
  // The test clock starts on 2026-05-28 in the evening.
  ASSERT_TRUE(Create(2026, 5, 28, &created).ok());
  // 2026-05-28 23:59:59 in Stockholm (CEST, UTC+2): due today, not late.
  clock_.Advance(absl::FromCivil(absl::CivilSecond(2026, 5, 28, 21, 59, 59),
                                 absl::UTCTimeZone()) -
                 clock_.Now());
  EXPECT_TRUE(List("overdue = true").empty());
  EXPECT_EQ(List("overdue = false").size(), 1u);
  // One second later it is 2 June in Stockholm.
  clock_.Advance(absl::Seconds(1));
  std::vector<v1::Action> late = List("overdue = true");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_TRUE(late[0].overdue());

  // Done is never overdue.
  grpc::ClientContext context;
  v1::UpdateActionRequest request;
  request.mutable_action()->set_name(created.name());
  request.mutable_action()->set_status(v1::ACTION_STATUS_DONE);
  request.mutable_update_mask()->add_paths("status");
  v1::Action done;
  ASSERT_TRUE(as_manager_->UpdateAction(&context, request, &done).ok());
  EXPECT_FALSE(done.overdue());
  EXPECT_TRUE(List("overdue = true").empty());
}

TEST_F(ActionServiceTest, NotesAreAppendedWithAuthorAndTime) {
  Publish();
  v1::Action created;
  ASSERT_TRUE(Create(2026, 9, 1, &created).ok());
  for (const char* text :
       {"Beslutat i ledningsgruppen.", "Rutinen gäller från 1 september."}) {
    grpc::ClientContext context;
    v1::AddProgressNoteRequest request;
    request.set_name(created.name());
    request.mutable_note()->set_text(text);
    ASSERT_TRUE(as_manager_->AddProgressNote(&context, request, &created).ok());
  }
  ASSERT_EQ(created.notes_size(), 2);
  EXPECT_EQ(created.notes(0).text(), "Beslutat i ledningsgruppen.");
  EXPECT_EQ(created.notes(1).author(), manager_.name);
  grpc::ClientContext context;
  v1::AddProgressNoteRequest bad;
  bad.set_name(created.name());
  bad.mutable_note()->set_text("Ring 070-123 45 67");
  v1::Action ignored;
  EXPECT_EQ(as_manager_->AddProgressNote(&context, bad, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ActionServiceTest, ListFiltersByStatusUnitAndDueDate) {
  Publish();
  v1::Action early, late;
  ASSERT_TRUE(Create(2026, 3, 1, &early).ok());
  ASSERT_TRUE(Create(2026, 12, 1, &late).ok());
  EXPECT_EQ(List("").size(), 2u);
  EXPECT_EQ(List("due_before = 2026-06-01").size(), 1u);
  EXPECT_EQ(List("status = PLANNED").size(), 2u);
  EXPECT_EQ(List("status = DONE").size(), 0u);
  EXPECT_EQ(List("unit = \"" + audit_.unit() + "\"").size(), 2u);
  EXPECT_EQ(List("unit = \"units/0000000000000000\"").size(), 0u);

  // Another unit's manager sees none of them.
  v1::Unit other = MustCreateUnit(ExampleUnit());
  TestPrincipal stranger = NewPrincipal(v1::ROLE_UNIT_MANAGER, {other.name()});
  auto stub = v1::AuditService::NewStub(ChannelFor(stranger.secret));
  grpc::ClientContext context;
  v1::ListActionsResponse response;
  ASSERT_TRUE(
      stub->ListActions(&context, v1::ListActionsRequest(), &response).ok());
  EXPECT_EQ(response.actions_size(), 0);

  grpc::ClientContext bad;
  v1::ListActionsRequest request;
  request.set_filter("due_before = juni");
  EXPECT_EQ(as_manager_->ListActions(&bad, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// A date in the filter is a date, compared as one: a form that is not
// exactly YYYY-MM-DD, or a day the calendar lacks, is refused naming the
// field and the rule, never compared as text.
TEST_F(ActionServiceTest, DueBeforeIsParsedAsADate) {
  Publish();
  v1::Action november, december;
  ASSERT_TRUE(Create(2030, 11, 20, &november).ok());
  ASSERT_TRUE(Create(2030, 12, 5, &december).ok());
  std::vector<v1::Action> before = List("due_before = 2030-12-01");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].name(), november.name());
  EXPECT_EQ(List("due_before = \"2030-12-06\"").size(), 2u);
  EXPECT_EQ(List("due_before = 2030-11-20").size(), 0u) << "strictly before";

  for (const char* text :
       {"2030-12-1", "2030-1-01", "30-12-01", "2030-12-01x", "2030/12/01",
        "\" 2030-12-01\"", "2030-02-30", "2030-13-01", "2030-00-10",
        "2031-02-29", "0999-01-01", "\"+030-12-01\"", "\"2030-12-+1\""}) {
    SCOPED_TRACE(text);
    grpc::ClientContext context;
    v1::ListActionsRequest request;
    request.set_filter(std::string("due_before = ") + text);
    v1::ListActionsResponse response;
    grpc::Status status =
        as_manager_->ListActions(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("filter: due_before"));
    EXPECT_EQ(response.actions_size(), 0);
  }
  EXPECT_EQ(List("due_before = 2032-02-29").size(), 2u) << "a leap day";
}

}  // namespace
}  // namespace brevis::api
