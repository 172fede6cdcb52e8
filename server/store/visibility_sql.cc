#include "server/store/visibility_sql.h"

#include "server/domain/audit_lifecycle.h"

namespace brevis::store {

std::string PublishedStateList() {
  std::string list;
  for (v1::AuditState state : domain::PublishedStates()) {
    if (!list.empty()) list += ", ";
    list += std::to_string(static_cast<int>(state));
  }
  return "(" + list + ")";
}

std::string VisibleAuditStateCondition(
    const domain::AuditVisibility& visibility, const std::string& unit_id,
    const std::string& state, const std::string& caller_param) {
  if (visibility.nothing) return "FALSE";
  std::string sql = "TRUE";
  if (visibility.unit_ids) {
    sql += " AND " + unit_id +
           " IN (SELECT unit_id FROM principal_units WHERE principal_id = " +
           caller_param + ")";
  }
  if (visibility.published_only) {
    sql += " AND " + state + " IN " + PublishedStateList();
  }
  return sql;
}

std::string VisibleAuditCondition(const domain::AuditVisibility& visibility,
                                  const std::string& audit,
                                  const std::string& caller_param) {
  std::string sql = VisibleAuditStateCondition(visibility, audit + ".unit_id",
                                               audit + ".state", caller_param);
  if (visibility.team_member) {
    sql += " AND " + audit +
           ".id IN (SELECT audit_id FROM audit_auditors WHERE principal_id = " +
           caller_param + ")";
  }
  return sql;
}

}  // namespace brevis::store
