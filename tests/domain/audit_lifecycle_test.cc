#include "server/domain/audit_lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <vector>

#include "server/domain/str_cat.h"

namespace brevis::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Facts of an audit that passes every guard.
LifecycleFacts Complete() {
  LifecycleFacts facts;
  facts.auditors = 2;
  facts.findings = 3;
  facts.feedback_recorded = true;
  return facts;
}

absl::Status Move(v1::AuditState from, v1::AuditState to,
                  const LifecycleFacts& facts, std::string reason = "",
                  bool admin = false) {
  return CheckTransition({from, to, std::move(reason), admin}, facts);
}

TEST(AuditLifecycleTest, MainPathIsOneStepAtATime) {
  v1::AuditState state = v1::AUDIT_STATE_PLANNED;
  int steps = 0;
  while (NextState(state) != v1::AUDIT_STATE_UNSPECIFIED) {
    EXPECT_TRUE(Move(state, NextState(state), Complete()).ok())
        << v1::AuditState_Name(state);
    state = NextState(state);
    ++steps;
  }
  EXPECT_EQ(state, v1::AUDIT_STATE_CLOSED);
  EXPECT_EQ(steps, 6);
}

TEST(AuditLifecycleTest, SkippingAStepIsRefusedNamingTheNextState) {
  absl::Status status =
      Move(v1::AUDIT_STATE_PLANNED, v1::AUDIT_STATE_PUBLISHED, Complete());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("AUDIT_STATE_FIELDWORK"));
}

TEST(AuditLifecycleTest, FieldworkNeedsATeam) {
  LifecycleFacts facts = Complete();
  facts.auditors = 0;
  absl::Status status =
      Move(v1::AUDIT_STATE_PLANNED, v1::AUDIT_STATE_FIELDWORK, facts);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("guard team-assigned"));
}

TEST(AuditLifecycleTest, ReportingNeedsAFinding) {
  LifecycleFacts facts = Complete();
  facts.findings = 0;
  absl::Status status =
      Move(v1::AUDIT_STATE_FIELDWORK, v1::AUDIT_STATE_REPORTING, facts);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("guard has-findings"));
}

TEST(AuditLifecycleTest, PublishingNamesUnansweredImprovementAreas) {
  LifecycleFacts facts = Complete();
  facts.unanswered_improvement_areas = {"audits/a/findings/f1",
                                        "audits/a/findings/f2"};
  absl::Status status =
      Move(v1::AUDIT_STATE_REPORTING, v1::AUDIT_STATE_PUBLISHED, facts);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("every-improvement-area-answered"));
  EXPECT_THAT(status.message(),
              HasSubstr("audits/a/findings/f1, audits/a/findings/f2"));
  // An explicit reason lets it through.
  EXPECT_TRUE(Move(v1::AUDIT_STATE_REPORTING, v1::AUDIT_STATE_PUBLISHED, facts,
                   "Enheten stängs om ett halvår.")
                  .ok());
}

TEST(AuditLifecycleTest, LongListsAreCutWithACount) {
  LifecycleFacts facts = Complete();
  for (int i = 0; i < 13; ++i) {
    facts.recommendations_without_response.push_back(
        "audits/a/recommendations/r" + std::to_string(i));
  }
  absl::Status status =
      Move(v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS, facts);
  EXPECT_THAT(status.message(), HasSubstr("every-recommendation-responded"));
  EXPECT_THAT(status.message(), HasSubstr("r9 and 3 more"));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("r10")));
}

TEST(AuditLifecycleTest, ClosingNeedsVerdictsAndFeedback) {
  LifecycleFacts facts = Complete();
  facts.recommendations_without_verdict = {"audits/a/recommendations/r1"};
  absl::Status status =
      Move(v1::AUDIT_STATE_FOLLOW_UP, v1::AUDIT_STATE_CLOSED, facts);
  EXPECT_THAT(status.message(), HasSubstr("every-recommendation-assessed"));
  EXPECT_THAT(status.message(), HasSubstr("audits/a/recommendations/r1"));
  facts = Complete();
  facts.feedback_recorded = false;
  status = Move(v1::AUDIT_STATE_FOLLOW_UP, v1::AUDIT_STATE_CLOSED, facts);
  EXPECT_THAT(status.message(), HasSubstr("feedback-recorded"));
}

TEST(AuditLifecycleTest, CancelFromAnyOpenStateWithAReason) {
  for (v1::AuditState state :
       {v1::AUDIT_STATE_PLANNED, v1::AUDIT_STATE_FIELDWORK,
        v1::AUDIT_STATE_REPORTING, v1::AUDIT_STATE_PUBLISHED,
        v1::AUDIT_STATE_IN_PROGRESS, v1::AUDIT_STATE_FOLLOW_UP}) {
    EXPECT_TRUE(Move(state, v1::AUDIT_STATE_CANCELLED, LifecycleFacts(),
                     "Enheten har lagts ned.")
                    .ok());
    EXPECT_EQ(Move(state, v1::AUDIT_STATE_CANCELLED, LifecycleFacts()).code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Move(v1::AUDIT_STATE_CLOSED, v1::AUDIT_STATE_CANCELLED,
                 LifecycleFacts(), "för sent")
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AuditLifecycleTest, OnlyAnAdminReopensAStepAndGivesAReason) {
  EXPECT_EQ(Move(v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_REPORTING,
                 Complete(), "rättelse")
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Move(v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_REPORTING,
                 Complete(), "", true)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Move(v1::AUDIT_STATE_CLOSED, v1::AUDIT_STATE_FOLLOW_UP,
                   Complete(), "Uppföljningen saknade en enhet.", true)
                  .ok());
  EXPECT_EQ(Move(v1::AUDIT_STATE_CANCELLED, v1::AUDIT_STATE_FOLLOW_UP,
                 Complete(), "ångrat", true)
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AuditLifecycleTest, ReasonFollowsTheTextRules) {
  absl::Status status = Move(v1::AUDIT_STATE_PLANNED, v1::AUDIT_STATE_CANCELLED,
                             Complete(), "Ring chefen på 070-123 45 67");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("reason: "));
}

TEST(AuditLifecycleTest, UnknownTargetIsInvalid) {
  EXPECT_EQ(
      Move(v1::AUDIT_STATE_PLANNED, static_cast<v1::AuditState>(42), Complete())
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(AuditLifecycleTest, SwedishNames) {
  EXPECT_EQ(StateDisplayName(v1::AUDIT_STATE_IN_PROGRESS), "pågående");
  EXPECT_EQ(StateDisplayName(v1::AUDIT_STATE_CLOSED), "avslutad");
}

// Every state the enum knows, UNSPECIFIED included.
std::vector<v1::AuditState> AllStates() {
  std::vector<v1::AuditState> states;
  const auto* descriptor = v1::AuditState_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    states.push_back(
        static_cast<v1::AuditState>(descriptor->value(i)->number()));
  }
  return states;
}

bool In(std::span<const v1::AuditState> states, v1::AuditState state) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

Caller As(v1::Role role) {
  Caller caller;
  caller.role = role;
  caller.principal_id = 7;
  return caller;
}

TEST(AuditLifecycleTest, PublishedStatesAreWhatIsPublished) {
  std::vector<v1::AuditState> published(PublishedStates().begin(),
                                        PublishedStates().end());
  EXPECT_EQ(published,
            (std::vector<v1::AuditState>{
                v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS,
                v1::AUDIT_STATE_FOLLOW_UP, v1::AUDIT_STATE_CLOSED}));
  for (v1::AuditState state : AllStates()) {
    EXPECT_EQ(IsPublished(state), In(PublishedStates(), state))
        << v1::AuditState_Name(state);
  }
  // Sorted and without repeats, as the store's SQL list takes them.
  EXPECT_TRUE(std::is_sorted(published.begin(), published.end()));
  EXPECT_EQ(std::adjacent_find(published.begin(), published.end()),
            published.end());
}

TEST(AuditLifecycleTest, TransitionPermissions) {
  EXPECT_EQ(
      TransitionPermission(v1::AUDIT_STATE_PLANNED, v1::AUDIT_STATE_FIELDWORK),
      Permission::kWriteContent);
  EXPECT_EQ(TransitionPermission(v1::AUDIT_STATE_PUBLISHED,
                                 v1::AUDIT_STATE_IN_PROGRESS),
            Permission::kRespond);
  EXPECT_EQ(TransitionPermission(v1::AUDIT_STATE_FOLLOW_UP,
                                 v1::AUDIT_STATE_IN_PROGRESS),
            Permission::kWriteContent);
  EXPECT_EQ(TransitionPermission(v1::AUDIT_STATE_REPORTING,
                                 v1::AUDIT_STATE_PUBLISHED),
            Permission::kWriteContent);
  for (v1::AuditState from : AllStates()) {
    EXPECT_EQ(TransitionPermission(from, v1::AUDIT_STATE_CANCELLED),
              Permission::kCommissionAudit);
  }
}

TEST(AuditLifecycleTest, WhoMayAskForAStep) {
  AuditFacts audit;
  audit.unit_id = 3;
  audit.state = v1::AUDIT_STATE_PUBLISHED;
  Caller auditor = As(v1::ROLE_AUDITOR);
  Caller manager = As(v1::ROLE_UNIT_MANAGER);
  manager.unit_ids = {3};
  // The unit starts its actions; the team may not do that for it.
  EXPECT_TRUE(
      CheckTransitionPermission(manager, audit, v1::AUDIT_STATE_IN_PROGRESS)
          .ok());
  audit.caller_on_team = true;
  EXPECT_EQ(
      CheckTransitionPermission(auditor, audit, v1::AUDIT_STATE_IN_PROGRESS)
          .code(),
      absl::StatusCode::kPermissionDenied);
  // Only admins cancel.
  EXPECT_EQ(CheckTransitionPermission(auditor, audit, v1::AUDIT_STATE_CANCELLED)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckTransitionPermission(As(v1::ROLE_ADMIN), audit,
                                        v1::AUDIT_STATE_CANCELLED)
                  .ok());
  audit.state = v1::AUDIT_STATE_REPORTING;
  EXPECT_TRUE(
      CheckTransitionPermission(auditor, audit, v1::AUDIT_STATE_PUBLISHED)
          .ok());
  EXPECT_EQ(CheckTransitionPermission(manager, audit, v1::AUDIT_STATE_PUBLISHED)
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AuditLifecycleTest, StateWindows) {
  using W = StateWindow;
  const std::vector<std::pair<W, std::vector<v1::AuditState>>> windows = {
      {W::kResponses, {v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS}},
      {W::kActions,
       {v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS,
        v1::AUDIT_STATE_FOLLOW_UP}},
      {W::kFeedback,
       {v1::AUDIT_STATE_PUBLISHED, v1::AUDIT_STATE_IN_PROGRESS,
        v1::AUDIT_STATE_FOLLOW_UP}},
      {W::kVerdicts, {v1::AUDIT_STATE_FOLLOW_UP}},
  };
  for (const auto& [window, open] : windows) {
    for (v1::AuditState state : AllStates()) {
      bool allowed = std::find(open.begin(), open.end(), state) != open.end();
      absl::Status status = CheckStateWindow(window, state);
      EXPECT_EQ(status.ok(), allowed) << v1::AuditState_Name(state);
      EXPECT_EQ(In(WindowStates(window), state), allowed);
      if (!allowed) {
        EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_THAT(
            status.message(),
            HasSubstr(StrCat("; the audit is ", v1::AuditState_Name(state))));
      }
      // Nothing of the unit's happens before publication.
      if (allowed) {
        EXPECT_TRUE(IsPublished(state));
      }
    }
  }
  EXPECT_EQ(CheckStateWindow(W::kVerdicts, v1::AUDIT_STATE_CLOSED).message(),
            "follow-up verdicts are recorded in FOLLOW_UP; the audit is "
            "AUDIT_STATE_CLOSED");
}

TEST(AuditLifecycleTest, PublishedContentIsFrozen) {
  for (v1::AuditState state : AllStates()) {
    absl::Status status = CheckContentNotFrozen(state, "add findings");
    EXPECT_EQ(status.ok(), !IsPublished(state)) << v1::AuditState_Name(state);
    if (!status.ok()) {
      EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_THAT(status.message(), HasSubstr("you cannot add findings"));
    }
  }
}

TEST(AuditLifecycleTest, CorrectionsOfPublishedTextNeedAReason) {
  // A draft takes no reason.
  EXPECT_TRUE(CheckCorrectionReason(v1::AUDIT_STATE_REPORTING, false, "").ok());
  EXPECT_EQ(
      CheckCorrectionReason(v1::AUDIT_STATE_REPORTING, false, "Stavfel").code(),
      absl::StatusCode::kInvalidArgument);
  // Published now, or before a reopen or a cancellation.
  EXPECT_FALSE(IsCorrection(v1::AUDIT_STATE_REPORTING, false));
  EXPECT_TRUE(IsCorrection(v1::AUDIT_STATE_REPORTING, true));
  EXPECT_TRUE(IsCorrection(v1::AUDIT_STATE_CANCELLED, true));
  EXPECT_TRUE(IsCorrection(v1::AUDIT_STATE_FOLLOW_UP, false));
  absl::Status status =
      CheckCorrectionReason(v1::AUDIT_STATE_IN_PROGRESS, false, "");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), Not(HasSubstr("but this text was published")));
  status = CheckCorrectionReason(v1::AUDIT_STATE_REPORTING, true, "");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("but this text was published"));
  EXPECT_TRUE(
      CheckCorrectionReason(v1::AUDIT_STATE_REPORTING, true, "Fel enhet.")
          .ok());
  EXPECT_EQ(CheckCorrectionReason(v1::AUDIT_STATE_CLOSED, false,
                                  std::string(2001, 'a'))
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AuditLifecycleTest, PublishedTextAndWhatActionsHangOnStay) {
  EXPECT_TRUE(CheckRemovable("audits/a/findings/f", false, {}).ok());
  absl::Status status = CheckRemovable("audits/a/findings/f", true, {});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("published text is never removed"));
  status = CheckRemovable("audits/a/recommendations/r", false,
                          {"audits/a/recommendations/r/actions/x"});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("actions under it remain: "
                        "audits/a/recommendations/r/actions/x"));
}

}  // namespace
}  // namespace brevis::domain
