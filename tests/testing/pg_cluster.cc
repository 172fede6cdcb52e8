#include "tests/testing/pg_cluster.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "server/domain/status_macros.h"
#include "server/store/postgres.h"
#include "tests/testing/child_report.h"

namespace brevis::testing {
namespace {

// Debian's postgresql-15 keeps the server's programs off PATH.
constexpr char kBinDir[] = "/usr/lib/postgresql/15/bin";
constexpr char kSuperuser[] = "brevis";
// pg_ctl's own bound on waiting for the server to start or stop, seconds.
constexpr char kPgCtlWaitSeconds[] = "60";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The user the server's programs run as: `postgres` when we are root
// (initdb and postgres refuse root), ourselves otherwise.
const passwd* ServerUser() {
  if (geteuid() != 0) return nullptr;
  return getpwnam("postgres");
}

// A program and its arguments, made ready before fork so that the child
// only makes async-signal-safe calls.
struct Command {
  std::vector<std::string> text;
  std::vector<char*> argv;
  std::string output;  // where stdout and stderr are appended
  bool drop_to_server_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Command MakeCommand(const std::string& path,
                    const std::vector<std::string>& args,
                    const std::string& output, bool as_server_user) {
  Command command;
  command.text = {path};
  command.text.insert(command.text.end(), args.begin(), args.end());
  for (std::string& arg : command.text) command.argv.push_back(arg.data());
  command.argv.push_back(nullptr);
  command.output = output;
  if (const passwd* user = ServerUser(); as_server_user && user != nullptr) {
    command.drop_to_server_user = true;
    command.uid = user->pw_uid;
    command.gid = user->pw_gid;
  }
  return command;
}

// In a forked child: redirects, drops to the server's user, executes.
[[noreturn]] void ExecInChild(const Command& command) {
  int fd = open(command.output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
  if (command.drop_to_server_user &&
      (setgroups(0, nullptr) != 0 || setgid(command.gid) != 0 ||
       setuid(command.uid) != 0)) {
    _exit(126);
  }
  execv(command.argv[0], command.argv.data());
  _exit(127);
}

int WaitFor(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

// Runs kBinDir/program with `args` as ServerUser(), output appended to
// `output`; waits for it. Returns the wait status, or -1 when it could not
// be started.
int Run(const std::string& program, const std::vector<std::string>& args,
        const std::string& output) {
  Command command = MakeCommand(std::string(kBinDir) + "/" + program, args,
                                output, /*as_server_user=*/true);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) ExecInChild(command);
  return WaitFor(pid);
}

bool Succeeded(int wait_status) {
  return wait_status >= 0 && WIFEXITED(wait_status) &&
         WEXITSTATUS(wait_status) == 0;
}

std::string Ending(int wait_status) {
  return wait_status < 0 ? "could not be started"
                         : DescribeWaitStatus(wait_status);
}

std::atomic<int> next_database{1};

}  // namespace

absl::StatusOr<std::unique_ptr<PgCluster>> PgCluster::Start(
    PgClusterOptions options) {
  std::unique_ptr<PgCluster> cluster(new PgCluster());
  absl::Status status = cluster->Init(options);
  if (!status.ok()) {
    return absl::InternalError(std::string(status.message()) + "\n" +
                               cluster->Describe());
  }
  return cluster;
}

absl::Status PgCluster::Init(const PgClusterOptions& options) {
  if (geteuid() == 0 && ServerUser() == nullptr) {
    return absl::FailedPreconditionError(
        "running as root, and there is no user `postgres` to run initdb as "
        "(install postgresql-15: deploy/install-deps.sh)");
  }
  std::string pattern =
      (std::filesystem::temp_directory_path() / "brevis-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError("mkdtemp failed for " + pattern);
  }
  dir_ = pattern;
  data_ = dir_ + "/data";
  log_ = dir_ + "/server.log";
  std::string tool_output = dir_ + "/tools.log";
  if (const passwd* user = ServerUser(); user != nullptr) {
    if (chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      return absl::InternalError("cannot give " + dir_ + " to postgres");
    }
  }

  // --no-sync only skips initdb's own flush of the fresh files; the server
  // below runs with fsync and synchronous_commit on when durable.
  int initdb = Run("initdb",
                   {"-D", data_, "-U", kSuperuser, "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions"},
                   tool_output);
  history_ += "initdb: " + Ending(initdb) + "\n";
  if (!Succeeded(initdb)) {
    history_ += LastLines(ReadFile(tool_output), 20) + "\n";
    return absl::InternalError("initdb failed");
  }
  {
    std::ofstream conf(data_ + "/postgresql.conf", std::ios::app);
    conf << "\n# tests/testing/pg_cluster.cc\n"
         << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << dir_ << "'\n"
         << "fsync = " << (options.durable ? "on" : "off") << "\n"
         << "full_page_writes = " << (options.durable ? "on" : "off") << "\n"
         << "synchronous_commit = on\n"
         << "max_connections = 40\n"
         << "shared_buffers = 16MB\n"
         << "lc_messages = 'C'\n";
    if (!conf) return absl::InternalError("cannot write postgresql.conf");
  }
  BREVIS_RETURN_IF_ERROR(StartServer());
  return StartReaper();
}

absl::Status PgCluster::StartServer() {
  std::string tool_output = dir_ + "/tools.log";
  int start =
      Run("pg_ctl",
          {"start", "-D", data_, "-l", log_, "-w", "-t", kPgCtlWaitSeconds},
          tool_output);
  history_ += "pg_ctl start: " + Ending(start) + "\n";
  if (!Succeeded(start)) {
    history_ += LastLines(ReadFile(tool_output), 20) + "\n";
    return absl::InternalError("pg_ctl start failed");
  }
  running_ = true;
  report_id_ = ChildStarted([this] { return Describe(); });
  return absl::OkStatus();
}

absl::Status PgCluster::Restart() {
  if (running_) return absl::OkStatus();
  absl::Status started = StartServer();
  if (!started.ok()) {
    return absl::InternalError(std::string(started.message()) + "\n" +
                               Describe());
  }
  return absl::OkStatus();
}

absl::Status PgCluster::StartReaper() {
  // The server outlives a test binary that crashes or is killed (pg_ctl
  // detaches it): a child of ours waits for the pipe to close, which
  // happens when we end however we end, then stops the server at once and
  // removes the directory.
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe2 failed for the cluster's reaper");
  }
  Command stop = MakeCommand(
      std::string(kBinDir) + "/pg_ctl",
      {"stop", "-D", data_, "-m", "immediate", "-w", "-t", kPgCtlWaitSeconds},
      dir_ + "/reaper.log", /*as_server_user=*/true);
  Command remove = MakeCommand("/bin/rm", {"-rf", dir_}, "/dev/null",
                               /*as_server_user=*/false);
  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return absl::InternalError("fork failed for the cluster's reaper");
  }
  if (pid == 0) {
    // Only the read end stays open: another cluster's pipe held here would
    // keep that cluster's reaper waiting.
    for (int fd = 3; fd < 1024; ++fd) {
      if (fd != pipe_fds[0]) close(fd);
    }
    char byte;
    for (;;) {
      ssize_t got = read(pipe_fds[0], &byte, 1);
      if (got == 0 || (got < 0 && errno != EINTR)) break;
    }
    pid_t stopper = fork();
    if (stopper == 0) ExecInChild(stop);
    if (stopper > 0) WaitFor(stopper);
    ExecInChild(remove);
  }
  close(pipe_fds[0]);
  reaper_fd_ = pipe_fds[1];
  reaper_pid_ = pid;
  return absl::OkStatus();
}

absl::Status PgCluster::Stop(StopMode mode) {
  if (!running_) return absl::OkStatus();
  const char* how = mode == StopMode::kFast ? "fast" : "immediate";
  int stop = Run(
      "pg_ctl", {"stop", "-D", data_, "-m", how, "-w", "-t", kPgCtlWaitSeconds},
      dir_ + "/tools.log");
  history_ += std::string("pg_ctl stop -m ") + how + ": " + Ending(stop) + "\n";
  running_ = false;
  if (report_id_ >= 0) {
    ChildEnded(report_id_, Describe());
    report_id_ = -1;
  }
  if (!Succeeded(stop)) {
    return absl::InternalError("pg_ctl stop failed\n" + Describe());
  }
  return absl::OkStatus();
}

PgCluster::~PgCluster() {
  if (running_) Stop().IgnoreError();
  if (reaper_fd_ >= 0) {
    close(reaper_fd_);
    WaitFor(reaper_pid_);
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string PgCluster::ConnInfo(std::string_view database) const {
  return "host=" + dir_ + " dbname=" + std::string(database) +
         " user=" + kSuperuser;
}

std::string PgCluster::Uri(std::string_view database) const {
  // The directory is made of [A-Za-z0-9/_.-] (mkdtemp and the temporary
  // directory), which a URI's query carries as it is.
  return "postgresql:///" + std::string(database) + "?host=" + dir_ +
         "&user=" + kSuperuser;
}

absl::StatusOr<std::string> PgCluster::CreateDatabase() {
  auto connection =
      store::pg::Connection::Open({.conninfo = ConnInfo("postgres")});
  if (!connection.ok()) return connection.status();
  // A name of our own making (digits only after the prefix): CREATE
  // DATABASE takes no parameters.
  std::string name = "brevis_test_" + std::to_string(next_database++);
  absl::Status created =
      (*connection)->Exec("CREATE DATABASE " + name + " TEMPLATE template0");
  if (!created.ok()) return created;
  return name;
}

std::string PgCluster::Describe() const {
  std::string text = "PostgreSQL cluster in " + dir_ + ":\n" + history_;
  if (!data_.empty() && std::filesystem::exists(data_ + "/PG_VERSION")) {
    std::string status_output = dir_ + "/status.log";
    std::filesystem::remove(status_output);
    int status = Run("pg_ctl", {"status", "-D", data_}, status_output);
    text += "pg_ctl status (" + Ending(status) +
            "): " + LastLines(ReadFile(status_output), 3) + "\n";
  }
  text += "--- last 40 lines of the server log ---\n" +
          LastLines(ReadFile(log_), 40) + "\n";
  return text;
}

}  // namespace brevis::testing
