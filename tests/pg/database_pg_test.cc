// store::Database on PostgreSQL (issue 17): several Database objects on one
// PostgreSQL database stand for replicas. Their writes are serialized by
// the one writer lock, another replica's commit reaches the commit
// listener, and sessions the server ended are reopened.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "server/store/database.h"
#include "server/store/engine_error.h"
#include "server/store/postgres_migrator.h"
#include "tests/pg/pg_environment.h"

namespace brevis::testing {
namespace {

class DatabasePgTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    uri_ = SharedPgCluster()->Uri(database_);
    auto admin = Connect();
    ASSERT_NE(admin, nullptr);
    ASSERT_TRUE(
        store::pg::ApplyMigrations(*admin, store::EmbeddedPostgresMigrations())
            .ok());
    // A table of the test's own beside brevis's: the Database checks the
    // migration ledger, not the list of tables.
    ASSERT_TRUE(admin
                    ->Exec("CREATE TABLE counter (n BIGINT NOT NULL);"
                           "INSERT INTO counter VALUES (0)")
                    .ok());
  }

  std::unique_ptr<store::Database> OpenReplica(
      absl::Duration statement_timeout = absl::Seconds(30)) {
    auto db = store::Database::Open({.path = uri_,
                                     .reader_count = 2,
                                     .statement_timeout = statement_timeout});
    EXPECT_TRUE(db.ok()) << store::DescribeForLog(db.status());
    return db.ok() ? std::move(*db) : nullptr;
  }

  // Read, then write one more: a lost update shows as a smaller total.
  static absl::Status Increment(store::Connection& connection) {
    auto read = connection.Prepare("SELECT n FROM counter");
    if (!read.ok()) return read.status();
    auto row = (*read)->Step();
    if (!row.ok()) return row.status();
    int64_t n = (*read)->Int(0);
    auto write = connection.Prepare("UPDATE counter SET n = ?");
    if (!write.ok()) return write.status();
    return (*write)->Bind(1, n + 1).Run();
  }

  int64_t Counter(store::Database& db) {
    int64_t n = -1;
    EXPECT_TRUE(db.Read([&](store::Connection& connection) -> absl::Status {
                    auto read = connection.Prepare("SELECT n FROM counter");
                    if (!read.ok()) return read.status();
                    auto row = (*read)->Step();
                    if (!row.ok()) return row.status();
                    n = (*read)->Int(0);
                    return absl::OkStatus();
                  }).ok());
    return n;
  }

  // Ends every other session on this test's database, as a restart or an
  // administrator would.
  void TerminateSessions() {
    auto admin = Connect();
    ASSERT_NE(admin, nullptr);
    auto kill = admin->Prepare(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    ASSERT_TRUE(kill.ok());
    ASSERT_TRUE(*(*kill)->Step());
    EXPECT_GE((*kill)->Int(0), 1);
  }

  std::string uri_;
};

TEST_F(DatabasePgTest, OpensOnAUriAndRefusesAnUnmigratedDatabase) {
  auto db = OpenReplica();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->engine(), store::Engine::kPostgres);
  EXPECT_EQ(db->schema_version(),
            store::EmbeddedPostgresMigrations().back().version);
  EXPECT_THAT(db->path(), ::testing::HasSubstr(database_));

  auto empty = SharedPgCluster()->CreateDatabase();
  ASSERT_TRUE(empty.ok());
  auto refused =
      store::Database::Open({.path = SharedPgCluster()->Uri(*empty)});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), ::testing::HasSubstr("brevisd init"));
}

TEST_F(DatabasePgTest, WritesOfTwoReplicasNeverLoseAnUpdate) {
  auto a = OpenReplica();
  auto b = OpenReplica();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kThreadsPerReplica = 3;
  constexpr int kWritesPerThread = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (store::Database* db : {a.get(), b.get()}) {
    for (int t = 0; t < kThreadsPerReplica; ++t) {
      writers.emplace_back([db, &failures] {
        for (int i = 0; i < kWritesPerThread; ++i) {
          if (!db->Write(Increment).ok()) ++failures;
        }
      });
    }
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failures.load(), 0);
  // Under READ COMMITTED without the writer lock, two replicas reading the
  // same n would both write n + 1.
  EXPECT_EQ(Counter(*a), 2 * kThreadsPerReplica * kWritesPerThread);
  EXPECT_EQ(Counter(*b), 2 * kThreadsPerReplica * kWritesPerThread);
}

TEST_F(DatabasePgTest, AWriterWaitingTooLongForTheLockIsCancelled) {
  auto holder = OpenReplica(absl::ZeroDuration());
  auto impatient = OpenReplica(absl::Milliseconds(300));
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(impatient, nullptr);
  absl::Notification locked, release;
  std::thread hold([&] {
    EXPECT_TRUE(holder
                    ->Write([&](store::Connection& connection) {
                      locked.Notify();
                      release.WaitForNotificationWithTimeout(absl::Seconds(20));
                      return Increment(connection);
                    })
                    .ok());
  });
  ASSERT_TRUE(locked.WaitForNotificationWithTimeout(absl::Seconds(20)));
  absl::Status waited = impatient->Write(Increment);
  release.Notify();
  hold.join();
  EXPECT_EQ(waited.code(), absl::StatusCode::kDeadlineExceeded) << waited;
  EXPECT_EQ(Counter(*impatient), 1);  // only the holder's write
}

TEST_F(DatabasePgTest, AnotherReplicasCommitReachesTheCommitListener) {
  auto a = OpenReplica();
  auto b = OpenReplica();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  absl::Mutex mu;
  absl::CondVar called;
  int calls = 0;
  a->SetCommitListener([&] {
    absl::MutexLock lock(&mu);
    ++calls;
    called.SignalAll();
  });
  auto called_at_least = [&](int n) {
    absl::MutexLock lock(&mu);
    absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (calls < n && !called.WaitWithDeadline(&mu, deadline)) {
    }
    return calls >= n;
  };
  // The relay announces once when its session is up (nothing is missed
  // between opening and listening).
  ASSERT_TRUE(called_at_least(1));
  int before;
  {
    absl::MutexLock lock(&mu);
    before = calls;
  }
  ASSERT_TRUE(b->Write(Increment).ok());
  EXPECT_TRUE(called_at_least(before + 1)) << "B's commit never reached A";

  // The relay's session ended by the server: it reopens and announces.
  {
    absl::MutexLock lock(&mu);
    before = calls;
  }
  TerminateSessions();
  EXPECT_TRUE(called_at_least(before + 1));
  {
    absl::MutexLock lock(&mu);
    before = calls;
  }
  ASSERT_TRUE(b->Write(Increment).ok());
  EXPECT_TRUE(called_at_least(before + 1)) << "nothing relayed after reopening";
}

TEST_F(DatabasePgTest, SessionsTheServerEndedAreReopenedOnNextUse) {
  auto db = OpenReplica();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Write(Increment).ok());
  EXPECT_EQ(Counter(*db), 1);
  TerminateSessions();
  // Nothing had run on the dropped sessions, so the call goes on with a
  // fresh one instead of failing.
  absl::Status written = db->Write(Increment);
  EXPECT_TRUE(written.ok()) << written;
  EXPECT_EQ(Counter(*db), 2);
}

TEST_F(DatabasePgTest, AFailedMemberLeavesItsBatchNeighboursWritten) {
  auto db = OpenReplica();
  ASSERT_NE(db, nullptr);
  constexpr int kWriters = 8;
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      absl::Status status =
          db->Write([&](store::Connection& connection) -> absl::Status {
            if (i % 2 == 1) {
              // A broken constraint aborts PostgreSQL's transaction; only
              // this member's savepoint is rolled back.
              auto bad = connection.Prepare("UPDATE counter SET n = NULL");
              if (!bad.ok()) return bad.status();
              return (*bad)->Run();
            }
            return Increment(connection);
          });
      (status.ok() ? ok : refused)++;
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(ok.load(), kWriters / 2);
  EXPECT_EQ(refused.load(), kWriters / 2);
  EXPECT_EQ(Counter(*db), kWriters / 2);
}

}  // namespace
}  // namespace brevis::testing
