#include "server/api/event_service.h"

#include <algorithm>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/api/grpc_status.h"
#include "server/app/event_query.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::api {
namespace {

constexpr char kWatchEvents[] = "brevis.v1.EventService/WatchEvents";
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

// One WatchEvents stream. It is created by gRPC's thread, pumped by the
// feed's thread and finished from either; mu_ orders them.
class WatchReactor final
    : public grpc::ServerWriteReactor<v1::WatchEventsResponse>,
      public EventFeed::Watcher {
 public:
  WatchReactor(const ServiceDeps& deps, EventFeed* feed,
               grpc::CallbackServerContext* context,
               const v1::WatchEventsRequest& request)
      : deps_(deps), feed_(feed), context_(context), start_(absl::Now()) {
    absl::Status status;
    {
      // No other thread knows the stream yet: the lock is only taken
      // because Open sets cursor_, which the analysis checks.
      absl::MutexLock lock(&mu_);
      status = Open(request);
    }
    if (status.ok()) status = feed_->Add(this);
    if (!status.ok()) {
      // Not shared with any thread yet; gRPC may even be done with the
      // reactor (OnDone) before Finish returns, so nothing may follow it.
      FinishOnce(status);
      return;
    }
    registered_ = true;
    feed_->Schedule(this);
  }

  void Pump() override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (finished_ || writing_) return;
    uint64_t generation = feed_->generation();
    // Only events committed before the caller is looked up again go into
    // this batch, so each is judged with rights at least as new as itself.
    absl::StatusOr<int64_t> last = LastSequence();
    if (!last.ok()) {
      FinishOnce(last.status());
      return;
    }
    // Since the stream began the token may have been revoked or expired,
    // the principal deactivated, or its role, scopes or units changed: each
    // batch is for the caller as it is now.
    if (absl::Status s = Reauthorize(); !s.ok()) {
      FinishOnce(s);
      return;
    }
    absl::StatusOr<bool> ready = ReadBatch(*last);
    if (!ready.ok()) {
      FinishOnce(ready.status());
      return;
    }
    if (!*ready) {
      feed_->Park(this, generation);
      return;
    }
    writing_ = true;
    StartWrite(&response_);
  }

  void End(const absl::Status& status) override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (writing_) {
      pending_end_ = status;
    } else {
      FinishOnce(status);
    }
  }

  void OnWriteDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishOnce(absl::CancelledError("the watcher went away"));
      return;
    }
    cursor_ = response_.resume_after();
    if (pending_end_) {
      FinishOnce(*pending_end_);
      return;
    }
    feed_->Schedule(this);
  }

  void OnCancel() override { End(absl::CancelledError("cancelled")); }

  void OnDone() override ABSL_LOCKS_EXCLUDED(mu_) {
    if (registered_) feed_->Remove(this);
    absl::Status final_status;
    {
      // No other thread is left (gRPC is done, the feed let go), but the
      // status was set under the lock.
      absl::MutexLock lock(&mu_);
      final_status = final_status_;
    }
    ObserveFinished(deps_, call_, final_status, start_);
    delete this;
  }

 private:
  absl::Status Open(const v1::WatchEventsRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    BREVIS_RETURN_IF_ERROR(OpenCall(context_, deps_, kWatchEvents, &call_));
    BREVIS_RETURN_IF_ERROR(
        domain::CheckAction(call_.caller, domain::Action::kWatchEvents));
    BREVIS_RETURN_IF_ERROR(CheckAfterSequence(request.after_sequence()));
    absl::StatusOr<EventQuery> query = ParseEventQuery(request.filter());
    if (!query.ok()) return query.status();
    query_ = std::move(*query);
    cursor_ = request.after_sequence();
    return deps_.db->Read([&](store::Connection& db) -> absl::Status {
      absl::StatusOr<bool> exists = ResolveEventQuery(db, &query_);
      if (!exists.ok()) return exists.status();
      matches_nothing_ = !*exists;
      return absl::OkStatus();
    });
  }

  absl::StatusOr<int64_t> LastSequence() {
    int64_t last = 0;
    absl::Status status =
        deps_.db->Read([&](store::Connection& db) -> absl::Status {
          absl::StatusOr<int64_t> read =
              store::EventRepository(db).LastSequence();
          if (!read.ok()) return read.status();
          last = *read;
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return last;
  }

  // Authenticates the call again and makes call_.caller the caller as it
  // is now. UNAUTHENTICATED (revoked, expired, deactivated) or
  // PERMISSION_DENIED (may no longer follow the feed) end the stream.
  absl::Status Reauthorize() {
    Call now;
    BREVIS_RETURN_IF_ERROR(OpenCall(context_, deps_, kWatchEvents, &now));
    BREVIS_RETURN_IF_ERROR(
        domain::CheckAction(now.caller, domain::Action::kWatchEvents));
    call_.caller = std::move(now.caller);
    return absl::OkStatus();
  }

  // Fills response_ with the next batch after cursor_, up to event `last`.
  // False when there is nothing to send yet (cursor_ then stands at
  // `last`).
  absl::StatusOr<bool> ReadBatch(int64_t last)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    response_.Clear();
    if (last <= cursor_) return false;
    domain::EventVisibility visibility = domain::VisibleEvents(call_.caller);
    bool send = false;
    absl::Status status =
        deps_.db->Read([&](store::Connection& db) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                           mu_) -> absl::Status {
          store::EventRepository events(db);
          store::EventFilter filter = query_.filter;
          filter.until = std::min(last, cursor_ + kScanWindow);
          store::Page<v1::Event> none;
          auto page =
              matches_nothing_
                  ? absl::StatusOr<store::Page<v1::Event>>(none)
                  : events.List(filter, visibility, call_.caller.principal_id,
                                cursor_, kBatchEvents);
          if (!page.ok()) return page.status();
          for (v1::Event& event : page->items) {
            *response_.add_events() = std::move(event);
          }
          response_.set_resume_after(page->more ? page->last_id : filter.until);
          // Nothing for this caller up to `until`: move on quietly, but
          // tell it when a whole window was skipped, so that a resume
          // does not look again.
          send = response_.events_size() > 0 || filter.until < last;
          if (!send) cursor_ = filter.until;
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    return send;
  }

  void FinishOnce(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    final_status_ = status;
    Finish(ToGrpcStatus(status));
  }

  const ServiceDeps deps_;
  EventFeed* const feed_;
  grpc::CallbackServerContext* const context_;
  const absl::Time start_;
  Call call_;  // its caller is renewed before each batch, on the feed's thread
  EventQuery query_;
  bool matches_nothing_ = false;
  bool registered_ = false;

  absl::Mutex mu_;
  int64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
  v1::WatchEventsResponse response_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> pending_end_ ABSL_GUARDED_BY(mu_);
  absl::Status final_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerUnaryReactor* EventService::ListEvents(
    grpc::CallbackServerContext* context, const v1::ListEventsRequest* request,
    v1::ListEventsResponse* response) {
  return Serve(context, deps_, "brevis.v1.EventService/ListEvents",
               [this, request, response](const Call& call) {
                 return DoListEvents(call, *request, response);
               });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* EventService::WatchEvents(
    grpc::CallbackServerContext* context,
    const v1::WatchEventsRequest* request) {
  return new WatchReactor(deps_, feed_, context, *request);
}

absl::Status EventService::DoListEvents(const Call& call,
                                        const v1::ListEventsRequest& request,
                                        v1::ListEventsResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kWatchEvents));
  BREVIS_RETURN_IF_ERROR(CheckAfterSequence(request.after_sequence()));
  absl::StatusOr<EventQuery> query = ParseEventQuery(request.filter());
  if (!query.ok()) return query.status();
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens,
                     ListScope(call, brevis::StrCat(query->canonical, "\n",
                                                    request.after_sequence())),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  int64_t after = std::max(window->after_id, request.after_sequence());
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    absl::StatusOr<bool> exists = ResolveEventQuery(db, &*query);
    if (!exists.ok()) return exists.status();
    if (!*exists) return absl::OkStatus();
    auto page = store::EventRepository(db).List(
        query->filter, domain::VisibleEvents(call.caller),
        call.caller.principal_id, after, window->limit);
    if (!page.ok()) return page.status();
    for (v1::Event& event : page->items) {
      *response->add_events() = std::move(event);
    }
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  });
}

}  // namespace brevis::api
