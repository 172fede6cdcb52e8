#include <gmock/gmock.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "brevis/v1/access_log_service.grpc.pb.h"
#include "server/app/access_recorder.h"
#include "server/store/access_log_repository.h"
#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class AccessLogTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    log_ = v1::AccessLogService::NewStub(channel_);
    audit_ = MustCreateAudit();
  }

  std::vector<v1::AccessLogEntry> List(v1::ListAccessLogRequest request) {
    std::vector<v1::AccessLogEntry> entries;
    std::string token;
    do {
      grpc::ClientContext context;
      request.set_page_token(token);
      v1::ListAccessLogResponse response;
      grpc::Status status = log_->ListAccessLog(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      entries.insert(entries.end(), response.entries().begin(),
                     response.entries().end());
      token = response.next_page_token();
    } while (!token.empty());
    return entries;
  }

  // Reads are written in batches; wait (bounded) until `resource` shows up.
  std::vector<v1::AccessLogEntry> WaitForReads(const std::string& resource) {
    v1::ListAccessLogRequest request;
    request.set_resource_prefix(resource);
    for (int i = 0; i < 100; ++i) {
      std::vector<v1::AccessLogEntry> entries = List(request);
      for (const auto& entry : entries) {
        if (entry.kind() == v1::ACCESS_KIND_READ) return entries;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return {};
  }

  // The access log stops taking entries, as a full or failing disk would.
  absl::Status RefuseAccessLogEntries() {
    return db_->Write([](store::Connection& db) {
      if (OnPostgres()) {
        return db.Exec(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE "
            "plpgsql AS $$ BEGIN RAISE EXCEPTION 'no room'; END "
            "$$; CREATE TRIGGER refuse BEFORE INSERT ON "
            "access_log FOR EACH ROW EXECUTE FUNCTION refuse()");
      }
      return db.Exec(
          "CREATE TRIGGER refuse BEFORE INSERT ON access_log "
          "BEGIN SELECT RAISE(ABORT, 'no room'); END");
    });
  }

  std::unique_ptr<v1::AccessLogService::Stub> log_;
  v1::Audit audit_;
};

TEST_F(AccessLogTest, WriteIsOnRecordWhenTheCallReturns) {
  v1::Finding finding = MustCreateFinding(audit_.name(), ExampleFinding());
  v1::ListAccessLogRequest request;
  request.set_resource_prefix(finding.name());
  std::vector<v1::AccessLogEntry> entries = List(request);
  ASSERT_EQ(entries.size(), 1u);
  const v1::AccessLogEntry& entry = entries[0];
  EXPECT_EQ(entry.principal(), admin_.name);
  EXPECT_EQ(entry.method(), "brevis.v1.AuditService/CreateFinding");
  EXPECT_EQ(entry.kind(), v1::ACCESS_KIND_WRITE);
  EXPECT_THAT(entry.peer(), HasSubstr("127.0.0.1"));
  EXPECT_EQ(entry.time().seconds(), absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(AccessLogTest, RefusedWriteLeavesNoEntry) {
  v1::Finding bad = ExampleFinding();
  bad.set_text("Ring 070-123 45 67");
  ASSERT_FALSE(CreateFinding(audit_.name(), bad).ok());
  v1::ListAccessLogRequest request;
  request.set_resource_prefix(audit_.name() + "/findings");
  EXPECT_TRUE(List(request).empty());
}

TEST_F(AccessLogTest, ReadsAreRecordedWithRequestId) {
  v1::Finding finding = MustCreateFinding(audit_.name(), ExampleFinding());
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "granskning-42");
  v1::GetFindingRequest get;
  get.set_name(finding.name());
  v1::Finding read;
  ASSERT_TRUE(audits_->GetFinding(&context, get, &read).ok());

  std::vector<v1::AccessLogEntry> entries = WaitForReads(finding.name());
  auto read_entry = std::find_if(entries.begin(), entries.end(), [](auto& e) {
    return e.kind() == v1::ACCESS_KIND_READ;
  });
  ASSERT_NE(read_entry, entries.end());
  EXPECT_EQ(read_entry->method(), "brevis.v1.AuditService/GetFinding");
  EXPECT_EQ(read_entry->request_id(), "granskning-42");
}

// A page of findings is one READ entry for the audit that names every
// finding on the page, and a search by any one finding's name (or a
// prefix of it) still finds who read it; a finding not on the page, or
// another audit's, does not find that entry.
TEST_F(AccessLogTest, ListingIsOneEntryThatFindsEveryItemRead) {
  std::vector<std::string> listed;
  for (int i = 0; i < 3; ++i) {
    listed.push_back(MustCreateFinding(audit_.name(), ExampleFinding()).name());
  }
  grpc::ClientContext context;
  v1::ListFindingsRequest list;
  list.set_parent(audit_.name());
  v1::ListFindingsResponse response;
  ASSERT_TRUE(audits_->ListFindings(&context, list, &response).ok());
  ASSERT_EQ(response.findings_size(), 3);
  v1::Finding later = MustCreateFinding(audit_.name(), ExampleFinding());
  v1::Audit other = MustCreateAudit();
  v1::Finding elsewhere = MustCreateFinding(other.name(), ExampleFinding());

  auto reads_of = [&](const std::string& prefix) {
    v1::ListAccessLogRequest request;
    request.set_resource_prefix(prefix);
    std::vector<v1::AccessLogEntry> reads;
    for (const auto& entry : List(request)) {
      if (entry.kind() == v1::ACCESS_KIND_READ) reads.push_back(entry);
    }
    return reads;
  };
  ASSERT_FALSE(WaitForReads(audit_.name()).empty());
  std::vector<v1::AccessLogEntry> reads = reads_of(audit_.name());
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].method(), "brevis.v1.AuditService/ListFindings");
  EXPECT_EQ(reads[0].principal(), admin_.name);
  EXPECT_EQ(reads[0].resource(), audit_.name());
  EXPECT_THAT(reads[0].covered(), ::testing::ElementsAreArray(listed));

  for (const std::string& name : listed) {
    SCOPED_TRACE(name);
    std::vector<v1::AccessLogEntry> found = reads_of(name);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].sequence(), reads[0].sequence());
    // A prefix that stops inside the finding's id matches it too.
    EXPECT_EQ(reads_of(name.substr(0, name.size() - 3)).size(), 1u);
  }
  EXPECT_EQ(reads_of(audit_.name() + "/findings/").size(), 1u);
  EXPECT_EQ(reads_of(audit_.name() + "/sessions/").size(), 0u);
  EXPECT_TRUE(reads_of(later.name()).empty());
  EXPECT_TRUE(reads_of(elsewhere.name()).empty());
}

TEST_F(AccessLogTest, ReadThatCannotBeLoggedIsNotServed) {
  v1::Finding finding = MustCreateFinding(audit_.name(), ExampleFinding());
  ASSERT_TRUE(RefuseAccessLogEntries().ok());
  grpc::ClientContext context;
  v1::GetFindingRequest get;
  get.set_name(finding.name());
  v1::Finding read;
  grpc::Status status = audits_->GetFinding(&context, get, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(read.text().empty()) << "no content without a log entry";

  ASSERT_TRUE(db_->Write([](store::Connection& db) {
                   return db.Exec(OnPostgres()
                                      ? "DROP TRIGGER refuse ON access_log"
                                      : "DROP TRIGGER refuse");
                 })
                  .ok());
  grpc::ClientContext again;
  EXPECT_TRUE(audits_->GetFinding(&again, get, &read).ok());
}

// Holds the database's writer (and so the access log, whose batches go
// through it) until released: a content write whose work waits.
class HeldWriter {
 public:
  explicit HeldWriter(store::Database* db)
      : thread_([this, db] {
          db->Write([this](store::Connection&) {
              holding_.Notify();
              release_.WaitForNotification();
              return absl::OkStatus();
            }).IgnoreError();
        }) {
    holding_.WaitForNotification();
  }
  ~HeldWriter() { Release(); }
  void Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
    if (thread_.joinable()) thread_.join();
  }

 private:
  absl::Notification holding_;
  absl::Notification release_;
  std::thread thread_;
};

// How long a call that must stay unanswered is watched; the check cannot
// pass by chance: a wrong build answers at once.
constexpr absl::Duration kUnanswered = absl::Milliseconds(300);

TEST_F(AccessLogTest, AReadIsAnsweredOnlyOnceItsEntryIsCommitted) {
  v1::Finding finding = MustCreateFinding(audit_.name(), ExampleFinding());
  HeldWriter held(db_.get());
  absl::Notification answered;
  grpc::Status status;
  v1::Finding read;
  std::thread reader([&] {
    grpc::ClientContext context;
    v1::GetFindingRequest get;
    get.set_name(finding.name());
    status = audits_->GetFinding(&context, get, &read);
    answered.Notify();
  });
  EXPECT_FALSE(answered.WaitForNotificationWithTimeout(kUnanswered))
      << "the read was answered while its access-log entry could not be "
         "committed";
  held.Release();
  reader.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(read.text(), finding.text());
  // On record the moment the answer came, not some time later.
  v1::ListAccessLogRequest request;
  request.set_resource_prefix(finding.name());
  bool logged = false;
  for (const auto& entry : List(request)) {
    logged |= entry.kind() == v1::ACCESS_KIND_READ;
  }
  EXPECT_TRUE(logged);
}

TEST_F(AccessLogTest, ReadsWaitingForTheLogAreBounded) {
  app::AccessRecorder recorder(db_.get(), &clock_, absl::Hours(24 * 365 * 5));
  app::Call call;
  call.caller.name = "principals/p1";
  call.method = "brevis.v1.AuditService/GetFinding";
  call.time = clock_.Now();
  HeldWriter held(db_.get());
  // Up to the bound, a read with a receipt is queued without waiting.
  app::AccessReceipt first;
  for (uint64_t i = 0; i < app::AccessRecorder::kMaxUnwrittenEntries; ++i) {
    app::AccessReceipt receipt;
    call.access_receipt = &receipt;
    ASSERT_TRUE(
        recorder.Record(call, {call.Entry(v1::ACCESS_KIND_READ, "audits/a")})
            .ok());
    ASSERT_TRUE(receipt.pending());
    if (i == 0) first = receipt;
  }
  absl::Notification first_written;
  absl::Status first_outcome = absl::UnknownError("not called");
  recorder.WhenWritten(first, [&](absl::Status outcome) {
    first_outcome = outcome;
    first_written.Notify();
  });
  EXPECT_FALSE(first_written.HasBeenNotified());
  // Past it, the next read waits like one without a receipt.
  absl::Notification returned;
  app::AccessReceipt over;
  std::thread past_the_bound([&] {
    call.access_receipt = &over;
    EXPECT_TRUE(
        recorder.Record(call, {call.Entry(v1::ACCESS_KIND_READ, "audits/b")})
            .ok());
    returned.Notify();
  });
  EXPECT_FALSE(returned.WaitForNotificationWithTimeout(kUnanswered))
      << "a read past the bound did not wait for the log";
  held.Release();
  past_the_bound.join();
  EXPECT_FALSE(over.pending()) << "it waited, so nothing is left to wait for";
  ASSERT_TRUE(first_written.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(first_outcome.ok()) << first_outcome;
}

TEST_F(AccessLogTest, AReceiptOfAFailedBatchReportsWhy) {
  ASSERT_TRUE(RefuseAccessLogEntries().ok());
  app::AccessRecorder recorder(db_.get(), &clock_, absl::Hours(24 * 365 * 5));
  app::Call call;
  call.caller.name = "principals/p1";
  app::AccessReceipt receipt;
  call.access_receipt = &receipt;
  ASSERT_TRUE(
      recorder.Record(call, {call.Entry(v1::ACCESS_KIND_READ, "audits/a")})
          .ok());
  absl::Notification told;
  absl::Status outcome;
  recorder.WhenWritten(receipt, [&](absl::Status status) {
    outcome = status;
    told.Notify();
  });
  ASSERT_TRUE(told.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ(outcome.code(), absl::StatusCode::kUnavailable) << outcome;
  // Told at once when asked after the batch ended.
  bool at_once = false;
  recorder.WhenWritten(receipt, [&](absl::Status status) {
    at_once = status.code() == absl::StatusCode::kUnavailable;
  });
  EXPECT_TRUE(at_once);
}

TEST_F(AccessLogTest, GracefulShutdownWritesQueuedReads) {
  v1::Finding finding = MustCreateFinding(audit_.name(), ExampleFinding());
  grpc::ClientContext context;
  v1::GetFindingRequest get;
  get.set_name(finding.name());
  v1::Finding read;
  ASSERT_TRUE(audits_->GetFinding(&context, get, &read).ok());
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  int64_t reads = -1;
  ASSERT_TRUE(db_->Read([&](store::Connection& db) -> absl::Status {
                   auto select = db.Prepare(
                       "SELECT count(*) FROM access_log WHERE kind = 1");
                   if (!select.ok()) return select.status();
                   if (auto row = (*select)->Step(); !row.ok()) {
                     return row.status();
                   }
                   reads = (*select)->Int(0);
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(reads, 1);
}

TEST_F(AccessLogTest, FiltersByPrincipalResourceAndTime) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit_.name());
    request.mutable_audit()->add_auditors(auditor.name);
    request.mutable_update_mask()->add_paths("auditors");
    v1::Audit updated;
    ASSERT_TRUE(audits_->UpdateAudit(&context, request, &updated).ok());
  }
  absl::Time before = clock_.Now();
  clock_.Advance(absl::Hours(1));
  auto as_auditor = v1::AuditService::NewStub(ChannelFor(auditor.secret));
  grpc::ClientContext context;
  v1::CreateFindingRequest create;
  create.set_parent(audit_.name());
  *create.mutable_finding() = ExampleFinding();
  v1::Finding finding;
  ASSERT_TRUE(as_auditor->CreateFinding(&context, create, &finding).ok());

  v1::ListAccessLogRequest by_principal;
  by_principal.set_principal(auditor.name);
  std::vector<v1::AccessLogEntry> entries = List(by_principal);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].resource(), finding.name());

  v1::ListAccessLogRequest early;
  early.mutable_end_time()->set_seconds(absl::ToUnixSeconds(before) + 1);
  for (const auto& entry : List(early)) {
    EXPECT_NE(entry.principal(), auditor.name);
  }
  v1::ListAccessLogRequest late;
  late.mutable_start_time()->set_seconds(absl::ToUnixSeconds(before) + 1);
  EXPECT_EQ(List(late).size(), 1u);

  v1::ListAccessLogRequest backwards = late;
  backwards.mutable_end_time()->set_seconds(absl::ToUnixSeconds(before));
  grpc::ClientContext bad;
  v1::ListAccessLogResponse response;
  EXPECT_EQ(log_->ListAccessLog(&bad, backwards, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// A time range is two real instants: a Timestamp outside what
// google.protobuf.Timestamp allows (nanos out of 0..999,999,999, seconds
// outside years 1-9999, which overflowed when turned into microseconds) is
// refused naming the field, not read as some other time.
TEST_F(AccessLogTest, TimeRangeMustHoldRealTimestamps) {
  struct Case {
    bool end;
    int64_t seconds;
    int32_t nanos;
    const char* field;
  };
  for (const Case& c : {Case{false, 1780000000, -1, "start_time"},
                        Case{true, 1780000000, 1000000000, "end_time"},
                        Case{false, INT64_MAX, 0, "start_time"},
                        Case{true, -62135596801, 0, "end_time"}}) {
    SCOPED_TRACE(c.field);
    v1::ListAccessLogRequest request;
    google::protobuf::Timestamp* time =
        c.end ? request.mutable_end_time() : request.mutable_start_time();
    time->set_seconds(c.seconds);
    time->set_nanos(c.nanos);
    grpc::ClientContext context;
    v1::ListAccessLogResponse response;
    grpc::Status status = log_->ListAccessLog(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr(c.field));
  }
}

TEST_F(AccessLogTest, RetentionPurgesOldEntriesAndLogsThePurge) {
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  ASSERT_TRUE(db_->Write([&](store::Connection& db) -> absl::Status {
                   store::AccessLogRepository log(db);
                   for (int years : {6, 7}) {
                     v1::AccessLogEntry old;
                     old.mutable_time()->set_seconds(absl::ToUnixSeconds(
                         clock_.Now() - absl::Hours(24 * 366 * years)));
                     old.set_principal(admin_.name);
                     old.set_method("brevis.v1.AuditService/GetAudit");
                     old.set_kind(v1::ACCESS_KIND_READ);
                     old.set_resource(audit_.name());
                     if (auto s = log.Append(old); !s.ok()) return s;
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  options_.access_log_retention = absl::Hours(24 * 1827);
  auto server = ApiServer::Start(options_, db_.get(), &clock_);
  ASSERT_TRUE(server.ok());
  server_ = std::move(*server);
  log_ = v1::AccessLogService::NewStub(ChannelFor(admin_.secret));

  std::vector<v1::AccessLogEntry> system;
  for (int i = 0; i < 100 && system.empty(); ++i) {
    v1::ListAccessLogRequest request;
    request.set_resource_prefix("accessLog");
    system = List(request);
    if (system.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_EQ(system.size(), 1u);
  EXPECT_EQ(system[0].principal(), "system");
  EXPECT_THAT(system[0].detail(), HasSubstr("deleted 2 entries"));
  v1::ListAccessLogRequest audit;
  audit.set_resource_prefix(audit_.name());
  for (const auto& entry : List(audit)) {
    EXPECT_GE(entry.time().seconds(),
              absl::ToUnixSeconds(clock_.Now() - absl::Hours(24 * 1827)));
  }
}

}  // namespace
}  // namespace brevis::api
