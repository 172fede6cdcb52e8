#include "tests/e2e/brevisd_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/testing/child_report.h"

extern char** environ;

namespace brevis::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kListeningMarker[] = "brevisd: listening on ";
// How long to keep reading output after the child has exited.
constexpr milliseconds kDrainTimeout{2000};
// The same when the object goes away: short, as nobody may read it.
constexpr milliseconds kLetGoDrainTimeout{200};
// The slice in which waits check the child and the pipes.
constexpr milliseconds kPollSlice{50};

milliseconds Remaining(Clock::time_point deadline) {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(
                                       deadline - Clock::now()));
}

// Reads once from *fd into *sink; closes the pipe and sets *fd to -1 at end
// of file or on an error other than an interruption.
void ReadOnce(int* fd, std::string* sink) {
  char buffer[4096];
  ssize_t n = read(*fd, buffer, sizeof buffer);
  if (n > 0) {
    sink->append(buffer, static_cast<size_t>(n));
    return;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  close(*fd);
  *fd = -1;
}

void CloseIfOpen(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

void ClosePipe(int fds[2]) {
  CloseIfOpen(&fds[0]);
  CloseIfOpen(&fds[1]);
}

}  // namespace

std::string ProcessResult::Describe() const {
  std::ostringstream text;
  if (!exited_in_time) {
    text << "did not exit in time and was killed";
  } else if (term_signal != 0) {
    text << "ended by signal " << term_signal;
  } else {
    text << "exit code " << exit_code;
  }
  text << "\n--- stdout ---\n" << out << "\n--- stderr ---\n" << err;
  return text.str();
}

std::string BrevisdPath() {
  // Another build's brevisd (an older release, to measure a change
  // against) may be tested with BREVIS_TEST_BREVISD.
  const char* other = std::getenv("BREVIS_TEST_BREVISD");
  return other != nullptr && *other != '\0' ? other : BREVISD_PATH;
}

std::unique_ptr<BrevisdProcess> BrevisdProcess::Start(
    const std::vector<std::string>& args, std::string* error) {
  return StartProgram(BrevisdPath(), args, error);
}

std::unique_ptr<BrevisdProcess> BrevisdProcess::StartProgram(
    const std::string& program, const std::vector<std::string>& args,
    std::string* error) {
  // Everything the child needs is prepared before fork: the test process
  // has gRPC threads, so the child may only make async-signal-safe calls.
  std::vector<std::string> argv_storage = {program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  struct sigaction default_action;
  std::memset(&default_action, 0, sizeof default_action);
  default_action.sa_handler = SIG_DFL;

  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int exec_pipe[2] = {-1, -1};
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0) {
    *error = std::string("cannot create pipes: ") + std::strerror(errno);
    CloseIfOpen(&null_fd);
    ClosePipe(out_pipe);
    ClosePipe(err_pipe);
    ClosePipe(exec_pipe);
    return nullptr;
  }

  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // brevisd sigwaits for SIGINT and SIGTERM itself; start it with nothing
    // blocked or ignored, whatever the test runner did.
    sigprocmask(SIG_SETMASK, &no_signals, nullptr);
    sigaction(SIGINT, &default_action, nullptr);
    sigaction(SIGTERM, &default_action, nullptr);
    sigaction(SIGPIPE, &default_action, nullptr);
    if (dup2(null_fd, STDIN_FILENO) >= 0 &&
        dup2(out_pipe[1], STDOUT_FILENO) >= 0 &&
        dup2(err_pipe[1], STDERR_FILENO) >= 0) {
      execve(argv[0], argv.data(), environ);
    }
    int exec_errno = errno;
    ssize_t ignored = write(exec_pipe[1], &exec_errno, sizeof exec_errno);
    (void)ignored;
    _exit(127);
  }

  int fork_errno = errno;
  CloseIfOpen(&null_fd);
  CloseIfOpen(&out_pipe[1]);
  CloseIfOpen(&err_pipe[1]);
  CloseIfOpen(&exec_pipe[1]);
  if (pid < 0) {
    *error = std::string("fork failed: ") + std::strerror(fork_errno);
    ClosePipe(out_pipe);
    ClosePipe(err_pipe);
    ClosePipe(exec_pipe);
    return nullptr;
  }
  // The exec pipe closes on a successful exec; otherwise it carries errno.
  // This read is bounded: the child either execs or exits right away.
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(exec_pipe[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  CloseIfOpen(&exec_pipe[0]);
  std::string name = std::filesystem::path(program).filename().string();
  if (!args.empty()) name += " " + args.front();
  std::unique_ptr<BrevisdProcess> process(
      new BrevisdProcess(std::move(name), pid, out_pipe[0], err_pipe[0]));
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    *error =
        "cannot execute " + argv_storage[0] + ": " + std::strerror(exec_errno);
    return nullptr;  // The destructor reaps the child.
  }
  return process;
}

BrevisdProcess::BrevisdProcess(std::string name, pid_t pid, int out_fd,
                               int err_fd)
    : name_(std::move(name)),
      pid_(pid),
      out_fd_(out_fd),
      err_fd_(err_fd),
      report_id_(testing::ChildStarted([this] {
        // The output read so far; a test that failed reports it as it ends.
        return testing::ChildReport(name_, pid_, "still running", out_, err_);
      })) {}

BrevisdProcess::~BrevisdProcess() {
  std::string ending;
  if (reaped_ || Reap(false)) {
    Drain(kLetGoDrainTimeout);
    ending = testing::DescribeWaitStatus(wait_status_);
  } else {
    ending = "still running when the test let it go (killed then)";
    KillAndReap();
    Drain(kLetGoDrainTimeout);
  }
  testing::ChildEnded(report_id_,
                      testing::ChildReport(name_, pid_, ending, out_, err_));
  CloseIfOpen(&out_fd_);
  CloseIfOpen(&err_fd_);
}

std::optional<int> BrevisdProcess::WaitForListening(milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    if (std::optional<int> port = ParseListeningLine()) return port;
    if (Reap(false)) {
      // It exited; what it wrote last may still be in the pipe.
      Drain(kDrainTimeout);
      return ParseListeningLine();
    }
    if (Clock::now() >= deadline) return std::nullopt;
    Pump(std::min(Remaining(deadline), kPollSlice));
  }
}

std::optional<int> BrevisdProcess::ParseListeningLine() {
  size_t start = out_.find(kListeningMarker);
  if (start == std::string::npos) return std::nullopt;
  start += std::strlen(kListeningMarker);
  // Only a complete line counts, so the port is never cut short.
  size_t end_of_line = out_.find('\n', start);
  if (end_of_line == std::string::npos) return std::nullopt;
  size_t end = std::min(out_.find(' ', start), end_of_line);
  std::string address = out_.substr(start, end - start);
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  int port = 0;
  const char* first = address.data() + colon + 1;
  const char* last = address.data() + address.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || port <= 0) return std::nullopt;
  address_ = address;
  return port;
}

void BrevisdProcess::ReadOutputFor(milliseconds duration) {
  Clock::time_point deadline = Clock::now() + duration;
  do {
    Pump(std::min(Remaining(deadline), kPollSlice));
  } while (Clock::now() < deadline);
}

bool BrevisdProcess::SendSignal(int signal_number) {
  if (reaped_) return false;
  return kill(pid_, signal_number) == 0;
}

ProcessResult BrevisdProcess::WaitForExit(milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (!Reap(false)) {
    if (Clock::now() >= deadline) {
      KillAndReap();
      Drain(kDrainTimeout);
      return Result(/*exited_in_time=*/false);
    }
    Pump(std::min(Remaining(deadline), kPollSlice));
  }
  Drain(kDrainTimeout);
  return Result(/*exited_in_time=*/true);
}

void BrevisdProcess::Pump(milliseconds timeout) {
  pollfd fds[2];
  int* owners[2];
  std::string* sinks[2];
  nfds_t count = 0;
  if (out_fd_ >= 0) {
    fds[count] = {out_fd_, POLLIN, 0};
    owners[count] = &out_fd_;
    sinks[count++] = &out_;
  }
  if (err_fd_ >= 0) {
    fds[count] = {err_fd_, POLLIN, 0};
    owners[count] = &err_fd_;
    sinks[count++] = &err_;
  }
  if (count == 0) {
    std::this_thread::sleep_for(timeout);
    return;
  }
  if (poll(fds, count, static_cast<int>(timeout.count())) <= 0) return;
  for (nfds_t i = 0; i < count; ++i) {
    if (fds[i].revents != 0) ReadOnce(owners[i], sinks[i]);
  }
}

void BrevisdProcess::Drain(milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while ((out_fd_ >= 0 || err_fd_ >= 0) && Clock::now() < deadline) {
    Pump(std::min(Remaining(deadline), kPollSlice));
  }
}

bool BrevisdProcess::Reap(bool block) {
  if (reaped_) return true;
  int status = 0;
  pid_t result;
  do {
    result = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (result < 0 && errno == EINTR);
  if (result == 0) return false;
  reaped_ = true;
  // result < 0 means someone else reaped it; report it as killed.
  wait_status_ = result == pid_ ? status : SIGKILL;
  return true;
}

void BrevisdProcess::KillAndReap() {
  kill(pid_, SIGKILL);
  Reap(/*block=*/true);
}

ProcessResult BrevisdProcess::Result(bool exited_in_time) const {
  ProcessResult result;
  result.exited_in_time = exited_in_time;
  if (WIFEXITED(wait_status_)) {
    result.exit_code = WEXITSTATUS(wait_status_);
  } else if (WIFSIGNALED(wait_status_)) {
    result.term_signal = WTERMSIG(wait_status_);
  }
  result.out = out_;
  result.err = err_;
  return result;
}

ProcessResult RunBrevisd(const std::vector<std::string>& args,
                         milliseconds timeout) {
  std::string error;
  std::unique_ptr<BrevisdProcess> process = BrevisdProcess::Start(args, &error);
  if (process == nullptr) {
    ProcessResult result;
    result.err = "cannot start brevisd: " + error;
    return result;
  }
  return process->WaitForExit(timeout);
}

TempDir::TempDir() {
  std::error_code error;
  std::filesystem::path base = std::filesystem::temp_directory_path(error);
  if (error) base = "/tmp";
  std::string pattern = (base / "brevis-e2e-XXXXXX").string();
  if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(const std::string& name) const {
  return (std::filesystem::path(path_) / name).string();
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  return file.good();
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace brevis::e2e
