#include "server/app/audits.h"

#include <algorithm>
#include <optional>

#include "server/app/audit_access.h"
#include "server/app/audit_flows.h"
#include "server/app/audit_list_filter.h"
#include "server/app/change_feed.h"
#include "server/app/create_once.h"
#include "server/app/list_window.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/audit_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreateAudit[] = "brevis.v1.AuditService/CreateAudit";

}  // namespace

absl::StatusOr<v1::Audit> Audits::CreateAudit(
    const Call& call, const v1::CreateAuditRequest& request) {
  BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
      call.caller, domain::Permission::kCommissionAudit));
  if (!request.has_audit()) {
    return absl::InvalidArgumentError("audit: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Unit unit_name,
      domain::ParseUnitName(request.audit().unit(), "audit.unit"));
  BREVIS_RETURN_IF_ERROR(domain::ValidateAudit(request.audit()));
  v1::Audit response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        store::AuditRepository audits(db);
        return CreateRecorded(
            db, call, kCreateAudit, request.request_id(), request, &response,
            [&]() -> absl::StatusOr<store::EventScope> {
              store::UnitRepository units(db);
              BREVIS_ASSIGN_OR_RETURN(v1::Unit unit, units.Get(unit_name.unit));
              if (!unit.active()) {
                return absl::FailedPreconditionError(
                    brevis::StrCat("audit.unit: unit ", unit.name(),
                                   " is inactive; reactivate it before "
                                   "commissioning an audit of it"));
              }
              BREVIS_ASSIGN_OR_RETURN(int64_t unit_id,
                                      units.RowId(unit_name.unit));
              BREVIS_ASSIGN_OR_RETURN(std::vector<int64_t> team,
                                      AuditorIds(db, request.audit()));
              v1::Audit audit = request.audit();
              std::string uid = domain::NewResourceId();
              BREVIS_RETURN_IF_ERROR(
                  audits.Create(uid, unit_id, call.time, &audit));
              BREVIS_ASSIGN_OR_RETURN(int64_t id, audits.RowId(uid));
              BREVIS_RETURN_IF_ERROR(audits.SetTeam(id, team).status());
              BREVIS_RETURN_IF_ERROR(Assign(audits.Get(uid), &response));
              store::AuditLocation location{
                  id, {unit_id, v1::AUDIT_STATE_PLANNED, false}};
              return AuditScope(location);
            },
            [&](std::string_view name) {
              return Assign(audits.Get(LastSegment(name)), &response);
            });
      }));
  return response;
}

absl::StatusOr<v1::Audit> Audits::GetAudit(const Call& call,
                                           const v1::GetAuditRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit name,
                          domain::ParseAuditName(request.name(), "name"));
  v1::Audit response;
  BREVIS_RETURN_IF_ERROR(ReadInAudit(
      deps_, call, name, domain::Permission::kReadAudit,
      [&](store::Connection& db, const store::AuditLocation&) {
        return Assign(store::AuditRepository(db).Get(name.audit), &response);
      }));
  BREVIS_RETURN_IF_ERROR(deps_.access->Record(
      call, {call.Entry(v1::ACCESS_KIND_READ, response.name())}));
  return response;
}

absl::StatusOr<v1::ListAuditsResponse> Audits::ListAudits(
    const Call& call, const v1::ListAuditsRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadAudit));
  BREVIS_ASSIGN_OR_RETURN(AuditListFilter filter,
                          ParseAuditListFilter(request.filter()));
  v1::ListAuditsResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call, filter.terms.Canonical(), request,
      [&](store::Connection& db,
          const ListWindow& window) -> absl::StatusOr<store::Page<v1::Audit>> {
        // A filter on a unit that does not exist matches nothing.
        BREVIS_ASSIGN_OR_RETURN(bool exists,
                                ResolveAuditListFilter(db, &filter));
        if (!exists) return store::Page<v1::Audit>();
        return store::AuditRepository(db).List(
            filter.audits, domain::VisibleAudits(call.caller),
            call.caller.principal_id, window.after_id, window.limit);
      },
      response.mutable_audits(), response.mutable_next_page_token()));
  BREVIS_RETURN_IF_ERROR(RecordReads(*deps_.access, call, response.audits()));
  return response;
}

absl::StatusOr<v1::Audit> Audits::UpdateAudit(
    const Call& call, const v1::UpdateAuditRequest& request) {
  if (!request.has_audit()) {
    return absl::InvalidArgumentError("audit: required");
  }
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Audit name,
      domain::ParseAuditName(request.audit().name(), "audit.name"));
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      domain::ResolveUpdateMask(
          request.update_mask(), *v1::Audit::descriptor(),
          {"title", "commissioned_by", "focus_areas", "other_focus_area",
           "question_guide", "planned_start_date", "planned_report_date",
           "planned_follow_up_date", "auditors"}));
  bool sets_team =
      std::find(paths.begin(), paths.end(), "auditors") != paths.end();
  // "*" means every field the caller may change: for the team's own
  // auditors that is the plan, not the team.
  if (sets_team && request.update_mask().paths_size() == 1 &&
      request.update_mask().paths(0) == "*" &&
      !domain::CheckPermission(call.caller,
                               domain::Permission::kCommissionAudit)
           .ok()) {
    paths.erase(std::find(paths.begin(), paths.end(), "auditors"));
    sets_team = false;
  }
  v1::Audit response;
  BREVIS_RETURN_IF_ERROR(WriteInAudit(
      deps_, call, name, domain::Permission::kPlanAudit,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<AuditChange> {
        if (sets_team) {
          BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
              call.caller, domain::Permission::kCommissionAudit));
        }
        store::AuditRepository audits(db);
        BREVIS_ASSIGN_OR_RETURN(v1::Audit current, audits.Get(name.audit));
        BREVIS_RETURN_IF_ERROR(
            domain::CheckEtag("audit", request.audit().etag(), current.etag()));
        domain::ApplyUpdateMask(request.audit(), paths, &current);
        BREVIS_RETURN_IF_ERROR(domain::ValidateAudit(current));
        // Auditors taken off the team still see the event that took them off.
        store::EventScope scope = AuditScope(location);
        if (sets_team) {
          BREVIS_ASSIGN_OR_RETURN(std::vector<int64_t> team,
                                  AuditorIds(db, current));
          BREVIS_ASSIGN_OR_RETURN(scope.former_readers,
                                  audits.SetTeam(location.id, team));
        }
        BREVIS_RETURN_IF_ERROR(audits.Update(name.audit, call.time, &current));
        BREVIS_RETURN_IF_ERROR(Assign(audits.Get(name.audit), &response));
        return AuditChange({v1::EVENT_KIND_UPDATED, response.name(), paths},
                           std::move(scope));
      }));
  return response;
}

}  // namespace brevis::app
