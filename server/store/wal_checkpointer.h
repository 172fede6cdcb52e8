#ifndef BREVIS_SERVER_STORE_WAL_CHECKPOINTER_H_
#define BREVIS_SERVER_STORE_WAL_CHECKPOINTER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/sqlite.h"

namespace brevis::store {

// Copies the SQLite WAL into the database file on a thread of its own, so
// that no commit does it (the writer runs with wal_autocheckpoint=0). The
// writer's commit hook (Install) wakes the thread once this many pages of
// the WAL are not yet copied; the thread runs a PASSIVE checkpoint, which
// waits for no reader and no writer, and under synchronous=FULL syncs the
// WAL and the database file as SQLite's own checkpoint does.
//
// A PASSIVE checkpoint never restarts the WAL: the writer does, at its next
// transaction, when it finds every frame copied. Under a steady stream of
// writes there is always a commit after the checkpoint began, so once the
// WAL passes `restart_pages` the thread holds the writer off between two
// transactions (WriterTurn) and runs a RESTART checkpoint, which copies the
// few frames left and waits up to kRestartBusyTimeout for the readers still
// on old frames; the next write then starts the WAL from its beginning (and
// journal_size_limit truncates the file). When a long read keeps the
// RESTART from finishing, it is tried again no sooner than
// kRestartBackoff later, so a blocked RESTART holds the writer for at most
// kRestartBusyTimeout per backoff, plus the copy of the frames left and the
// two syncs any RESTART costs; the WAL then grows for as long as that read
// lasts, as it would under SQLite's own checkpoints (and meanwhile each
// commit past the bound starts a PASSIVE pass that may copy nothing).
//
// Thread-safe. Owns its connection and thread; the destructor stops the
// thread (after the pass in progress) and joins it.
class WalCheckpointer {
 public:
  // How long a RESTART waits for the readers on old frames (and for another
  // process's writer), with the writer held off.
  static constexpr absl::Duration kRestartBusyTimeout = absl::Milliseconds(50);
  // The least time between two RESTARTs a reader kept from finishing.
  static constexpr absl::Duration kRestartBackoff = absl::Seconds(5);

  // Starts the thread on `connection`, a read-write connection of its own
  // to the database. `checkpoint_pages` and `restart_pages` are WAL pages
  // (each one database page), at least 1. `damaged`, owned by the caller
  // and outliving this, stops every checkpoint once set: a damaged file is
  // not touched.
  WalCheckpointer(std::unique_ptr<SqliteConnection> connection,
                  int checkpoint_pages, int restart_pages,
                  const std::atomic<bool>* damaged);
  // Stops the thread (Stop) and closes the connection.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Sets the writer connection's commit hook (sqlite3_wal_hook) to wake
  // this; `writer` must run with wal_autocheckpoint=0 already (the pragma
  // would replace the hook) and must be closed, or Uninstall called, before
  // this goes.
  void Install(SqliteConnection& writer);
  static void Uninstall(SqliteConnection& writer);

  // Held shared by the writer from BEGIN to COMMIT, exclusively by the
  // thread for a RESTART; a no-op for a null checkpointer (PostgreSQL).
  class WriterTurn {
   public:
    explicit WriterTurn(WalCheckpointer* checkpointer)
        ABSL_NO_THREAD_SAFETY_ANALYSIS;
    ~WriterTurn() ABSL_NO_THREAD_SAFETY_ANALYSIS;
    WriterTurn(const WriterTurn&) = delete;
    WriterTurn& operator=(const WriterTurn&) = delete;

   private:
    absl::Mutex* gate_;
  };

  // Called from the thread, with the failure (SqliteError's status), on the
  // first failed checkpoint after a good one and then at most once a
  // minute while they keep failing; it must be quick. nullptr stops calls.
  void SetFailureListener(std::function<void(const absl::Status&)> listener)
      ABSL_LOCKS_EXCLUDED(listener_mu_);

  // For tests: while held, no checkpoint starts; holding waits for the one
  // running to end.
  void Hold(bool hold) ABSL_LOCKS_EXCLUDED(mu_);

  // Checkpoints run to the end (PASSIVE or RESTART, copying as much as the
  // readers allowed), and those that failed with an error.
  uint64_t checkpoints() const { return checkpoints_.load(); }
  uint64_t failures() const { return failures_.load(); }

  // Ends the thread after the pass it may be running; no checkpoint runs
  // after it returns, so failures() is final. Idempotent.
  void Stop();
  // Pages in the WAL after the last commit (SQLite's count, which starts
  // again from zero when the WAL restarts).
  int wal_pages() const { return wal_pages_.load(); }

 private:
  static int OnCommit(void* self, sqlite3* db, const char* name, int pages);
  void Committed(int pages) ABSL_LOCKS_EXCLUDED(mu_);
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  bool ShouldRun() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CheckpointOnce() ABSL_LOCKS_EXCLUDED(gate_);
  void Failed(const absl::Status& failure) ABSL_LOCKS_EXCLUDED(listener_mu_);

  const std::unique_ptr<SqliteConnection> connection_;
  const int checkpoint_pages_;
  const int restart_pages_;
  const std::atomic<bool>* const damaged_;

  // Frames in the WAL after the last commit; frames copied, or during a
  // pass those it will copy at least (zeroed by the hook when the WAL
  // restarts; a count made stale by a restart during a pass delays a wake
  // at worst until restart_pages).
  std::atomic<int> wal_pages_{0};
  std::atomic<int> copied_{0};
  std::atomic<uint64_t> checkpoints_{0};
  std::atomic<uint64_t> failures_{0};
  // Used by the thread only.
  absl::Time next_restart_ = absl::InfinitePast();

  absl::Mutex gate_;

  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  bool running_ ABSL_GUARDED_BY(mu_) = false;

  absl::Mutex listener_mu_;
  std::function<void(const absl::Status&)> listener_
      ABSL_GUARDED_BY(listener_mu_);
  // When the listener was last called; InfinitePast after a good pass.
  absl::Time last_report_ ABSL_GUARDED_BY(listener_mu_) = absl::InfinitePast();

  std::thread thread_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_WAL_CHECKPOINTER_H_
