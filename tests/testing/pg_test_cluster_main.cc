// pg_test_cluster: one throwaway PostgreSQL cluster for a whole CTest run
// (tests/CMakeLists.txt registers it as the `pg_cluster` fixture).
//
//   pg_test_cluster start STATE   starts a holder process, which starts the
//                                 cluster (PgCluster), makes the migrated
//                                 template database and writes STATE
//                                 (pg_test_database.h); returns once STATE
//                                 is written, or with the holder's error.
//   pg_test_cluster stop STATE    asks the holder to stop the cluster and
//                                 waits for it.
//
// The holder outlives `start` (a CTest test must end) but not the run: it
// stops the cluster when `stop` asks, and also when the process that ran
// `start` (CTest) ends, so an interrupted or killed run leaves no server
// behind. If the holder itself is killed, PgCluster's reaper stops the
// server. The holder's log is STATE.log; `stop` prints it when it fails.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "server/store/engine_error.h"
#include "tests/testing/child_report.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/pg_test_database.h"

namespace brevis::testing {
namespace {

constexpr char kTemplate[] = "brevis_template";
// How long `stop` waits for the holder: pg_ctl's own bound is 60 s.
constexpr int kStopWaitMs = 90'000;

// The raw call: glibc 2.36's <sys/pidfd.h> declares pidfd_open without C
// linkage for C++.
int PidFd(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Blocks SIGTERM and SIGINT and returns a descriptor that becomes readable
// when one arrives.
int TerminationFd() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  return signalfd(-1, &signals, SFD_CLOEXEC);
}

// The holder: runs in a child of `start`, with its output in `log`. Writes
// "ok" or the error to `ready` and closes it; then waits.
[[noreturn]] void Hold(const std::string& state, pid_t run_pid, int ready) {
  auto report = [&](const std::string& text) {
    std::cerr << text << std::endl;
    (void)!write(ready, text.data(), text.size());
    close(ready);
  };
  int run_fd = PidFd(run_pid);
  if (run_fd < 0) {
    report(std::string("pidfd_open failed: ") + std::strerror(errno));
    _exit(1);
  }
  auto cluster = PgCluster::Start({.durable = false});
  if (!cluster.ok()) {
    report(std::string(cluster.status().message()));
    _exit(1);
  }
  // Only now: the server and the reaper must not inherit blocked signals.
  int stop_fd = TerminationFd();
  if (stop_fd < 0) {
    report(std::string("signalfd failed: ") + std::strerror(errno));
    _exit(1);
  }
  PgTestCluster shared;
  shared.host = (*cluster)->dir();
  std::string conninfo = (*cluster)->ConnInfo("postgres");
  shared.user = conninfo.substr(conninfo.rfind("user=") + 5);
  shared.data_dir = (*cluster)->dir() + "/data";
  shared.template_name = kTemplate;
  absl::Status made = CreateMigratedDatabase(shared, kTemplate);
  if (made.ok()) made = WritePgTestCluster(shared, state);
  if (!made.ok()) {
    report("making the template database failed: " +
           store::DescribeForLog(made) + "\n" + (*cluster)->Describe());
    _exit(1);
  }
  report("ok");
  std::cerr << "cluster in " << shared.host << " is serving" << std::endl;

  pollfd waits[2] = {{run_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  while (poll(waits, 2, -1) < 0 && errno == EINTR) {
  }
  std::cerr << (waits[0].revents != 0 ? "the test run ended" : "asked to stop")
            << "; stopping the cluster" << std::endl;
  std::remove(state.c_str());
  absl::Status stopped = (*cluster)->Stop();
  std::cerr << (stopped.ok() ? std::string("stopped")
                             : std::string(stopped.message()))
            << std::endl;
  cluster->reset();
  std::ofstream(state + ".result") << (stopped.ok() ? "stopped" : "failed");
  _exit(stopped.ok() ? 0 : 1);
}

int Start(const std::string& state) {
  for (const char* suffix : {"", ".result", ".pid"}) {
    std::remove((state + suffix).c_str());
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    return 1;
  }
  pid_t run_pid = getppid();
  pid_t holder = fork();
  if (holder < 0) {
    std::perror("fork");
    return 1;
  }
  if (holder == 0) {
    close(pipe_fds[0]);
    // Off CTest's output pipes (it waits for them to close) and out of
    // this process's session.
    setsid();
    int log = open((state + ".log").c_str(),
                   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int null_fd = open("/dev/null", O_RDONLY);
    if (log < 0 || null_fd < 0) _exit(1);
    dup2(null_fd, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    Hold(state, run_pid, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  std::string answer;
  char buffer[4096];
  for (;;) {
    ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
    if (got > 0) {
      answer.append(buffer, got);
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  if (answer != "ok") {
    std::cerr << "the PostgreSQL test cluster did not start: "
              << (answer.empty() ? "the holder ended without a word" : answer)
              << "\n--- holder log ---\n"
              << LastLines(ReadAll(state + ".log"), 40) << std::endl;
    return 1;
  }
  std::ofstream(state + ".pid") << holder << "\n";
  std::cout << "holder " << holder << ": " << ReadAll(state);
  // The holder is not waited for here: it must outlive this test.
  return 0;
}

int Stop(const std::string& state) {
  std::ifstream pid_file(state + ".pid");
  pid_t holder = 0;
  if (!(pid_file >> holder) || holder <= 0) {
    std::cerr << state << ".pid is missing: no test cluster was started\n";
    return 1;
  }
  // A pid can be reused: only a holder of this state is signalled.
  std::string command_line =
      ReadAll("/proc/" + std::to_string(holder) + "/cmdline");
  int holder_fd =
      command_line.find(state) != std::string::npos ? PidFd(holder) : -1;
  if (holder_fd >= 0) {
    kill(holder, SIGTERM);
    pollfd wait = {holder_fd, POLLIN, 0};
    int ready = 0;
    while ((ready = poll(&wait, 1, kStopWaitMs)) < 0 && errno == EINTR) {
    }
    if (ready == 0) {
      std::cerr << "the holder did not end within " << kStopWaitMs / 1000
                << " s; killing it (its reaper stops the server)\n";
      kill(holder, SIGKILL);
    }
  }
  std::string result = ReadAll(state + ".result");
  std::remove((state + ".pid").c_str());
  if (result != "stopped") {
    std::cerr << "the PostgreSQL test cluster did not stop cleanly ("
              << (holder_fd < 0 ? "its holder had already ended"
                                : "holder result: " + result)
              << ")\n--- holder log ---\n"
              << LastLines(ReadAll(state + ".log"), 40) << std::endl;
    return 1;
  }
  std::cout << ReadAll(state + ".log");
  return 0;
}

}  // namespace
}  // namespace brevis::testing

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: pg_test_cluster start|stop STATE\n";
    return 2;
  }
  std::string command = argv[1];
  if (command == "start") return brevis::testing::Start(argv[2]);
  if (command == "stop") return brevis::testing::Stop(argv[2]);
  std::cerr << "unknown command " << command << "\n";
  return 2;
}
