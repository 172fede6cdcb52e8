#include "server/api/event_service.h"

#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/api/grpc_status.h"
#include "server/domain/status_macros.h"

namespace brevis::api {
namespace {

constexpr char kWatchEvents[] = "brevis.v1.EventService/WatchEvents";

// One WatchEvents stream. It is created by gRPC's thread, pumped by the
// feed's thread and finished from either; mu_ orders them.
class WatchReactor final
    : public grpc::ServerWriteReactor<v1::WatchEventsResponse>,
      public EventFeed::Watcher {
 public:
  WatchReactor(const ServiceDeps& deps, EventFeed* feed,
               grpc::CallbackServerContext* context,
               const v1::WatchEventsRequest& request)
      : deps_(deps),
        events_(deps.ForApp()),
        feed_(feed),
        context_(context),
        start_(absl::Now()) {
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
    absl::StatusOr<int64_t> last = events_.LastSequence();
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
    absl::StatusOr<bool> ready =
        events_.ReadWatchBatch(call_, watch_, *last, &cursor_, &response_);
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
    BREVIS_ASSIGN_OR_RETURN(watch_, events_.OpenWatch(call_, request));
    cursor_ = request.after_sequence();
    return absl::OkStatus();
  }

  // Authenticates the call again and makes call_.caller the caller as it
  // is now. UNAUTHENTICATED (revoked, expired, deactivated) or
  // PERMISSION_DENIED (may no longer follow the feed) end the stream.
  absl::Status Reauthorize() {
    Call now;
    BREVIS_RETURN_IF_ERROR(OpenCall(context_, deps_, kWatchEvents, &now));
    BREVIS_RETURN_IF_ERROR(events_.CheckMayWatch(now));
    call_.caller = std::move(now.caller);
    return absl::OkStatus();
  }

  void FinishOnce(const absl::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    final_status_ = status;
    Finish(ToGrpcStatus(status));
  }

  const ServiceDeps deps_;
  app::Events events_;
  EventFeed* const feed_;
  grpc::CallbackServerContext* const context_;
  const absl::Time start_;
  Call call_;  // its caller is renewed before each batch, on the feed's thread
  app::EventWatch watch_;
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

grpc::ServerWriteReactor<v1::WatchEventsResponse>* EventService::WatchEvents(
    grpc::CallbackServerContext* context,
    const v1::WatchEventsRequest* request) {
  return new WatchReactor(deps_, feed_, context, *request);
}

}  // namespace brevis::api
