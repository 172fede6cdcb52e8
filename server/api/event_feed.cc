#include "server/api/event_feed.h"

#include <algorithm>
#include <vector>

#include "server/domain/str_cat.h"

namespace brevis::api {

EventFeed::EventFeed(store::Database* db, int max_watchers,
                     absl::Duration recheck)
    : state_(std::make_shared<State>()),
      max_watchers_(max_watchers),
      recheck_(recheck),
      next_recheck_(absl::Now() + recheck) {
  db->SetCommitListener([state = state_] {
    {
      absl::MutexLock lock(&state->mu);
      ++state->generation;
    }
    state->changed.SignalAll();
  });
  thread_ = std::thread([this] { Run(); });
}

EventFeed::~EventFeed() {
  {
    absl::MutexLock lock(&state_->mu);
    stopping_ = true;
  }
  state_->changed.SignalAll();
  thread_.join();
}

absl::Status EventFeed::Add(Watcher* watcher) {
  absl::MutexLock lock(&state_->mu);
  if (closed_) {
    return absl::UnavailableError(
        "brevisd is shutting down; watch again later from your last "
        "resume_after");
  }
  if (static_cast<int>(watchers_.size()) >= max_watchers_) {
    return absl::ResourceExhaustedError(
        brevis::StrCat("too many open watches (", max_watchers_,
                       "); close one or retry later"));
  }
  watchers_.insert(watcher);
  return absl::OkStatus();
}

void EventFeed::Remove(Watcher* watcher) {
  absl::MutexLock lock(&state_->mu);
  watchers_.erase(watcher);
  parked_.erase(watcher);
  ready_.erase(std::remove(ready_.begin(), ready_.end(), watcher),
               ready_.end());
  while (pumping_ == watcher) state_->changed.Wait(&state_->mu);
  state_->changed.SignalAll();  // Shutdown may wait for the last one
}

void EventFeed::Schedule(Watcher* watcher) {
  {
    absl::MutexLock lock(&state_->mu);
    if (!watchers_.contains(watcher)) return;
    parked_.erase(watcher);
    if (std::find(ready_.begin(), ready_.end(), watcher) == ready_.end()) {
      ready_.push_back(watcher);
    }
  }
  state_->changed.SignalAll();
}

void EventFeed::Park(Watcher* watcher, uint64_t generation) {
  {
    absl::MutexLock lock(&state_->mu);
    if (!watchers_.contains(watcher)) return;
    if (state_->generation == generation) {
      // Those parked before a commit the feed has not acted on yet go
      // first, so that one generation covers everything parked.
      if (!parked_.empty() && parked_generation_ != generation) {
        ready_.insert(ready_.end(), parked_.begin(), parked_.end());
        parked_.clear();
        state_->changed.SignalAll();
      }
      parked_.insert(watcher);
      parked_generation_ = generation;
      return;
    }
  }
  // A commit came in while the watcher was looking: look again.
  Schedule(watcher);
}

uint64_t EventFeed::generation() const {
  absl::MutexLock lock(&state_->mu);
  return state_->generation;
}

int EventFeed::watchers() const {
  absl::MutexLock lock(&state_->mu);
  return static_cast<int>(watchers_.size());
}

void EventFeed::Shutdown(const absl::Status& status, absl::Time deadline) {
  std::vector<Watcher*> open;
  {
    absl::MutexLock lock(&state_->mu);
    closed_ = true;
    open.assign(watchers_.begin(), watchers_.end());
  }
  // End is called outside the lock: a watcher may Remove itself from it.
  // Removal waits for pumping_, never for End, so none is freed meanwhile
  // unless it finishes, which only happens after End or a cancellation;
  // hence each End goes to a watcher still registered.
  for (Watcher* watcher : open) {
    absl::MutexLock lock(&state_->mu);
    if (!watchers_.contains(watcher)) continue;
    // Keep it from being removed (and freed) while End runs.
    while (pumping_ != nullptr) state_->changed.Wait(&state_->mu);
    if (!watchers_.contains(watcher)) continue;
    pumping_ = watcher;
    state_->mu.Unlock();
    watcher->End(status);
    state_->mu.Lock();
    pumping_ = nullptr;
    state_->changed.SignalAll();
  }
  absl::MutexLock lock(&state_->mu);
  while (!watchers_.empty()) {
    if (state_->changed.WaitWithDeadline(&state_->mu, deadline)) return;
  }
}

void EventFeed::Run() {
  absl::MutexLock lock(&state_->mu);
  while (true) {
    while (!stopping_ && (ready_.empty() || pumping_ != nullptr) &&
           (parked_.empty() || state_->generation == parked_generation_)) {
      if (state_->changed.WaitWithDeadline(&state_->mu, next_recheck_)) break;
    }
    if (stopping_) return;
    absl::Time now = absl::Now();
    bool recheck = now >= next_recheck_;
    if (recheck) next_recheck_ = now + recheck_;
    if (!parked_.empty() &&
        (recheck || state_->generation != parked_generation_)) {
      ready_.insert(ready_.end(), parked_.begin(), parked_.end());
      parked_.clear();
    }
    if (ready_.empty() || pumping_ != nullptr) continue;
    Watcher* watcher = ready_.front();
    ready_.pop_front();
    pumping_ = watcher;
    state_->mu.Unlock();
    watcher->Pump();
    state_->mu.Lock();
    pumping_ = nullptr;
    state_->changed.SignalAll();
  }
}

}  // namespace brevis::api
