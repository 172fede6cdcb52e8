#include "tests/testing/pg_test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>

#include "server/domain/status_macros.h"
#include "server/store/embedded_migrations.h"
#include "server/store/postgres.h"
#include "server/store/postgres_migrator.h"
#include "tests/testing/pg_cluster.h"

namespace brevis::testing {
namespace {

constexpr char kTemplate[] = "brevis_template";

absl::StatusOr<std::unique_ptr<store::pg::Connection>> ConnectAdmin(
    const PgTestCluster& cluster) {
  return store::pg::Connection::Open(
      {.conninfo = cluster.ConnInfo("postgres")});
}

// The cluster this process started itself (no BREVIS_TEST_PG_CLUSTER). Never
// destroyed: when the process ends, PgCluster's reaper stops the server and
// removes its directory, whatever static destructors run first.
absl::StatusOr<PgTestCluster> StartOwnCluster() {
  auto started = PgCluster::Start({.durable = false});
  if (!started.ok()) return started.status();
  PgCluster* cluster = started->release();
  PgTestCluster result;
  result.host = cluster->dir();
  // The connection string's user (PgCluster::ConnInfo ends with it).
  std::string conninfo = cluster->ConnInfo("postgres");
  result.user = conninfo.substr(conninfo.rfind("user=") + 5);
  result.data_dir = cluster->dir() + "/data";
  result.template_name = kTemplate;
  BREVIS_RETURN_IF_ERROR(CreateMigratedDatabase(result, kTemplate));
  return result;
}

absl::StatusOr<PgTestCluster> FindCluster() {
  const char* state = std::getenv("BREVIS_TEST_PG_CLUSTER");
  if (state != nullptr && *state != '\0') return ReadPgTestCluster(state);
  return StartOwnCluster();
}

// Unique among the databases of one cluster, also across test processes
// and across a process killed before it dropped its database.
std::string NewDatabaseName() {
  static std::atomic<int> next{1};
  static const unsigned salt = std::random_device()();
  char name[64];
  std::snprintf(name, sizeof name, "t_%d_%d_%08x", static_cast<int>(getpid()),
                next++, salt);
  return name;
}

}  // namespace

std::string PgTestCluster::ConnInfo(std::string_view database) const {
  return "host=" + host + " dbname=" + std::string(database) + " user=" + user;
}

std::string PgTestCluster::Uri(std::string_view database) const {
  // host is a directory of [A-Za-z0-9/_.-] (mkdtemp under the temporary
  // directory), which a URI's query carries as it is.
  return "postgresql:///" + std::string(database) + "?host=" + host +
         "&user=" + user;
}

absl::Status WritePgTestCluster(const PgTestCluster& cluster,
                                const std::string& path) {
  std::string temporary = path + ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "host=" << cluster.host << "\n"
        << "user=" << cluster.user << "\n"
        << "data=" << cluster.data_dir << "\n"
        << "template=" << cluster.template_name << "\n";
    if (!out) return absl::InternalError("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError("cannot rename " + temporary + " to " + path);
  }
  return absl::OkStatus();
}

absl::StatusOr<PgTestCluster> ReadPgTestCluster(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::FailedPreconditionError(
        path +
        " does not exist: the test cluster is not running (CTest's "
        "pg.cluster_start test starts it; unset BREVIS_TEST_PG_CLUSTER to "
        "let the test start a cluster of its own)");
  }
  std::map<std::string, std::string> values;
  for (std::string line; std::getline(in, line);) {
    size_t equals = line.find('=');
    if (equals != std::string::npos) {
      values[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  PgTestCluster cluster;
  for (auto [key, field] :
       {std::pair{"host", &cluster.host}, std::pair{"user", &cluster.user},
        std::pair{"data", &cluster.data_dir},
        std::pair{"template", &cluster.template_name}}) {
    if (values[key].empty()) {
      return absl::FailedPreconditionError(path + " has no " + key + "=");
    }
    *field = values[key];
  }
  return cluster;
}

absl::Status CreateMigratedDatabase(const PgTestCluster& cluster,
                                    const std::string& name) {
  {
    BREVIS_ASSIGN_OR_RETURN(auto admin, ConnectAdmin(cluster));
    // `name` is ours (CREATE DATABASE takes no parameters).
    BREVIS_RETURN_IF_ERROR(admin->Exec(
        "CREATE DATABASE " + name +
        " TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' ENCODING 'UTF8'"));
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto connection,
      store::pg::Connection::Open({.conninfo = cluster.ConnInfo(name)}));
  return store::pg::ApplyMigrations(*connection,
                                    store::EmbeddedPostgresMigrations())
      .status();
}

absl::StatusOr<const PgTestCluster*> PgTestDatabase::Cluster() {
  // Found once per process; a failure is kept, so every test says it.
  static const auto* const cluster =
      new absl::StatusOr<PgTestCluster>(FindCluster());
  if (!cluster->ok()) return cluster->status();
  return &**cluster;
}

absl::StatusOr<std::unique_ptr<PgTestDatabase>> PgTestDatabase::Create() {
  BREVIS_ASSIGN_OR_RETURN(const PgTestCluster* cluster, Cluster());
  std::unique_ptr<PgTestDatabase> database(new PgTestDatabase());
  database->cluster_ = cluster;
  database->name_ = NewDatabaseName();
  BREVIS_ASSIGN_OR_RETURN(auto admin, ConnectAdmin(*cluster));
  absl::Status created = admin->Exec("CREATE DATABASE " + database->name_ +
                                     " TEMPLATE " + cluster->template_name);
  if (!created.ok()) {
    database->dropped_ = true;
    return created;
  }
  return database;
}

absl::Status PgTestDatabase::Drop() {
  if (dropped_) return absl::OkStatus();
  dropped_ = true;
  BREVIS_ASSIGN_OR_RETURN(auto admin, ConnectAdmin(*cluster_));
  return admin->Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

PgTestDatabase::~PgTestDatabase() { Drop().IgnoreError(); }

}  // namespace brevis::testing
