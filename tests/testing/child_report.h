#ifndef BREVIS_TESTS_TESTING_CHILD_REPORT_H_
#define BREVIS_TESTS_TESTING_CHILD_REPORT_H_

// What a failing test prints about the processes it ran (brevisd above
// all): how each one ended (exit code, signal, or still running) and the
// tail of its output. Without it a test that failed because the server died
// or refused calls says only what the client saw.
//
// Process classes call Started/Ended; in a GoogleTest binary a listener
// prints the reports after every failed test (and forgets them after every
// test), and other programs print TakeReports() when they fail.
// Thread-safe.

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>

namespace brevis::testing {

// "exit code 3", "ended by signal 9 (Killed)", from a waitpid status.
std::string DescribeWaitStatus(int wait_status);

// The last `lines` lines of `text` (all of it when shorter).
std::string LastLines(std::string_view text, int lines);

// One report: `name` and pid, `ending` (see DescribeWaitStatus), and the
// tails of its standard output and error.
std::string ChildReport(std::string_view name, pid_t pid,
                        std::string_view ending, std::string_view out,
                        std::string_view err);

// A running child: `describe` is called for a report while it still runs
// (from the thread that reports). Returns the id to pass to Ended.
int ChildStarted(std::function<std::string()> describe);
// The child ended, or its owner let it go: `report` is what to print if the
// test fails.
void ChildEnded(int id, std::string report);

// Everything to print now: the reports of ended children, then a report of
// each child still running. Forgets the ended ones.
std::string TakeReports();

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_CHILD_REPORT_H_
