#ifndef BREVIS_TESTS_BENCH_POSTGRES_TARGET_H_
#define BREVIS_TESTS_BENCH_POSTGRES_TARGET_H_

// The PostgreSQL database the benchmark measures brevisd on: one a person
// names (a postgresql:// URI of an existing, empty database of collation C)
// or one on a throwaway cluster the benchmark starts itself
// (tests/testing/pg_cluster.h: Unix socket only, fsync and synchronous
// commit on, so write figures are honest). It is filled from the seeded
// SQLite file by the real binary: `brevisd init`, then `brevisd copy`.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/bench/server_process.h"
#include "tests/testing/pg_cluster.h"

namespace brevis::bench {

// Not thread-safe. Owns the throwaway cluster, if any: it is stopped and
// removed with this object (or, should the benchmark die, by the cluster's
// reaper).
class PostgresTarget {
 public:
  // `uri` names an existing empty database; "" starts a throwaway cluster
  // (its shared_buffers raised to 128 MB) and creates a database on it.
  // INTERNAL (with the cluster's log) when the cluster cannot start; the
  // store's status when the database cannot be reached.
  static absl::StatusOr<std::unique_ptr<PostgresTarget>> Open(
      const std::string& uri);

  const std::string& uri() const { return uri_; }
  // A description for progress lines, without credentials.
  std::string Describe() const;

  // `brevisd init --db URI` then `brevisd copy --from sqlite_db --to URI`,
  // each bounded by `timeout`, their output in `dir`/pg-init.log and
  // `dir`/pg-copy.log. FAILED_PRECONDITION with that output when either
  // fails.
  absl::Status LoadFrom(const std::string& brevisd,
                        const std::string& sqlite_db, const std::string& dir,
                        std::chrono::milliseconds timeout) const;

  // pg_database_size of the database in bytes; -1 when it cannot be read.
  int64_t DatabaseBytes() const;

 private:
  PostgresTarget() = default;

  std::unique_ptr<testing::PgCluster> cluster_;
  std::string uri_;
};

// `replicas` brevisd serving the same database `db`, replica i working in
// `dir`/replica-i. Stops those already started when one fails to start.
absl::StatusOr<std::vector<std::unique_ptr<ServerProcess>>> StartReplicas(
    const std::string& brevisd, const std::string& db, const std::string& dir,
    int replicas, std::chrono::milliseconds timeout);

}  // namespace brevis::bench

#endif  // BREVIS_TESTS_BENCH_POSTGRES_TARGET_H_
