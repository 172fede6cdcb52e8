#ifndef BREVIS_SERVER_APP_CHANGE_FEED_H_
#define BREVIS_SERVER_APP_CHANGE_FEED_H_

// Every mutation records what it changed as an event, inside its own write
// transaction, so the change feed holds an event exactly when the change
// was committed. Writes of audit content also get their access-log entry.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "brevis/v1/event.pb.h"
#include "server/app/call.h"
#include "server/store/audit_repository.h"
#include "server/store/event_repository.h"

namespace brevis::app {

// What one write did to one resource.
struct Change {
  v1::EventKind kind = v1::EVENT_KIND_UNSPECIFIED;
  std::string resource;
  // Field names as in the resource message; see Event.changed_fields.
  std::vector<std::string> fields = {};
};

// The fields an update set: the mask's `paths`, and with a correction's
// `reason` the revision fields too.
std::vector<std::string> UpdatedFields(std::vector<std::string> paths,
                                       std::string_view reason);

// Events of an audit's content, seen by the audit's readers; with
// `team_only` (interview sessions) by its team and admins alone.
store::EventScope AuditScope(const store::AuditLocation& audit,
                             bool team_only = false);
// The event of a lifecycle step of `audit` (facts as before the step) from
// `from` to `to`: seen by the audit's readers in either state, so that a
// step that takes it out of someone's view still reaches them.
store::EventScope StepScope(const store::AuditLocation& audit,
                            v1::AuditState from, v1::AuditState to);
// Events of a unit, seen by whoever may read the unit.
store::EventScope UnitScope(int64_t unit_id);
// Events of principals and tokens, seen by admins alone.
store::EventScope AdminScope();

// Appends the event of `change` by the caller of `call`.
absl::Status RecordEvent(store::Connection& db, const Call& call,
                         const store::EventScope& scope, const Change& change);

// A write of audit content: its event and its access-log WRITE entry.
absl::Status RecordAuditWrite(store::Connection& db, const Call& call,
                              const store::AuditLocation& audit,
                              const Change& change, bool team_only = false);
// The same with the event's audience given.
absl::Status RecordAuditWrite(store::Connection& db, const Call& call,
                              const store::EventScope& scope,
                              const Change& change);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_CHANGE_FEED_H_
