#include "server/app/event_query.h"

#include "brevis/v1/event.pb.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/store/audit_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::app {

absl::StatusOr<EventQuery> ParseEventQuery(std::string_view text) {
  BREVIS_ASSIGN_OR_RETURN(
      auto filter, domain::ListFilter::Parse(text, {"audit", "unit", "kind"}));
  EventQuery query;
  BREVIS_ASSIGN_OR_RETURN(
      auto kind,
      filter.GetEnum("kind", v1::EventKind_descriptor(), "EVENT_KIND_"));
  query.filter.kind = kind;
  if (auto audit = filter.Get("audit")) {
    BREVIS_ASSIGN_OR_RETURN(domain::name::Audit name,
                            domain::ParseAuditName(*audit, "filter: audit"));
    query.audit_uid = std::move(name.audit);
  }
  if (auto unit = filter.Get("unit")) {
    BREVIS_ASSIGN_OR_RETURN(domain::name::Unit name,
                            domain::ParseUnitName(*unit, "filter: unit"));
    query.unit_uid = std::move(name.unit);
  }
  query.canonical = filter.Canonical();
  return query;
}

absl::StatusOr<bool> ResolveEventQuery(store::Connection& db,
                                       EventQuery* query) {
  if (query->audit_uid) {
    auto id = store::AuditRepository(db).RowId(*query->audit_uid);
    if (absl::IsNotFound(id.status())) return false;
    if (!id.ok()) return id.status();
    query->filter.audit_id = *id;
  }
  if (query->unit_uid) {
    auto id = store::UnitRepository(db).RowId(*query->unit_uid);
    if (absl::IsNotFound(id.status())) return false;
    if (!id.ok()) return id.status();
    query->filter.unit_id = *id;
  }
  return true;
}

}  // namespace brevis::app
