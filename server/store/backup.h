#ifndef BREVIS_SERVER_STORE_BACKUP_H_
#define BREVIS_SERVER_STORE_BACKUP_H_

#include <string>

#include "absl/status/status.h"

namespace brevis::store {

// Copies the database at `db_path` to a new file `to_path` with SQLite's
// online backup API: a consistent snapshot while the server keeps serving
// (in WAL mode the copy holds a read transaction and blocks no writer).
// The copy is written beside its destination, checked with
// integrity_check, synced and then renamed into place, so `to_path` is
// either a whole, good backup or absent. ALREADY_EXISTS when `to_path`
// exists.
absl::Status BackupDatabase(const std::string& db_path,
                            const std::string& to_path);

// Puts the backup `from_path` in place as the database `db_path`, which must
// not be in use (stop brevisd first). Checks the backup's integrity first;
// removes the old database's WAL files. FAILED_PRECONDITION when the backup
// is damaged.
absl::Status RestoreDatabase(const std::string& from_path,
                             const std::string& db_path);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_BACKUP_H_
