#ifndef BREVIS_SERVER_APP_EVENT_QUERY_H_
#define BREVIS_SERVER_APP_EVENT_QUERY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/store/event_repository.h"
#include "server/store/sqlite.h"

namespace brevis::app {

// The `filter` of ListEvents and WatchEvents: audit, unit, kind.
struct EventQuery {
  store::EventFilter filter;
  std::optional<std::string> audit_uid;
  std::optional<std::string> unit_uid;
  std::string canonical;  // the filter's normal form, for page tokens
};

// INVALID_ARGUMENT naming the filter's fault.
absl::StatusOr<EventQuery> ParseEventQuery(std::string_view filter);

// Turns the named audit and unit into row ids. False when one of them does
// not exist: then no event matches.
absl::StatusOr<bool> ResolveEventQuery(store::Connection& db,
                                       EventQuery* query);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_EVENT_QUERY_H_
