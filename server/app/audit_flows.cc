#include "server/app/audit_flows.h"

#include "server/store/recommendation_repository.h"

namespace brevis::app {

absl::StatusOr<int64_t> RecommendationRowId(
    store::Connection& db, const domain::name::Recommendation& name,
    int64_t audit_id) {
  return store::RecommendationRepository(db).RowId(name, audit_id);
}

namespace {

absl::Status InAudit(store::Connection& db, const Call& call,
                     std::string_view audit, domain::Action permission,
                     AuditWork work) {
  BREVIS_ASSIGN_OR_RETURN(store::AuditLocation location,
                          LocateAudit(db, call.caller, audit, permission));
  return work(db, location);
}

}  // namespace

absl::Status WriteInAudit(const Dependencies& deps, const Call& call,
                          std::string_view audit, domain::Action permission,
                          AuditWork work) {
  return deps.db->Write([&](store::Connection& db) {
    return InAudit(db, call, audit, permission, work);
  });
}

absl::Status ReadInAudit(const Dependencies& deps, const Call& call,
                         std::string_view audit, domain::Action permission,
                         AuditWork work) {
  return deps.db->Read([&](store::Connection& db) {
    return InAudit(db, call, audit, permission, work);
  });
}

}  // namespace brevis::app
