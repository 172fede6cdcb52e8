#ifndef BREVIS_TESTS_TESTING_LIFECYCLE_SCENARIO_H_
#define BREVIS_TESTS_TESTING_LIFECYCLE_SCENARIO_H_

// One audit from commission to closure through the API, each guard shown
// refusing before it is satisfied. Shared by the service tests (in-process
// server) and the end-to-end tests (the real brevisd).

#include <gtest/gtest.h>

#include <string>

#include "brevis/v1/audit_service.grpc.pb.h"

namespace brevis::testing {

// Asks `stub` to move `audit` to `to`; `audit` becomes the moved audit when
// the step is taken.
inline grpc::Status MoveAudit(v1::AuditService::Stub* stub, v1::Audit* audit,
                              v1::AuditState to,
                              const std::string& reason = "") {
  grpc::ClientContext context;
  v1::TransitionAuditRequest request;
  request.set_name(audit->name());
  request.set_state(to);
  request.set_reason(reason);
  v1::Audit moved;
  grpc::Status status = stub->TransitionAudit(&context, request, &moved);
  if (status.ok()) *audit = std::move(moved);
  return status;
}

// The people of the scenario, each calling on its own channel.
struct ScenarioCast {
  v1::AuditService::Stub* admin = nullptr;
  v1::AuditService::Stub* auditor = nullptr;
  v1::AuditService::Stub* manager = nullptr;
  std::string auditor_name;  // principals/...: an active auditor
  std::string manager_name;  // principals/...: a manager of `unit`
  std::string unit;          // units/...
  v1::Audit audit;           // a valid audit to commission (unit is set)
  v1::Finding finding;       // a valid finding to vary
};

class LifecycleScenario {
 public:
  explicit LifecycleScenario(ScenarioCast cast) : cast_(std::move(cast)) {}

  // Runs the scenario, reporting failures through GoogleTest. The audit
  // ends CLOSED, then is reopened to FOLLOW_UP by the admin with a reason.
  void Run();

  // The scenario's audit as last returned.
  const v1::Audit& audit() const { return audit_; }

 private:
  grpc::Status Move(v1::AuditService::Stub* stub, v1::AuditState to,
                    const std::string& reason = "") {
    return MoveAudit(stub, &audit_, to, reason);
  }

  v1::Finding Finding(v1::AuditService::Stub* stub, v1::FindingKind kind,
                      v1::FocusArea area, const std::string& text) {
    grpc::ClientContext context;
    v1::CreateFindingRequest request;
    request.set_parent(audit_.name());
    *request.mutable_finding() = cast_.finding;
    request.mutable_finding()->set_kind(kind);
    request.mutable_finding()->set_focus_area(area);
    request.mutable_finding()->set_text(text);
    v1::Finding created;
    EXPECT_TRUE(stub->CreateFinding(&context, request, &created).ok());
    return created;
  }

  v1::Recommendation Recommend(v1::AuditService::Stub* stub,
                               const std::string& finding,
                               const std::string& text) {
    grpc::ClientContext context;
    v1::CreateRecommendationRequest request;
    request.set_parent(audit_.name());
    request.mutable_recommendation()->set_text(text);
    request.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    request.mutable_recommendation()->add_findings(finding);
    v1::Recommendation created;
    EXPECT_TRUE(stub->CreateRecommendation(&context, request, &created).ok());
    return created;
  }

  ScenarioCast cast_;
  v1::Audit audit_;
};

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_LIFECYCLE_SCENARIO_H_
