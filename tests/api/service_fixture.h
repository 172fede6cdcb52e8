#ifndef BREVIS_TESTS_API_SERVICE_FIXTURE_H_
#define BREVIS_TESTS_API_SERVICE_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/api/server.h"
#include "server/store/database.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/pg_test_database.h"
#include "tests/testing/temp_dir.h"

namespace brevis::api {

// A principal made for a test, with a working token.
struct TestPrincipal {
  std::string name;    // principals/{principal}
  std::string secret;  // bearer token
};

// A real brevis gRPC server in this process on a free loopback port, over a
// fresh database, with stubs on a real channel to it that call as an admin.
//
// The engine is SQLite (a file in dir_), or PostgreSQL when
// BREVIS_TEST_ENGINE=postgresql: then each test gets a database of its own,
// copied from a migrated template on a throwaway cluster and dropped after
// the test (tests/testing/pg_test_database.h says where the cluster comes
// from). tests/CMakeLists.txt registers the tests twice, once per engine.
class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // True when this run's engine is PostgreSQL (BREVIS_TEST_ENGINE).
  static bool OnPostgres();
  // Server options for SetUp; tests may change them before it runs.
  ServerOptions options_;

  // Creates a principal and a token straight in the store (no API call,
  // so tests of the API's refusals start from a known state).
  TestPrincipal NewPrincipal(v1::Role role,
                             const std::vector<std::string>& units = {},
                             const std::vector<v1::Scope>& scopes = {});
  // Sets principal `name`'s active flag through the API, as the admin.
  grpc::Status SetActive(const std::string& name, bool active);
  // A channel that calls with `secret` (none when empty).
  std::shared_ptr<grpc::Channel> ChannelFor(const std::string& secret);
  std::string target() const;

  // Valid resources as the domain's example describes them.
  static v1::Unit ExampleUnit();
  static v1::Audit ExampleAudit(const std::string& unit_name);
  static v1::Finding ExampleFinding();
  static v1::Session ExampleSession();

  // Create calls that must succeed; they fail the test otherwise.
  v1::Unit MustCreateUnit(const v1::Unit& unit);
  v1::Audit MustCreateAudit();  // of a fresh example unit
  v1::Finding MustCreateFinding(const std::string& audit_name,
                                const v1::Finding& finding);

  grpc::Status CreateFinding(const std::string& audit_name,
                             const v1::Finding& finding,
                             v1::Finding* created = nullptr,
                             const std::string& request_id = "");
  int CountFindings(const std::string& audit_name);
  int CountUnits();

  // Every byte the engine holds for this test's database, to show a
  // secret is not among them: on SQLite the database, its WAL and anything
  // beside them; on PostgreSQL, after a checkpoint, the database's own
  // files and the write-ahead log since the test began.
  std::string EverythingStored();

  testing::TempDir dir_;
  // What store::Database::Open takes for this test's database: the file's
  // path, or a postgresql:// URI.
  std::string database_address_;
  std::unique_ptr<testing::PgTestDatabase> pg_database_;  // PostgreSQL only
  std::string first_wal_segment_;  // PostgreSQL: the log's file at SetUp
  testing::FakeClock clock_{absl::FromUnixSeconds(1780000000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ApiServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DirectoryService::Stub> directory_;
  std::unique_ptr<v1::AuditService::Stub> audits_;
  TestPrincipal admin_;
  // The operational log of the server under test, kept out of the test
  // output.
  std::ostringstream server_log_;
};

}  // namespace brevis::api

#endif  // BREVIS_TESTS_API_SERVICE_FIXTURE_H_
