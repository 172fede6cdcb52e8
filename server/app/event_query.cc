#include "server/app/event_query.h"

#include "brevis/v1/event.pb.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/store/audit_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::app {

absl::StatusOr<EventQuery> ParseEventQuery(std::string_view text) {
  auto filter = domain::ListFilter::Parse(text, {"audit", "unit", "kind"});
  if (!filter.ok()) return filter.status();
  EventQuery query;
  auto kind =
      filter->GetEnum("kind", v1::EventKind_descriptor(), "EVENT_KIND_");
  if (!kind.ok()) return kind.status();
  query.filter.kind = *kind;
  if (auto audit = filter->Get("audit")) {
    auto ids = domain::ParseName(*audit, {"audits"}, "filter: audit");
    if (!ids.ok()) return ids.status();
    query.audit_uid = (*ids)[0];
  }
  if (auto unit = filter->Get("unit")) {
    auto ids = domain::ParseName(*unit, {"units"}, "filter: unit");
    if (!ids.ok()) return ids.status();
    query.unit_uid = (*ids)[0];
  }
  query.canonical = filter->Canonical();
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
