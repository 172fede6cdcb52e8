#ifndef BREVIS_CLIENT_EVENT_WATCHER_H_
#define BREVIS_CLIENT_EVENT_WATCHER_H_

// EventWatcher: follows brevis's event feed (EventService/WatchEvents) and
// survives disconnects and server restarts. After a failed stream it waits
// (with the client's retry backoff) and calls again with after_sequence set
// to the last resume_after it saw, so the handler gets every event the
// caller may see exactly once, in order.
//
// Run() is for one thread; Stop() may be called from any thread, also
// while Run() is waiting or reading.

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "brevis/client/options.h"
#include "brevis/v1/event_service.pb.h"

namespace brevis::client {

class ClientCore;
class WatchState;

class EventWatcher {
 public:
  // Gets each event in order; return false to end the watch.
  using Handler = std::function<bool(const ::brevis::v1::Event&)>;

  EventWatcher(EventWatcher&&) noexcept;
  EventWatcher& operator=(EventWatcher&&) noexcept;
  ~EventWatcher();

  // Watches until `handler` returns false or Stop() is called (both return
  // OK), the deadline of the CallOptions passes (DEADLINE_EXCEEDED), the
  // server refuses the watch (its status: UNAUTHENTICATED,
  // PERMISSION_DENIED, INVALID_ARGUMENT for a bad filter, ...), or
  // RetryOptions::watch_max_attempts streams in a row fail with UNAVAILABLE
  // (or end without a status, or are cancelled by the server) before
  // delivering anything (UNAVAILABLE, saying how many). A stream that
  // delivered at least one message resets that count. Call Run again to
  // continue.
  absl::Status Run(const Handler& handler);

  // Ends Run() soon: cancels the open stream or cuts the wait short.
  void Stop();

  // The sequence to resume after: the last event handed to the handler, or
  // a later resume_after the server sent. Thread-safe.
  int64_t resume_after() const;
  // Streams opened so far (the first one included). Thread-safe.
  int streams_opened() const;

 private:
  friend class Client;
  EventWatcher(std::shared_ptr<const ClientCore> core,
               const ::brevis::v1::WatchEventsRequest& request,
               const CallOptions& call);

  std::shared_ptr<const ClientCore> core_;
  std::unique_ptr<WatchState> state_;
};

}  // namespace brevis::client

#endif  // BREVIS_CLIENT_EVENT_WATCHER_H_
