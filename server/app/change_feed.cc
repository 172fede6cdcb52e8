#include "server/app/change_feed.h"

#include "server/store/access_log_repository.h"

namespace brevis::app {

std::vector<std::string> UpdatedFields(std::vector<std::string> paths,
                                       std::string_view reason) {
  if (!reason.empty()) {
    paths.push_back("revision");
    paths.push_back("revision_reason");
  }
  return paths;
}

store::EventScope AuditScope(const store::AuditLocation& audit,
                             bool team_only) {
  store::EventScope scope;
  scope.audience = team_only ? store::EventAudience::kAuditTeam
                             : store::EventAudience::kAuditReaders;
  scope.audit_id = audit.id;
  scope.unit_id = audit.facts.unit_id;
  scope.published = domain::IsPublished(audit.facts.state);
  return scope;
}

store::EventScope StepScope(const store::AuditLocation& audit,
                            v1::AuditState from, v1::AuditState to) {
  store::AuditLocation after = audit;
  after.facts.state = to;
  // The publication itself is the first event everyone may see.
  store::EventScope scope = AuditScope(after);
  scope.prior_state = from;
  scope.state = to;
  return scope;
}

store::EventScope UnitScope(int64_t unit_id) {
  store::EventScope scope;
  scope.audience = store::EventAudience::kUnitReaders;
  scope.unit_id = unit_id;
  return scope;
}

store::EventScope AdminScope() { return store::EventScope(); }

absl::Status RecordEvent(store::Connection& db, const Call& call,
                         const store::EventScope& scope, const Change& change) {
  v1::Event event;
  store::SetTimestamp(store::ToMicros(call.time), event.mutable_time());
  event.set_actor(call.caller.name);
  event.set_actor_role(call.caller.role);
  event.set_resource(change.resource);
  event.set_kind(change.kind);
  for (const std::string& field : change.fields) {
    event.add_changed_fields(field);
  }
  return store::EventRepository(db).Append(event, scope).status();
}

absl::Status RecordAuditWrite(store::Connection& db, const Call& call,
                              const store::AuditLocation& audit,
                              const Change& change, bool team_only) {
  return RecordAuditWrite(db, call, AuditScope(audit, team_only), change);
}

absl::Status RecordAuditWrite(store::Connection& db, const Call& call,
                              const store::EventScope& scope,
                              const Change& change) {
  absl::Status status = RecordEvent(db, call, scope, change);
  if (!status.ok()) return status;
  return store::AccessLogRepository(db).Append(
      call.Entry(v1::ACCESS_KIND_WRITE, change.resource));
}

}  // namespace brevis::app
