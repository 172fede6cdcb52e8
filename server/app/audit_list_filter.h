#ifndef BREVIS_SERVER_APP_AUDIT_LIST_FILTER_H_
#define BREVIS_SERVER_APP_AUDIT_LIST_FILTER_H_

// The `unit` and `state` terms of a list's filter (AIP-160, the subset of
// domain/list_filter.h), parsed once for every list that offers them:
// ListAudits, ExportAudits, GetUnitSummary, ListOverdueActions.

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/domain/list_filter.h"
#include "server/domain/resource_name.h"
#include "server/store/audit_repository.h"
#include "server/store/sqlite.h"

namespace brevis::app {

// The unit `filter` names, if it names one. INVALID_ARGUMENT ("filter:
// unit") for a malformed name.
absl::StatusOr<std::optional<domain::name::Unit>> FilterUnit(
    const domain::ListFilter& filter);

// Sets `unit_id` to the row id of `unit`, if given. False when that unit
// does not exist: then nothing matches, and the list is empty rather than
// NOT_FOUND. Other store errors as they come.
absl::StatusOr<bool> ResolveFilterUnit(
    store::Connection& db, const std::optional<domain::name::Unit>& unit,
    std::optional<int64_t>* unit_id);

// A filter of audits by `unit` and `state`, e.g.
// `unit = "units/u1" AND state = PUBLISHED`.
struct AuditListFilter {
  domain::ListFilter terms;  // as parsed; Canonical() for page tokens
  std::optional<domain::name::Unit> unit;
  store::AuditFilter audits;  // unit_id is set by ResolveAuditListFilter
};

// INVALID_ARGUMENT naming the term at fault: an unknown term, a malformed
// unit name, a state that is not an AuditState.
absl::StatusOr<AuditListFilter> ParseAuditListFilter(std::string_view text);

// Resolves the filter's unit into filter->audits.unit_id; false when that
// unit does not exist (nothing matches).
absl::StatusOr<bool> ResolveAuditListFilter(store::Connection& db,
                                            AuditListFilter* filter);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_AUDIT_LIST_FILTER_H_
