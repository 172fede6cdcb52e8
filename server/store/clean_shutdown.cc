#include "server/store/clean_shutdown.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/domain/str_cat.h"

namespace brevis::store {
namespace {

// The first word of a marker; a later format gets another.
constexpr char kMarkerFormat[] = "brevis-clean-shutdown-1";

std::string MarkerPath(const std::string& db_path) {
  return db_path + ".clean";
}

// The marker's text for the file as it is now; empty when it cannot be
// read.
std::string Identity(const std::string& db_path) {
  struct stat file;
  if (stat(db_path.c_str(), &file) != 0) return std::string();
  return brevis::StrCat(kMarkerFormat, " dev=", file.st_dev,
                        " ino=", file.st_ino, " size=", file.st_size,
                        " mtime_ns=",
                        static_cast<int64_t>(file.st_mtim.tv_sec) * 1000000000 +
                            file.st_mtim.tv_nsec,
                        "\n");
}

// A WAL beside the file that holds anything: its frames are not in the
// main file, so the marker cannot speak for them.
bool HasWal(const std::string& db_path) {
  struct stat wal;
  return stat((db_path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
}

std::string Errno(int error) { return std::strerror(error); }

// fsync of the directory that holds `path`, so that a rename or unlink in
// it survives a power cut.
absl::Status SyncDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(
        brevis::StrCat("cannot open directory ", dir, ": ", Errno(errno)));
  }
  int rc = fsync(fd);
  int error = errno;
  close(fd);
  if (rc != 0) {
    return absl::InternalError(
        brevis::StrCat("cannot sync directory ", dir, ": ", Errno(error)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> ConsumeCleanShutdownMarker(const std::string& db_path) {
  const std::string marker = MarkerPath(db_path);
  std::ifstream in(marker, std::ios::binary);
  if (!in.is_open()) return false;
  std::stringstream text;
  text << in.rdbuf();
  in.close();
  bool matches = !HasWal(db_path) && text.str() == Identity(db_path) &&
                 !text.str().empty();
  if (unlink(marker.c_str()) != 0 && errno != ENOENT) {
    return absl::FailedPreconditionError(brevis::StrCat(
        "cannot remove the clean-shutdown marker ", marker, " (", Errno(errno),
        "); check the permissions of the database's directory"));
  }
  absl::Status synced = SyncDirectory(marker);
  if (!synced.ok()) {
    return absl::FailedPreconditionError(brevis::StrCat(
        "cannot make the removal of ", marker, " durable: ", synced.message()));
  }
  return matches;
}

absl::Status WriteCleanShutdownMarker(const std::string& db_path) {
  if (HasWal(db_path)) {
    return absl::FailedPreconditionError(
        brevis::StrCat("database ", db_path,
                       " still has a WAL: its close was not the last or not "
                       "clean, so no clean-shutdown marker is written"));
  }
  std::string identity = Identity(db_path);
  if (identity.empty()) {
    return absl::InternalError(
        brevis::StrCat("cannot read database ", db_path, ": ", Errno(errno)));
  }
  const std::string marker = MarkerPath(db_path);
  const std::string temporary = marker + ".tmp";
  int fd = open(temporary.c_str(),
                O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::InternalError(
        brevis::StrCat("cannot create ", temporary, ": ", Errno(errno)));
  }
  bool written = write(fd, identity.data(), identity.size()) ==
                     static_cast<ssize_t>(identity.size()) &&
                 fsync(fd) == 0;
  int error = errno;
  close(fd);
  if (!written || rename(temporary.c_str(), marker.c_str()) != 0) {
    if (written) error = errno;
    unlink(temporary.c_str());
    return absl::InternalError(
        brevis::StrCat("cannot write ", marker, ": ", Errno(error)));
  }
  return SyncDirectory(marker);
}

}  // namespace brevis::store
