#include "tests/testing/child_report.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

namespace brevis::testing {
namespace {

// Lines of each stream a report shows.
constexpr int kTailLines = 40;

struct Registry {
  std::mutex mu;
  int next_id = 1;
  std::map<int, std::function<std::string()>> running;
  std::vector<std::string> ended;
};

Registry& Children() {
  static Registry* registry = new Registry();
  return *registry;
}

// Prints the reports after a failed test; forgets them after every test.
class ChildReportPrinter : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo&) override { TakeReports(); }
  void OnTestEnd(const ::testing::TestInfo& test) override {
    std::string reports = TakeReports();
    if (test.result() != nullptr && test.result()->Failed() &&
        !reports.empty()) {
      std::cout << "[ children ] what the processes of " << test.name()
                << " did:\n"
                << reports << std::flush;
    }
  }
};

// Installed once in every binary that links this file, before main runs.
const bool kPrinterInstalled = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(
      new ChildReportPrinter());
  return true;
}();

}  // namespace

std::string DescribeWaitStatus(int wait_status) {
  std::ostringstream text;
  if (WIFEXITED(wait_status)) {
    text << "exit code " << WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    int signal_number = WTERMSIG(wait_status);
    text << "ended by signal " << signal_number << " ("
         << strsignal(signal_number) << ")";
  } else {
    text << "wait status " << wait_status;
  }
  return text.str();
}

std::string LastLines(std::string_view text, int lines) {
  size_t at = text.size();
  if (at > 0 && text[at - 1] == '\n') --at;
  for (int seen = 0; at > 0; --at) {
    if (text[at - 1] == '\n' && ++seen == lines) break;
  }
  return std::string(text.substr(at));
}

std::string ChildReport(std::string_view name, pid_t pid,
                        std::string_view ending, std::string_view out,
                        std::string_view err) {
  std::ostringstream text;
  text << name << " (pid " << pid << "): " << ending << "\n--- last "
       << kTailLines << " lines of stdout ---\n"
       << LastLines(out, kTailLines) << "\n--- last " << kTailLines
       << " lines of stderr ---\n"
       << LastLines(err, kTailLines) << "\n";
  return text.str();
}

int ChildStarted(std::function<std::string()> describe) {
  (void)kPrinterInstalled;
  Registry& registry = Children();
  std::lock_guard<std::mutex> lock(registry.mu);
  int id = registry.next_id++;
  registry.running.emplace(id, std::move(describe));
  return id;
}

void ChildEnded(int id, std::string report) {
  Registry& registry = Children();
  std::lock_guard<std::mutex> lock(registry.mu);
  registry.running.erase(id);
  registry.ended.push_back(std::move(report));
}

std::string TakeReports() {
  Registry& registry = Children();
  std::lock_guard<std::mutex> lock(registry.mu);
  std::string text;
  for (const std::string& report : registry.ended) text += report;
  registry.ended.clear();
  for (const auto& [id, describe] : registry.running) text += describe();
  return text;
}

}  // namespace brevis::testing
