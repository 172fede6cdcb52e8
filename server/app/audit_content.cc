#include "server/app/audit_content.h"

namespace brevis::app {

absl::Status ReadInAudit(const Dependencies& deps, const Call& call,
                         const domain::name::Audit& audit, AuditReadFn read) {
  return deps.db->Read([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(
        store::AuditLocation location,
        LocateAudit(db, call.caller, audit.audit, domain::Action::kReadAudit));
    return read(db, location);
  });
}

absl::Status WriteInAudit(const Dependencies& deps, const Call& call,
                          const domain::name::Audit& audit,
                          domain::Action right, AuditWriteFn write) {
  return deps.db->Write([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(store::AuditLocation location,
                            LocateAudit(db, call.caller, audit.audit, right));
    BREVIS_ASSIGN_OR_RETURN(Change change, write(db, location));
    return RecordAuditWrite(db, call, location, change);
  });
}

}  // namespace brevis::app
