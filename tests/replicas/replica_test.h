#ifndef BREVIS_TESTS_REPLICAS_REPLICA_TEST_H_
#define BREVIS_TESTS_REPLICAS_REPLICA_TEST_H_

// Several real brevisd replicas on one PostgreSQL database: a fresh
// database on the binary's throwaway cluster (tests/pg/pg_environment.h),
// set up with `brevisd init`, the first admin's token from `brevisd token
// create`, and three `brevisd serve` children on loopback ports that stay the
// same across a replica's restarts (as behind a load balancer). When a test
// fails, how each replica and the cluster ended and the tail of their logs are
// printed. Use from the test's main thread (BrevisdProcess is not
// thread-safe); the channels may be used from any thread.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "brevis/v1/audit.pb.h"
#include "brevis/v1/event.pb.h"
#include "brevis/v1/principal.pb.h"
#include "brevis/v1/unit.pb.h"
#include "tests/e2e/brevisd_process.h"
#include "tests/pg/pg_environment.h"

namespace brevis::replicas {

using std::chrono::milliseconds;

inline constexpr int kReplicas = 3;

// A principal made through the API, with a token of its own.
struct Person {
  std::string name;    // principals/...
  std::string secret;  // its bearer token
};

class ReplicaTest : public testing::PgTest {
 protected:
  // Sets up the test's database and the admin token, and starts every
  // replica.
  void SetUp() override;

  // `brevisd serve` for replica `i` on its port; waits for it to listen.
  void StartReplica(int i);
  // SIGKILL of replica `i`, which must still be running.
  void KillReplica(int i);
  // Reads the output of every running replica for `duration`, so that
  // none blocks on a full pipe: the wait between steps under load.
  void Pump(milliseconds duration);

  // HOST:PORT of replica `i`.
  std::string Address(int i) const;
  // A new channel (its own connection) to replica `i` carrying `secret`.
  std::shared_ptr<grpc::Channel> Channel(int i,
                                         const std::string& secret) const;
  std::shared_ptr<grpc::Channel> AdminChannel(int i) const {
    return Channel(i, admin_secret_);
  }

  // A unit (fault::ExampleUnit) and an audit of it (fault::ExampleAudit),
  // made by the admin through replica 0; failures reported through
  // GoogleTest.
  v1::Unit MustCreateUnit(const std::string& display_name);
  v1::Audit MustCreateAudit(const std::string& unit);

  // A principal of `role` (a unit manager of `unit` when given) and a
  // token for it, made by the admin through replica 0.
  Person NewPrincipal(v1::Role role, const std::string& unit = "");

  // Every event the admin sees, through replica `i`, oldest first; a
  // failed call is reported through GoogleTest.
  std::vector<v1::Event> ListAllEvents(int i, const std::string& filter = "");
  // Sequences 1..N in order, none missing or repeated.
  static void ExpectGapless(const std::vector<v1::Event>& events);

  e2e::TempDir dir_;
  testing::PgCluster* cluster_ = nullptr;  // the binary's, not owned
  std::string uri_;
  std::string admin_secret_;
  std::array<int, kReplicas> ports_{};
  std::array<std::unique_ptr<e2e::BrevisdProcess>, kReplicas> replicas_;
};

}  // namespace brevis::replicas

#endif  // BREVIS_TESTS_REPLICAS_REPLICA_TEST_H_
