#include "tests/bench/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/domain/str_cat.h"
#include "tests/testing/child_report.h"
#include "tests/testing/raw_call.h"

namespace brevis::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollSlice{2};
constexpr char kListeningMarker[] = "brevisd: listening on ";
// grpc.health.v1.HealthCheckResponse{status: SERVING}, as bytes.
constexpr char kServing[] = "\x08\x01";

}  // namespace

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv,
                            const std::string& out_file,
                            const std::string& err_file) {
  int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (out < 0 || err < 0) {
    if (out >= 0) close(out);
    if (err >= 0) close(err);
    return absl::FailedPreconditionError(
        brevis::StrCat("cannot write ", out_file, " or ", err_file));
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(out);
    close(err);
    return absl::FailedPreconditionError("fork failed");
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out);
  close(err);
  return pid;
}

bool WaitFor(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid) return true;
    if (done < 0 || Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

absl::Status RunProgram(const std::vector<std::string>& argv,
                        const std::string& log_file,
                        std::chrono::milliseconds timeout) {
  absl::StatusOr<pid_t> pid = Spawn(argv, log_file, log_file);
  if (!pid.ok()) return pid.status();
  int status = 0;
  if (!WaitFor(*pid, timeout, &status)) {
    kill(*pid, SIGKILL);
    waitpid(*pid, &status, 0);
    return absl::FailedPreconditionError(brevis::StrCat(
        argv[0], " did not finish in time:\n", ReadAll(log_file)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::FailedPreconditionError(
        brevis::StrCat(argv[0], " failed:\n", ReadAll(log_file)));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(
    const std::string& certs_dir) {
  if (certs_dir.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadAll(certs_dir + "/ca.crt");
  return grpc::SslCredentials(ssl);
}

std::shared_ptr<grpc::Channel> ServerProcess::Channel() const {
  return grpc::CreateChannel(address_, ChannelCredentialsFor(certs_dir_));
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& brevisd, const std::string& db,
    const std::string& work_dir, std::chrono::milliseconds timeout,
    const std::string& certs_dir) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->certs_dir_ = certs_dir;
  server->out_file_ = brevis::StrCat(work_dir, "/brevisd.out");
  std::string log_file = brevis::StrCat(work_dir, "/brevisd.log");
  std::filesystem::remove(server->out_file_);
  std::filesystem::remove(log_file);
  Clock::time_point started = Clock::now();
  Clock::time_point deadline = started + timeout;
  std::vector<std::string> argv = {
      brevisd,    "serve",       "--db",           db,
      "--listen", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"};
  if (!certs_dir.empty()) {
    argv.insert(argv.end(), {"--tls-cert", certs_dir + "/server.crt",
                             "--tls-key", certs_dir + "/server.key",
                             "--client-ca", certs_dir + "/ca.crt"});
  }
  absl::StatusOr<pid_t> pid = Spawn(argv, server->out_file_, log_file);
  if (!pid.ok()) return pid.status();
  server->pid_ = *pid;
  server->log_file_ = log_file;
  server->report_id_ = testing::ChildStarted(
      [pid = *pid, out = server->out_file_, log = log_file] {
        return testing::ChildReport("brevisd", pid, "still running",
                                    ReadAll(out), ReadAll(log));
      });
  // The port is known once brevisd prints its listening line.
  while (server->address_.empty()) {
    std::string out = ReadAll(server->out_file_);
    size_t at = out.find(kListeningMarker);
    if (at != std::string::npos) {
      size_t begin = at + sizeof kListeningMarker - 1;
      size_t end = out.find(' ', begin);
      if (end != std::string::npos) {
        server->address_ = out.substr(begin, end - begin);
      }
    }
    int status = 0;
    if (server->address_.empty() &&
        (Clock::now() >= deadline ||
         waitpid(server->pid_, &status, WNOHANG) == server->pid_)) {
      return absl::FailedPreconditionError(brevis::StrCat(
          "brevisd did not start listening: ", out, "\n", ReadAll(log_file)));
    }
    if (server->address_.empty()) std::this_thread::sleep_for(kPollSlice);
  }
  std::shared_ptr<grpc::Channel> channel = server->Channel();
  while (true) {
    std::string answer;
    grpc::Status status = testing::RawUnaryCall(
        channel, "/grpc.health.v1.Health/Check", "", &answer);
    if (status.ok() && answer == std::string(kServing, 2)) break;
    if (Clock::now() >= deadline) {
      return absl::FailedPreconditionError(
          brevis::StrCat("brevisd at ", server->address_,
                         " is not SERVING: ", status.error_message()));
    }
    std::this_thread::sleep_for(kPollSlice);
  }
  server->startup_seconds_ =
      std::chrono::duration<double>(Clock::now() - started).count();
  // The metrics port is in the JSON line brevisd logs once started.
  constexpr char kMetricsKey[] = "\"metrics_address\":\"127.0.0.1:";
  std::string log = ReadAll(log_file);
  if (size_t at = log.find(kMetricsKey); at != std::string::npos) {
    server->metrics_port_ =
        std::atoi(log.c_str() + at + sizeof kMetricsKey - 1);
  }
  return server;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(std::chrono::milliseconds(10000)).IgnoreError();
}

int64_t ServerProcess::PeakRssBytes() const {
  if (pid_ <= 0) return 0;
  std::ifstream status(brevis::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoll(line.substr(6)) * 1024;  // the kernel says kB
    }
  }
  return 0;
}

double ServerProcess::Metric(const std::string& name) const {
  if (metrics_port_ <= 0) return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(metrics_port_));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const char request[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, request, sizeof request - 1, 0) ==
        static_cast<ssize_t>(sizeof request - 1)) {
      char buffer[4096];
      // Bounded: the endpoint answers a few kilobytes and closes.
      for (int reads = 0; reads < 256; ++reads) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        answer.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  close(fd);
  std::string key = "\n" + name + " ";
  size_t at = answer.find(key);
  if (at == std::string::npos) return -1;
  return std::atof(answer.c_str() + at + key.size());
}

absl::Status ServerProcess::Stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  int status = 0;
  bool exited = WaitFor(pid_, timeout, &status);
  if (!exited) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  testing::ChildEnded(
      report_id_,
      testing::ChildReport(
          "brevisd", pid_,
          exited ? testing::DescribeWaitStatus(status)
                 : "did not stop on SIGTERM within the timeout (killed)",
          ReadAll(out_file_), ReadAll(log_file_)));
  pid_ = -1;
  if (!exited) {
    return absl::DeadlineExceededError("brevisd did not stop on SIGTERM");
  }
  return absl::OkStatus();
}

int64_t DatabaseBytes(const std::string& db) {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code error;
    auto size = std::filesystem::file_size(db + suffix, error);
    if (!error) total += static_cast<int64_t>(size);
  }
  return total;
}

}  // namespace brevis::bench
