#include "server/app/audit_access.h"
#include "server/api/audit_service.h"
#include "server/app/change_feed.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/finding_repository.h"
#include "server/store/recommendation_repository.h"
#include "server/store/revision_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateFinding[] = "brevis.v1.AuditService/CreateFinding";

// The audit's id and the finding's id from audits/{audit}/findings/{finding}.
absl::StatusOr<std::vector<std::string>> FindingIds(std::string_view name,
                                                    std::string_view field) {
  return domain::ParseName(name, {"audits", "findings"}, field);
}

void ClearOutputOnly(v1::Finding* finding) {
  finding->clear_name();
  finding->clear_create_time();
  finding->clear_update_time();
  finding->clear_etag();
}

}  // namespace

grpc::ServerUnaryReactor* AuditService::CreateFinding(
    grpc::CallbackServerContext* context,
    const v1::CreateFindingRequest* request, v1::Finding* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateFinding",
               [this, request, response](const Call& call) {
                 return DoCreateFinding(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetFinding(
    grpc::CallbackServerContext* context, const v1::GetFindingRequest* request,
    v1::Finding* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetFinding",
               [this, request, response](const Call& call) {
                 return DoGetFinding(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListFindings(
    grpc::CallbackServerContext* context,
    const v1::ListFindingsRequest* request,
    v1::ListFindingsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListFindings",
               [this, request, response](const Call& call) {
                 return DoListFindings(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateFinding(
    grpc::CallbackServerContext* context,
    const v1::UpdateFindingRequest* request, v1::Finding* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateFinding",
               [this, request, response](const Call& call) {
                 return DoUpdateFinding(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::DeleteFinding(
    grpc::CallbackServerContext* context,
    const v1::DeleteFindingRequest* request,
    google::protobuf::Empty* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/DeleteFinding",
               [this, request, response](const Call& call) {
                 return DoDeleteFinding(call, *request, response);
               });
}
absl::Status AuditService::DoCreateFinding(
    const Call& call, const v1::CreateFindingRequest& request,
    v1::Finding* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  if (!request.has_finding()) {
    return absl::InvalidArgumentError("finding: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateFinding(request.finding()));
  const std::string& audit_uid = (*parent)[0];
  // A request_id is unique per audit, not across audits.
  std::string method = brevis::StrCat(kCreateFinding, " ", request.parent());
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, audit_uid, domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(CreateOnce(
        db, call, method, request.request_id(), request, response,
        [&] {
          BREVIS_RETURN_IF_ERROR(
              CheckNotFrozen(location->facts, "add findings"));
          *response = request.finding();
          ClearOutputOnly(response);
          BREVIS_RETURN_IF_ERROR(store::FindingRepository(db).Create(
              audit_uid, location->id, domain::NewResourceId(), call.time,
              response));
          return RecordEvent(db, call, AuditScope(*location),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) {
          return Assign(store::FindingRepository(db).Get(
                            audit_uid, location->id, LastSegment(name)),
                        response);
        }));
    return store::AccessLogRepository(db).Append(
        call.Entry(v1::ACCESS_KIND_WRITE, response->name()));
  });
}

absl::Status AuditService::DoGetFinding(const Call& call,
                                        const v1::GetFindingRequest& request,
                                        v1::Finding* response) {
  auto ids = FindingIds(request.name(), "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, (*ids)[0], domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        absl::StatusOr<v1::Finding> finding = store::FindingRepository(db).Get(
            (*ids)[0], location->id, (*ids)[1]);
        if (!finding.ok()) return finding.status();
        *response = std::move(*finding);
        return absl::OkStatus();
      }));
  return deps_.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, response->name())});
}

absl::Status AuditService::DoListFindings(
    const Call& call, const v1::ListFindingsRequest& request,
    v1::ListFindingsResponse* response) {
  auto parent = domain::ParseName(request.parent(), {"audits"}, "parent");
  if (!parent.ok()) return parent.status();
  absl::StatusOr<domain::ListFilter> filter =
      domain::ListFilter::Parse(request.filter(), {"focus_area", "kind"});
  if (!filter.ok()) return filter.status();
  store::FindingFilter finding_filter;
  absl::StatusOr<std::optional<int>> focus_area =
      filter->GetEnum("focus_area", v1::FocusArea_descriptor(), "FOCUS_AREA_");
  if (!focus_area.ok()) return focus_area.status();
  finding_filter.focus_area = *focus_area;
  absl::StatusOr<std::optional<int>> kind =
      filter->GetEnum("kind", v1::FindingKind_descriptor(), "FINDING_KIND_");
  if (!kind.ok()) return kind.status();
  finding_filter.kind = *kind;
  absl::StatusOr<ListWindow> window = OpenListWindow(
      *deps_.page_tokens,
      ListScope(call,
                brevis::StrCat(request.parent(), "\n", filter->Canonical())),
      request.page_size(), request.page_token());
  if (!window.ok()) return window.status();

  const std::string& audit_uid = (*parent)[0];
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, audit_uid, domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        absl::StatusOr<store::Page<v1::Finding>> page =
            store::FindingRepository(db).List(audit_uid, location->id,
                                              finding_filter, window->after_id,
                                              window->limit);
        if (!page.ok()) return page.status();
        for (v1::Finding& finding : page->items) {
          *response->add_findings() = std::move(finding);
        }
        response->set_next_page_token(
            NextPageToken(*deps_.page_tokens, *window, *page));
        return absl::OkStatus();
      }));
  return RecordReads(*deps_.access, call, response->findings());
}

absl::Status AuditService::DoUpdateFinding(
    const Call& call, const v1::UpdateFindingRequest& request,
    v1::Finding* response) {
  if (!request.has_finding()) {
    return absl::InvalidArgumentError("finding: required");
  }
  auto ids = FindingIds(request.finding().name(), "finding.name");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<std::string>> paths = domain::ResolveUpdateMask(
      request.update_mask(), *v1::Finding::descriptor(),
      {"focus_area", "kind", "text", "informant_groups",
       "child_rights_articles", "sip"});
  if (!paths.ok()) return paths.status();
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    store::FindingRepository findings(db);
    absl::StatusOr<v1::Finding> current =
        findings.Get((*ids)[0], location->id, (*ids)[1]);
    if (!current.ok()) return current.status();
    auto was_published = store::RevisionRepository(db).WasPublished(
        store::RevisionRepository::Kind::kFinding, location->id, (*ids)[1]);
    if (!was_published.ok()) return was_published.status();
    BREVIS_RETURN_IF_ERROR(CheckRevisionReason(location->facts, *was_published,
                                               request.revision_reason()));
    BREVIS_RETURN_IF_ERROR(domain::CheckEtag(
        "finding", request.finding().etag(), current->etag()));
    v1::Finding before = *current;
    domain::ApplyUpdateMask(request.finding(), *paths, &*current);
    BREVIS_RETURN_IF_ERROR(domain::ValidateFinding(*current));
    BREVIS_RETURN_IF_ERROR(findings.Update((*ids)[0], location->id, (*ids)[1],
                                           call.time, &*current));
    if (!request.revision_reason().empty()) {
      // A correction of published text: the version it replaces is kept.
      store::RevisionRepository revisions(db);
      auto row = revisions.RowId(store::RevisionRepository::Kind::kFinding,
                                 location->id, (*ids)[1]);
      if (!row.ok()) return row.status();
      BREVIS_RETURN_IF_ERROR(revisions.Correct(
          store::RevisionRepository::Kind::kFinding, *row, before,
          before.revision(), request.revision_reason()));
    }
    auto updated = findings.Get((*ids)[0], location->id, (*ids)[1]);
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return RecordAuditWrite(db, call, *location,
                            {v1::EVENT_KIND_UPDATED, response->name(),
                             UpdatedFields(*paths, request.revision_reason())});
  });
}

absl::Status AuditService::DoDeleteFinding(
    const Call& call, const v1::DeleteFindingRequest& request,
    google::protobuf::Empty*) {
  auto ids = FindingIds(request.name(), "name");
  if (!ids.ok()) return ids.status();
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kWriteContent);
    if (!location.ok()) return location.status();
    BREVIS_RETURN_IF_ERROR(CheckNotFrozen(location->facts, "delete findings"));
    store::FindingRepository findings(db);
    absl::StatusOr<v1::Finding> current =
        findings.Get((*ids)[0], location->id, (*ids)[1]);
    if (!current.ok()) return current.status();
    BREVIS_RETURN_IF_ERROR(
        domain::CheckEtag("finding", request.etag(), current->etag()));
    auto was_published = store::RevisionRepository(db).WasPublished(
        store::RevisionRepository::Kind::kFinding, location->id, (*ids)[1]);
    if (!was_published.ok()) return was_published.status();
    BREVIS_RETURN_IF_ERROR(
        CheckNeverPublished(request.name(), *was_published, {}));
    auto answering = store::RecommendationRepository(db).Answering(
        (*ids)[0], location->id, (*ids)[1]);
    if (!answering.ok()) return answering.status();
    if (!answering->empty()) {
      return absl::FailedPreconditionError(
          brevis::StrCat("finding ", request.name(), " is answered by ",
                         brevis::StrJoin(*answering, ", "),
                         "; change or delete those recommendations first"));
    }
    BREVIS_RETURN_IF_ERROR(findings.Delete((*ids)[0], location->id, (*ids)[1]));
    return RecordAuditWrite(db, call, *location,
                            {v1::EVENT_KIND_DELETED, request.name()});
  });
}

}  // namespace brevis::api
