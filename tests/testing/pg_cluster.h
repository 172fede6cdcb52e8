#ifndef BREVIS_TESTS_TESTING_PG_CLUSTER_H_
#define BREVIS_TESTS_TESTING_PG_CLUSTER_H_

// A throwaway PostgreSQL cluster for tests: initdb in a fresh temporary
// directory, a server listening only on a Unix socket in that directory (no
// TCP), fsync and synchronous_commit on, stopped and removed when the
// object goes away. initdb refuses to run as root, so as root (CI) the
// server's programs run as the `postgres` user and the directory is
// theirs; as anyone else they run as that user. Authentication is `trust`:
// only the directory's owner (and root) can reach the socket.
//
// While it runs, a test that fails prints the cluster's state and the tail
// of its log (tests/testing/child_report.h). If the test process crashes
// or is killed, a small child it started stops the server and removes the
// directory (see ReaperPid). ConnInfo, Uri and
// CreateDatabase may be called from any thread; Stop, Restart and Describe
// from one at a time.

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace brevis::testing {

struct PgClusterOptions {
  // false: fsync and full_page_writes off, for tests that never look at
  // what survives a crash (the API tests on PostgreSQL): CREATE and DROP
  // DATABASE, which they do per test, then cost a fraction.
  bool durable = true;
};

class PgCluster {
 public:
  // initdb, configure and `pg_ctl start -w` (bounded by pg_ctl's own
  // timeout of 60 s). Returns INTERNAL with what each step printed, how the
  // server ended and the tail of its log when any step fails; the
  // directory is removed then too.
  static absl::StatusOr<std::unique_ptr<PgCluster>> Start(
      PgClusterOptions options = {});
  // Stops the server (if running) and removes the directory.
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // How Stop ends the server: kFast rolls back open transactions, ends
  // every session and shuts down cleanly; kImmediate is a crash (no
  // checkpoint), recovered from the WAL by the next start.
  enum class StopMode { kFast, kImmediate };

  // `pg_ctl stop -m fast|immediate -w`. Returns OK when the server was not
  // running, INTERNAL with Describe() when pg_ctl fails.
  absl::Status Stop(StopMode mode = StopMode::kFast);

  // `pg_ctl start -w` again on the same data directory, socket and
  // settings, after Stop: for a test that takes the database away under
  // load and brings it back. OK when it already runs; INTERNAL with
  // Describe() when pg_ctl fails.
  absl::Status Restart();

  // A key=value connection string for `database` on this cluster.
  std::string ConnInfo(std::string_view database) const;
  // The same as a postgresql:// URI (the socket directory as host).
  std::string Uri(std::string_view database) const;

  // Creates an empty database with a name no other call returns, from
  // template0. Returns its name.
  absl::StatusOr<std::string> CreateDatabase();

  // The process that stops the server and removes the directory once this
  // process is gone, or once this object is.
  pid_t ReaperPid() const { return reaper_pid_; }
  // The directory the cluster lives in.
  const std::string& dir() const { return dir_; }

  // The state of the server (`pg_ctl status`), how starting and stopping
  // it went, and the last 40 lines of its log.
  std::string Describe() const;

 private:
  PgCluster() = default;
  absl::Status Init(const PgClusterOptions& options);
  // `pg_ctl start -w`, recorded in history_; registers the failure report.
  absl::Status StartServer();
  // Starts the child that stops the server and removes the directory when
  // this process ends without doing so (a crash, a kill).
  absl::Status StartReaper();

  std::string dir_;      // the temporary directory, also the socket's
  std::string data_;     // dir_/data
  std::string log_;      // dir_/server.log
  std::string history_;  // each pg_ctl/initdb run and its ending
  bool running_ = false;
  int report_id_ = -1;
  int reaper_fd_ = -1;  // the write end of the reaper's pipe
  pid_t reaper_pid_ = -1;
};

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_PG_CLUSTER_H_
