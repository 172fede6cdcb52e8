#ifndef BREVIS_SERVER_STORE_DATABASE_LOCK_H_
#define BREVIS_SERVER_STORE_DATABASE_LOCK_H_

#include <string>

#include "absl/status/statusor.h"

namespace brevis::store {

// An advisory lock on a database, held on the file PATH.lock beside it:
// every process that opens the database holds it shared, and what must
// have the database to itself (restore, migrate) holds it exclusively, so
// those refuse to run under a serving brevisd. A separate file, because
// closing any descriptor of the database file itself would drop SQLite's
// own locks. Movable, not copyable; released when destroyed.
class DatabaseLock {
 public:
  // FAILED_PRECONDITION, naming the database, when the lock is held in the
  // conflicting mode by another process.
  static absl::StatusOr<DatabaseLock> Acquire(const std::string& db_path,
                                              bool exclusive);
  DatabaseLock(DatabaseLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
  }
  DatabaseLock& operator=(DatabaseLock&& other) noexcept;
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;
  ~DatabaseLock();

  // Turns a shared lock into an exclusive one without waiting: true when no
  // other process holds the lock (this one is the database's only user),
  // false otherwise. flock converts by dropping the shared lock first, so
  // after false the lock may be gone: call it only when done with the
  // database.
  bool TryMakeExclusive();

 private:
  explicit DatabaseLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_DATABASE_LOCK_H_
