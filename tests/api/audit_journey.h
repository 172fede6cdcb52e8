#ifndef BREVIS_TESTS_API_AUDIT_JOURNEY_H_
#define BREVIS_TESTS_API_AUDIT_JOURNEY_H_

// An audit taken through its real lifecycle over the API (the transitions
// and their guards, not state set by hand), for tests of what happens to
// its content as it moves: publication, reopening, the unit's answers.

#include <string>

#include "tests/api/service_fixture.h"

namespace brevis::api {

class AuditJourneyTest : public ServiceTest {
 protected:
  // Commissions audit_ with an auditor on its team and takes it to
  // REPORTING with finding_ (an improvement area) and recommendation_
  // answering it. Every call is the admin's, on audits_.
  void SetUp() override;

  // Moves audit_ to `to` as the admin; audit_ follows when it succeeds.
  grpc::Status Move(v1::AuditState to, const std::string& reason = "");
  // Moves audit_ and fails the test when the step is refused.
  void MustMove(v1::AuditState to, const std::string& reason = "");

  // The unit's response to `recommendation`, given by the admin.
  grpc::Status Respond(const std::string& recommendation,
                       v1::Recommendation* answered = nullptr);
  // A valid action: what the unit plans to do, by when.
  static v1::Action ExampleAction();
  // A planned action under `recommendation`; fails the test if refused.
  v1::Action MustCreateAction(const std::string& recommendation);

  v1::Recommendation GetRecommendation(const std::string& name);
  v1::Finding GetFinding(const std::string& name);
  v1::Action GetAction(const std::string& name);
  v1::Audit GetAudit();

  // An update of the finding's text, with `reason` as revision_reason.
  grpc::Status UpdateFindingText(const std::string& name,
                                 const std::string& text,
                                 const std::string& reason,
                                 const std::string& etag = "",
                                 v1::Finding* updated = nullptr);
  // An update of the recommendation's text, likewise.
  grpc::Status UpdateRecommendationText(const std::string& name,
                                        const std::string& text,
                                        const std::string& reason,
                                        const std::string& etag = "",
                                        v1::Recommendation* updated = nullptr);

  TestPrincipal auditor_;
  v1::Audit audit_;
  v1::Finding finding_;
  v1::Recommendation recommendation_;
};

}  // namespace brevis::api

#endif  // BREVIS_TESTS_API_AUDIT_JOURNEY_H_
