#include <algorithm>

#include "server/app/change_feed.h"
#include "server/app/create_once.h"
#include "server/app/directory.h"
#include "server/app/list_window.h"
#include "server/app/unit_access.h"
#include "server/domain/list_filter.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/unit_repository.h"

namespace brevis::app {
namespace {

constexpr char kCreateUnit[] = "brevis.v1.DirectoryService/CreateUnit";

}  // namespace

absl::StatusOr<v1::Unit> Directory::CreateUnit(
    const Call& call, const v1::CreateUnitRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kWriteUnits));
  if (!request.has_unit()) return absl::InvalidArgumentError("unit: required");
  BREVIS_RETURN_IF_ERROR(domain::ValidateRequestId(request.request_id()));
  BREVIS_RETURN_IF_ERROR(domain::ValidateUnit(request.unit()));
  v1::Unit response;
  BREVIS_RETURN_IF_ERROR(deps_.db->Write([&](store::Connection& db) {
    return CreateOnce(
        db, call, kCreateUnit, request.request_id(), request, &response,
        [&]() -> absl::Status {
          response = request.unit();
          store::UnitRepository units(db);
          std::string uid = domain::NewResourceId();
          BREVIS_RETURN_IF_ERROR(units.Create(uid, call.time, &response));
          BREVIS_ASSIGN_OR_RETURN(int64_t id, units.RowId(uid));
          return RecordEvent(db, call, UnitScope(id),
                             {v1::EVENT_KIND_CREATED, response.name()});
        },
        [&](std::string_view name) {
          return Assign(store::UnitRepository(db).Get(LastSegment(name)),
                        &response);
        });
  }));
  return response;
}

absl::StatusOr<v1::Unit> Directory::GetUnit(const Call& call,
                                            const v1::GetUnitRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadUnits));
  BREVIS_ASSIGN_OR_RETURN(domain::name::Unit name,
                          domain::ParseUnitName(request.name(), "name"));
  v1::Unit response;
  BREVIS_RETURN_IF_ERROR(deps_.db->Read([&](store::Connection& db) {
    return Assign(GetVisibleUnit(db, call.caller, name.unit), &response);
  }));
  return response;
}

absl::StatusOr<v1::ListUnitsResponse> Directory::ListUnits(
    const Call& call, const v1::ListUnitsRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadUnits));
  BREVIS_ASSIGN_OR_RETURN(domain::ListFilter filter,
                          domain::ListFilter::Parse(
                              request.filter(), {"active", "kind", "region"}));
  store::UnitFilter unit_filter;
  BREVIS_ASSIGN_OR_RETURN(unit_filter.active, filter.GetBool("active"));
  BREVIS_ASSIGN_OR_RETURN(
      unit_filter.kind,
      filter.GetEnum("kind", v1::UnitKind_descriptor(), "UNIT_KIND_"));
  unit_filter.region = filter.Get("region");
  if (domain::VisibleUnits(call.caller).has_value()) {
    unit_filter.scoped_to_principal = call.caller.principal_id;
  }
  v1::ListUnitsResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call, filter.Canonical(), request,
      [&](store::Connection& db, const ListWindow& window) {
        return store::UnitRepository(db).List(unit_filter, window.after_id,
                                              window.limit);
      },
      response.mutable_units(), response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<v1::Unit> Directory::UpdateUnit(
    const Call& call, const v1::UpdateUnitRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kWriteUnits));
  if (!request.has_unit()) return absl::InvalidArgumentError("unit: required");
  BREVIS_ASSIGN_OR_RETURN(
      domain::name::Unit name,
      domain::ParseUnitName(request.unit().name(), "unit.name"));
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<std::string> paths,
      domain::ResolveUpdateMask(
          request.update_mask(), *v1::Unit::descriptor(),
          {"display_name", "region", "kind", "hsa_id", "active"}));
  BREVIS_RETURN_IF_ERROR(
      CheckActiveGiven(paths, request.unit().has_active(), "unit"));
  v1::Unit response;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Write([&](store::Connection& db) -> absl::Status {
        store::UnitRepository units(db);
        BREVIS_ASSIGN_OR_RETURN(v1::Unit current, units.Get(name.unit));
        BREVIS_RETURN_IF_ERROR(
            domain::CheckEtag("unit", request.unit().etag(), current.etag()));
        domain::ApplyUpdateMask(request.unit(), paths, &current);
        BREVIS_RETURN_IF_ERROR(domain::ValidateUnit(current));
        BREVIS_RETURN_IF_ERROR(units.Update(name.unit, call.time, &current));
        response = std::move(current);
        BREVIS_ASSIGN_OR_RETURN(int64_t id, units.RowId(name.unit));
        return RecordEvent(db, call, UnitScope(id),
                           {v1::EVENT_KIND_UPDATED, response.name(), paths});
      }));
  return response;
}

absl::Status Directory::CheckActiveGiven(const std::vector<std::string>& paths,
                                         bool has_active,
                                         std::string_view resource) {
  bool sets_active =
      std::find(paths.begin(), paths.end(), "active") != paths.end();
  if (sets_active && !has_active) {
    return absl::InvalidArgumentError(brevis::StrCat(
        resource, ".active: required when update_mask names it"));
  }
  return absl::OkStatus();
}

}  // namespace brevis::app
