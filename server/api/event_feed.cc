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
      std::lock_guard<std::mutex> lock(state->mu);
      ++state->generation;
    }
    state->changed.notify_all();
  });
  thread_ = std::thread([this] { Run(); });
}

EventFeed::~EventFeed() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    stopping_ = true;
  }
  state_->changed.notify_all();
  thread_.join();
}

absl::Status EventFeed::Add(Watcher* watcher) {
  std::lock_guard<std::mutex> lock(state_->mu);
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
  std::unique_lock<std::mutex> lock(state_->mu);
  watchers_.erase(watcher);
  parked_.erase(watcher);
  ready_.erase(std::remove(ready_.begin(), ready_.end(), watcher),
               ready_.end());
  state_->changed.wait(lock, [&] { return pumping_ != watcher; });
  state_->changed.notify_all();  // Shutdown may wait for the last one
}

void EventFeed::Schedule(Watcher* watcher) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!watchers_.contains(watcher)) return;
    parked_.erase(watcher);
    if (std::find(ready_.begin(), ready_.end(), watcher) == ready_.end()) {
      ready_.push_back(watcher);
    }
  }
  state_->changed.notify_all();
}

void EventFeed::Park(Watcher* watcher, uint64_t generation) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!watchers_.contains(watcher)) return;
    if (state_->generation == generation) {
      // Those parked before a commit the feed has not acted on yet go
      // first, so that one generation covers everything parked.
      if (!parked_.empty() && parked_generation_ != generation) {
        ready_.insert(ready_.end(), parked_.begin(), parked_.end());
        parked_.clear();
        state_->changed.notify_all();
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
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->generation;
}

int EventFeed::watchers() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return static_cast<int>(watchers_.size());
}

void EventFeed::Shutdown(const absl::Status& status, absl::Time deadline) {
  std::vector<Watcher*> open;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    closed_ = true;
    open.assign(watchers_.begin(), watchers_.end());
  }
  // End is called outside the lock: a watcher may Remove itself from it.
  // Removal waits for pumping_, never for End, so none is freed meanwhile
  // unless it finishes, which only happens after End or a cancellation;
  // hence each End goes to a watcher still registered.
  for (Watcher* watcher : open) {
    std::unique_lock<std::mutex> lock(state_->mu);
    if (!watchers_.contains(watcher)) continue;
    // Keep it from being removed (and freed) while End runs.
    state_->changed.wait(lock, [&] { return pumping_ == nullptr; });
    if (!watchers_.contains(watcher)) continue;
    pumping_ = watcher;
    lock.unlock();
    watcher->End(status);
    lock.lock();
    pumping_ = nullptr;
    state_->changed.notify_all();
  }
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->changed.wait_until(lock, absl::ToChronoTime(deadline),
                             [&] { return watchers_.empty(); });
}

void EventFeed::Run() {
  std::unique_lock<std::mutex> lock(state_->mu);
  while (true) {
    state_->changed.wait_until(lock, absl::ToChronoTime(next_recheck_), [&] {
      return stopping_ || (!ready_.empty() && pumping_ == nullptr) ||
             (!parked_.empty() && state_->generation != parked_generation_);
    });
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
    lock.unlock();
    watcher->Pump();
    lock.lock();
    pumping_ = nullptr;
    state_->changed.notify_all();
  }
}

}  // namespace brevis::api
