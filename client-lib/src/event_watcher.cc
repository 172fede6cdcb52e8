#include "brevis/client/event_watcher.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "brevis/client/client.h"
#include "client-lib/src/client_core.h"

namespace brevis::client {

// What Run and Stop share. Everything under mu_.
class WatchState {
 public:
  WatchState(const v1::WatchEventsRequest& request, const CallOptions& call)
      : request_(request), call_(call) {
    resume_after_ = request.after_sequence();
  }

  // Opens one stream and hands every event to `handler`. Sets *delivered
  // when a message arrived, and *ended when the handler or Stop() ended
  // the stream (then OK is returned). Otherwise returns how it ended.
  absl::Status StreamOnce(const ClientCore& core, absl::Time deadline,
                          const EventWatcher::Handler& handler, bool* delivered,
                          bool* ended) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits `wait` before the next stream, unless Stop() comes first; true
  // when stopped. While the channel is not connected, it waits for it to
  // connect instead (see ClientCore::AwaitConnected), cancelled by Stop().
  bool WaitOrStop(const ClientCore& core, absl::Duration wait)
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::Time until = absl::Now() + wait;
    // A connected channel got UNAVAILABLE from the server itself: back off.
    bool reconnected =
        !core.Connected() &&
        core.AwaitConnected(until, [&](grpc::ClientContext* context) {
          absl::MutexLock lock(&mu_);
          context_ = context;
          return !stopped_;
        });
    absl::MutexLock lock(&mu_);
    if (!reconnected) {
      mu_.AwaitWithTimeout(absl::Condition(&stopped_), until - absl::Now());
    }
    return stopped_;
  }

  void Stop() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }

  bool stopped() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return stopped_;
  }
  int64_t resume_after() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return resume_after_;
  }
  int streams_opened() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return streams_opened_;
  }
  const CallOptions& call() const { return call_; }

 private:
  const v1::WatchEventsRequest request_;
  const CallOptions call_;
  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  // The open stream's context, so that Stop can cancel it.
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  int64_t resume_after_ ABSL_GUARDED_BY(mu_) = 0;
  int streams_opened_ ABSL_GUARDED_BY(mu_) = 0;
};

namespace {

// One WatchEvents stream; `on_response` returns false to end it. When
// `opened` is given, it is called with the context before the first read
// and with nullptr after the last, and may cancel it in between.
absl::Status Stream(
    const ClientCore& core, const v1::WatchEventsRequest& request,
    absl::Time deadline,
    const std::function<bool(const v1::WatchEventsResponse&)>& on_response,
    const std::function<bool(grpc::ClientContext*)>& opened) {
  grpc::ClientContext context;
  core.Prepare(&context, deadline);
  if (opened && !opened(&context)) return absl::OkStatus();
  std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader =
      core.StubOf<v1::EventService>().WatchEvents(&context, request);
  v1::WatchEventsResponse response;
  bool ended_by_caller = false;
  while (reader->Read(&response)) {
    if (!on_response(response)) {
      ended_by_caller = true;
      context.TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (opened) opened(nullptr);
  if (ended_by_caller) return absl::OkStatus();
  return FromGrpc(status);
}

}  // namespace

absl::Status WatchState::StreamOnce(const ClientCore& core, absl::Time deadline,
                                    const EventWatcher::Handler& handler,
                                    bool* delivered, bool* ended) {
  v1::WatchEventsRequest request = request_;
  request.set_after_sequence(resume_after());
  bool handler_ended = false;
  absl::Status status = Stream(
      core, request, deadline,
      [&](const v1::WatchEventsResponse& response) {
        *delivered = true;
        for (const v1::Event& event : response.events()) {
          bool more = handler(event);
          {
            // Only what the handler has seen counts as delivered.
            absl::MutexLock lock(&mu_);
            resume_after_ = std::max(resume_after_, event.sequence());
          }
          if (!more) {
            handler_ended = true;
            return false;
          }
        }
        absl::MutexLock lock(&mu_);
        resume_after_ = std::max(resume_after_, response.resume_after());
        return !stopped_;
      },
      [&](grpc::ClientContext* context) {
        absl::MutexLock lock(&mu_);
        context_ = context;
        if (context != nullptr) ++streams_opened_;
        return !stopped_;
      });
  *ended = handler_ended || stopped();
  if (*ended) return absl::OkStatus();
  return status;
}

EventWatcher::EventWatcher(std::shared_ptr<const ClientCore> core,
                           const v1::WatchEventsRequest& request,
                           const CallOptions& call)
    : core_(std::move(core)),
      state_(std::make_unique<WatchState>(request, call)) {}

EventWatcher::EventWatcher(EventWatcher&&) noexcept = default;
EventWatcher& EventWatcher::operator=(EventWatcher&&) noexcept = default;
EventWatcher::~EventWatcher() = default;

absl::Status EventWatcher::Run(const Handler& handler) {
  const RetryOptions& retry = core_->options().retry;
  absl::Time deadline = core_->Deadline(state_->call(), /*unary=*/false);
  int failures = 0;
  while (true) {
    bool delivered = false;
    bool ended = false;
    absl::Status status =
        state_->StreamOnce(*core_, deadline, handler, &delivered, &ended);
    if (ended) return absl::OkStatus();
    if (delivered) failures = 0;
    // A stream ends by itself only when the server goes away: UNAVAILABLE,
    // OK from a server that closed it cleanly, or CANCELLED when the server
    // cut the stream before its status went out (we did not cancel it: that
    // returned above). Anything else is final.
    if (!status.ok() && status.code() != absl::StatusCode::kUnavailable &&
        status.code() != absl::StatusCode::kCancelled) {
      return status;
    }
    if (status.ok()) {
      status = absl::UnavailableError("the server ended the watch stream");
    }
    ++failures;
    if (failures >= std::max(1, retry.watch_max_attempts)) {
      return ClientCore::GaveUp(status, failures, false);
    }
    absl::Duration backoff = Backoff(retry, failures);
    if (absl::Now() + backoff >= deadline) {
      return absl::DeadlineExceededError(
          "the watch deadline passed while the server was unavailable: " +
          std::string(status.message()));
    }
    core_->Notify("/brevis.v1.EventService/WatchEvents", failures, status,
                  backoff);
    if (state_->WaitOrStop(*core_, backoff)) return absl::OkStatus();
  }
}

void EventWatcher::Stop() { state_->Stop(); }

int64_t EventWatcher::resume_after() const { return state_->resume_after(); }

int EventWatcher::streams_opened() const { return state_->streams_opened(); }

absl::Status Client::WatchEvents(
    const v1::WatchEventsRequest& request,
    const std::function<bool(const v1::WatchEventsResponse&)>& on_response,
    const CallOptions& call) const {
  return Stream(*core_, request, core_->Deadline(call, /*unary=*/false),
                on_response, nullptr);
}

EventWatcher Client::NewEventWatcher(const v1::WatchEventsRequest& request,
                                     const CallOptions& call) const {
  return EventWatcher(core_, request, call);
}

}  // namespace brevis::client
