#include "tests/api/service_fixture.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server/auth/token_secret.h"
#include "server/domain/resource_name.h"
#include "server/json_log.h"
#include "server/store/engine_error.h"
#include "server/store/postgres.h"
#include "server/store/principal_repository.h"
#include "server/store/token_repository.h"
#include "server/store/unit_repository.h"
#include "tests/testing/bearer_channel.h"

namespace brevis::api {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// One row's first column as text, from `sql` on `conninfo`.
absl::StatusOr<std::string> QueryText(const std::string& conninfo,
                                      const std::string& sql) {
  auto connection = store::pg::Connection::Open({.conninfo = conninfo});
  if (!connection.ok()) return connection.status();
  auto select = (*connection)->Prepare(sql);
  if (!select.ok()) return select.status();
  auto row = (*select)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no row from " + sql);
  return (*select)->Text(0);
}

}  // namespace

bool ServiceTest::OnPostgres() {
  const char* engine = std::getenv("BREVIS_TEST_ENGINE");
  return engine != nullptr && std::string(engine) == "postgresql";
}

void ServiceTest::SetUp() {
  JsonLog::Global().Redirect(&server_log_);
  if (const char* engine = std::getenv("BREVIS_TEST_ENGINE");
      engine != nullptr && *engine != '\0') {
    ASSERT_TRUE(std::string(engine) == "sqlite" || OnPostgres())
        << "BREVIS_TEST_ENGINE is sqlite or postgresql, not " << engine;
  }
  if (OnPostgres()) {
    auto database = testing::PgTestDatabase::Create();
    ASSERT_TRUE(database.ok()) << store::DescribeForLog(database.status());
    pg_database_ = std::move(*database);
    database_address_ = pg_database_->Uri();
    auto segment = QueryText(pg_database_->ConnInfo(),
                             "SELECT pg_walfile_name(pg_current_wal_lsn())");
    ASSERT_TRUE(segment.ok()) << store::DescribeForLog(segment.status());
    first_wal_segment_ = *segment;
  } else {
    database_address_ = dir_.File("brevis.db");
    ASSERT_TRUE(
        store::CreateDatabase(database_address_, store::EmbeddedMigrations())
            .ok());
  }
  store::DatabaseOptions db_options;
  db_options.path = database_address_;
  auto db = store::Database::Open(db_options);
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = std::move(*db);
  options_.listen_address = "127.0.0.1:0";
  auto server = ApiServer::Start(options_, db_.get(), &clock_);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(*server);
  admin_ = NewPrincipal(v1::ROLE_ADMIN);
  channel_ = ChannelFor(admin_.secret);
  directory_ = v1::DirectoryService::NewStub(channel_);
  audits_ = v1::AuditService::NewStub(channel_);
}

std::string ServiceTest::target() const {
  return "127.0.0.1:" + std::to_string(server_->port());
}

std::shared_ptr<grpc::Channel> ServiceTest::ChannelFor(
    const std::string& secret) {
  return testing::BearerChannel(target(), secret);
}

TestPrincipal ServiceTest::NewPrincipal(v1::Role role,
                                        const std::vector<std::string>& units,
                                        const std::vector<v1::Scope>& scopes) {
  TestPrincipal result;
  result.secret = auth::NewTokenSecret();
  absl::Status status = db_->Write([&](store::Connection& db) -> absl::Status {
    std::vector<int64_t> unit_ids;
    for (const std::string& unit : units) {
      auto id =
          store::UnitRepository(db).RowId(unit.substr(unit.find('/') + 1));
      if (!id.ok()) return id.status();
      unit_ids.push_back(*id);
    }
    v1::Principal principal;
    principal.set_display_name("Testperson");
    principal.set_role(role);
    for (const std::string& unit : units) principal.add_units(unit);
    for (v1::Scope scope : scopes) principal.add_scopes(scope);
    std::string uid = domain::NewResourceId();
    store::PrincipalRepository principals(db);
    if (auto s = principals.Create(uid, unit_ids, clock_.Now(), &principal);
        !s.ok()) {
      return s;
    }
    auto record = principals.Get(uid);
    if (!record.ok()) return record.status();
    v1::Token token;
    token.mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(clock_.Now() + absl::Hours(24)));
    result.name = principal.name();
    return store::TokenRepository(db).Create(
        {uid, domain::NewResourceId()}, record->id,
        auth::HashTokenSecret(result.secret), clock_.Now(), &token);
  });
  EXPECT_TRUE(status.ok()) << status;
  return result;
}

grpc::Status ServiceTest::SetActive(const std::string& name, bool active) {
  grpc::ClientContext context;
  v1::UpdatePrincipalRequest request;
  request.mutable_principal()->set_name(name);
  request.mutable_principal()->set_active(active);
  request.mutable_update_mask()->add_paths("active");
  v1::Principal updated;
  return directory_->UpdatePrincipal(&context, request, &updated);
}

void ServiceTest::TearDown() {
  JsonLog::Global().Redirect(&std::cerr);
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  server_.reset();
  db_.reset();
  if (pg_database_ != nullptr) {
    absl::Status dropped = pg_database_->Drop();
    EXPECT_TRUE(dropped.ok()) << store::DescribeForLog(dropped);
  }
}

std::string ServiceTest::EverythingStored() {
  std::string all;
  if (!OnPostgres()) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(dir_.File(""))) {
      if (entry.is_regular_file()) all += ReadFile(entry.path());
    }
    return all;
  }
  const testing::PgTestCluster& cluster = pg_database_->cluster();
  std::string admin = cluster.ConnInfo("postgres");
  // The checkpoint writes every changed page of the database to its files.
  auto checkpoint = store::pg::Connection::Open({.conninfo = admin});
  EXPECT_TRUE(checkpoint.ok() && (*checkpoint)->Exec("CHECKPOINT").ok());
  auto oid = QueryText(admin,
                       "SELECT oid::text FROM pg_database WHERE "
                       "datname = '" +
                           pg_database_->name() + "'");
  EXPECT_TRUE(oid.ok()) << store::DescribeForLog(oid.status());
  if (!oid.ok()) return all;
  std::filesystem::path data(cluster.data_dir);
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(data / "base" / *oid)) {
    if (entry.is_regular_file()) all += ReadFile(entry.path());
  }
  // Segment names sort in log order: those from the test's start on.
  for (const auto& entry :
       std::filesystem::directory_iterator(data / "pg_wal")) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() == 24 &&
        name >= first_wal_segment_) {
      all += ReadFile(entry.path());
    }
  }
  return all;
}

v1::Unit ServiceTest::ExampleUnit() {
  v1::Unit unit;
  unit.set_display_name("BUP Prima Handen");
  unit.set_region("Region Stockholm");
  unit.set_kind(v1::UNIT_KIND_OUTPATIENT);
  return unit;
}

v1::Audit ServiceTest::ExampleAudit(const std::string& unit_name) {
  v1::Audit audit;
  audit.set_unit(unit_name);
  audit.set_title("Brukarrevision BUP Prima Handen 2026");
  audit.set_commissioned_by("Regionens programområde psykisk hälsa");
  audit.add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  audit.add_focus_areas(v1::FOCUS_AREA_RESPECT);
  audit.add_focus_areas(v1::FOCUS_AREA_INFORMATION);
  audit.add_focus_areas(v1::FOCUS_AREA_CHILD_RIGHTS);
  auto* start = audit.mutable_planned_start_date();
  start->set_year(2026);
  start->set_month(2);
  start->set_day(1);
  auto* report = audit.mutable_planned_report_date();
  report->set_year(2026);
  report->set_month(5);
  report->set_day(15);
  return audit;
}

v1::Finding ServiceTest::ExampleFinding() {
  v1::Finding finding;
  finding.set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
  finding.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  finding.set_text(
      "Flera unga säger att de inte får vara med när beslut om deras "
      "behandling fattas.");
  finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  finding.add_child_rights_articles(12);
  return finding;
}

v1::Session ServiceTest::ExampleSession() {
  v1::Session session;
  session.mutable_date()->set_year(2026);
  session.mutable_date()->set_month(3);
  session.mutable_date()->set_day(4);
  session.set_kind(v1::SESSION_KIND_FOCUS_GROUP);
  session.set_informant_group(v1::INFORMANT_GROUP_CHILD);
  session.set_participant_count(4);
  return session;
}

v1::Unit ServiceTest::MustCreateUnit(const v1::Unit& unit) {
  grpc::ClientContext context;
  v1::CreateUnitRequest request;
  *request.mutable_unit() = unit;
  v1::Unit created;
  grpc::Status status = directory_->CreateUnit(&context, request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

v1::Audit ServiceTest::MustCreateAudit() {
  v1::Unit unit = MustCreateUnit(ExampleUnit());
  grpc::ClientContext context;
  v1::CreateAuditRequest request;
  *request.mutable_audit() = ExampleAudit(unit.name());
  v1::Audit created;
  grpc::Status status = audits_->CreateAudit(&context, request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

grpc::Status ServiceTest::CreateFinding(const std::string& audit_name,
                                        const v1::Finding& finding,
                                        v1::Finding* created,
                                        const std::string& request_id) {
  grpc::ClientContext context;
  v1::CreateFindingRequest request;
  request.set_parent(audit_name);
  *request.mutable_finding() = finding;
  request.set_request_id(request_id);
  v1::Finding ignored;
  return audits_->CreateFinding(&context, request,
                                created != nullptr ? created : &ignored);
}

v1::Finding ServiceTest::MustCreateFinding(const std::string& audit_name,
                                           const v1::Finding& finding) {
  v1::Finding created;
  grpc::Status status = CreateFinding(audit_name, finding, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created;
}

int ServiceTest::CountFindings(const std::string& audit_name) {
  int count = 0;
  std::string token;
  do {
    grpc::ClientContext context;
    v1::ListFindingsRequest request;
    request.set_parent(audit_name);
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::ListFindingsResponse response;
    grpc::Status status = audits_->ListFindings(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) return -1;
    count += response.findings_size();
    token = response.next_page_token();
  } while (!token.empty());
  return count;
}

int ServiceTest::CountUnits() {
  grpc::ClientContext context;
  v1::ListUnitsRequest request;
  request.set_page_size(1000);
  v1::ListUnitsResponse response;
  grpc::Status status = directory_->ListUnits(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.units_size();
}

}  // namespace brevis::api
