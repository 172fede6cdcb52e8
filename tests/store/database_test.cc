#include "server/store/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "server/store/call_deadline.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

using ::testing::HasSubstr;

constexpr Migration kSchema = {1, "0001_t.sql",
                               "CREATE TABLE t (a INTEGER NOT NULL) STRICT;"};
constexpr Migration kNext = {2, "0002_u.sql", "CREATE TABLE u (b INTEGER);"};
const Migration kOne[] = {kSchema};
const Migration kTwo[] = {kSchema, kNext};

std::unique_ptr<Database> OpenDatabase(const std::string& path,
                                       std::span<const Migration> migrations,
                                       int max_batch_writes = 32) {
  DatabaseOptions options;
  options.path = path;
  options.migrations = migrations;
  options.max_batch_writes = max_batch_writes;
  auto db = Database::Open(options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

// Rows of t, or only those whose a is `value`.
int64_t CountRows(Database& db, std::optional<int64_t> value = std::nullopt) {
  int64_t count = -1;
  EXPECT_TRUE(db.Read([&](Connection& connection) {
                  auto select = connection.Prepare(
                      "SELECT count(*) FROM t WHERE ?1 IS NULL OR a = ?1");
                  if (!select.ok()) return select.status();
                  if (value) (*select)->Bind(1, *value);
                  if (auto row = (*select)->Step(); !row.ok()) {
                    return row.status();
                  }
                  count = (*select)->Int(0);
                  return absl::OkStatus();
                }).ok());
  return count;
}

absl::Status Insert(Connection& connection, int64_t value) {
  auto insert = connection.Prepare("INSERT INTO t (a) VALUES (?)");
  if (!insert.ok()) return insert.status();
  return (*insert)->Bind(1, value).Run();
}

// Holds the writer with a write of its own until `queued` Write calls (its
// own included) are queued, so that they all end up in the batch after it.
// The wait is bounded: a broken queue fails the test instead of hanging it.
class WriterHold {
 public:
  WriterHold(Database& db, int queued) {
    thread_ = std::thread([&db, queued, this] {
      status_ = db.Write([&](Connection& connection) {
        holding_ = true;
        auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (db.writers_queued() < queued &&
               std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return Insert(connection, -1);
      });
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!holding_ && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~WriterHold() { Join().IgnoreError(); }
  absl::Status Join() {
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  std::atomic<bool> holding_{false};
  absl::Status status_;
  std::thread thread_;
};

// Queues `count` Write calls of `work(connection, i)`, in order of i,
// behind a held write, then lets them all run, and returns their statuses.
// The queued calls go together into the batch after the held one (or into
// several, when max_batch_writes is smaller).
std::vector<absl::Status> WriteBehindHold(
    Database& db, int count,
    const std::function<absl::Status(Connection&, int)>& work) {
  std::vector<absl::Status> statuses(count);
  WriterHold hold(db, count + 1);
  std::vector<std::thread> writers;
  for (int i = 0; i < count; ++i) {
    writers.emplace_back([&, i] {
      statuses[i] =
          db.Write([&](Connection& connection) { return work(connection, i); });
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db.writers_queued() < i + 2 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_TRUE(hold.Join().ok());
  return statuses;
}

std::string Pragma(Connection& connection, const char* sql) {
  auto select = connection.Prepare(sql);
  EXPECT_TRUE(select.ok());
  EXPECT_TRUE(*(*select)->Step());
  return (*select)->Text(0);
}

TEST(DatabaseTest, CreateRefusesAnExistingFile) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  absl::Status again = CreateDatabase(dir.File("db"), kOne);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
}

TEST(DatabaseTest, CreateMakesMissingParentDirectories) {
  testing::TempDir dir;
  EXPECT_TRUE(CreateDatabase(dir.File("var/sub/db"), kOne).ok());
}

TEST(DatabaseTest, OpenMissingFileSaysHowToCreateIt) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.path = dir.File("none.db");
  auto db = Database::Open(options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(db.status().message(), HasSubstr("brevisd init"));
}

TEST(DatabaseTest, OpenRefusesPendingMigrations) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  DatabaseOptions options;
  options.path = dir.File("db");
  options.migrations = kTwo;
  auto db = Database::Open(options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(db.status().message(), HasSubstr("brevisd migrate"));
}

TEST(DatabaseTest, OpenRefusesAFileThatIsNotADatabase) {
  testing::TempDir dir;
  std::ofstream(dir.File("db")) << std::string(8192, 'x');
  DatabaseOptions options;
  options.path = dir.File("db");
  options.migrations = kOne;
  auto db = Database::Open(options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DatabaseTest, ConnectionsUseWalFullSyncAndForeignKeys) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Write([&](Connection& connection) {
                  EXPECT_EQ(Pragma(connection, "PRAGMA journal_mode"), "wal");
                  EXPECT_EQ(Pragma(connection, "PRAGMA synchronous"), "2");
                  EXPECT_EQ(Pragma(connection, "PRAGMA foreign_keys"), "1");
                  return absl::OkStatus();
                }).ok());
  ASSERT_TRUE(db->Read([&](Connection& connection) {
                  EXPECT_EQ(Pragma(connection, "PRAGMA foreign_keys"), "1");
                  EXPECT_EQ(Pragma(connection, "PRAGMA query_only"), "1");
                  return absl::OkStatus();
                }).ok());
}

TEST(DatabaseTest, FailedWriteLeavesNothingBehind) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  absl::Status status = db->Write([](Connection& connection) {
    if (auto s = connection.Exec("INSERT INTO t (a) VALUES (1)"); !s.ok()) {
      return s;
    }
    return absl::InvalidArgumentError("the caller's mistake");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CountRows(*db), 0);
  ASSERT_TRUE(db->Write([](Connection& connection) {
                  return connection.Exec("INSERT INTO t (a) VALUES (2)");
                }).ok());
  EXPECT_EQ(CountRows(*db), 1) << "the writer is usable after a rollback";
}

TEST(DatabaseTest, CommittedWriteSurvivesReopen) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  {
    auto db = OpenDatabase(dir.File("db"), kOne);
    ASSERT_TRUE(db->Write([](Connection& connection) {
                    return connection.Exec("INSERT INTO t (a) VALUES (3)");
                  }).ok());
  }
  auto db = OpenDatabase(dir.File("db"), kOne);
  EXPECT_EQ(CountRows(*db), 1);
}

TEST(DatabaseTest, ReadersCannotWrite) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  absl::Status status = db->Read([](Connection& connection) {
    return connection.Exec("INSERT INTO t (a) VALUES (4)");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(CountRows(*db), 0);
}

TEST(DatabaseTest, FailedWriteInABatchLeavesItsNeighboursIntact) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  constexpr int kWriters = 6;
  constexpr int kFailing = 3;
  std::vector<absl::Status> statuses = WriteBehindHold(
      *db, kWriters, [](Connection& connection, int i) -> absl::Status {
        if (auto s = Insert(connection, i); !s.ok()) return s;
        if (i == kFailing) {
          return absl::FailedPreconditionError("this one is refused");
        }
        return absl::OkStatus();
      });
  for (int i = 0; i < kWriters; ++i) {
    if (i == kFailing) {
      EXPECT_EQ(statuses[i].code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_EQ(CountRows(*db, i), 0) << "a refused write leaves nothing";
    } else {
      EXPECT_TRUE(statuses[i].ok()) << i << ": " << statuses[i];
      EXPECT_EQ(CountRows(*db, i), 1) << i;
    }
  }
  // The held write, then the six queued behind it in one transaction.
  EXPECT_EQ(db->write_transactions(), 2u);
  EXPECT_EQ(db->write_requests(), static_cast<uint64_t>(kWriters));
}

TEST(DatabaseTest, AWriteThatAbortsTheTransactionFailsOnlyItsBatch) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  // Writer 1 ends the whole transaction, as a full disk or an I/O error
  // does: writer 0, run before it in the same transaction, was not
  // committed and must not be acknowledged; writer 2 gets a new one.
  std::vector<absl::Status> statuses = WriteBehindHold(
      *db, 3, [](Connection& connection, int i) -> absl::Status {
        if (auto s = Insert(connection, i); !s.ok()) return s;
        if (i == 1) {
          connection.Exec("ROLLBACK").IgnoreError();
          return absl::ResourceExhaustedError("the disk is full");
        }
        return absl::OkStatus();
      });
  EXPECT_EQ(statuses[0].code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(statuses[1].code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(statuses[2].ok()) << statuses[2];
  EXPECT_EQ(CountRows(*db, 0), 0);
  EXPECT_EQ(CountRows(*db, 1), 0);
  EXPECT_EQ(CountRows(*db, 2), 1);
  EXPECT_EQ(db->write_requests(), 2u);  // the held write and writer 2
}

TEST(DatabaseTest, BatchesAreBoundedInSize) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne, /*max_batch_writes=*/2);
  ASSERT_NE(db, nullptr);
  constexpr int kWriters = 6;
  for (const absl::Status& status :
       WriteBehindHold(*db, kWriters, [](Connection&connection, int i) {
         return Insert(connection, i);
       })) {
    EXPECT_TRUE(status.ok()) << status;
  }
  EXPECT_EQ(db->write_transactions(), 1u + kWriters / 2);
  EXPECT_EQ(db->write_requests(), 1u + kWriters);
}

TEST(DatabaseTest, ConcurrentWritersShareTransactionsAndAllSurviveReopen) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  constexpr int kThreads = 8;
  constexpr int kWritesEach = 50;
  std::atomic<int> acknowledged{0};
  {
    auto db = OpenDatabase(dir.File("db"), kOne);
    ASSERT_NE(db, nullptr);
    std::atomic<uint64_t> listener_calls{0};
    db->SetCommitListener([&] { ++listener_calls; });
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < kWritesEach; ++i) {
          uint64_t calls_before = listener_calls.load();
          absl::Status status = db->Write([&](Connection& connection) {
            return Insert(connection, t * kWritesEach + i);
          });
          EXPECT_TRUE(status.ok()) << status;
          if (status.ok()) ++acknowledged;
          EXPECT_GT(listener_calls.load(), calls_before)
              << "the listener runs before an acknowledged write returns";
        }
      });
    }
    for (std::thread& writer : writers) writer.join();
    EXPECT_EQ(db->write_requests(),
              static_cast<uint64_t>(kThreads * kWritesEach));
    EXPECT_LT(db->write_transactions(), db->write_requests())
        << "eight writers in a loop never shared a transaction";
    EXPECT_EQ(listener_calls.load(), db->write_transactions());
    EXPECT_EQ(db->writers_queued(), 0);
  }
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(*db), acknowledged.load());
  EXPECT_EQ(acknowledged.load(), kThreads * kWritesEach);
}

TEST(DatabaseTest, CommitListenerIsCalledOnlyForCommittedWrites) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  int calls = 0;
  db->SetCommitListener([&] { ++calls; });
  ASSERT_TRUE(db->Write([](Connection& connection) {
                  return Insert(connection, 1);
                }).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(db->Write([](Connection&) {
                   return absl::InvalidArgumentError("refused");
                 }).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(db->write_transactions(), 1u);
}

// A call's deadline that passes while its batch runs leaves nothing
// behind: the batch starts over without it, and its neighbours commit.
TEST(DatabaseTest, AWriteWhoseDeadlinePassesInItsBatchIsNotCommitted) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateDatabase(dir.File("db"), kOne).ok());
  auto db = OpenDatabase(dir.File("db"), kOne);
  ASSERT_NE(db, nullptr);
  absl::Status hurried, patient;
  std::atomic<int> patient_runs{0};
  {
    WriterHold hold(*db, 3);
    std::thread first([&] {
      ScopedCallDeadline deadline(absl::Now() + absl::Milliseconds(300));
      hurried = db->Write([](Connection& c) { return Insert(c, 1); });
    });
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db->writers_queued() < 2 &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::thread second([&] {
      patient = db->Write([&](Connection& c) {
        // Slow the first run so the first writer's deadline passes before
        // the batch commits.
        if (patient_runs++ == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(600));
        }
        return Insert(c, 2);
      });
    });
    first.join();
    second.join();
    EXPECT_TRUE(hold.Join().ok());
  }
  EXPECT_EQ(hurried.code(), absl::StatusCode::kDeadlineExceeded) << hurried;
  EXPECT_EQ(CountRows(*db, 1), 0) << "a write nobody waits for is not made";
  EXPECT_TRUE(patient.ok()) << patient;
  EXPECT_EQ(CountRows(*db, 2), 1);
  EXPECT_EQ(patient_runs.load(), 2) << "run again without the expired one";
}

}  // namespace
}  // namespace brevis::store
