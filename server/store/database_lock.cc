#include "server/store/database_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/domain/str_cat.h"

namespace brevis::store {

absl::StatusOr<DatabaseLock> DatabaseLock::Acquire(const std::string& db_path,
                                                   bool exclusive) {
  std::string path = db_path + ".lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        StrCat("cannot open the lock file ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    int error = errno;
    close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(StrCat(
          "database ", db_path,
          exclusive ? " is in use (a brevisd is serving it); stop it first"
                    : " is being restored or migrated; wait for that to end"));
    }
    return absl::FailedPreconditionError(
        StrCat("cannot lock ", path, ": ", std::strerror(error)));
  }
  return DatabaseLock(fd);
}

DatabaseLock& DatabaseLock::operator=(DatabaseLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

bool DatabaseLock::TryMakeExclusive() {
  return fd_ >= 0 && flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

DatabaseLock::~DatabaseLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace brevis::store
