#ifndef BREVIS_SERVER_STORE_CLEAN_SHUTDOWN_H_
#define BREVIS_SERVER_STORE_CLEAN_SHUTDOWN_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace brevis::store {

// The clean-shutdown marker, the file PATH.clean beside the database: it
// says that the last process to close the database closed it cleanly (every
// connection closed, the WAL checkpointed into the main file and removed)
// and names the main file as it was then (device, inode, size, modification
// time in nanoseconds). It lets a start after a clean stop skip the full
// check of every page, whose cost grows with the file; a crash or a power
// cut leaves no marker, because opening removes it durably before anything
// is written. Free functions, no state; not for concurrent use on one path.

// Reads and removes the marker of the database at `db_path`. True when the
// marker was there, whole, and names the file exactly as it is now, with no
// WAL beside it holding frames; false when it is absent or does not match
// (a copied, restored or edited file, a crash). The removal (unlink, then
// fsync of the directory) is durable before this returns, so a crash from
// here on leaves no marker. FAILED_PRECONDITION when a marker exists but
// cannot be removed: serving then could hide a later crash.
absl::StatusOr<bool> ConsumeCleanShutdownMarker(const std::string& db_path);

// Writes the marker durably (a temporary file, fsync, rename, fsync of the
// directory), naming the file as it is now. Call after the last connection
// has closed. FAILED_PRECONDITION when a WAL is still beside the file (the
// close was not clean: another process has the database open, or the
// checkpoint failed); INTERNAL when the file cannot be written.
absl::Status WriteCleanShutdownMarker(const std::string& db_path);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_CLEAN_SHUTDOWN_H_
