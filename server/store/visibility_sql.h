#ifndef BREVIS_SERVER_STORE_VISIBILITY_SQL_H_
#define BREVIS_SERVER_STORE_VISIBILITY_SQL_H_

#include <string>

#include "server/domain/policy.h"

// The SQL condition that the principal of alias `p` counts as a member of
// an audit's team: an active auditor. A deactivated principal keeps its
// team rows (reactivating it restores them) but counts for nothing a guard
// or rule checks, and is not shown. A macro, to join string literals.
#define BREVIS_COUNTS_AS_AUDITOR "p.active = 1 AND p.role = 2"

namespace brevis::store {

// The SQL condition that audit alias `audit` (for example "au") is one
// `visibility` shows to the principal bound as parameter `caller_param`.
// Fixed fragments only; "TRUE" when it shows every audit.
std::string VisibleAuditCondition(const domain::AuditVisibility& visibility,
                                  const std::string& audit,
                                  const std::string& caller_param);

// The same rule on an audit's unit and state as given by the SQL
// expressions `unit_id` and `state` (for example an event's record of the
// state an audit left). Team membership is not part of it: callers whose
// visibility has team_member must not use it.
std::string VisibleAuditStateCondition(
    const domain::AuditVisibility& visibility, const std::string& unit_id,
    const std::string& state, const std::string& caller_param);

// The SQL list of the states in which an audit counts as published, from
// domain::PublishedStates, for example "(4, 5, 6, 7)".
std::string PublishedStateList();

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_VISIBILITY_SQL_H_
