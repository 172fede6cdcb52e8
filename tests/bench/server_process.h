#ifndef BREVIS_TESTS_BENCH_SERVER_PROCESS_H_
#define BREVIS_TESTS_BENCH_SERVER_PROCESS_H_

// brevisd as a child process of the benchmark: its output goes to files in
// a work directory (brevisd logs a line per call, which a pipe nobody reads
// would soon block), every wait is bounded, and no child outlives the
// benchmark.

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace brevis::bench {

// The whole file at `path` ("" when it cannot be read).
std::string ReadAll(const std::string& path);

// Starts `argv` (argv[0] a path) with stdout and stderr appended to the two
// files; the child is killed if the benchmark dies. FAILED_PRECONDITION
// when the files cannot be opened or fork fails.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv,
                            const std::string& out_file,
                            const std::string& err_file);

// Waits up to `timeout` for `pid`; true when it exited, with its waitpid
// status in `status`.
bool WaitFor(pid_t pid, std::chrono::milliseconds timeout, int* status);

// Runs `program args...` to completion with its output in `log_file`;
// FAILED_PRECONDITION with the log when it fails or takes over `timeout`.
absl::Status RunProgram(const std::vector<std::string>& argv,
                        const std::string& log_file,
                        std::chrono::milliseconds timeout);

// Credentials for a channel to a brevisd: plaintext when `certs_dir` is
// empty, else TLS trusting `certs_dir`/ca.crt (deploy/make-certs.sh).
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(
    const std::string& certs_dir);

// A serving brevisd. Not thread-safe. How it ended and the tail of its
// output are kept for a failure report (tests/testing/child_report.h).
class ServerProcess {
 public:
  // Starts `brevisd serve --db DB --listen 127.0.0.1:0` and waits (at most
  // `timeout`) until its health check answers SERVING. With `certs_dir`
  // (made by deploy/make-certs.sh) it serves TLS and accepts client
  // certificates of that CA, as brevis-web needs.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& brevisd, const std::string& db,
      const std::string& work_dir, std::chrono::milliseconds timeout,
      const std::string& certs_dir = "");
  // Stops the server if it still runs.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // 127.0.0.1:PORT
  const std::string& address() const { return address_; }
  // A new channel to it, TLS when it serves TLS.
  std::shared_ptr<grpc::Channel> Channel() const;
  // From the start of the process until the health check said SERVING.
  double startup_seconds() const { return startup_seconds_; }
  // The peak resident set so far (VmHWM), in bytes; 0 when unknown.
  int64_t PeakRssBytes() const;
  // A counter or gauge from brevisd's Prometheus endpoint (served on
  // 127.0.0.1 beside the API); -1 when it cannot be read.
  double Metric(const std::string& name) const;
  // SIGTERM, then SIGKILL if it has not exited within `timeout`.
  absl::Status Stop(std::chrono::milliseconds timeout);

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  std::string address_;
  std::string certs_dir_;
  int metrics_port_ = 0;
  std::string out_file_;
  std::string log_file_;
  int report_id_ = 0;
  double startup_seconds_ = 0;
};

// The size of the database with its WAL, in bytes.
int64_t DatabaseBytes(const std::string& db);

}  // namespace brevis::bench

#endif  // BREVIS_TESTS_BENCH_SERVER_PROCESS_H_
