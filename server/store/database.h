#ifndef BREVIS_SERVER_STORE_DATABASE_H_
#define BREVIS_SERVER_STORE_DATABASE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/database_lock.h"
#include "server/store/embedded_migrations.h"
#include "server/store/sqlite.h"
#include "server/store/wal_checkpointer.h"

namespace brevis::store {

struct DatabaseOptions {
  // An SQLite file, or the postgresql:// (or postgres://) URI of a
  // PostgreSQL database that `brevisd init` made (store/postgres.h).
  std::string path;
  // Connections for concurrent reads; writes always use one more, their own.
  // On PostgreSQL this is the reader pool, and the commit listener has one
  // more session of its own.
  int reader_count = 4;
  // The schema the database must be at; tests may pass their own.
  std::span<const Migration> migrations = EmbeddedMigrations();
  std::span<const Migration> postgres_migrations = EmbeddedPostgresMigrations();
  // PostgreSQL only: the longest one statement may run, waiting for the
  // writer lock included, before the server cancels it (DEADLINE_EXCEEDED);
  // zero leaves the server's setting.
  absl::Duration statement_timeout = absl::Seconds(30);
  // At most this many concurrent Write calls share one transaction (group
  // commit); small enough that the last of a batch still waits only a few
  // milliseconds for the ones before it.
  int max_batch_writes = 32;
  // SQLite only: no commit copies the WAL into the database file; a thread
  // of the database's own does (WalCheckpointer), once this many pages of
  // the WAL are not yet copied (1000 is SQLite's own default, so the WAL
  // stays the size it had when the writer did it).
  int checkpoint_pages = 1000;
  // SQLite only: past this many pages the checkpointer holds the writer off
  // between two transactions so that the WAL can start again from its
  // beginning (see WalCheckpointer); at least checkpoint_pages.
  int restart_pages = 2000;
};

// Creates a new database file at `path` with every migration applied.
// ALREADY_EXISTS when the file exists: init never touches existing data.
absl::Status CreateDatabase(const std::string& path,
                            std::span<const Migration> migrations);

// The brevis database: one writer connection, so writes are serialized, and
// a pool of reader connections, which WAL lets run beside the writer.
// On PostgreSQL (issue 17) the same shape spans replicas: each write
// transaction takes one database-wide advisory lock first (the form of
// SQLite's BEGIN IMMEDIATE), under READ COMMITTED, so every statement after
// it sees every earlier commit of any replica; reads run in REPEATABLE READ
// READ ONLY snapshots; a session the server dropped is reopened on next use.
// docs/architecture.md "PostgreSQL" says why this and not SERIALIZABLE.
// Concurrent writes are grouped: Write calls that queue up while a
// transaction is being committed go together into the next one, each in its
// own savepoint, so that one commit (one fsync) acknowledges them all.
// Thread-safe. Write and Read block until a connection is free.
class Database {
 public:
  // How Open looks for damage (SQLite's quick_check, which reads every
  // page). After a clean shutdown (clean_shutdown.h: the marker names this
  // file as it is) the check runs on a thread of its own while the
  // database serves, so start-up does not grow with the file; after
  // anything else (a crash, a power cut, a copied or restored file) it runs
  // inside Open, before anything is served.
  enum class StartCheck { kFullAtOpen, kInBackground };

  // Opens an existing database. FAILED_PRECONDITION, with the reason, when
  // its schema is not exactly the one this binary carries (pending, newer or
  // edited migrations), when the check at open finds damage, or when the
  // clean-shutdown marker cannot be removed; NOT_FOUND when the file does
  // not exist; INVALID_ARGUMENT, naming the option, when an option is out
  // of range (max_batch_writes, checkpoint_pages, restart_pages).
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const DatabaseOptions& options);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  // Stops a background check still running and the checkpointer, closes
  // every connection and, when this process was the database's last user,
  // no check found damage, no checkpoint failed and the WAL is gone (the
  // last connection's close copies it into the file), writes the
  // clean-shutdown marker.
  ~Database();

  // Runs `work` inside a write transaction (BEGIN IMMEDIATE ... COMMIT) on
  // the writer connection, possibly together with other callers' work, each
  // inside its own SAVEPOINT: `work` sees the writes of those run before it
  // in the same transaction. When `work` fails, everything it wrote is rolled
  // back, its status is returned, and its neighbours are not affected. OK
  // means the commit is on disk. When the commit itself fails, or a failure
  // aborts the whole transaction (a full disk, an I/O error), every caller
  // whose work was in that transaction gets that error and nothing of theirs
  // remains. `work` runs exactly once, on whichever thread leads the batch.
  absl::Status Write(absl::FunctionRef<absl::Status(Connection&)> work)
      ABSL_LOCKS_EXCLUDED(queue_mu_);

  // As Write, but `work` goes ahead of the writes already queued: it waits
  // only for the transaction being committed, then leads the next one. For
  // the access log's batches, whose callers are readers waiting to be
  // served; with one such caller at a time, queued writes wait for at most
  // one of them.
  absl::Status WriteAhead(absl::FunctionRef<absl::Status(Connection&)> work)
      ABSL_LOCKS_EXCLUDED(queue_mu_);

  // Runs `work` in a read transaction, so every statement in it sees the
  // same snapshot.
  absl::Status Read(absl::FunctionRef<absl::Status(Connection&)> work)
      ABSL_LOCKS_EXCLUDED(readers_mu_);

  // Calls `listener` once after every committed write transaction that
  // carried at least one successful Write, before those Write calls return,
  // on the thread that led the batch and outside the writer lock; it must
  // be quick. Set it once, before the first Write (the event feed wakes its
  // watchers with it). On PostgreSQL it is also called, from a thread of
  // its own, after each commit of another replica (LISTEN/NOTIFY) and once
  // after that thread's session to the server was lost and reopened, when
  // notifications may have been missed: a listener re-reads from where it
  // was, so a late call delays nothing and an extra one costs a query.
  void SetCommitListener(std::function<void()> listener);

  // Called once, with the damage as FAILED_PRECONDITION (the check's
  // findings in its EngineDetail), when the background check finds the
  // file damaged; at once when it has already. Called with the database's
  // health lock held: it must be quick and must not call this Database.
  // Pass nullptr to stop the calls before what the listener uses goes.
  void SetDamageListener(std::function<void(const absl::Status&)> listener)
      ABSL_LOCKS_EXCLUDED(health_mu_);

  // OK, or FAILED_PRECONDITION once a check found the file damaged: from
  // then on every Write and Read fails with it, without touching the file
  // (fail closed), and no clean-shutdown marker is written.
  absl::Status damage() const ABSL_LOCKS_EXCLUDED(health_mu_);

  // Called, from the checkpointer's thread, when a checkpoint fails (an I/O
  // error copying the WAL into the file): the first failure after a good
  // checkpoint and then at most once a minute, with SqliteError's status.
  // Nothing acknowledged is lost by it (the commits are in the WAL), but
  // the next start after such a process checks every page. Quick, must
  // not call this Database; nullptr stops the calls. Never called on
  // PostgreSQL.
  void SetCheckpointFailureListener(
      std::function<void(const absl::Status&)> listener);
  // SQLite: checkpoints the checkpointer ran, and those that failed; zero
  // on PostgreSQL.
  uint64_t checkpoints() const;
  uint64_t checkpoint_failures() const;
  // SQLite: pages in the WAL after the last commit; zero on PostgreSQL.
  int wal_pages() const;
  // For tests: while held, no checkpoint starts (holding waits for the
  // one running); commits go on filling the WAL.
  void HoldCheckpointsForTesting(bool hold);

  StartCheck start_check() const { return start_check_; }
  // Waits up to `timeout` for the background check: true when it has ended
  // (found the file whole or damaged), or when there is none.
  bool WaitForCheck(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(health_mu_);

  int schema_version() const { return schema_version_; }
  // Write calls waiting for or holding the writer: the writer's queue.
  int writers_queued() const { return writers_queued_.load(); }
  // Committed write transactions, and the successful Write calls they
  // carried; their ratio is the mean batch size.
  uint64_t write_transactions() const { return write_transactions_.load(); }
  uint64_t write_requests() const { return write_requests_.load(); }
  // The file, or the PostgreSQL address without its password.
  const std::string& path() const { return path_; }
  Engine engine() const { return engine_; }

 private:
  // One Write call waiting in the queue or running in a batch.
  struct PendingWrite {
    absl::FunctionRef<absl::Status(Connection&)> work;
    // The serving call's deadline (ScopedCallDeadline); a write still
    // uncommitted when it passes is not made.
    absl::Time deadline;
    absl::Status status;
    // Guarded by the database's queue_mu_ (which an annotation here cannot
    // name): set once the batch that ran this write is over.
    bool done = false;
    // Signalled when this write is done or may lead the next batch. One
    // per waiter, so a batch's end wakes its members and the next leader
    // only, not every queued writer to look and sleep again: each wake is
    // a context switch, and on a virtual machine those were a third of
    // brevisd's CPU under load.
    absl::CondVar turn;
  };

  Database() = default;
  // Open's PostgreSQL part (database_postgres.cc).
  static absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(
      const DatabaseOptions& options);
  // A fresh session to the PostgreSQL server, set up for brevis.
  absl::StatusOr<std::unique_ptr<Connection>> Reconnect() const;
  // Opens `slot` again when the server dropped its session: OK, or
  // UNAVAILABLE (nothing was run) when the server cannot be reached.
  absl::Status EnsureHealthy(std::unique_ptr<Connection>& slot) const;
  // Runs `begin` on `slot`, reopening the session first when the server
  // dropped it, also when that shows only in `begin` failing.
  absl::Status Begin(std::unique_ptr<Connection>& slot,
                     std::string_view begin) const;
  // BEGIN of a write transaction: BEGIN IMMEDIATE, or on PostgreSQL BEGIN
  // and the writer lock.
  absl::Status BeginWrite();
  // The PostgreSQL commit listener's thread: LISTEN and relay.
  void RunNotificationRelay();
  // Wakes the relay and waits for it to end; nothing when there is none.
  void StopNotificationRelay();
  // Write and WriteAhead: queues `work` at the back or the front.
  absl::Status Enqueue(absl::FunctionRef<absl::Status(Connection&)> work,
                       bool ahead) ABSL_LOCKS_EXCLUDED(queue_mu_);
  // Runs `batch` in as few transactions as possible and sets each member's
  // status. Called by the leader only, without queue_mu_ held.
  void RunBatch(const std::vector<PendingWrite*>& batch)
      ABSL_LOCKS_EXCLUDED(queue_mu_);
  // The background check's thread: runs quick_check on checker_.
  void RunBackgroundCheck() ABSL_LOCKS_EXCLUDED(health_mu_);
  void MarkDamaged(const absl::Status& damage) ABSL_LOCKS_EXCLUDED(health_mu_);
  // A reader slot's index; its connection is readers_[index].
  int AcquireReader() ABSL_LOCKS_EXCLUDED(readers_mu_);
  void ReleaseReader(int reader) ABSL_LOCKS_EXCLUDED(readers_mu_);

  Engine engine_ = Engine::kSqlite;
  std::string path_;
  // PostgreSQL: how to open a session again.
  std::string conninfo_;
  absl::Duration statement_timeout_;
  std::thread relay_thread_;
  // Written by the destructor to wake the relay at once (an eventfd).
  int relay_wake_fd_ = -1;
  int schema_version_ = 0;
  // Held shared for the database's life: restore and migrate wait for none
  // of us.
  std::optional<DatabaseLock> lock_;
  std::atomic<int> writers_queued_{0};
  std::atomic<uint64_t> write_transactions_{0};
  std::atomic<uint64_t> write_requests_{0};
  int max_batch_writes_ = 1;

  std::function<void()> commit_listener_;

  StartCheck start_check_ = StartCheck::kFullAtOpen;
  // Set by the destructor: the background check stops at its next step.
  std::atomic<bool> stopping_{false};
  // Read on every call without the lock; damage_ holds the status.
  std::atomic<bool> damaged_{false};
  std::unique_ptr<SqliteConnection> checker_;  // the background check's own
  // SQLite: copies the WAL into the file; null on PostgreSQL. Declared
  // after damaged_, which it reads.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::thread check_thread_;
  mutable absl::Mutex health_mu_;
  absl::Status damage_ ABSL_GUARDED_BY(health_mu_);
  bool check_over_ ABSL_GUARDED_BY(health_mu_) = true;
  std::function<void(const absl::Status&)> damage_listener_
      ABSL_GUARDED_BY(health_mu_);

  // The write queue. The first waiter finds no leader and leads: it takes
  // up to max_batch_writes_ queued calls, runs them, and wakes them with
  // their status; whoever is first in the queue then leads the next batch.
  absl::Mutex queue_mu_;
  std::deque<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leading_ ABSL_GUARDED_BY(queue_mu_) = false;
  // Used only by the current leader (leading_ hands it from one to the next).
  std::unique_ptr<Connection> writer_;

  absl::Mutex readers_mu_;
  absl::CondVar reader_released_;
  // Owns every reader; a slot is used (and reopened) only by whoever
  // acquired its index.
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<int> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_DATABASE_H_
