#include "tests/pg/pg_environment.h"

namespace brevis::testing {
namespace {

std::unique_ptr<PgCluster>& Cluster() {
  static auto* cluster = new std::unique_ptr<PgCluster>();
  return *cluster;
}

class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto cluster = PgCluster::Start();
    ASSERT_TRUE(cluster.ok()) << cluster.status().message();
    Cluster() = std::move(*cluster);
  }
  void TearDown() override {
    if (Cluster() == nullptr) return;
    absl::Status stopped = Cluster()->Stop();
    EXPECT_TRUE(stopped.ok()) << stopped.message();
    Cluster().reset();
  }
};

// Registered before main runs, in every binary that links this file.
[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgEnvironment());

}  // namespace

PgCluster* SharedPgCluster() { return Cluster().get(); }

void PgTest::SetUp() {
  ASSERT_NE(SharedPgCluster(), nullptr) << "the PostgreSQL cluster is down";
  auto database = SharedPgCluster()->CreateDatabase();
  ASSERT_TRUE(database.ok()) << store::DescribeForLog(database.status());
  database_ = *database;
  conninfo_ = SharedPgCluster()->ConnInfo(database_);
}

std::unique_ptr<store::pg::Connection> PgTest::Connect(
    absl::Duration statement_timeout) {
  auto connection = store::pg::Connection::Open(
      {.conninfo = conninfo_, .statement_timeout = statement_timeout});
  EXPECT_TRUE(connection.ok()) << store::DescribeForLog(connection.status());
  return connection.ok() ? std::move(*connection) : nullptr;
}

}  // namespace brevis::testing
