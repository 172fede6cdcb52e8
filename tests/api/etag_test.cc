// A resource's etag and update_time change with anything it shows, also
// when another RPC than its own Update changes it (the unit's response, a
// verdict, a progress note, a state change), so that a write based on an
// earlier read is refused with ABORTED.

#include <gmock/gmock.h>

#include "google/protobuf/util/time_util.h"
#include "tests/api/audit_journey.h"

namespace brevis::api {
namespace {

using google::protobuf::util::TimeUtil;

class EtagTest : public AuditJourneyTest {
 protected:
  // What a client read before another change: etag and update_time.
  struct Read {
    std::string etag;
    google::protobuf::Timestamp update_time;
  };

  // The clock moves on before each change, so update_time can show it.
  void Later() { clock_.Advance(absl::Minutes(5)); }

  static void ExpectChangedSince(const Read& before, const std::string& etag,
                                 const google::protobuf::Timestamp& time) {
    EXPECT_NE(etag, before.etag);
    EXPECT_GT(time, before.update_time)
        << TimeUtil::ToString(time) << " is not after "
        << TimeUtil::ToString(before.update_time);
  }

  // The admin's answer to a recommendation, to update with.
  grpc::Status UpdateRecommendationWith(const std::string& etag) {
    return UpdateRecommendationText(recommendation_.name(),
                                    "Inför en rutin för den unges röst.",
                                    "Formuleringen förtydligas.", etag);
  }
};

TEST_F(EtagTest, TheUnitsResponseChangesTheRecommendationsEtag) {
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  v1::Recommendation read = GetRecommendation(recommendation_.name());
  Read before{read.etag(), read.update_time()};
  Later();
  v1::Recommendation answered;
  ASSERT_TRUE(Respond(recommendation_.name(), &answered).ok());
  ExpectChangedSince(before, answered.etag(), answered.update_time());
  v1::Recommendation now = GetRecommendation(recommendation_.name());
  EXPECT_EQ(now.etag(), answered.etag());
  EXPECT_EQ(now.update_time(), answered.update_time());

  EXPECT_EQ(UpdateRecommendationWith(before.etag).error_code(),
            grpc::StatusCode::ABORTED)
      << "an update based on the read before the response was accepted";
  EXPECT_TRUE(UpdateRecommendationWith(now.etag()).ok());

  // A second response replaces the first: a change again.
  Read answered_once{now.etag(), now.update_time()};
  Later();
  ASSERT_TRUE(Respond(recommendation_.name(), &answered).ok());
  ExpectChangedSince(answered_once, answered.etag(), answered.update_time());
}

TEST_F(EtagTest, AVerdictChangesTheRecommendationsEtag) {
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  ASSERT_TRUE(Respond(recommendation_.name()).ok());
  MustMove(v1::AUDIT_STATE_IN_PROGRESS);
  MustMove(v1::AUDIT_STATE_FOLLOW_UP);
  v1::Recommendation read = GetRecommendation(recommendation_.name());
  Read before{read.etag(), read.update_time()};
  Later();
  grpc::ClientContext context;
  v1::RecordVerdictRequest request;
  request.set_name(recommendation_.name());
  request.mutable_verdict()->set_verdict(v1::VERDICT_PARTLY_IMPLEMENTED);
  v1::Recommendation assessed;
  ASSERT_TRUE(audits_->RecordVerdict(&context, request, &assessed).ok());
  ExpectChangedSince(before, assessed.etag(), assessed.update_time());
  EXPECT_EQ(UpdateRecommendationWith(before.etag).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(EtagTest, AProgressNoteChangesTheActionsEtag) {
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  v1::Action action = MustCreateAction(recommendation_.name());
  Read before{action.etag(), action.update_time()};
  Later();
  grpc::ClientContext context;
  v1::AddProgressNoteRequest request;
  request.set_name(action.name());
  request.mutable_note()->set_text("Rutinen är skriven och ska beslutas.");
  v1::Action noted;
  ASSERT_TRUE(audits_->AddProgressNote(&context, request, &noted).ok());
  ExpectChangedSince(before, noted.etag(), noted.update_time());
  EXPECT_EQ(GetAction(action.name()).etag(), noted.etag());

  grpc::ClientContext stale;
  v1::UpdateActionRequest update;
  update.mutable_action()->set_name(action.name());
  update.mutable_action()->set_status(v1::ACTION_STATUS_IN_PROGRESS);
  update.mutable_action()->set_etag(before.etag);
  update.mutable_update_mask()->add_paths("status");
  v1::Action updated;
  EXPECT_EQ(audits_->UpdateAction(&stale, update, &updated).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(EtagTest, AStateChangeAndTheTeamChangeTheAuditsEtag) {
  v1::Audit read = GetAudit();
  Read before{read.etag(), read.update_time()};
  Later();
  MustMove(v1::AUDIT_STATE_PUBLISHED);
  ExpectChangedSince(before, audit_.etag(), audit_.update_time());

  grpc::ClientContext context;
  v1::UpdateAuditRequest update;
  update.mutable_audit()->set_name(audit_.name());
  update.mutable_audit()->set_title("Brukarrevision 2026, rättad titel");
  update.mutable_audit()->set_etag(before.etag);
  update.mutable_update_mask()->add_paths("title");
  v1::Audit updated;
  EXPECT_EQ(audits_->UpdateAudit(&context, update, &updated).error_code(),
            grpc::StatusCode::ABORTED);

  Read published{audit_.etag(), audit_.update_time()};
  Later();
  TestPrincipal second = NewPrincipal(v1::ROLE_AUDITOR);
  grpc::ClientContext team;
  v1::UpdateAuditRequest set_team;
  set_team.mutable_audit()->set_name(audit_.name());
  set_team.mutable_audit()->add_auditors(auditor_.name);
  set_team.mutable_audit()->add_auditors(second.name);
  set_team.mutable_update_mask()->add_paths("auditors");
  ASSERT_TRUE(audits_->UpdateAudit(&team, set_team, &updated).ok());
  ExpectChangedSince(published, updated.etag(), updated.update_time());
}

}  // namespace
}  // namespace brevis::api
