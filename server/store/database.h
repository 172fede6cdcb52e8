#ifndef BREVIS_SERVER_STORE_DATABASE_H_
#define BREVIS_SERVER_STORE_DATABASE_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "server/store/database_lock.h"
#include "server/store/embedded_migrations.h"
#include "server/store/sqlite.h"

namespace brevis::store {

struct DatabaseOptions {
  std::string path;
  // Connections for concurrent reads; writes always use one more, their own.
  int reader_count = 4;
  // The schema the database must be at; tests may pass their own.
  std::span<const Migration> migrations = EmbeddedMigrations();
};

// Creates a new database file at `path` with every migration applied.
// ALREADY_EXISTS when the file exists: init never touches existing data.
absl::Status CreateDatabase(const std::string& path,
                            std::span<const Migration> migrations);

// The brevis database: one writer connection, so writes are serialized, and
// a pool of reader connections, which WAL lets run beside the writer.
// Thread-safe. Write and Read block until a connection is free.
class Database {
 public:
  // Opens an existing database. FAILED_PRECONDITION, with the reason, when
  // its schema is not exactly the one this binary carries (pending, newer or
  // edited migrations) or when quick_check finds damage; NOT_FOUND when the
  // file does not exist.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const DatabaseOptions& options);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs `work` inside BEGIN IMMEDIATE ... COMMIT on the writer connection.
  // When `work` fails the transaction is rolled back and nothing it wrote
  // remains; its status is returned. OK means the commit is on disk.
  absl::Status Write(absl::FunctionRef<absl::Status(Connection&)> work);

  // Runs `work` in a read transaction, so every statement in it sees the
  // same snapshot.
  absl::Status Read(absl::FunctionRef<absl::Status(Connection&)> work);

  // Calls `listener` after every committed write transaction, on the
  // writing thread and outside the writer lock; it must be quick. Set it
  // before the first Write (the event feed wakes its watchers with it).
  void SetCommitListener(std::function<void()> listener) {
    commit_listener_ = std::move(listener);
  }

  int schema_version() const { return schema_version_; }
  // Write calls waiting for or holding the writer: the writer's queue.
  int writers_queued() const { return writers_queued_.load(); }
  // Committed write transactions and the requests they carried; their
  // ratio is the batch size (1 until writes are grouped).
  uint64_t write_transactions() const { return write_transactions_.load(); }
  const std::string& path() const { return path_; }

 private:
  Database() = default;
  Connection* AcquireReader();
  void ReleaseReader(Connection* reader);

  std::string path_;
  int schema_version_ = 0;
  // Held shared for the database's life: restore and migrate wait for none
  // of us.
  std::optional<DatabaseLock> lock_;
  std::atomic<int> writers_queued_{0};
  std::atomic<uint64_t> write_transactions_{0};

  std::function<void()> commit_listener_;

  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_;  // guarded by writer_mu_

  std::mutex readers_mu_;
  std::condition_variable reader_released_;
  std::vector<std::unique_ptr<Connection>> readers_;  // owns every reader
  std::vector<Connection*> idle_readers_;             // guarded by readers_mu_
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_DATABASE_H_
