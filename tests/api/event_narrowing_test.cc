// A change that takes an audit out of someone's view reaches them, in
// ListEvents and WatchEvents alike, with names, the state and the time.

#include <gmock/gmock.h>

#include "tests/api/event_fixture.h"

namespace brevis::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class EventNarrowingTest : public EventServiceTest {};

// Issue 11, case 9: a cancellation and a reopen take audits out of the unit
// manager's view; both reach the manager, in the watch and the list.
TEST_F(EventNarrowingTest, AStepThatShutsReadersOutStillReachesThem) {
  v1::Audit cancelled = PublishedAudit();
  v1::Audit reopened = PublishedAuditOf(cancelled.unit());
  v1::Audit draft = MustCreateAudit();  // never published
  TestPrincipal manager =
      NewPrincipal(v1::ROLE_UNIT_MANAGER, {cancelled.unit(), draft.unit()});
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  TestPrincipal elsewhere = NewPrincipal(v1::ROLE_UNIT_MANAGER, {draft.unit()});
  auto as_manager = v1::EventService::NewStub(ChannelFor(manager.secret));
  int64_t start = LastSequence();
  auto watch = OpenWatch(*as_manager, start);

  MustMove(cancelled.name(), v1::AUDIT_STATE_CANCELLED);
  MustMove(reopened.name(), v1::AUDIT_STATE_REPORTING);
  MustMove(draft.name(), v1::AUDIT_STATE_CANCELLED);

  std::vector<v1::Event> watched = ReadEvents(*watch->reader, 2);
  ASSERT_THAT(Audits(watched), ElementsAre(cancelled.name(), reopened.name()));
  EXPECT_EQ(watched[0].kind(), v1::EVENT_KIND_STATE_CHANGED);
  EXPECT_EQ(watched[0].state(), v1::AUDIT_STATE_CANCELLED);
  EXPECT_THAT(watched[0].changed_fields(), ElementsAre("state"));
  EXPECT_EQ(watched[1].state(), v1::AUDIT_STATE_REPORTING);
  EXPECT_EQ(watched[1].unit(), cancelled.unit());
  // The list agrees with the watch, and so does a reader of all published
  // audits; a manager of another unit hears of neither.
  std::vector<v1::Event> listed = ListAll(*as_manager, "", start);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].SerializeAsString(), watched[0].SerializeAsString());
  EXPECT_EQ(listed[1].SerializeAsString(), watched[1].SerializeAsString());
  auto as_viewer = v1::EventService::NewStub(ChannelFor(viewer.secret));
  EXPECT_THAT(Audits(ListAll(*as_viewer, "", start)),
              ElementsAre(cancelled.name(), reopened.name()));
  auto as_elsewhere = v1::EventService::NewStub(ChannelFor(elsewhere.secret));
  EXPECT_THAT(ListAll(*as_elsewhere, "", start), IsEmpty());
  // What the events point at is now out of view.
  auto audits = v1::AuditService::NewStub(ChannelFor(manager.secret));
  grpc::ClientContext context;
  v1::GetAuditRequest request;
  request.set_name(cancelled.name());
  v1::Audit audit;
  EXPECT_EQ(audits->GetAudit(&context, request, &audit).error_code(),
            grpc::StatusCode::NOT_FOUND);
  watch->context.TryCancel();
  Drain(*watch).IgnoreError();
}

// Steps that keep the audit in view change nothing about who sees them:
// the state the audit entered is given on every step.
TEST_F(EventNarrowingTest, EveryStepCarriesTheStateItEntered) {
  v1::Audit audit = MustCreateAudit();
  int64_t start = LastSequence();
  MustMove(audit.name(), v1::AUDIT_STATE_CANCELLED);
  std::vector<v1::Event> steps =
      ListAll(*events_, "kind = STATE_CHANGED", start);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].state(), v1::AUDIT_STATE_CANCELLED);
  std::vector<v1::Event> created = ListAll(*events_, "kind = CREATED");
  ASSERT_FALSE(created.empty());
  EXPECT_EQ(created.back().state(), v1::AUDIT_STATE_UNSPECIFIED);
}

// An auditor taken off the team sees the change that took them off, and
// nothing of the audit after it.
TEST_F(EventNarrowingTest, AnAuditorTakenOffTheTeamSeesThatChangeOnly) {
  TestPrincipal staying = NewPrincipal(v1::ROLE_AUDITOR);
  TestPrincipal leaving = NewPrincipal(v1::ROLE_AUDITOR);
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  v1::Audit audit;
  {
    grpc::ClientContext context;
    v1::CreateAuditRequest request;
    *request.mutable_audit() = ExampleAudit(unit.name());
    request.mutable_audit()->add_auditors(staying.name);
    request.mutable_audit()->add_auditors(leaving.name);
    ASSERT_TRUE(audits_->CreateAudit(&context, request, &audit).ok());
  }
  auto as_leaving = v1::EventService::NewStub(ChannelFor(leaving.secret));
  int64_t start = LastSequence();
  auto watch = OpenWatch(*as_leaving, start);
  {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit.name());
    request.mutable_audit()->add_auditors(staying.name);
    request.mutable_update_mask()->add_paths("auditors");
    v1::Audit updated;
    ASSERT_TRUE(audits_->UpdateAudit(&context, request, &updated).ok());
  }
  MustRetitle(audit.name(), "Efter");
  MustRenameUnit(unit.name(), "BUP Prima Handen Söder");

  std::vector<v1::Event> watched = ReadEvents(*watch->reader, 2);
  ASSERT_EQ(watched.size(), 2u);
  EXPECT_EQ(watched[0].resource(), audit.name());
  EXPECT_THAT(watched[0].changed_fields(), ElementsAre("auditors"));
  EXPECT_EQ(watched[1].resource(), unit.name());
  std::vector<v1::Event> listed = ListAll(*as_leaving, "", start);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].sequence(), watched[0].sequence());
  // The auditor who stays sees both changes of the audit.
  auto as_staying = v1::EventService::NewStub(ChannelFor(staying.secret));
  EXPECT_THAT(
      Audits(ListAll(*as_staying, "audit = \"" + audit.name() + "\"", start)),
      ElementsAre(audit.name(), audit.name()));
  watch->context.TryCancel();
  Drain(*watch).IgnoreError();
}

}  // namespace
}  // namespace brevis::api
