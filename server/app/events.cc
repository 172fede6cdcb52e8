#include "server/app/events.h"

#include <algorithm>

#include "server/app/list_window.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/event_repository.h"

namespace brevis::app {
namespace {

// Events per message: one message is what a slow watcher can hold up.
constexpr int kBatchEvents = 100;
// Events looked at per read when the caller may see none of them, so that
// one read stays short however much the caller is not shown.
constexpr int64_t kScanWindow = 10000;

absl::Status CheckAfterSequence(int64_t after_sequence) {
  if (after_sequence < 0) {
    return absl::InvalidArgumentError(
        "after_sequence: must not be negative (0 means from the first "
        "event)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ListEventsResponse> Events::ListEvents(
    const Call& call, const v1::ListEventsRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kWatchEvents));
  BREVIS_RETURN_IF_ERROR(CheckAfterSequence(request.after_sequence()));
  BREVIS_ASSIGN_OR_RETURN(EventQuery query, ParseEventQuery(request.filter()));
  v1::ListEventsResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call,
      brevis::StrCat(query.canonical, "\n", request.after_sequence()), request,
      [&](store::Connection& db,
          const ListWindow& window) -> absl::StatusOr<store::Page<v1::Event>> {
        BREVIS_ASSIGN_OR_RETURN(bool exists, ResolveEventQuery(db, &query));
        if (!exists) return store::Page<v1::Event>();
        return store::EventRepository(db).List(
            query.filter, domain::VisibleEvents(call.caller),
            call.caller.principal_id,
            std::max(window.after_id, request.after_sequence()), window.limit);
      },
      response.mutable_events(), response.mutable_next_page_token()));
  return response;
}

absl::StatusOr<EventWatch> Events::OpenWatch(
    const Call& call, const v1::WatchEventsRequest& request) {
  BREVIS_RETURN_IF_ERROR(CheckMayWatch(call));
  BREVIS_RETURN_IF_ERROR(CheckAfterSequence(request.after_sequence()));
  EventWatch watch;
  BREVIS_ASSIGN_OR_RETURN(watch.query, ParseEventQuery(request.filter()));
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(bool exists,
                                ResolveEventQuery(db, &watch.query));
        watch.matches_nothing = !exists;
        return absl::OkStatus();
      }));
  return watch;
}

absl::Status Events::CheckMayWatch(const Call& call) const {
  return domain::CheckPermission(call.caller, domain::Permission::kWatchEvents);
}

absl::StatusOr<int64_t> Events::LastSequence() {
  int64_t last = 0;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(last,
                                store::EventRepository(db).LastSequence());
        return absl::OkStatus();
      }));
  return last;
}

absl::StatusOr<bool> Events::ReadWatchBatch(const Call& call,
                                            const EventWatch& watch,
                                            int64_t last, int64_t* cursor,
                                            v1::WatchEventsResponse* batch) {
  batch->Clear();
  if (last <= *cursor) return false;
  domain::EventVisibility visibility = domain::VisibleEvents(call.caller);
  bool send = false;
  BREVIS_RETURN_IF_ERROR(
      deps_.db->Read([&](store::Connection& db) -> absl::Status {
        store::EventFilter filter = watch.query.filter;
        filter.until = std::min(last, *cursor + kScanWindow);
        store::Page<v1::Event> page;
        if (!watch.matches_nothing) {
          BREVIS_ASSIGN_OR_RETURN(
              page, store::EventRepository(db).List(filter, visibility,
                                                    call.caller.principal_id,
                                                    *cursor, kBatchEvents));
        }
        for (v1::Event& event : page.items) {
          *batch->add_events() = std::move(event);
        }
        batch->set_resume_after(page.more ? page.last_id : filter.until);
        // Nothing for this caller up to `until`: move on quietly, but
        // tell it when a whole window was skipped, so that a resume
        // does not look again.
        send = batch->events_size() > 0 || filter.until < last;
        if (!send) *cursor = filter.until;
        return absl::OkStatus();
      }));
  return send;
}

}  // namespace brevis::app
