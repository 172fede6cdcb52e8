#ifndef BREVIS_TESTS_TESTING_PG_TEST_DATABASE_H_
#define BREVIS_TESTS_TESTING_PG_TEST_DATABASE_H_

// Fresh, migrated PostgreSQL databases for tests that run against both
// engines (tests/api's ServiceTest with BREVIS_TEST_ENGINE=postgresql).
//
// Where the cluster comes from:
// - Under CTest, one cluster serves the whole run: the `pg.cluster_start`
//   test (tests/testing/pg_test_cluster_main.cc) starts it, makes the
//   migrated template database and writes a small state file, whose path
//   the pg-labelled tests get in BREVIS_TEST_PG_CLUSTER;
//   `pg.cluster_stop` stops it.
// - Without BREVIS_TEST_PG_CLUSTER (a test binary run by hand), the first
//   call starts a throwaway cluster for this process (PgCluster), which
//   stops when the process ends.
//
// Each test's database is `CREATE DATABASE ... TEMPLATE <template>`: a
// file copy of a database every migration was applied to, so a test costs
// a copy, not a migration run. The cluster runs without fsync
// (PgClusterOptions::durable): nothing here looks at what survives a crash.

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace brevis::testing {

// What a test needs to reach the shared cluster; the state file holds it as
// `key=value` lines (host, user, data, template).
struct PgTestCluster {
  std::string host;      // the socket directory (no TCP)
  std::string user;      // a superuser; authentication is trust
  std::string data_dir;  // the cluster's data directory
  std::string template_name;

  // A key=value connection string, and a postgresql:// URI, for `database`.
  std::string ConnInfo(std::string_view database) const;
  std::string Uri(std::string_view database) const;
};

// Writes `cluster` to `path` (through a temporary file and a rename, so a
// reader never sees half of it). INTERNAL when it cannot.
absl::Status WritePgTestCluster(const PgTestCluster& cluster,
                                const std::string& path);
// Reads what WritePgTestCluster wrote. FAILED_PRECONDITION, naming the file,
// when it is missing or lacks a key.
absl::StatusOr<PgTestCluster> ReadPgTestCluster(const std::string& path);

// Creates database `name` from template0 with C collation and UTF8, as a
// brevis database is made (docs/operations.md), and applies every embedded
// PostgreSQL migration to it. The engine's error when a step fails.
absl::Status CreateMigratedDatabase(const PgTestCluster& cluster,
                                    const std::string& name);

// One test's database: created from the template on construction (Create),
// dropped with everything connected to it on Drop. Thread-compatible.
class PgTestDatabase {
 public:
  // The cluster this process uses (see the file comment): the one named by
  // BREVIS_TEST_PG_CLUSTER, or one started now for this process. The error
  // says what failed (the file, or the cluster's start and log).
  static absl::StatusOr<const PgTestCluster*> Cluster();

  // Creates a database no other test of this cluster gets, from the
  // template. The engine's error when CREATE DATABASE fails.
  static absl::StatusOr<std::unique_ptr<PgTestDatabase>> Create();
  // Drops the database (see Drop).
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  // DROP DATABASE ... WITH (FORCE): ends sessions still on it. Idempotent.
  absl::Status Drop();

  const std::string& name() const { return name_; }
  // The address Database::Open takes for it.
  std::string Uri() const { return cluster_->Uri(name_); }
  std::string ConnInfo() const { return cluster_->ConnInfo(name_); }
  const PgTestCluster& cluster() const { return *cluster_; }

 private:
  PgTestDatabase() = default;
  const PgTestCluster* cluster_ = nullptr;
  std::string name_;
  bool dropped_ = false;
};

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_PG_TEST_DATABASE_H_
