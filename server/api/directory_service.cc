#include "server/api/directory_service.h"

#include <algorithm>

#include "server/app/change_feed.h"
#include "server/app/unit_access.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/unit_repository.h"

namespace brevis::api {
namespace {

constexpr char kCreateUnit[] = "brevis.v1.DirectoryService/CreateUnit";

absl::StatusOr<std::string> UnitId(std::string_view name,
                                   std::string_view field) {
  auto ids = domain::ParseName(name, {"units"}, field);
  if (!ids.ok()) return ids.status();
  return (*ids)[0];
}

}  // namespace

grpc::ServerUnaryReactor* DirectoryService::CreateUnit(
    grpc::CallbackServerContext* context, const v1::CreateUnitRequest* request,
    v1::Unit* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/CreateUnit",
               [this, request, response](const Call& call) {
                 return DoCreateUnit(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::GetUnit(
    grpc::CallbackServerContext* context, const v1::GetUnitRequest* request,
    v1::Unit* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/GetUnit",
               [this, request, response](const Call& call) {
                 return DoGetUnit(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::ListUnits(
    grpc::CallbackServerContext* context, const v1::ListUnitsRequest* request,
    v1::ListUnitsResponse* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/ListUnits",
               [this, request, response](const Call& call) {
                 return DoListUnits(call, *request, response);
               });
}

grpc::ServerUnaryReactor* DirectoryService::UpdateUnit(
    grpc::CallbackServerContext* context, const v1::UpdateUnitRequest* request,
    v1::Unit* response) {
  return Serve(context, deps_, "brevis.v1.DirectoryService/UpdateUnit",
               [this, request, response](const Call& call) {
                 return DoUpdateUnit(call, *request, response);
               });
}
absl::Status DirectoryService::DoCreateUnit(
    const Call& call, const v1::CreateUnitRequest& request,
    v1::Unit* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kWriteUnits));
  if (!request.has_unit()) return absl::InvalidArgumentError("unit: required");
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateUnit(request.unit()));
  return deps_.db->Write([&](store::Connection& db) {
    return CreateOnce(
        db, call, kCreateUnit, request.request_id(), request, response,
        [&] {
          *response = request.unit();
          store::UnitRepository units(db);
          std::string uid = domain::NewResourceId();
          BREVIS_RETURN_IF_ERROR(units.Create(uid, call.time, response));
          absl::StatusOr<int64_t> id = units.RowId(uid);
          if (!id.ok()) return id.status();
          return RecordEvent(db, call, UnitScope(*id),
                             {v1::EVENT_KIND_CREATED, response->name()});
        },
        [&](std::string_view name) {
          return Assign(store::UnitRepository(db).Get(LastSegment(name)),
                        response);
        });
  });
}

absl::Status DirectoryService::DoGetUnit(const Call& call,
                                         const v1::GetUnitRequest& request,
                                         v1::Unit* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadUnits));
  absl::StatusOr<std::string> uid = UnitId(request.name(), "name");
  if (!uid.ok()) return uid.status();
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    absl::StatusOr<v1::Unit> unit = GetVisibleUnit(db, call.caller, *uid);
    if (!unit.ok()) return unit.status();
    *response = std::move(*unit);
    return absl::OkStatus();
  });
}

absl::Status DirectoryService::DoListUnits(const Call& call,
                                           const v1::ListUnitsRequest& request,
                                           v1::ListUnitsResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadUnits));
  absl::StatusOr<domain::ListFilter> filter =
      domain::ListFilter::Parse(request.filter(), {"active", "kind", "region"});
  if (!filter.ok()) return filter.status();
  store::UnitFilter unit_filter;
  absl::StatusOr<std::optional<bool>> active = filter->GetBool("active");
  if (!active.ok()) return active.status();
  unit_filter.active = *active;
  absl::StatusOr<std::optional<int>> kind =
      filter->GetEnum("kind", v1::UnitKind_descriptor(), "UNIT_KIND_");
  if (!kind.ok()) return kind.status();
  unit_filter.kind = *kind;
  unit_filter.region = filter->Get("region");
  if (domain::VisibleUnits(call.caller).has_value()) {
    unit_filter.scoped_to_principal = call.caller.principal_id;
  }

  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, filter->Canonical()),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    absl::StatusOr<store::Page<v1::Unit>> page = store::UnitRepository(db).List(
        unit_filter, window->after_id, window->limit);
    if (!page.ok()) return page.status();
    for (v1::Unit& unit : page->items) *response->add_units() = std::move(unit);
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  });
}

absl::Status DirectoryService::DoUpdateUnit(
    const Call& call, const v1::UpdateUnitRequest& request,
    v1::Unit* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kWriteUnits));
  if (!request.has_unit()) return absl::InvalidArgumentError("unit: required");
  absl::StatusOr<std::string> uid = UnitId(request.unit().name(), "unit.name");
  if (!uid.ok()) return uid.status();
  absl::StatusOr<std::vector<std::string>> paths = domain::ResolveUpdateMask(
      request.update_mask(), *v1::Unit::descriptor(),
      {"display_name", "region", "kind", "hsa_id", "active"});
  if (!paths.ok()) return paths.status();
  bool sets_active =
      std::find(paths->begin(), paths->end(), "active") != paths->end();
  if (sets_active && !request.unit().has_active()) {
    return absl::InvalidArgumentError(
        "unit.active: required when update_mask names it");
  }
  return deps_.db->Write([&](store::Connection& db) -> absl::Status {
    store::UnitRepository units(db);
    absl::StatusOr<v1::Unit> current = units.Get(*uid);
    if (!current.ok()) return current.status();
    BREVIS_RETURN_IF_ERROR(
        domain::CheckEtag("unit", request.unit().etag(), current->etag()));
    domain::ApplyUpdateMask(request.unit(), *paths, &*current);
    BREVIS_RETURN_IF_ERROR(domain::ValidateUnit(*current));
    BREVIS_RETURN_IF_ERROR(units.Update(*uid, call.time, &*current));
    *response = std::move(*current);
    absl::StatusOr<int64_t> id = units.RowId(*uid);
    if (!id.ok()) return id.status();
    return RecordEvent(db, call, UnitScope(*id),
                       {v1::EVENT_KIND_UPDATED, response->name(), *paths});
  });
}

}  // namespace brevis::api
