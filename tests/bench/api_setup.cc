#include "tests/bench/api_setup.h"

#include <chrono>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/domain/str_cat.h"

namespace brevis::bench {
namespace {

// Actions made under the published audit; a third of them already overdue.
constexpr int kActions = 150;

class ApiSetup {
 public:
  ApiSetup(std::shared_ptr<grpc::Channel> channel, const std::string& token)
      : directory_(v1::DirectoryService::NewStub(channel)),
        audits_(v1::AuditService::NewStub(channel)),
        authorization_(brevis::StrCat("Bearer ", token)) {}

  absl::StatusOr<Targets> Run(const SeedSize& size) {
    Targets targets;
    v1::CreateUnitRequest unit_request;
    v1::Unit* unit = unit_request.mutable_unit();
    unit->set_display_name("BUP Prima Handen (prestandamätning)");
    unit->set_region("Region Stockholm");
    unit->set_kind(v1::UNIT_KIND_OUTPATIENT);
    v1::Unit made_unit;
    if (auto s = Call(&v1::DirectoryService::Stub::CreateUnit, *directory_,
                      unit_request, &made_unit, "CreateUnit");
        !s.ok()) {
      return s;
    }
    targets.busiest_unit = made_unit.name();
    v1::CreatePrincipalRequest principal_request;
    principal_request.mutable_principal()->set_display_name(
        "Brukarrevisor (prestandamätning)");
    principal_request.mutable_principal()->set_role(v1::ROLE_AUDITOR);
    v1::Principal auditor;
    if (auto s = Call(&v1::DirectoryService::Stub::CreatePrincipal, *directory_,
                      principal_request, &auditor, "CreatePrincipal");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<std::string> deep = CreateAudit(made_unit, auditor, 2026);
    if (!deep.ok()) return deep.status();
    absl::StatusOr<std::string> open = CreateAudit(made_unit, auditor, 2027);
    if (!open.ok()) return open.status();
    targets.deep_audit = *deep;
    targets.audits = {*deep, *open};
    targets.open_audits = {*open};

    // The deep audit's findings: strengths, and one area for improvement
    // that the recommendation answers.
    std::string improvement;
    for (int i = 0; i < size.deep_audit_findings; ++i) {
      v1::CreateFindingRequest request;
      request.set_parent(*deep);
      v1::Finding* finding = request.mutable_finding();
      finding->set_focus_area(i == 0 ? v1::FOCUS_AREA_PARTICIPATION
                                     : v1::FOCUS_AREA_RESPECT);
      finding->set_kind(i == 0 ? v1::FINDING_KIND_IMPROVEMENT_AREA
                               : v1::FINDING_KIND_STRENGTH);
      finding->set_text(
          i == 0 ? "Flera unga säger att de inte får vara med när beslut om "
                   "deras behandling fattas."
                 : "De flesta unga beskriver att de blir lyssnade på och "
                   "tagna på allvar av sin behandlare.");
      finding->add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
      v1::Finding made;
      if (auto s = Call(&v1::AuditService::Stub::CreateFinding, *audits_,
                        request, &made, "CreateFinding");
          !s.ok()) {
        return s;
      }
      if (i == 0) improvement = made.name();
    }
    v1::CreateRecommendationRequest recommendation_request;
    recommendation_request.set_parent(*deep);
    v1::Recommendation* recommendation =
        recommendation_request.mutable_recommendation();
    recommendation->set_text(
        "Inför en rutin där den unge själv får ge sin syn innan beslut om "
        "behandling");
    recommendation->set_priority(v1::PRIORITY_HIGH);
    recommendation->add_findings(improvement);
    v1::Recommendation made_recommendation;
    if (auto s = Call(&v1::AuditService::Stub::CreateRecommendation, *audits_,
                      recommendation_request, &made_recommendation,
                      "CreateRecommendation");
        !s.ok()) {
      return s;
    }
    for (v1::AuditState state :
         {v1::AUDIT_STATE_FIELDWORK, v1::AUDIT_STATE_REPORTING,
          v1::AUDIT_STATE_PUBLISHED}) {
      v1::TransitionAuditRequest request;
      request.set_name(*deep);
      request.set_state(state);
      v1::Audit audit;
      if (auto s = Call(&v1::AuditService::Stub::TransitionAudit, *audits_,
                        request, &audit, "TransitionAudit");
          !s.ok()) {
        return s;
      }
    }
    for (int i = 0; i < kActions; ++i) {
      v1::CreateActionRequest request;
      request.set_parent(made_recommendation.name());
      v1::Action* action = request.mutable_action();
      action->set_description(
          "Pröva en checklista för delaktighet vid behandlingsbeslut");
      action->set_responsible("vårdsamordnare");
      // A third due in 2020 (overdue), the rest in 2099.
      action->mutable_due_date()->set_year(i % 3 == 0 ? 2020 : 2099);
      action->mutable_due_date()->set_month(1 + i % 12);
      action->mutable_due_date()->set_day(1 + i % 28);
      v1::Action made;
      if (auto s = Call(&v1::AuditService::Stub::CreateAction, *audits_,
                        request, &made, "CreateAction");
          !s.ok()) {
        return s;
      }
      targets.open_actions.push_back(made.name());
    }
    return targets;
  }

 private:
  absl::StatusOr<std::string> CreateAudit(const v1::Unit& unit,
                                          const v1::Principal& auditor,
                                          int year) {
    v1::CreateAuditRequest request;
    v1::Audit* audit = request.mutable_audit();
    audit->set_unit(unit.name());
    audit->set_title(
        brevis::StrCat("Brukarrevision ", unit.display_name(), " ", year));
    audit->set_commissioned_by(
        "Regionala programmet för psykisk hälsa, Region Stockholm");
    audit->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
    audit->add_focus_areas(v1::FOCUS_AREA_RESPECT);
    audit->add_auditors(auditor.name());
    v1::Audit made;
    if (auto s = Call(&v1::AuditService::Stub::CreateAudit, *audits_, request,
                      &made, "CreateAudit");
        !s.ok()) {
      return s;
    }
    return made.name();
  }

  template <typename Stub, typename Request, typename Response>
  absl::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Request&, Response*),
                    Stub& stub, const Request& request, Response* response,
                    const char* what) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    context.AddMetadata("authorization", authorization_);
    grpc::Status status = (stub.*method)(&context, request, response);
    if (status.ok()) return absl::OkStatus();
    return absl::FailedPreconditionError(brevis::StrCat(
        what, " failed (code ", static_cast<int>(status.error_code()),
        "): ", status.error_message()));
  }

  std::unique_ptr<v1::DirectoryService::Stub> directory_;
  std::unique_ptr<v1::AuditService::Stub> audits_;
  std::string authorization_;
};

}  // namespace

absl::StatusOr<Targets> SetUpThroughApi(std::shared_ptr<grpc::Channel> channel,
                                        const std::string& token,
                                        SeedSize& size) {
  absl::StatusOr<Targets> targets = ApiSetup(channel, token).Run(size);
  size.units = 1;
  size.audits = static_cast<int>(targets.ok() ? targets->audits.size() : 0);
  size.findings = size.deep_audit_findings;
  size.actions = targets.ok() ? targets->open_actions.size() : 0;
  return targets;
}

}  // namespace brevis::bench
