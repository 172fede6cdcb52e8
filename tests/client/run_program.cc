#include "tests/client/run_program.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace brevis::client_testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& each : strings) pointers.push_back(each.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

std::string ProgramRun::Describe() const {
  std::ostringstream text;
  text << (timed_out ? "timed out" : "exit code " + std::to_string(exit_code))
       << "\n--- stdout ---\n"
       << out << "\n--- stderr ---\n"
       << err;
  return text.str();
}

ProgramRun RunProgram(const std::string& path,
                      const std::vector<std::string>& args,
                      const ProgramOptions& options,
                      const std::string& scratch_dir) {
  static std::atomic<int> counter{0};
  std::string stem = scratch_dir + "/run" + std::to_string(++counter);
  std::string out_path = stem + ".out", err_path = stem + ".err";

  std::vector<std::string> argv_storage = {path};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<std::string> env_storage = options.environment;
  std::vector<char*> argv = Pointers(argv_storage);
  std::vector<char*> envp = Pointers(env_storage);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!options.working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions,
                                         options.working_directory.c_str());
  }
  ProgramRun run;
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(),
                            envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    run.err = "cannot start " + path + ": " + std::strerror(spawned);
    return run;
  }
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      run.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!run.timed_out && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  run.out = Slurp(out_path);
  run.err = Slurp(err_path);
  return run;
}

}  // namespace brevis::client_testing
