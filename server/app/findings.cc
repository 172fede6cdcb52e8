#include "server/app/findings.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/app/audit_access.h"
#include "server/app/audit_content.h"
#include "server/app/audit_flows.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/finding_repository.h"
#include "server/store/recommendation_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreateFinding[] = "brevis.v1.AuditService/CreateFinding";

// Findings as the shared flows of audit content see them.
struct FindingContent {
  using Resource = v1::Finding;
  using Name = domain::name::Finding;
  static constexpr std::string_view kNoun = "finding";
  static constexpr std::string_view kPlural = "findings";
  static absl::StatusOr<v1::Finding> Get(store::Connection& db,
                                         const Name& name, int64_t audit_id) {
    return store::FindingRepository(db).Get(name, audit_id);
  }
};

void ClearOutputOnly(v1::Finding* finding) {
  finding->clear_name();
  finding->clear_create_time();
  finding->clear_update_time();
  finding->clear_etag();
}

}  // namespace

absl::StatusOr<v1::Finding> Findings::CreateFinding(
    const Call& call, const v1::CreateFindingRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  if (!request.has_finding()) {
    return absl::InvalidArgumentError("finding: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateFinding(request.finding()));
  return CreateInAudit<v1::Finding>(
      deps_, call,
      {.audit = parent,
       .method = kCreateFinding,
       .parent = request.parent(),
       .request_id = request.request_id(),
       .request = request},
      [&](store::Connection& db, const store::AuditLocation& audit,
          v1::Finding* finding) -> absl::Status {
        BREVIS_RETURN_IF_ERROR(CheckNotFrozen(audit.facts, "add findings"));
        *finding = request.finding();
        ClearOutputOnly(finding);
        return store::FindingRepository(db).Create(
            {parent.audit, domain::NewResourceId()}, audit.id, call.time,
            finding);
      },
      [&](store::Connection& db, const store::AuditLocation& audit,
          std::string_view id) {
        return store::FindingRepository(db).Get({parent.audit, std::string(id)},
                                                audit.id);
      });
}

absl::StatusOr<v1::Finding> Findings::GetFinding(
    const Call& call, const v1::GetFindingRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Finding name,
                          domain::ParseFindingName(request.name(), "name"));
  return GetContent<FindingContent>(deps_, call, name);
}

absl::StatusOr<v1::ListFindingsResponse> Findings::ListFindings(
    const Call& call, const v1::ListFindingsRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  BREVIS_ASSIGN_OR_RETURN(
      domain::ListFilter filter,
      domain::ListFilter::Parse(request.filter(), {"focus_area", "kind"}));
  store::FindingFilter finding_filter;
  BREVIS_ASSIGN_OR_RETURN(
      finding_filter.focus_area,
      filter.GetEnum("focus_area", v1::FocusArea_descriptor(), "FOCUS_AREA_"));
  BREVIS_ASSIGN_OR_RETURN(
      finding_filter.kind,
      filter.GetEnum("kind", v1::FindingKind_descriptor(), "FINDING_KIND_"));
  v1::ListFindingsResponse response;
  BREVIS_RETURN_IF_ERROR(ListInAudit(
      deps_, call, parent, domain::Permission::kReadAudit,
      brevis::StrCat(request.parent(), "\n", filter.Canonical()), request,
      [&](store::Connection& db, const store::AuditLocation& audit,
          const ListWindow& window) {
        return store::FindingRepository(db).List(
            parent, audit.id, finding_filter, window.after_id, window.limit);
      },
      response.mutable_findings(), response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<v1::Finding> Findings::UpdateFinding(
    const Call& call, const v1::UpdateFindingRequest& request) {
  if (!request.has_finding()) {
    return absl::InvalidArgumentError("finding: required");
  }
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Finding name,
      domain::ParseFindingName(request.finding().name(), "finding.name"));
  BREVIS_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                          domain::ResolveUpdateMask(
                              request.update_mask(), *v1::Finding::descriptor(),
                              {"focus_area", "kind", "text", "informant_groups",
                               "child_rights_articles", "sip"}));
  return UpdateContent<FindingContent>(
      deps_, call,
      {name, request.finding(), std::move(paths), request.revision_reason()},
      [&](store::Connection& db, const store::AuditLocation& audit,
          v1::Finding* finding) -> absl::Status {
        BREVIS_RETURN_IF_ERROR(domain::ValidateFinding(*finding));
        return store::FindingRepository(db).Update(name, audit.id, call.time,
                                                   finding);
      });
}

absl::StatusOr<google::protobuf::Empty> Findings::DeleteFinding(
    const Call& call, const v1::DeleteFindingRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Finding name,
                          domain::ParseFindingName(request.name(), "name"));
  BREVIS_RETURN_IF_ERROR(DeleteUnpublished<FindingContent>(
      deps_, call, name, request.etag(),
      // No action hangs on a finding itself.
      [](store::Connection&, const store::AuditLocation&)
          -> absl::StatusOr<std::vector<std::string>> {
        return std::vector<std::string>();
      },
      [&](store::Connection& db,
          const store::AuditLocation& audit) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            std::vector<std::string> answering,
            store::RecommendationRepository(db).Answering(name, audit.id));
        if (!answering.empty()) {
          return absl::FailedPreconditionError(
              brevis::StrCat("finding ", request.name(), " is answered by ",
                             brevis::StrJoin(answering, ", "),
                             "; change or delete those recommendations first"));
        }
        return store::FindingRepository(db).Delete(name, audit.id);
      }));
  return google::protobuf::Empty();
}

absl::StatusOr<v1::ListFindingRevisionsResponse> Findings::ListFindingRevisions(
    const Call& call, const v1::ListRevisionsRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Finding name,
                          domain::ParseFindingName(request.name(), "name"));
  v1::ListFindingRevisionsResponse response;
  BREVIS_RETURN_IF_ERROR(ListContentRevisions<FindingContent>(
      deps_, call, name, response.mutable_findings()));
  return response;
}

}  // namespace brevis::app
