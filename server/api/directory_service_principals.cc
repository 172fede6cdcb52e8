#include <algorithm>

#include "server/app/change_feed.h"
#include "server/api/directory_service.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/audit_repository.h"
#include "server/store/principal_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::api {
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
    auto uid = domain::ParseName(principal.units(i), {"units"},
                                 brevis::StrCat("principal.units[", i, "]"));
    if (!uid.ok()) return uid.status();
    absl::StatusOr<int64_t> id = units.RowId((*uid)[0]);
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
  auto team_audits = audits.TeamAudits(principal_id);
  if (!team_audits.ok()) return team_audits.status();
  for (const store::TeamAudit& audit : *team_audits) {
    BREVIS_RETURN_IF_ERROR(audits.Touch(audit.location.id, call.time));
    BREVIS_RETURN_IF_ERROR(RecordAuditWrite(
        db, call, audit.location,
        {v1::EVENT_KIND_UPDATED, domain::AuditName(audit.uid), {"auditors"}}));
  }
  return absl::OkStatus();
}

}  // namespace

// Principals other than the caller are admin business; to anyone else they
// look as if they did not exist.
absl::StatusOr<std::string> PrincipalIdFor(const Call& call,
                                           std::string_view name,
                                           std::string_view field) {
  auto ids = domain::ParseName(name, {"principals"}, field);
  if (!ids.ok()) return ids.status();
  if (call.caller.role != v1::ROLE_ADMIN && name != call.caller.name) {
    return absl::NotFoundError(
        brevis::StrCat("principal ", name, " not found"));
  }
  return (*ids)[0];
}

grpc::ServerUnaryReactor* DirectoryService::CreatePrincipal(
    grpc::CallbackServerContext* context,
    const v1::CreatePrincipalRequest* request, v1::Principal* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/CreatePrincipal",
               [this, request, response](const Call& call) {
                 return DoCreatePrincipal(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::GetPrincipal(
    grpc::CallbackServerContext* context,
    const v1::GetPrincipalRequest* request, v1::Principal* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/GetPrincipal",
               [this, request, response](const Call& call) {
                 return DoGetPrincipal(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::ListPrincipals(
    grpc::CallbackServerContext* context,
    const v1::ListPrincipalsRequest* request,
    v1::ListPrincipalsResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/ListPrincipals",
               [this, request, response](const Call& call) {
                 return DoListPrincipals(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::UpdatePrincipal(
    grpc::CallbackServerContext* context,
    const v1::UpdatePrincipalRequest* request, v1::Principal* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/UpdatePrincipal",
               [this, request, response](const Call& call) {
                 return DoUpdatePrincipal(call, *request, response);
               });
}
absl::Status DirectoryService::DoCreatePrincipal(
    const Call& call, const v1::CreatePrincipalRequest& request,
    v1::Principal* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kManagePrincipals));
  if (!request.has_principal()) {
    return absl::InvalidArgumentError("principal: required");
  }
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidatePrincipal(request.principal()));
  return deps_.db->Write([&](store::Connection& db) {
    return CreateOnce(
        db, call, kCreatePrincipal, request.request_id(), request, response,
        [&]() -> absl::Status {
          absl::StatusOr<std::vector<int64_t>> unit_ids =
              UnitIds(db, request.principal());
          if (!unit_ids.ok()) return unit_ids.status();
          *response = request.principal();
          BREVIS_RETURN_IF_ERROR(store::PrincipalRepository(db).Create(
              domain::NewResourceId(), *unit_ids, call.time, response));
          return RecordEvent(db, call, AdminScope(),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) -> absl::Status {
          auto record = store::PrincipalRepository(db).Get(LastSegment(name));
          if (!record.ok()) return record.status();
          *response = std::move(record->principal);
          return absl::OkStatus();
        });
  });
}

absl::Status DirectoryService::DoGetPrincipal(
    const Call& call, const v1::GetPrincipalRequest& request,
    v1::Principal* response) {
  absl::StatusOr<std::string> uid =
      PrincipalIdFor(call, request.name(), "name");
  if (!uid.ok()) return uid.status();
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    auto record = store::PrincipalRepository(db).Get(*uid);
    if (!record.ok()) return record.status();
    *response = std::move(record->principal);
    return absl::OkStatus();
  });
}

absl::Status DirectoryService::DoListPrincipals(
    const Call& call, const v1::ListPrincipalsRequest& request,
    v1::ListPrincipalsResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kManagePrincipals));
  absl::StatusOr<domain::ListFilter> filter =
      domain::ListFilter::Parse(request.filter(), {"role", "active"});
  if (!filter.ok()) return filter.status();
  store::PrincipalFilter principal_filter;
  absl::StatusOr<std::optional<int>> role =
      filter->GetEnum("role", v1::Role_descriptor(), "ROLE_");
  if (!role.ok()) return role.status();
  principal_filter.role = *role;
  absl::StatusOr<std::optional<bool>> active = filter->GetBool("active");
  if (!active.ok()) return active.status();
  principal_filter.active = *active;
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, filter->Canonical()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    auto page = store::PrincipalRepository(db).List(
        principal_filter, window->after_id, window->limit);
    if (!page.ok()) return page.status();
    for (v1::Principal& principal : page->items) {
      *response->add_principals() = std::move(principal);
    }
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  });
}

absl::Status DirectoryService::DoUpdatePrincipal(
    const Call& call, const v1::UpdatePrincipalRequest& request,
    v1::Principal* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kManagePrincipals));
  if (!request.has_principal()) {
    return absl::InvalidArgumentError("principal: required");
  }
  auto ids = domain::ParseName(request.principal().name(), {"principals"},
                               "principal.name");
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<std::string>> paths = domain::ResolveUpdateMask(
      request.update_mask(), *v1::Principal::descriptor(),
      {"display_name", "active", "units", "scopes", "certificate_subject"});
  if (!paths.ok()) return paths.status();
  bool sets_active =
      std::find(paths->begin(), paths->end(), "active") != paths->end();
  if (sets_active && !request.principal().has_active()) {
    return absl::InvalidArgumentError(
        "principal.active: required when update_mask names it");
  }
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    store::PrincipalRepository principals(db);
    auto current = principals.Get((*ids)[0]);
    if (!current.ok()) return current.status();
    BREVIS_RETURN_IF_ERROR(domain::CheckEtag(
        "principal", request.principal().etag(), current->principal.etag()));
    v1::Principal merged = current->principal;
    domain::ApplyUpdateMask(request.principal(), *paths, &merged);
    BREVIS_RETURN_IF_ERROR(domain::ValidatePrincipal(merged));
    if (current->id == call.caller.principal_id && !merged.active()) {
      return absl::FailedPreconditionError(
          "principal.active: you cannot deactivate yourself; ask another "
          "admin");
    }
    absl::StatusOr<std::vector<int64_t>> unit_ids = UnitIds(db, merged);
    if (!unit_ids.ok()) return unit_ids.status();
    BREVIS_RETURN_IF_ERROR(
        principals.Update(current->id, *unit_ids, call.time, &merged));
    if (merged.active() != current->principal.active()) {
      BREVIS_RETURN_IF_ERROR(TouchTeamAudits(db, call, current->id));
    }
    *response = std::move(merged);
    return RecordEvent(db, call, AdminScope(),
                       {v1::EVENT_KIND_UPDATED, response->name(), *paths});
  });
}

}  // namespace brevis::api
