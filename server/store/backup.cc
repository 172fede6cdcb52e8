#include "server/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/database_lock.h"
#include "server/store/sqlite.h"

namespace brevis::store {
namespace {

absl::Status CheckIntegrity(SqliteConnection& connection,
                            const std::string& path) {
  BREVIS_ASSIGN_OR_RETURN(auto check,
                          connection.Prepare("PRAGMA integrity_check"));
  BREVIS_ASSIGN_OR_RETURN(bool row, check->Step());
  if (!row || check->Text(0) != "ok") {
    return absl::FailedPreconditionError(
        StrCat(path, " fails the integrity check: ",
               row ? check->Text(0) : std::string("no answer")));
  }
  return absl::OkStatus();
}

absl::Status SyncFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(StrCat("cannot open ", path));
  bool ok = fsync(fd) == 0;
  close(fd);
  return ok ? absl::OkStatus()
            : absl::InternalError(StrCat("cannot sync ", path));
}

// Copies `source` into a new database file at `path`, as one journal-free
// file (no -wal beside it).
absl::Status CopyInto(SqliteConnection& source, const std::string& path) {
  BREVIS_ASSIGN_OR_RETURN(auto target,
                          SqliteConnection::Open(path, /*create=*/true, false));
  sqlite3_backup* backup =
      sqlite3_backup_init(target->raw(), "main", source.raw(), "main");
  if (backup == nullptr) {
    return SqliteError(sqlite3_errcode(target->raw()), "backup", target->raw());
  }
  // One step copies everything inside one read transaction of the source:
  // a consistent snapshot that writers in WAL mode are not blocked by.
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(rc, "backup", target->raw());
  BREVIS_RETURN_IF_ERROR(target->Exec("PRAGMA journal_mode=DELETE"));
  return CheckIntegrity(*target, path);
}

void RemoveQuietly(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

}  // namespace

absl::Status BackupDatabase(const std::string& db_path,
                            const std::string& to_path) {
  std::error_code error;
  if (std::filesystem::exists(to_path, error)) {
    return absl::AlreadyExistsError(
        StrCat(to_path, " exists; a backup never overwrites a file"));
  }
  if (!std::filesystem::exists(db_path, error)) {
    return absl::NotFoundError(StrCat("database ", db_path, " does not exist"));
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto source, SqliteConnection::Open(db_path, /*create=*/false, false));
  std::string partial = to_path + ".partial";
  RemoveQuietly(partial);
  absl::Status status = CopyInto(*source, partial);
  if (status.ok()) status = SyncFile(partial);
  if (status.ok()) {
    std::filesystem::rename(partial, to_path, error);
    if (error) {
      status = absl::InternalError(StrCat("cannot rename ", partial, " to ",
                                          to_path, ": ", error.message()));
    }
  }
  if (!status.ok()) RemoveQuietly(partial);
  return status;
}

absl::Status RestoreDatabase(const std::string& from_path,
                             const std::string& db_path) {
  // Nobody may use the database while it is replaced: a serving brevisd
  // would go on writing to the file that is about to disappear.
  BREVIS_ASSIGN_OR_RETURN(DatabaseLock lock,
                          DatabaseLock::Acquire(db_path, /*exclusive=*/true));
  BREVIS_ASSIGN_OR_RETURN(
      auto backup, SqliteConnection::Open(from_path, /*create=*/false, false));
  BREVIS_RETURN_IF_ERROR(CheckIntegrity(*backup, from_path));
  std::string partial = db_path + ".restoring";
  RemoveQuietly(partial);
  absl::Status status = CopyInto(*backup, partial);
  if (status.ok()) status = SyncFile(partial);
  if (!status.ok()) {
    RemoveQuietly(partial);
    return status;
  }
  std::error_code error;
  if (std::filesystem::exists(db_path, error)) {
    // Fold the old WAL into the old file first: if anything below fails,
    // the old database is whole on its own.
    auto old = SqliteConnection::Open(db_path, /*create=*/false, false);
    if (old.ok()) {
      (*old)->Exec("PRAGMA wal_checkpoint(TRUNCATE)").IgnoreError();
    }
  }
  std::filesystem::rename(partial, db_path, error);
  if (error) {
    RemoveQuietly(partial);
    return absl::InternalError(StrCat("cannot rename ", partial, " to ",
                                      db_path, ": ", error.message()));
  }
  // The old WAL (empty now) belongs to the old file; left behind it could
  // be replayed onto the restored one.
  std::filesystem::remove(db_path + "-wal", error);
  std::filesystem::remove(db_path + "-shm", error);
  return absl::OkStatus();
}

}  // namespace brevis::store
