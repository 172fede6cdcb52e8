#include "tests/fault/fault_support.h"

#include <signal.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/testing/bearer_channel.h"

namespace brevis::fault {
namespace {

// A list longer than this many pages is broken.
constexpr int kMaxPages = 200;
constexpr milliseconds kCallTimeout{10000};

}  // namespace

bool LongFaults() {
  const char* value = std::getenv("BREVIS_LONG_FAULTS");
  return value != nullptr && std::string(value) == "1";
}

uint32_t FaultSeed() {
  if (const char* value = std::getenv("BREVIS_FAULT_SEED")) {
    return static_cast<uint32_t>(std::strtoul(value, nullptr, 10));
  }
  return std::random_device()();
}

std::optional<std::vector<std::string>> QueryColumn(const std::string& db_path,
                                                    const std::string& sql,
                                                    std::string* error) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) {
    *error = std::string("cannot open ") + db_path + ": " + sqlite3_errstr(rc);
    sqlite3_close(db);
    return std::nullopt;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  std::vector<std::string> rows;
  rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) break;
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    rows.push_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  }
  bool ok = rc == SQLITE_DONE;
  if (!ok) *error = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (!ok) return std::nullopt;
  return rows;
}

FileCheck CheckFile(const std::string& db_path) {
  FileCheck check;
  std::string error;
  auto integrity = QueryColumn(db_path, "PRAGMA integrity_check", &error);
  if (!integrity.has_value()) {
    check.error = error;
    return check;
  }
  for (const std::string& line : *integrity) {
    check.integrity += check.integrity.empty() ? line : "\n" + line;
  }
  // foreign_key_check's first column is the table; a row is a violation.
  auto foreign_keys = QueryColumn(db_path, "PRAGMA foreign_key_check", &error);
  if (!foreign_keys.has_value()) {
    check.error = error;
    return check;
  }
  check.foreign_keys = *foreign_keys;
  return check;
}

std::unique_ptr<grpc::ClientContext> Deadline(milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

v1::Unit ExampleUnit(const std::string& display_name) {
  v1::Unit unit;
  unit.set_display_name(display_name);
  unit.set_region("Region Stockholm");
  unit.set_kind(v1::UNIT_KIND_OUTPATIENT);
  return unit;
}

v1::Audit ExampleAudit(const std::string& unit_name) {
  v1::Audit audit;
  audit.set_unit(unit_name);
  audit.set_title("Brukarrevision BUP Prima Handen 2026");
  audit.set_commissioned_by(
      "Regionala programområdet för psykisk hälsa, Region Stockholm");
  audit.add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  audit.add_focus_areas(v1::FOCUS_AREA_RESPECT);
  return audit;
}

v1::Finding ExampleFinding(const std::string& text) {
  v1::Finding finding;
  finding.set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
  finding.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  finding.set_text(text);
  finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  finding.add_child_rights_articles(12);
  return finding;
}

void FaultTest::SetUp() {
  ASSERT_FALSE(dir_.path().empty()) << "cannot create a temp directory";
  db_path_ = dir_.File("brevis.db");
}

void FaultTest::Init() {
  e2e::ProcessResult init = e2e::RunBrevisd({"init", "--db", db_path_});
  ASSERT_EQ(init.exit_code, 0) << init.Describe();
}

void FaultTest::Start(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"serve", "--db", db_path_, "--listen",
                                   "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::string error;
  server_ = e2e::BrevisdProcess::Start(args, &error);
  ASSERT_NE(server_, nullptr) << error;
  std::optional<int> port = server_->WaitForListening();
  ASSERT_TRUE(port.has_value())
      << "brevisd did not report listening:\n"
      << server_->WaitForExit(milliseconds(0)).Describe();
  channel_ = NewChannel();
  directory_ = v1::DirectoryService::NewStub(channel_);
  audits_ = v1::AuditService::NewStub(channel_);
}

void FaultTest::Kill() {
  ASSERT_NE(server_, nullptr);
  ASSERT_TRUE(server_->SendSignal(SIGKILL));
  e2e::ProcessResult killed = server_->WaitForExit();
  server_.reset();
  // Anything else means brevisd died on its own before the kill.
  ASSERT_EQ(killed.term_signal, SIGKILL) << killed.Describe();
}

void FaultTest::Stop() {
  ASSERT_NE(server_, nullptr);
  ASSERT_TRUE(server_->SendSignal(SIGTERM));
  e2e::ProcessResult stopped = server_->WaitForExit();
  server_.reset();
  ASSERT_TRUE(stopped.exited_in_time) << stopped.Describe();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.Describe();
}

std::string FaultTest::AdminToken() const {
  // init writes it beside the database.
  std::ifstream file(
      (std::filesystem::path(db_path_).parent_path() / "admin.token").string());
  std::string token;
  std::getline(file, token);
  return token;
}

std::shared_ptr<grpc::Channel> FaultTest::NewChannel() const {
  return ChannelTo(server_->address());
}

std::shared_ptr<grpc::Channel> FaultTest::ChannelTo(
    const std::string& address) const {
  // Each channel gets its own connection, so concurrent clients are
  // concurrent connections as in production.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return testing::BearerChannel(address, AdminToken(),
                                grpc::InsecureChannelCredentials(), arguments);
}

v1::Unit FaultTest::MustCreateUnit(const std::string& display_name) {
  v1::CreateUnitRequest request;
  *request.mutable_unit() = ExampleUnit(display_name);
  v1::Unit created;
  grpc::Status status =
      directory_->CreateUnit(Deadline(kCallTimeout).get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

v1::Audit FaultTest::MustCreateAudit(const std::string& unit_name) {
  v1::CreateAuditRequest request;
  *request.mutable_audit() = ExampleAudit(unit_name);
  v1::Audit created;
  grpc::Status status =
      audits_->CreateAudit(Deadline(kCallTimeout).get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

std::vector<v1::Finding> ListAllFindings(v1::AuditService::Stub& audits,
                                         const std::string& audit) {
  std::vector<v1::Finding> findings;
  v1::ListFindingsRequest request;
  request.set_parent(audit);
  request.set_page_size(1000);
  for (int page = 0; page < kMaxPages; ++page) {
    v1::ListFindingsResponse response;
    grpc::Status status =
        audits.ListFindings(Deadline(kCallTimeout).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) return findings;
    findings.insert(findings.end(), response.findings().begin(),
                    response.findings().end());
    if (response.next_page_token().empty()) return findings;
    request.set_page_token(response.next_page_token());
  }
  ADD_FAILURE() << "ListFindings did not end within " << kMaxPages << " pages";
  return findings;
}

std::vector<v1::Unit> ListAllUnits(v1::DirectoryService::Stub& directory) {
  std::vector<v1::Unit> units;
  v1::ListUnitsRequest request;
  request.set_page_size(1000);
  for (int page = 0; page < kMaxPages; ++page) {
    v1::ListUnitsResponse response;
    grpc::Status status =
        directory.ListUnits(Deadline(kCallTimeout).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) return units;
    units.insert(units.end(), response.units().begin(), response.units().end());
    if (response.next_page_token().empty()) return units;
    request.set_page_token(response.next_page_token());
  }
  ADD_FAILURE() << "ListUnits did not end within " << kMaxPages << " pages";
  return units;
}

}  // namespace brevis::fault
