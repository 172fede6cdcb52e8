#include "server/app/audit_flows.h"

#include "server/store/recommendation_repository.h"

namespace brevis::app {

absl::StatusOr<int64_t> RecommendationRowId(
    store::Connection& db, const domain::name::Recommendation& name,
    int64_t audit_id) {
  return store::RecommendationRepository(db).RowId(name, audit_id);
}

absl::Status ReadInAudit(const Dependencies& deps, const Call& call,
                         const domain::name::Audit& audit,
                         domain::Permission permission, AuditReadFn read) {
  return deps.db->Read([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(
        store::AuditLocation location,
        LocateAudit(db, call.caller, audit.audit, permission));
    return read(db, location);
  });
}

absl::Status WriteInAudit(const Dependencies& deps, const Call& call,
                          const domain::name::Audit& audit,
                          domain::Permission permission, AuditWriteFn write) {
  return deps.db->Write([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(
        store::AuditLocation location,
        LocateAudit(db, call.caller, audit.audit, permission));
    BREVIS_ASSIGN_OR_RETURN(AuditChange done, write(db, location));
    return RecordAuditWrite(
        db, call, done.scope ? *done.scope : AuditScope(location), done.change);
  });
}

}  // namespace brevis::app
