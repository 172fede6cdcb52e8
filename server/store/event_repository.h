#ifndef BREVIS_SERVER_STORE_EVENT_REPOSITORY_H_
#define BREVIS_SERVER_STORE_EVENT_REPOSITORY_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/event.pb.h"
#include "server/domain/policy.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// Who may see an event (the events.audience column).
enum class EventAudience {
  kAuditReaders = 0,  // whoever may read the audit
  kAuditTeam = 1,     // the audit's team and admins (interview sessions)
  kAdmins = 2,        // principals and tokens
  kUnitReaders = 3,   // whoever may read the unit
};

// What an event belongs to, which decides who sees it.
struct EventScope {
  EventAudience audience = EventAudience::kAdmins;
  std::optional<int64_t> audit_id;  // row ids
  std::optional<int64_t> unit_id;
  bool published = false;  // the audit was published when it happened
  // A lifecycle step: the state it left and the state it entered. Whoever
  // could read the audit in `prior_state` sees the event too, so that a
  // step that takes the audit out of their view still reaches them.
  std::optional<v1::AuditState> prior_state;
  std::optional<v1::AuditState> state;
  // Principals (row ids) the change took off the audit's team: each sees
  // this event although it may no longer read the audit.
  std::vector<int64_t> former_readers;
};

struct EventFilter {
  std::optional<int64_t> audit_id;
  std::optional<int64_t> unit_id;
  std::optional<int> kind;
  // Only events up to this sequence: a watcher's bounded look ahead.
  int64_t until = std::numeric_limits<int64_t>::max();
};

// The events table: append and read, never change. Works inside the
// caller's transaction; not thread-safe.
class EventRepository {
 public:
  explicit EventRepository(Connection& connection) : db_(connection) {}

  // Appends `event` (time, actor, resource, kind, changed_fields) with who
  // may see it, and returns its sequence number.
  absl::StatusOr<int64_t> Append(const v1::Event& event,
                                 const EventScope& scope);
  // Up to `limit` events after sequence `after`, oldest first, among those
  // `visibility` lets principal `caller_id` see: those of what it may read
  // now, and those that took an audit out of its view (see EventScope).
  // The page's last_id is the last sequence returned.
  absl::StatusOr<Page<v1::Event>> List(
      const EventFilter& filter, const domain::EventVisibility& visibility,
      int64_t caller_id, int64_t after, int limit);
  // The highest sequence committed, 0 when there is none.
  absl::StatusOr<int64_t> LastSequence();

 private:
  Connection& db_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_EVENT_REPOSITORY_H_
