#ifndef BREVIS_SERVER_APP_EVENTS_H_
#define BREVIS_SERVER_APP_EVENTS_H_

// The change feed (brevis.v1.EventService): ListEvents, and what a
// WatchEvents stream needs that is not transport.

#include <cstdint>

#include "absl/status/statusor.h"
#include "brevis/v1/event_service.pb.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"
#include "server/app/event_query.h"

namespace brevis::app {

// What a WatchEvents stream follows: its filter with the audit and unit it
// names resolved. A plain value.
struct EventWatch {
  EventQuery query;
  // The filter names an audit or unit that does not exist: no event
  // matches, but the stream still moves on with the feed.
  bool matches_nothing = false;
};

// The change feed, listed and watched. Each caller sees the events of what
// it may read now, and those that took an audit out of its view
// (store::EventRepository::List). Thread-safe: it holds only the borrowed,
// thread-safe dependencies, which the owner keeps alive. Every method may
// also return UNAVAILABLE or RESOURCE_EXHAUSTED from the store.
class Events {
 public:
  explicit Events(const Dependencies& deps) : deps_(deps) {}

  // The events after after_sequence (AIP-132; filter on audit, unit and
  // kind; an audit or unit that does not exist gives an empty page).
  // PERMISSION_DENIED without the right to follow the feed;
  // INVALID_ARGUMENT for a negative after_sequence, a bad filter, page_size
  // or page_token.
  absl::StatusOr<v1::ListEventsResponse> ListEvents(
      const Call& call, const v1::ListEventsRequest& request);

  // The start of a WatchEvents stream; it sends the events after
  // request.after_sequence(). PERMISSION_DENIED and INVALID_ARGUMENT as
  // ListEvents.
  absl::StatusOr<EventWatch> OpenWatch(const Call& call,
                                       const v1::WatchEventsRequest& request);
  // Whether `call`'s caller, as it is now, may still follow the feed:
  // PERMISSION_DENIED if not. A watch checks before each batch.
  absl::Status CheckMayWatch(const Call& call) const;
  // The highest event sequence committed, 0 when there is none.
  absl::StatusOr<int64_t> LastSequence();
  // Fills `batch` with the next events of `watch` after `*cursor`, up to
  // event `last`, that `call`'s caller may see now; batch->resume_after()
  // is where the next batch starts. False when there is nothing to send
  // yet: then `*cursor` has moved on to `last`, or to the end of the window
  // looked at (a batch that skips a whole window is sent, empty, so that a
  // resume does not look again).
  absl::StatusOr<bool> ReadWatchBatch(const Call& call, const EventWatch& watch,
                                      int64_t last, int64_t* cursor,
                                      v1::WatchEventsResponse* batch);

 private:
  const Dependencies deps_;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_EVENTS_H_
