#include "server/api/audit_service.h"

#include "server/app/audit_access.h"
#include "server/app/change_feed.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/audit_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateAudit[] = "brevis.v1.AuditService/CreateAudit";

}  // namespace

grpc::ServerUnaryReactor* AuditService::CreateAudit(
    grpc::CallbackServerContext* context, const v1::CreateAuditRequest* request,
    v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/CreateAudit",
               [this, request, response](const Call& call) {
                 return DoCreateAudit(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::GetAudit(
    grpc::CallbackServerContext* context, const v1::GetAuditRequest* request,
    v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/GetAudit",
               [this, request, response](const Call& call) {
                 return DoGetAudit(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::ListAudits(
    grpc::CallbackServerContext* context, const v1::ListAuditsRequest* request,
    v1::ListAuditsResponse* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/ListAudits",
               [this, request, response](const Call& call) {
                 return DoListAudits(call, *request, response);
               });
}

grpc::ServerUnaryReactor* AuditService::UpdateAudit(
    grpc::CallbackServerContext* context, const v1::UpdateAuditRequest* request,
    v1::Audit* response) {
  return Serve(context, deps_, "brevis.v1.AuditService/UpdateAudit",
               [this, request, response](const Call& call) {
                 return DoUpdateAudit(call, *request, response);
               });
}
absl::Status AuditService::DoCreateAudit(const Call& call,
                                         const v1::CreateAuditRequest& request,
                                         v1::Audit* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kCommissionAudit));
  if (!request.has_audit()) {
    return absl::InvalidArgumentError("audit: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  auto unit_ids =
      domain::ParseName(request.audit().unit(), {"units"}, "audit.unit");
  if (!unit_ids.ok()) return unit_ids.status();
  BREVIS_RETURN_IF_ERROR(domain::ValidateAudit(request.audit()));
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    BREVIS_RETURN_IF_ERROR(CreateOnce(
        db, call, kCreateAudit, request.request_id(), request, response,
        [&]() -> absl::Status {
          store::UnitRepository units(db);
          const std::string& unit_uid = (*unit_ids)[0];
          absl::StatusOr<v1::Unit> unit = units.Get(unit_uid);
          if (!unit.ok()) return unit.status();
          if (!unit->active()) {
            return absl::FailedPreconditionError(
                brevis::StrCat("audit.unit: unit ", unit->name(),
                               " is inactive; reactivate it before "
                               "commissioning an audit of it"));
          }
          absl::StatusOr<int64_t> unit_id = units.RowId(unit_uid);
          if (!unit_id.ok()) return unit_id.status();
          absl::StatusOr<std::vector<int64_t>> team =
              AuditorIds(db, request.audit());
          if (!team.ok()) return team.status();
          v1::Audit audit = request.audit();
          std::string uid = domain::NewResourceId();
          store::AuditRepository audits(db);
          BREVIS_RETURN_IF_ERROR(
              audits.Create(uid, *unit_id, call.time, &audit));
          absl::StatusOr<int64_t> id = audits.RowId(uid);
          if (!id.ok()) return id.status();
          BREVIS_RETURN_IF_ERROR(audits.SetTeam(*id, *team).status());
          absl::StatusOr<v1::Audit> created = audits.Get(uid);
          if (!created.ok()) return created.status();
          *response = std::move(*created);
          store::AuditLocation location{
              *id, {*unit_id, v1::AUDIT_STATE_PLANNED, false}};
          return RecordEvent(db, call, AuditScope(location),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) {
          return Assign(store::AuditRepository(db).Get(LastSegment(name)),
                        response);
        }));
    return store::AccessLogRepository(db).Append(
        call.Entry(v1::ACCESS_KIND_WRITE, response->name()));
  });
}

absl::Status AuditService::DoGetAudit(const Call& call,
                                      const v1::GetAuditRequest& request,
                                      v1::Audit* response) {
  auto ids = domain::ParseName(request.name(), {"audits"}, "name");
  if (!ids.ok()) return ids.status();
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        auto location =
            LocateAudit(db, call.caller, (*ids)[0], domain::Action::kReadAudit);
        if (!location.ok()) return location.status();
        absl::StatusOr<v1::Audit> audit =
            store::AuditRepository(db).Get((*ids)[0]);
        if (!audit.ok()) return audit.status();
        *response = std::move(*audit);
        return absl::OkStatus();
      }));
  return deps_.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, response->name())});
}

absl::Status AuditService::DoListAudits(const Call& call,
                                        const v1::ListAuditsRequest& request,
                                        v1::ListAuditsResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadAudit));
  absl::StatusOr<domain::ListFilter> filter =
      domain::ListFilter::Parse(request.filter(), {"unit", "state"});
  if (!filter.ok()) return filter.status();
  absl::StatusOr<std::optional<int>> state =
      filter->GetEnum("state", v1::AuditState_descriptor(), "AUDIT_STATE_");
  if (!state.ok()) return state.status();
  std::optional<std::string> unit_uid;
  if (std::optional<std::string> unit = filter->Get("unit")) {
    auto ids = domain::ParseName(*unit, {"units"}, "filter: unit");
    if (!ids.ok()) return ids.status();
    unit_uid = (*ids)[0];
  }
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, filter->Canonical()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();

  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        store::AuditFilter audit_filter;
        audit_filter.state = *state;
        if (unit_uid) {
          absl::StatusOr<int64_t> unit_id =
              store::UnitRepository(db).RowId(*unit_uid);
          // A filter on a unit that does not exist matches nothing.
          if (absl::IsNotFound(unit_id.status())) return absl::OkStatus();
          if (!unit_id.ok()) return unit_id.status();
          audit_filter.unit_id = *unit_id;
        }
        absl::StatusOr<store::Page<v1::Audit>> page =
            store::AuditRepository(db).List(
                audit_filter, domain::VisibleAudits(call.caller),
                call.caller.principal_id, window->after_id, window->limit);
        if (!page.ok()) return page.status();
        for (v1::Audit& audit : page->items) {
          *response->add_audits() = std::move(audit);
        }
        response->set_next_page_token(
            NextPageToken(*deps_.page_tokens, *window, *page));
        return absl::OkStatus();
      }));
  return RecordReads(*deps_.access, call, response->audits());
}

absl::Status AuditService::DoUpdateAudit(const Call& call,
                                         const v1::UpdateAuditRequest& request,
                                         v1::Audit* response) {
  if (!request.has_audit()) {
    return absl::InvalidArgumentError("audit: required");
  }
  auto ids =
      domain::ParseName(request.audit().name(), {"audits"}, "audit.name");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<std::string>> paths = domain::ResolveUpdateMask(
      request.update_mask(), *v1::Audit::descriptor(),
      {"title", "commissioned_by", "focus_areas", "other_focus_area",
       "question_guide", "planned_start_date", "planned_report_date",
       "planned_follow_up_date", "auditors"});
  if (!paths.ok()) return paths.status();
  bool sets_team =
      std::find(paths->begin(), paths->end(), "auditors") != paths->end();
  // "*" means every field the caller may change: for the team's own
  // auditors that is the plan, not the team.
  if (sets_team && request.update_mask().paths_size() == 1 &&
      request.update_mask().paths(0) == "*" &&
      !domain::CheckAction(call.caller, domain::Action::kCommissionAudit)
           .ok()) {
    paths->erase(std::find(paths->begin(), paths->end(), "auditors"));
    sets_team = false;
  }
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    auto location =
        LocateAudit(db, call.caller, (*ids)[0], domain::Action::kPlanAudit);
    if (!location.ok()) return location.status();
    if (sets_team) {
      BREVIS_RETURN_IF_ERROR(
          domain::CheckAction(call.caller, domain::Action::kCommissionAudit));
    }
    store::AuditRepository audits(db);
    absl::StatusOr<v1::Audit> current = audits.Get((*ids)[0]);
    if (!current.ok()) return current.status();
    BREVIS_RETURN_IF_ERROR(
        domain::CheckEtag("audit", request.audit().etag(), current->etag()));
    domain::ApplyUpdateMask(request.audit(), *paths, &*current);
    BREVIS_RETURN_IF_ERROR(domain::ValidateAudit(*current));
    // Auditors taken off the team still see the event that took them off.
    store::EventScope scope = AuditScope(*location);
    if (sets_team) {
      absl::StatusOr<std::vector<int64_t>> team = AuditorIds(db, *current);
      if (!team.ok()) return team.status();
      absl::StatusOr<std::vector<int64_t>> removed =
          audits.SetTeam(location->id, *team);
      if (!removed.ok()) return removed.status();
      scope.former_readers = std::move(*removed);
    }
    BREVIS_RETURN_IF_ERROR(audits.Update((*ids)[0], call.time, &*current));
    absl::StatusOr<v1::Audit> updated = audits.Get((*ids)[0]);
    if (!updated.ok()) return updated.status();
    *response = std::move(*updated);
    return RecordAuditWrite(db, call, scope,
                            {v1::EVENT_KIND_UPDATED, response->name(), *paths});
  });
}

}  // namespace brevis::api
