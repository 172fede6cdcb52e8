#include "tests/bench/postgres_target.h"

#include <filesystem>

#include "server/domain/str_cat.h"
#include "server/store/postgres.h"

namespace brevis::bench {

absl::StatusOr<std::unique_ptr<PostgresTarget>> PostgresTarget::Open(
    const std::string& uri) {
  std::unique_ptr<PostgresTarget> target(new PostgresTarget());
  if (!uri.empty()) {
    target->uri_ = uri;
  } else {
    auto cluster = testing::PgCluster::Start();
    if (!cluster.ok()) return cluster.status();
    target->cluster_ = *std::move(cluster);
    // The test cluster's 16 MB of shared buffers would turn reads of even a
    // small data set into copies from the kernel's cache; a server for
    // brevis would have more. The setting takes a restart.
    {
      auto admin = store::pg::Connection::Open(
          {.conninfo = target->cluster_->ConnInfo("postgres")});
      if (!admin.ok()) return admin.status();
      absl::Status set =
          (*admin)->Exec("ALTER SYSTEM SET shared_buffers = '128MB'");
      if (!set.ok()) return set;
    }
    if (absl::Status s = target->cluster_->Stop(); !s.ok()) return s;
    if (absl::Status s = target->cluster_->Restart(); !s.ok()) return s;
    auto database = target->cluster_->CreateDatabase();
    if (!database.ok()) return database.status();
    target->uri_ = target->cluster_->Uri(*database);
  }
  // Reachable now, or the benchmark stops before seeding anything else.
  auto connection = store::pg::Connection::Open({.conninfo = target->uri_});
  if (!connection.ok()) return connection.status();
  return target;
}

std::string PostgresTarget::Describe() const {
  return brevis::StrCat(store::pg::DescribeAddress(uri_),
                        cluster_ != nullptr ? " (a throwaway cluster)" : "");
}

absl::Status PostgresTarget::LoadFrom(const std::string& brevisd,
                                      const std::string& sqlite_db,
                                      const std::string& dir,
                                      std::chrono::milliseconds timeout) const {
  absl::Status init = RunProgram({brevisd, "init", "--db", uri_},
                                 dir + "/pg-init.log", timeout);
  if (!init.ok()) return init;
  return RunProgram({brevisd, "copy", "--from", sqlite_db, "--to", uri_},
                    dir + "/pg-copy.log", timeout);
}

int64_t PostgresTarget::DatabaseBytes() const {
  auto connection = store::pg::Connection::Open({.conninfo = uri_});
  if (!connection.ok()) return -1;
  auto statement =
      (*connection)->Prepare("SELECT pg_database_size(current_database())");
  if (!statement.ok()) return -1;
  absl::StatusOr<bool> row = (*statement)->Step();
  if (!row.ok() || !*row) return -1;
  return (*statement)->Int(0);
}

absl::StatusOr<std::vector<std::unique_ptr<ServerProcess>>> StartReplicas(
    const std::string& brevisd, const std::string& db, const std::string& dir,
    int replicas, std::chrono::milliseconds timeout) {
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (int i = 0; i < replicas; ++i) {
    std::string replica_dir = brevis::StrCat(dir, "/replica-", i);
    std::filesystem::create_directories(replica_dir);
    auto server = ServerProcess::Start(brevisd, db, replica_dir, timeout);
    if (!server.ok()) return server.status();  // the others stop with them
    servers.push_back(*std::move(server));
  }
  return servers;
}

}  // namespace brevis::bench
