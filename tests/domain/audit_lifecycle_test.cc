#include "server/domain/audit_lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace brevis::domain {
namespace {

using ::testing::HasSubstr;

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

}  // namespace
}  // namespace brevis::domain
