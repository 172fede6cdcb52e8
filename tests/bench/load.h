#ifndef BREVIS_TESTS_BENCH_LOAD_H_
#define BREVIS_TESTS_BENCH_LOAD_H_

// Closed-loop load through gRPC's callback API: `concurrency` callers, each
// starting its next call as soon as the previous one is answered, for a
// fixed time and at most a fixed number of calls.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "tests/bench/seed.h"

namespace brevis::bench {

enum class Workload {
  kBaseline,  // grpc.health.v1.Health/Check: the transport alone
  kGetAudit,
  kListFindings,  // a page of 50 deep into the large audit
  kListActions,   // overdue = true AND unit = the busiest unit
  kCreateFinding,
  kUpdateAction,
  kMixed,  // 80 % reads, 20 % writes
  // Through brevis-web (web_load.h), not this client: a signed-in person
  // opens the audit page, then posts a finding from it.
  kWebAuditPage,
  kWebPostFinding,
};

const char* WorkloadName(Workload workload);
bool IsWrite(Workload workload);

// One cell of the table: a workload at one concurrency.
struct CellResult {
  Workload workload = Workload::kBaseline;
  int concurrency = 1;
  uint64_t calls = 0;           // answered OK within the measured time
  uint64_t calls_ok_total = 0;  // answered OK, warm-up included
  uint64_t errors = 0;          // answered with another status
  std::string first_error;
  double seconds = 0;
  double qps = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  // Which servers answered: "sqlite", "postgresql x1", ... (report.h).
  std::string configuration;
  double ratio = 0;  // qps / the baseline's qps at the same concurrency
                     // and configuration
  // For writes: calls answered per committed transaction in the server
  // during the cell (group commit); 0 when not measured.
  double writes_per_transaction = 0;
};

// What the calls send: names from the seeded data (or from a working set
// made through the API), and the deep page's token.
struct Targets {
  std::vector<std::string> audits;
  std::vector<std::string> open_audits;
  std::vector<std::string> open_actions;
  std::string deep_audit;
  std::string deep_page_token;
  std::string busiest_unit;
};

// The given fraction (0..1) of `sorted` microseconds, in milliseconds.
double Percentile(const std::vector<uint32_t>& sorted, double fraction);

// Issues the calls of every gRPC workload. Thread-safe. With several
// channels (one per replica of the same database) caller i of a cell calls
// through channel i mod N, so the callers are spread round-robin.
class LoadClient {
 public:
  // `channels` must not be empty.
  LoadClient(std::vector<std::shared_ptr<grpc::Channel>> channels,
             std::string token, Targets targets);

  // Walks the deep audit with pages of 1,000 to the token of the page that
  // starts after `offset` findings, so ListFindings asks for that page.
  absl::Status FindDeepPage(int offset);

  // Runs one cell: `warmup` unmeasured, then `duration` measured, and never
  // more than `max_calls` calls in all.
  CellResult Run(Workload workload, int concurrency,
                 std::chrono::milliseconds warmup,
                 std::chrono::milliseconds duration, uint64_t max_calls);

  const Targets& targets() const { return targets_; }

 private:
  class Cell;
  friend class Cell;
  // Starts one call of caller `caller`; `done` runs on a gRPC thread when
  // it is answered.
  void Start(Workload workload, size_t caller, std::mt19937_64& rng,
             std::function<void(const grpc::Status&)> done);
  void Prepare(grpc::ClientContext& context) const;
  using Async = v1::AuditService::StubInterface::async_interface;
  // Starts `method` with `request`; `done` is moved into the call.
  template <typename Request, typename Response>
  void Launch(void (Async::*method)(grpc::ClientContext*, const Request*,
                                    Response*,
                                    std::function<void(grpc::Status)>),
              v1::AuditService::Stub& stub, Request request,
              std::function<void(const grpc::Status&)>& done);

  std::vector<std::unique_ptr<v1::AuditService::Stub>> stubs_;
  std::vector<std::unique_ptr<grpc::GenericStub>> generics_;
  std::string authorization_;
  Targets targets_;
};

}  // namespace brevis::bench

#endif  // BREVIS_TESTS_BENCH_LOAD_H_
