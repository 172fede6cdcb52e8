#include "server/app/change_feed.h"
#include "server/app/create_once.h"
#include "server/app/directory.h"
#include "server/app/list_window.h"
#include "server/domain/list_filter.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/audit_repository.h"
#include "server/store/principal_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreatePrincipal[] =
    "brevis.v1.DirectoryService/CreatePrincipal";

// Row ids of the principal's unit scopes, in order. NOT_FOUND naming the
// field for a unit that does not exist.
absl::StatusOr<std::vector<int64_t>> UnitIds(store::Connection& db,
                                             const v1::Principal& principal) {
  std::vector<int64_t> ids;
  store::UnitRepository units(db);
  for (int i = 0; i < principal.units_size(); ++i) {
    BREVIS_ASSIGN_OR_RETURN(
        domain::name::Unit unit,
        domain::ParseUnitName(principal.units(i),
                              brevis::StrCat("principal.units[", i, "]")));
    absl::StatusOr<int64_t> id = units.RowId(unit.unit);
    if (!id.ok()) {
      return absl::Status(
          id.status().code(),
          brevis::StrCat("principal.units[", i, "]: ", id.status().message()));
    }
    ids.push_back(*id);
  }
  return ids;
}

// A team member's active flag decides whether it is on its audits' teams
// as they are shown and counted, so flipping it changes each of those
// audits: a new etag and update_time, and an event of its "auditors".
absl::Status TouchTeamAudits(store::Connection& db, const Call& call,
                             int64_t principal_id) {
  store::AuditRepository audits(db);
  BREVIS_ASSIGN_OR_RETURN(std::vector<store::TeamAudit> team_audits,
                          audits.TeamAudits(principal_id));
  for (const store::TeamAudit& audit : team_audits) {
    BREVIS_RETURN_IF_ERROR(audits.Touch(audit.location.id, call.time));
    BREVIS_RETURN_IF_ERROR(RecordAuditWrite(
        db, call, audit.location,
        {v1::EVENT_KIND_UPDATED, domain::AuditName(audit.uid), {"auditors"}}));
  }
  return absl::OkStatus();
}

// Anyone may change their own language and opt-outs (issue 16: each person
// can turn kinds of mail off); everything else about a principal,
// including its contact e-mail, is the admins' to set.
absl::Status CheckOwnSettingsOnly(const Call& call,
                                  const std::vector<std::string>& paths) {
  if (domain::CheckPermission(call.caller,
                              domain::Permission::kManagePrincipals)
          .ok()) {
    return absl::OkStatus();
  }
  for (const std::string& path : paths) {
    if (path != "language" && path != "notification_opt_outs") {
      return absl::PermissionDeniedError(brevis::StrCat(
          "update_mask: ", path,
          " of your own principal is set by an admin; you may change "
          "language and notification_opt_outs"));
    }
  }
  return absl::OkStatus();
}

// The principal a read or write found, as the response.
absl::Status AssignPrincipal(absl::StatusOr<store::PrincipalRecord> record,
                             v1::Principal* response) {
  if (!record.ok()) return record.status();
  *response = std::move(record->principal);
  return absl::OkStatus();
}

}  // namespace

// Principals other than the caller are admin business; to anyone else they
// look as if they did not exist.
absl::StatusOr<domain::name::Principal> PrincipalFor(const Call& call,
                                                     std::string_view name,
                                                     std::string_view field) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Principal principal,
                          domain::ParsePrincipalName(name, field));
  if (call.caller.role != v1::ROLE_ADMIN && name != call.caller.name) {
    return absl::NotFoundError(
        brevis::StrCat("principal ", name, " not found"));
  }
  return principal;
}

absl::StatusOr<domain::name::Principal> PrincipalToRead(
    const Call& call, std::string_view name, std::string_view field) {
  if (domain::CheckPermission(call.caller, domain::Permission::kReadPrincipals)
          .ok()) {
    return domain::ParsePrincipalName(name, field);
  }
  return PrincipalFor(call, name, field);
}

absl::StatusOr<store::PrincipalRecord> ActiveParent(
    store::Connection& db, const domain::name::Principal& parent) {
  BREVIS_ASSIGN_OR_RETURN(store::PrincipalRecord principal,
                          store::PrincipalRepository(db).Get(parent.principal));
  if (!principal.principal.active()) {
    return absl::FailedPreconditionError(
        brevis::StrCat("parent: principal ", domain::Format(parent),
                       " is inactive; reactivate it first"));
  }
  return principal;
}

absl::StatusOr<v1::Principal> Directory::CreatePrincipal(
    const Call& call, const v1::CreatePrincipalRequest& request) {
  BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
      call.caller, domain::Permission::kManagePrincipals));
  if (!request.has_principal()) {
    return absl::InvalidArgumentError("principal: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidatePrincipal(request.principal()));
  v1::Principal response;
  BREVIS_RETURN_IF_ERROR(deps_.db->Write([&](store::Connection& db) {
    return CreateOnce(
        db, call, kCreatePrincipal, request.request_id(), request, &response,
        [&]() -> absl::Status {
          BREVIS_ASSIGN_OR_RETURN(std::vector<int64_t> unit_ids,
                                  UnitIds(db, request.principal()));
          response = request.principal();
          // Output only: set with AddExternalIdentity, never echoed unstored.
          response.clear_external_identities();
          BREVIS_RETURN_IF_ERROR(store::PrincipalRepository(db).Create(
              domain::NewResourceId(), unit_ids, call.time, &response));
          return RecordEvent(db, call, AdminScope(),
                             {v1::EVENT_KIND_CREATED, response.name()});
        },
        [&](std::string_view name) {
          return AssignPrincipal(
              store::PrincipalRepository(db).Get(LastSegment(name)), &response);
        });
  }));
  return response;
}

absl::StatusOr<v1::Principal> Directory::GetPrincipal(
    const Call& call, const v1::GetPrincipalRequest& request) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Principal name,
                          PrincipalToRead(call, request.name(), "name"));
  v1::Principal response;
  BREVIS_RETURN_IF_ERROR(deps_.db->Read([&](store::Connection& db) {
    return AssignPrincipal(store::PrincipalRepository(db).Get(name.principal),
                           &response);
  }));
  domain::HideContactUnlessAllowed(call.caller, &response);
  return response;
}

absl::StatusOr<v1::ListPrincipalsResponse> Directory::ListPrincipals(
    const Call& call, const v1::ListPrincipalsRequest& request) {
  BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
      call.caller, domain::Permission::kReadPrincipals));
  BREVIS_ASSIGN_OR_RETURN(
      domain::ListFilter filter,
      domain::ListFilter::Parse(request.filter(), {"role", "active"}));
  store::PrincipalFilter principal_filter;
  BREVIS_ASSIGN_OR_RETURN(
      principal_filter.role,
      filter.GetEnum("role", v1::Role_descriptor(), "ROLE_"));
  BREVIS_ASSIGN_OR_RETURN(principal_filter.active, filter.GetBool("active"));
  v1::ListPrincipalsResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call, filter.Canonical(), request,
      [&](store::Connection& db, const ListWindow& window) {
        return store::PrincipalRepository(db).List(
            principal_filter, window.after_id, window.limit);
      },
      response.mutable_principals(), response.mutable_next_page_token()));
  for (v1::Principal& principal : *response.mutable_principals()) {
    domain::HideContactUnlessAllowed(call.caller, &principal);
  }
  return response;
}

absl::StatusOr<v1::Principal> Directory::UpdatePrincipal(
    const Call& call, const v1::UpdatePrincipalRequest& request) {
  bool self = request.principal().name() == call.caller.name;
  if (!self) {
    BREVIS_RETURN_IF_ERROR(domain::CheckPermission(
        call.caller, domain::Permission::kManagePrincipals));
  }
  if (!request.has_principal()) {
    return absl::InvalidArgumentError("principal: required");
  }
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Principal name,
      domain::ParsePrincipalName(request.principal().name(), "principal.name"));
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      domain::ResolveUpdateMask(
          request.update_mask(), *v1::Principal::descriptor(),
          {"display_name", "active", "units", "scopes", "certificate_subject",
           "contact_email", "language", "notification_opt_outs"}));
  BREVIS_RETURN_IF_ERROR(CheckOwnSettingsOnly(call, paths));
  BREVIS_RETURN_IF_ERROR(
      CheckActiveGiven(paths, request.principal().has_active(), "principal"));
  v1::Principal response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        store::PrincipalRepository principals(db);
        BREVIS_ASSIGN_OR_RETURN(store::PrincipalRecord current,
                                principals.Get(name.principal));
        BREVIS_RETURN_IF_ERROR(domain::CheckEtag(
            "principal", request.principal().etag(), current.principal.etag()));
        v1::Principal merged = current.principal;
        domain::ApplyUpdateMask(request.principal(), paths, &merged);
        BREVIS_RETURN_IF_ERROR(domain::ValidatePrincipal(merged));
        if (current.id == call.caller.principal_id && !merged.active()) {
          return absl::FailedPreconditionError(
              "principal.active: you cannot deactivate yourself; ask another "
              "admin");
        }
        BREVIS_ASSIGN_OR_RETURN(std::vector<int64_t> unit_ids,
                                UnitIds(db, merged));
        BREVIS_RETURN_IF_ERROR(
            principals.Update(current.id, unit_ids, call.time, &merged));
        if (merged.active() != current.principal.active()) {
          BREVIS_RETURN_IF_ERROR(TouchTeamAudits(db, call, current.id));
        }
        response = std::move(merged);
        return RecordEvent(db, call, AdminScope(),
                           {v1::EVENT_KIND_UPDATED, response.name(), paths});
      }));
  return response;
}

}  // namespace brevis::app
