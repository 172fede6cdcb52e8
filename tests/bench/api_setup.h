#ifndef BREVIS_TESTS_BENCH_API_SETUP_H_
#define BREVIS_TESTS_BENCH_API_SETUP_H_

// For a running brevisd the benchmark cannot seed the database file, so it
// makes a small working set through the API with an admin token: a unit,
// an auditor, one audit with the deep audit's findings taken to PUBLISHED
// with a recommendation and actions (some overdue), and one audit still
// open for new findings.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/bench/load.h"
#include "tests/bench/seed.h"

namespace brevis::bench {

// Makes the working set; `size` gives the deep audit's findings, and is set
// to what was made.
absl::StatusOr<Targets> SetUpThroughApi(std::shared_ptr<grpc::Channel> channel,
                                        const std::string& token,
                                        SeedSize& size);

}  // namespace brevis::bench

#endif  // BREVIS_TESTS_BENCH_API_SETUP_H_
