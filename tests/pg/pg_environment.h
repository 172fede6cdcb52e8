#ifndef BREVIS_TESTS_PG_PG_ENVIRONMENT_H_
#define BREVIS_TESTS_PG_PG_ENVIRONMENT_H_

// One throwaway PostgreSQL cluster for the whole test binary (a GoogleTest
// environment: started before the first test, stopped after the last, also
// when tests fail), and a fixture that gives each test a fresh database on
// it.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server/store/postgres.h"
#include "tests/testing/pg_cluster.h"

namespace brevis::testing {

// The binary's cluster; null before the environment started it or when it
// failed to start (the environment's failure says why).
PgCluster* SharedPgCluster();

// A fresh database per test on the shared cluster. Not thread-safe.
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // A session on this test's database, with `statement_timeout`.
  std::unique_ptr<store::pg::Connection> Connect(
      absl::Duration statement_timeout = absl::ZeroDuration());

  std::string conninfo_;  // this test's database, key=value
  std::string database_;
};

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_PG_PG_ENVIRONMENT_H_
