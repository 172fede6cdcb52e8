#include "tests/bench/load.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>

#include "server/domain/str_cat.h"

namespace brevis::bench {
namespace {

using Clock = std::chrono::steady_clock;

// No single call may take longer than this; a slower one counts as an error.
constexpr std::chrono::seconds kCallDeadline{30};
// A cell whose calls are still out this long after its end is abandoned.
constexpr std::chrono::seconds kDrainLimit{60};

constexpr char kHealthCheck[] = "/grpc.health.v1.Health/Check";

// One call in flight: its context and messages live until it is answered.
template <typename Request, typename Response>
struct Pending {
  grpc::ClientContext context;
  Request request;
  Response response;
  std::function<void(const grpc::Status&)> done;
};

const char* const kFindingTexts[] = {
    "Flera unga säger att de inte får vara med när beslut om deras "
    "behandling fattas.",
    "Vårdnadshavare vet inte vad en SIP är eller hur man begär en.",
    "De flesta unga beskriver att de blir lyssnade på och tagna på allvar av "
    "sin behandlare.",
    "Barnen i fokusgruppen tycker att väntrummet är tråkigt och för ljust."};

}  // namespace

double Percentile(const std::vector<uint32_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  size_t index = static_cast<size_t>(fraction * (sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)] / 1000.0;
}

const char* WorkloadName(Workload workload) {
  switch (workload) {
    case Workload::kBaseline:
      return "baseline (Health/Check)";
    case Workload::kGetAudit:
      return "GetAudit";
    case Workload::kListFindings:
      return "ListFindings (deep page of 50)";
    case Workload::kListActions:
      return "ListActions (overdue, one unit)";
    case Workload::kCreateFinding:
      return "CreateFinding";
    case Workload::kUpdateAction:
      return "UpdateAction";
    case Workload::kMixed:
      return "mixed (80 % reads, 20 % writes)";
    case Workload::kWebAuditPage:
      return "web: audit page (GET)";
    case Workload::kWebPostFinding:
      return "web: post a finding (POST)";
  }
  return "?";
}

bool IsWrite(Workload workload) {
  return workload == Workload::kCreateFinding ||
         workload == Workload::kUpdateAction ||
         workload == Workload::kWebPostFinding;
}

// The state of one running cell. Each caller's slot is touched only by its
// own chain of calls, one at a time, so slots need no lock.
class LoadClient::Cell {
 public:
  Cell(LoadClient& client, Workload workload, int concurrency,
       Clock::time_point measure_from, Clock::time_point end,
       uint64_t max_calls)
      : client_(client),
        workload_(workload),
        measure_from_(measure_from),
        end_(end),
        max_calls_(max_calls),
        slots_(concurrency) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].caller = i;
      slots_[i].rng.seed(0x5eed + i * 7919 + static_cast<int>(workload) * 31);
    }
  }

  CellResult Run() {
    active_ = static_cast<int>(slots_.size());
    for (Slot& slot : slots_) Next(&slot);
    {
      std::unique_lock<std::mutex> lock(mu_);
      finished_.wait_until(lock, end_ + kDrainLimit,
                           [this] { return active_ == 0; });
      if (active_ != 0) abandoned_ = true;
    }
    CellResult result;
    result.workload = workload_;
    result.concurrency = static_cast<int>(slots_.size());
    std::vector<uint32_t> all;
    for (const Slot& slot : slots_) {
      all.insert(all.end(), slot.micros.begin(), slot.micros.end());
      result.calls_ok_total += slot.ok_total;
      result.errors += slot.errors;
      if (result.first_error.empty()) result.first_error = slot.first_error;
    }
    if (abandoned_) result.first_error = "calls still out after the cell";
    std::sort(all.begin(), all.end());
    result.calls = all.size();
    result.seconds =
        std::chrono::duration<double>(end_ - measure_from_).count();
    result.qps = result.calls / result.seconds;
    result.p50_ms = Percentile(all, 0.50);
    result.p95_ms = Percentile(all, 0.95);
    result.p99_ms = Percentile(all, 0.99);
    return result;
  }

  // Slots outlive the cell only if it was abandoned; then it is leaked on
  // purpose rather than freed under calls still out.
  bool abandoned() const { return abandoned_; }

 private:
  struct Slot {
    size_t caller = 0;
    std::mt19937_64 rng;
    std::vector<uint32_t> micros;
    uint64_t errors = 0;
    uint64_t ok_total = 0;
    std::string first_error;
  };

  void Next(Slot* slot) {
    Clock::time_point start = Clock::now();
    if (start >= end_ || started_.fetch_add(1) >= max_calls_) {
      std::lock_guard<std::mutex> lock(mu_);
      if (--active_ == 0) finished_.notify_all();
      return;
    }
    client_.Start(
        workload_, slot->caller, slot->rng,
        [this, slot, start](const grpc::Status& status) {
          Clock::time_point done = Clock::now();
          if (status.ok()) ++slot->ok_total;
          if (start >= measure_from_ && done <= end_) {
            if (status.ok()) {
              slot->micros.push_back(static_cast<uint32_t>(
                  std::chrono::duration_cast<std::chrono::microseconds>(done -
                                                                        start)
                      .count()));
            } else {
              ++slot->errors;
            }
          }
          if (!status.ok() && slot->first_error.empty()) {
            slot->first_error =
                brevis::StrCat("code ", static_cast<int>(status.error_code()),
                               ": ", status.error_message());
          }
          Next(slot);
        });
  }

  LoadClient& client_;
  const Workload workload_;
  const Clock::time_point measure_from_;
  const Clock::time_point end_;
  const uint64_t max_calls_;
  std::vector<Slot> slots_;
  std::atomic<uint64_t> started_{0};
  std::mutex mu_;
  std::condition_variable finished_;
  int active_ = 0;  // guarded by mu_
  bool abandoned_ = false;
};

LoadClient::LoadClient(std::vector<std::shared_ptr<grpc::Channel>> channels,
                       std::string token, Targets targets)
    : authorization_(brevis::StrCat("Bearer ", token)),
      targets_(std::move(targets)) {
  for (const std::shared_ptr<grpc::Channel>& channel : channels) {
    stubs_.push_back(v1::AuditService::NewStub(channel));
    generics_.push_back(std::make_unique<grpc::GenericStub>(channel));
  }
}

void LoadClient::Prepare(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  context.AddMetadata("authorization", authorization_);
}

absl::Status LoadClient::FindDeepPage(int offset) {
  std::string token;
  for (int walked = 0; walked < offset;) {
    int size = std::min(1000, offset - walked);
    grpc::ClientContext context;
    Prepare(context);
    v1::ListFindingsRequest request;
    request.set_parent(targets_.deep_audit);
    request.set_page_size(size);
    request.set_page_token(token);
    v1::ListFindingsResponse response;
    grpc::Status status = stubs_[0]->ListFindings(&context, request, &response);
    if (!status.ok()) {
      return absl::UnavailableError(brevis::StrCat("ListFindings of ",
                                                   targets_.deep_audit, ": ",
                                                   status.error_message()));
    }
    if (response.next_page_token().empty()) {
      return absl::FailedPreconditionError(brevis::StrCat(
          targets_.deep_audit, " has fewer than ", offset, " findings"));
    }
    token = response.next_page_token();
    walked += size;
  }
  targets_.deep_page_token = token;
  return absl::OkStatus();
}

void LoadClient::Start(Workload workload, size_t caller, std::mt19937_64& rng,
                       std::function<void(const grpc::Status&)> done) {
  v1::AuditService::Stub& stub = *stubs_[caller % stubs_.size()];
  if (workload == Workload::kMixed) {
    uint64_t draw = rng() % 100;
    workload = draw < 27   ? Workload::kGetAudit
               : draw < 54 ? Workload::kListFindings
               : draw < 80 ? Workload::kListActions
               : draw < 90 ? Workload::kCreateFinding
                           : Workload::kUpdateAction;
  }
  auto pick = [&rng](const std::vector<std::string>& names) -> std::string {
    return names.empty() ? std::string() : names[rng() % names.size()];
  };
  switch (workload) {
    case Workload::kBaseline: {
      auto* call = new Pending<grpc::ByteBuffer, grpc::ByteBuffer>;
      call->done = std::move(done);
      call->context.set_deadline(std::chrono::system_clock::now() +
                                 kCallDeadline);
      grpc::Slice empty("");
      call->request = grpc::ByteBuffer(&empty, 1);
      generics_[caller % generics_.size()]->UnaryCall(
          &call->context, kHealthCheck, grpc::StubOptions(), &call->request,
          &call->response, [call](grpc::Status status) {
            call->done(status);
            delete call;
          });
      return;
    }
    case Workload::kGetAudit: {
      v1::GetAuditRequest request;
      request.set_name(pick(targets_.audits));
      Launch<v1::GetAuditRequest, v1::Audit>(&Async::GetAudit, stub,
                                             std::move(request), done);
      return;
    }
    case Workload::kListFindings: {
      v1::ListFindingsRequest request;
      request.set_parent(targets_.deep_audit);
      request.set_page_size(50);
      request.set_page_token(targets_.deep_page_token);
      Launch<v1::ListFindingsRequest, v1::ListFindingsResponse>(
          &Async::ListFindings, stub, std::move(request), done);
      return;
    }
    case Workload::kListActions: {
      v1::ListActionsRequest request;
      request.set_page_size(50);
      request.set_filter(brevis::StrCat("overdue = true AND unit = \"",
                                        targets_.busiest_unit, "\""));
      Launch<v1::ListActionsRequest, v1::ListActionsResponse>(
          &Async::ListActions, stub, std::move(request), done);
      return;
    }
    case Workload::kCreateFinding: {
      v1::CreateFindingRequest request;
      request.set_parent(pick(targets_.open_audits));
      request.set_request_id(brevis::StrCat("bench-", rng()));
      v1::Finding* finding = request.mutable_finding();
      uint64_t r = rng();
      finding->set_focus_area(
          static_cast<v1::FocusArea>(1 + r % v1::FOCUS_AREA_CHILD_RIGHTS));
      finding->set_kind(r % 2 == 0 ? v1::FINDING_KIND_IMPROVEMENT_AREA
                                   : v1::FINDING_KIND_STRENGTH);
      finding->set_text(kFindingTexts[r % std::size(kFindingTexts)]);
      finding->add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
      if (r % 3 == 0) finding->add_child_rights_articles(12);
      Launch<v1::CreateFindingRequest, v1::Finding>(&Async::CreateFinding, stub,
                                                    std::move(request), done);
      return;
    }
    case Workload::kWebAuditPage:
    case Workload::kWebPostFinding:
      done(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                        "web workloads run through brevis-web"));
      return;
    case Workload::kUpdateAction:
    case Workload::kMixed: {
      v1::UpdateActionRequest request;
      v1::Action* action = request.mutable_action();
      action->set_name(pick(targets_.open_actions));
      action->set_status(rng() % 2 == 0 ? v1::ACTION_STATUS_IN_PROGRESS
                                        : v1::ACTION_STATUS_PLANNED);
      request.mutable_update_mask()->add_paths("status");
      Launch<v1::UpdateActionRequest, v1::Action>(&Async::UpdateAction, stub,
                                                  std::move(request), done);
      return;
    }
  }
}

template <typename Request, typename Response>
void LoadClient::Launch(
    void (Async::*method)(grpc::ClientContext*, const Request*, Response*,
                          std::function<void(grpc::Status)>),
    v1::AuditService::Stub& stub, Request request,
    std::function<void(const grpc::Status&)>& done) {
  auto* call = new Pending<Request, Response>;
  call->done = std::move(done);
  call->request = std::move(request);
  Prepare(call->context);
  (stub.async()->*method)(&call->context, &call->request, &call->response,
                          [call](grpc::Status status) {
                            call->done(status);
                            delete call;
                          });
}

CellResult LoadClient::Run(Workload workload, int concurrency,
                           std::chrono::milliseconds warmup,
                           std::chrono::milliseconds duration,
                           uint64_t max_calls) {
  Clock::time_point measure_from = Clock::now() + warmup;
  auto* cell = new Cell(*this, workload, concurrency, measure_from,
                        measure_from + duration, max_calls);
  CellResult result = cell->Run();
  if (!cell->abandoned()) delete cell;
  return result;
}

}  // namespace brevis::bench
