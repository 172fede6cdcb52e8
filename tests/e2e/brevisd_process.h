#ifndef BREVIS_TESTS_E2E_BREVISD_PROCESS_H_
#define BREVIS_TESTS_E2E_BREVISD_PROCESS_H_

// Runs the real brevisd binary as a child process for end-to-end tests.
// Every wait is bounded, and no child outlives the object that started it.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace brevis::e2e {

using std::chrono::milliseconds;

// How long a test waits for brevisd to print its "listening on" line, and
// for a command such as init or migrate to finish.
inline constexpr milliseconds kStartTimeout{10000};
// How long a test waits for a signalled server to exit: the 5 s drain
// deadline brevisd promises, plus slack for a loaded machine.
inline constexpr milliseconds kStopTimeout{10000};

// How a child ended, and everything it wrote.
struct ProcessResult {
  // False when the child had not exited within the timeout and was killed.
  bool exited_in_time = false;
  // The exit status when the child called exit, otherwise -1.
  int exit_code = -1;
  // The signal that ended the child, otherwise 0.
  int term_signal = 0;
  std::string out;
  std::string err;

  // A few lines for a test failure message.
  std::string Describe() const;
};

// The brevisd binary under test: the build's BREVISD_PATH, or the one
// the environment variable BREVIS_TEST_BREVISD names.
std::string BrevisdPath();

// One brevisd child with stdout and stderr captured through pipes and stdin
// reading /dev/null. When a test fails, how each of its brevisd children
// ended and the tail of its output are printed (tests/testing/
// child_report.h). Not thread-safe; use it from the thread that created it
// (the child is also asked to die with that thread, see Start).
class BrevisdProcess {
 public:
  // Starts `brevisd args...`. Returns nullptr and sets *error when the child
  // cannot be started. The child gets SIGKILL if the starting thread dies,
  // so even a crashed test leaves no server behind.
  static std::unique_ptr<BrevisdProcess> Start(
      const std::vector<std::string>& args, std::string* error);
  // The same for another program beside brevisd (a proxy in front of it);
  // WaitForListening applies to brevisd only.
  static std::unique_ptr<BrevisdProcess> StartProgram(
      const std::string& program, const std::vector<std::string>& args,
      std::string* error);

  // Kills (SIGKILL) and reaps the child if it is still running.
  ~BrevisdProcess();
  BrevisdProcess(const BrevisdProcess&) = delete;
  BrevisdProcess& operator=(const BrevisdProcess&) = delete;

  // Waits up to `timeout` for the line "brevisd: listening on HOST:PORT ..."
  // and returns PORT. nullopt when the child exits first or time runs out.
  std::optional<int> WaitForListening(milliseconds timeout = kStartTimeout);

  // HOST:PORT from the listening line; empty until WaitForListening saw it.
  const std::string& address() const { return address_; }

  // Sends `signal_number` to the child. False when it has already been
  // reaped or kill fails.
  bool SendSignal(int signal_number);

  // Waits up to `timeout` for the child to exit and returns how it ended
  // with all its output. A child still running then is killed (SIGKILL)
  // and reported with exited_in_time = false. Call it once.
  ProcessResult WaitForExit(milliseconds timeout = kStopTimeout);

  // Keeps reading the child's output for `duration` (at least once), so
  // that a busy child never blocks on a full pipe; use it instead of
  // sleeping while the child serves many calls.
  void ReadOutputFor(milliseconds duration);

  // Output captured so far.
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

  pid_t pid() const { return pid_; }

 private:
  BrevisdProcess(std::string name, pid_t pid, int out_fd, int err_fd);

  // The port of a complete "listening on" line in the output so far.
  std::optional<int> ParseListeningLine();
  // Reads what the pipes hold, waiting up to `timeout` for the first byte.
  // Sleeps for `timeout` when both pipes are already at end of file.
  void Pump(milliseconds timeout);
  // Reads both pipes to end of file, for at most `timeout`.
  void Drain(milliseconds timeout);
  // Collects the exit status; blocks only when `block` is true.
  bool Reap(bool block);
  void KillAndReap();
  ProcessResult Result(bool exited_in_time) const;

  // The program and its first argument ("brevisd serve"), for reports.
  const std::string name_;
  pid_t pid_;
  int out_fd_;
  int err_fd_;
  std::string out_;
  std::string err_;
  std::string address_;
  bool reaped_ = false;
  int wait_status_ = 0;
  const int report_id_;
};

// Runs `brevisd args...` to completion (init, migrate, a refused serve) and
// returns its exit code and output; kills it after `timeout`.
ProcessResult RunBrevisd(const std::vector<std::string>& args,
                         milliseconds timeout = kStartTimeout);

// A fresh directory under $TMPDIR, removed with its contents when the object
// goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when the directory could not be created.
  const std::string& path() const { return path_; }
  // `name` inside the directory.
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

// Writes `text` to `path`, replacing the file. False on failure.
bool WriteFile(const std::string& path, const std::string& text);

// The contents of `path`; nullopt when it cannot be read.
std::optional<std::string> ReadFile(const std::string& path);

}  // namespace brevis::e2e

#endif  // BREVIS_TESTS_E2E_BREVISD_PROCESS_H_
