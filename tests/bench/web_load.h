#ifndef BREVIS_TESTS_BENCH_WEB_LOAD_H_
#define BREVIS_TESTS_BENCH_WEB_LOAD_H_

// The web workload: brevis-web started beside a running brevisd, signed in
// to it as its own integration principal (made for the run: SCOPE_SIGN_IN,
// over mutual TLS), a number of simulated people who each sign in once
// with a one-time sign-in link
// and then, in a closed loop, open the audit page and post a finding from
// it (the form's CSRF token read from the page). Every person is an auditor
// on one audit in fieldwork, made for the run through the API. Bounded in
// count (rounds per person; the audit page lists every finding, so it
// grows by one finding a post, to people x rounds) and in time (the cell's
// duration, and a deadline on every request).

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/bench/load.h"

namespace brevis::bench {

struct WebLoadOptions {
  std::string brevis_web;    // the binary
  std::string brevisd_addr;  // 127.0.0.1:PORT, TLS with client certificates
  // deploy/make-certs.sh's files, which brevisd serves with: brevis-web
  // signs in over mutual TLS with client.crt (CN brevis-integration).
  std::string certs_dir;
  std::string admin_token;  // an admin's bearer token
  std::string unit;         // units/{unit} the run's audit belongs to
  std::string work_dir;     // brevis-web's output files go here
  int people = 20;
  int max_rounds = 25;  // per person: at most this many page + post
  std::chrono::milliseconds duration{5000};
  std::chrono::milliseconds start_timeout{60000};
};

// Runs the workload; returns two cells, the audit page (GET) and the post
// of a finding (POST, answered by a redirect), each at concurrency =
// people, with p50/p95/p99 and QPS (the caller sets the ratio). Errors
// (a status other than 200 and 303) are counted in the cells; setting up
// (people, audit, sign-in) or brevis-web not starting is a
// FAILED_PRECONDITION with brevis-web's output.
absl::StatusOr<std::vector<CellResult>> RunWebLoad(
    const WebLoadOptions& options);

}  // namespace brevis::bench

#endif  // BREVIS_TESTS_BENCH_WEB_LOAD_H_
