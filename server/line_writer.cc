#include "server/line_writer.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace brevis {
namespace {

// How long ~LineWriter waits for the queue to be written.
constexpr absl::Duration kCloseTimeout = absl::Seconds(1);

// Writes all of `text`; false when the descriptor refuses it (closed
// reader, bad descriptor). Waits as long as the reader takes.
bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n > 0) {
      text.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A descriptor someone made non-blocking: wait for room.
      pollfd room = {fd, POLLOUT, 0};
      poll(&room, 1, -1);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

struct LineWriter::State {
  State(int fd, size_t capacity, DropReport report)
      : fd(fd), capacity(capacity), drop_report(std::move(report)) {}

  const int fd;
  const size_t capacity;
  const DropReport drop_report;

  absl::Mutex mu;
  absl::CondVar queued;   // lines queued, or stopping
  absl::CondVar written;  // a batch is done
  std::deque<std::string> queue ABSL_GUARDED_BY(mu);
  // Bytes queued or being written: the bound applies to both.
  size_t held_bytes ABSL_GUARDED_BY(mu) = 0;
  // Lines queued so far.
  uint64_t appended ABSL_GUARDED_BY(mu) = 0;
  // Of those, lines written or dropped.
  uint64_t finished ABSL_GUARDED_BY(mu) = 0;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  // Started by the first Append.
  std::thread thread ABSL_GUARDED_BY(mu);

  // Dropped and not yet reported.
  std::atomic<uint64_t> unreported{0};
  std::atomic<uint64_t> dropped_total{0};

  // Writes the report of `lost` lines, if any; when even that cannot be
  // written, they stay unreported until after the next batch.
  void WriteReport(uint64_t lost) {
    if (lost > 0 && !WriteAll(fd, drop_report(lost))) {
      unreported.fetch_add(lost);
    }
  }
};

LineWriter::LineWriter(int fd, size_t buffer_bytes, DropReport drop_report)
    : state_(
          std::make_shared<State>(fd, buffer_bytes, std::move(drop_report))) {}

LineWriter::~LineWriter() {
  bool done = Flush(kCloseTimeout);
  std::thread thread;
  {
    absl::MutexLock lock(&state_->mu);
    state_->stopping = true;
    thread = std::move(state_->thread);
  }
  state_->queued.SignalAll();
  if (!thread.joinable()) return;
  // A thread stuck in write() holds its own reference to the state.
  if (done) {
    thread.join();
  } else {
    thread.detach();
  }
}

bool LineWriter::Append(std::string line) {
  {
    absl::MutexLock lock(&state_->mu);
    if (state_->held_bytes + line.size() > state_->capacity) {
      CountDropped();
      return false;
    }
    state_->held_bytes += line.size();
    state_->queue.push_back(std::move(line));
    ++state_->appended;
    if (!state_->thread.joinable()) {
      state_->thread = std::thread(&LineWriter::Run, state_);
    }
  }
  state_->queued.Signal();
  return true;
}

void LineWriter::CountDropped() {
  state_->unreported.fetch_add(1, std::memory_order_relaxed);
  state_->dropped_total.fetch_add(1, std::memory_order_relaxed);
}

bool LineWriter::Flush(absl::Duration timeout) {
  absl::MutexLock lock(&state_->mu);
  uint64_t target = state_->appended;
  absl::Time deadline = absl::Now() + timeout;
  while (state_->finished < target) {
    if (state_->written.WaitWithDeadline(&state_->mu, deadline)) {
      return state_->finished >= target;
    }
  }
  return true;
}

uint64_t LineWriter::dropped() const {
  return state_->dropped_total.load(std::memory_order_relaxed);
}

void LineWriter::Run(std::shared_ptr<State> state) {
  // The log must never take a signal meant for the process: brevisd waits
  // for SIGTERM with sigwait, which needs it blocked in every thread, and a
  // write to a closed pipe should fail with EPIPE, not end the process.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);

  absl::MutexLock lock(&state->mu);
  while (true) {
    while (!state->stopping && state->queue.empty()) {
      state->queued.Wait(&state->mu);
    }
    if (state->queue.empty()) return;
    std::deque<std::string> batch;
    batch.swap(state->queue);
    // Lines dropped so far came after every line of this batch: they are
    // reported right after it.
    uint64_t lost_before = state->unreported.exchange(0);
    state->mu.Unlock();

    std::string text;
    for (const std::string& line : batch) text += line;
    if (!WriteAll(state->fd, text)) {
      state->unreported.fetch_add(batch.size());
      state->dropped_total.fetch_add(batch.size());
    }
    state->WriteReport(lost_before);

    state->mu.Lock();
    state->held_bytes -= text.size();
    state->finished += batch.size();
    if (state->queue.empty()) {
      // Caught up: what was lost meanwhile (a line too long for the
      // buffer, an unwritable batch, a library's uncapturable line) is
      // reported now rather than after a line that may be long in coming.
      uint64_t lost = state->unreported.exchange(0);
      state->mu.Unlock();
      state->WriteReport(lost);
      state->mu.Lock();
    }
    state->written.SignalAll();
  }
}

}  // namespace brevis
