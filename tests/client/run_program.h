#ifndef BREVIS_TESTS_CLIENT_RUN_PROGRAM_H_
#define BREVIS_TESTS_CLIENT_RUN_PROGRAM_H_

// Runs a command-line program to completion for end-to-end tests, with its
// own environment and working directory, and captures what it writes.

#include <chrono>
#include <string>
#include <vector>

namespace brevis::client_testing {

struct ProgramRun {
  // -1 when the program did not exit by itself (killed at the timeout, or a
  // signal) or could not be started.
  int exit_code = -1;
  bool timed_out = false;
  std::string out;
  std::string err;

  // A few lines for a failure message.
  std::string Describe() const;
};

struct ProgramOptions {
  // "NAME=value" entries: the whole environment of the program.
  std::vector<std::string> environment;
  // Empty: the test's own working directory.
  std::string working_directory;
  std::chrono::milliseconds timeout{20000};
};

// Runs `path args...` with stdin from /dev/null; stdout and stderr go to
// files in `scratch_dir` and are read back. Kills the program (SIGKILL) if
// it is still running after the timeout.
ProgramRun RunProgram(const std::string& path,
                      const std::vector<std::string>& args,
                      const ProgramOptions& options,
                      const std::string& scratch_dir);

}  // namespace brevis::client_testing

#endif  // BREVIS_TESTS_CLIENT_RUN_PROGRAM_H_
