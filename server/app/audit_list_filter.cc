#include "server/app/audit_list_filter.h"

#include "server/domain/status_macros.h"
#include "server/store/unit_repository.h"

namespace brevis::app {

absl::StatusOr<std::optional<domain::name::Unit>> FilterUnit(
    const domain::ListFilter& filter) {
  std::optional<std::string> unit = filter.Get("unit");
  if (!unit) return std::nullopt;
  BREVIS_ASSIGN_OR_RETURN(domain::name::Unit name,
                          domain::ParseUnitName(*unit, "filter: unit"));
  return name;
}

absl::StatusOr<bool> ResolveFilterUnit(
    store::Connection& db, const std::optional<domain::name::Unit>& unit,
    std::optional<int64_t>* unit_id) {
  if (!unit) return true;
  absl::StatusOr<int64_t> id = store::UnitRepository(db).RowId(unit->unit);
  if (absl::IsNotFound(id.status())) return false;
  if (!id.ok()) return id.status();
  *unit_id = *id;
  return true;
}

absl::StatusOr<AuditListFilter> ParseAuditListFilter(std::string_view text) {
  BREVIS_ASSIGN_OR_RETURN(domain::ListFilter terms,
                          domain::ListFilter::Parse(text, {"unit", "state"}));
  AuditListFilter filter{std::move(terms), std::nullopt, {}};
  BREVIS_ASSIGN_OR_RETURN(
      filter.audits.state,
      filter.terms.GetEnum("state", v1::AuditState_descriptor(),
                           "AUDIT_STATE_"));
  BREVIS_ASSIGN_OR_RETURN(filter.unit, FilterUnit(filter.terms));
  return filter;
}

absl::StatusOr<bool> ResolveAuditListFilter(store::Connection& db,
                                            AuditListFilter* filter) {
  return ResolveFilterUnit(db, filter->unit, &filter->audits.unit_id);
}

}  // namespace brevis::app
