#ifndef BREVIS_SERVER_API_EVENT_FEED_H_
#define BREVIS_SERVER_API_EVENT_FEED_H_

// Schedules the watchers of the change feed. Watchers pull: each keeps its
// own cursor and reads the next batch from the database when it has sent
// the previous one, so a slow reader costs one batch of memory and never
// holds up a writer. A commit wakes the watchers that are waiting for news,
// and so does the recheck interval: a watch's caller may lose its rights
// without any commit here (a token expires; an operator revokes one from
// another process), and an idle watch must still learn of it within that
// bound. One thread does every watcher's reading, one batch at a time.

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/database.h"

namespace brevis::api {

class EventFeed {
 public:
  // One open watch. Pump and End are called by the feed.
  class Watcher {
   public:
    virtual ~Watcher() = default;
    // On the feed's thread: read and send what there is, then Schedule
    // again once sent, or Park when there is nothing new.
    virtual void Pump() = 0;
    // The feed is shutting down: finish with `status`.
    virtual void End(const absl::Status& status) = 0;
  };

  // Wakes parked watchers on every commit of `db`, which must outlive
  // neither the feed's users nor be written before this is built, and at
  // least every `recheck` (> 0) when nothing commits.
  EventFeed(store::Database* db, int max_watchers,
            absl::Duration recheck = absl::Seconds(2));
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // RESOURCE_EXHAUSTED when max_watchers are open, UNAVAILABLE once the
  // feed is shutting down.
  absl::Status Add(Watcher* watcher) ABSL_LOCKS_EXCLUDED(state_->mu);
  // After Remove returns the feed never calls `watcher` again.
  void Remove(Watcher* watcher) ABSL_LOCKS_EXCLUDED(state_->mu);
  // Pump `watcher` soon.
  void Schedule(Watcher* watcher) ABSL_LOCKS_EXCLUDED(state_->mu);
  // Pump `watcher` after the next commit, or soon if one came after
  // `generation` (read before the watcher looked at the database).
  void Park(Watcher* watcher, uint64_t generation)
      ABSL_LOCKS_EXCLUDED(state_->mu);
  // Counts commits.
  uint64_t generation() const ABSL_LOCKS_EXCLUDED(state_->mu);
  int watchers() const ABSL_LOCKS_EXCLUDED(state_->mu);

  // Ends every watcher with `status` and waits until each is removed or
  // `deadline` passes; later Adds fail.
  void Shutdown(const absl::Status& status, absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(state_->mu);

 private:
  // Shared with the database's commit listener, which may outlive the feed.
  struct State {
    mutable absl::Mutex mu;
    absl::CondVar changed;
    uint64_t generation ABSL_GUARDED_BY(mu) = 0;
  };

  void Run() ABSL_LOCKS_EXCLUDED(state_->mu);

  const std::shared_ptr<State> state_;
  const int max_watchers_;
  const absl::Duration recheck_;
  std::set<Watcher*> watchers_ ABSL_GUARDED_BY(state_->mu);
  std::set<Watcher*> parked_ ABSL_GUARDED_BY(state_->mu);
  std::deque<Watcher*> ready_ ABSL_GUARDED_BY(state_->mu);
  // The generation parked_ waits past.
  uint64_t parked_generation_ ABSL_GUARDED_BY(state_->mu) = 0;
  // When parked_ is pumped regardless.
  absl::Time next_recheck_ ABSL_GUARDED_BY(state_->mu);
  Watcher* pumping_ ABSL_GUARDED_BY(state_->mu) = nullptr;
  bool stopping_ ABSL_GUARDED_BY(state_->mu) = false;
  bool closed_ ABSL_GUARDED_BY(state_->mu) = false;
  std::thread thread_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_EVENT_FEED_H_
