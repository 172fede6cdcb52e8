// brevisd on a disk that fills up, under a call whose deadline runs out
// while another holds the write lock, and under a soak of 32 clients that
// must not let the WAL grow without bound.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/fault/fault_support.h"
#include "tests/testing/engine_phrases.h"

namespace brevis::fault {
namespace {

using ::std::chrono::steady_clock;

constexpr milliseconds kCallTimeout{10000};

// --- Disk full --------------------------------------------------------------

// The small disk: a tmpfs in a mount namespace of the test's own, so nothing
// is mounted for the rest of the machine and it goes away with the test.
constexpr size_t kDiskBytes = 16 << 20;
// Writes tried on the full disk before giving up on seeing one fail: the WAL
// can take a few hundred more before it needs a new page.
constexpr int kMaxWritesOnFullDisk = 3000;
// Writes that must fail in a row once the first has.
constexpr int kFailuresInARow = 5;

// Mounts a tmpfs of `bytes` at `dir` for this thread and the processes it
// starts. Empty on success, otherwise why not.
std::string MountSmallDisk(const std::string& dir, size_t bytes) {
  if (unshare(CLONE_NEWNS) != 0) {
    return std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
  }
  // Nothing mounted here may show outside, and nothing outside may reach in.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return std::string("making / private: ") + std::strerror(errno);
  }
  std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    return std::string("mounting a tmpfs: ") + std::strerror(errno);
  }
  return "";
}

// Writes zeros to `path` until the disk is full; returns the bytes written.
size_t FillDisk(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return 0;
  std::string chunk(4096, '\0');
  size_t written = 0;
  // Bounded by the disk's size: every pass writes a chunk or ends.
  for (size_t i = 0; i <= kDiskBytes / chunk.size(); ++i) {
    ssize_t n = write(fd, chunk.data(), chunk.size());
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  fsync(fd);
  close(fd);
  return written;
}

class DiskFullTest : public FaultTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(FaultTest::SetUp());
    if (geteuid() != 0) {
      GTEST_SKIP() << "mounting the small disk needs root";
    }
    disk_ = dir_.File("disk");
    ASSERT_TRUE(std::filesystem::create_directory(disk_));
    std::string error = MountSmallDisk(disk_, kDiskBytes);
    ASSERT_EQ(error, "");
    mounted_ = true;
    db_path_ = disk_ + "/brevis.db";
  }

  void TearDown() override {
    server_.reset();
    if (mounted_) umount2(disk_.c_str(), MNT_DETACH);
  }

  grpc::Status CreateFinding(const std::string& audit, const std::string& text,
                             const std::string& request_id = "") {
    v1::CreateFindingRequest request;
    request.set_parent(audit);
    *request.mutable_finding() = ExampleFinding(text);
    request.set_request_id(request_id);
    v1::Finding created;
    return audits_->CreateFinding(Deadline(kCallTimeout).get(), request,
                                  &created);
  }

  std::string disk_;
  bool mounted_ = false;
};

TEST_F(DiskFullTest, WritesFailCleanlyReadsGoOnAndWritesResumeWithSpace) {
  // Init writes its token file beside the database, so on the small disk.
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::Unit unit = MustCreateUnit("BUP Prima Handen");
  std::string audit = MustCreateAudit(unit.name()).name();
  ASSERT_FALSE(audit.empty());
  std::set<std::string> acknowledged;
  for (int i = 0; i < 5; ++i) {
    std::string text = "Före " + std::to_string(i);
    ASSERT_TRUE(CreateFinding(audit, text).ok());
    acknowledged.insert(text);
  }

  std::string filler = disk_ + "/filler";
  ASSERT_GT(FillDisk(filler), 0u);
  std::vector<std::string> refused;  // texts of writes that failed
  std::vector<std::string> refused_ids;
  std::vector<grpc::Status> failures;
  for (int i = 0; i < kMaxWritesOnFullDisk; ++i) {
    std::string text = "Full " + std::to_string(i);
    grpc::Status status =
        CreateFinding(audit, text, "full-" + std::to_string(i));
    server_->ReadOutputFor(milliseconds(0));
    if (status.ok()) {
      ASSERT_TRUE(refused.empty())
          << "a write succeeded after one failed on the full disk";
      acknowledged.insert(text);
      continue;
    }
    refused.push_back(text);
    refused_ids.push_back("full-" + std::to_string(i));
    failures.push_back(status);
    if (static_cast<int>(refused.size()) == kFailuresInARow) break;
  }
  ASSERT_EQ(static_cast<int>(refused.size()), kFailuresInARow)
      << acknowledged.size() << " writes succeeded on the full disk";
  for (const grpc::Status& status : failures) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << status.error_message();
    EXPECT_NE(status.error_message().find("disk"), std::string::npos)
        << status.error_message();
    EXPECT_NE(status.error_message().find("full"), std::string::npos)
        << status.error_message();
    EXPECT_EQ(brevis::testing::EnginePhraseIn(status.error_message()), "")
        << "SQLite's own words reached the caller: " << status.error_message();
  }
  std::cout << "[ disk full ] " << acknowledged.size() - 5
            << " writes fitted after the disk was filled; refused with: "
            << failures.front().error_message() << "\n";

  // Reads that need no access-log entry are served as before.
  {
    v1::GetUnitRequest request;
    request.set_name(unit.name());
    v1::Unit got;
    grpc::Status status =
        directory_->GetUnit(Deadline(kCallTimeout).get(), request, &got);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(got.display_name(), "BUP Prima Handen");
    EXPECT_EQ(ListAllUnits().size(), 1u);
  }
  // A read of audit content needs its access-log entry written first; on a
  // full disk it is refused, never served unlogged, and says why.
  {
    v1::ListFindingsRequest request;
    request.set_parent(audit);
    v1::ListFindingsResponse response;
    grpc::Status status =
        audits_->ListFindings(Deadline(kCallTimeout).get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << status.error_message();
    EXPECT_NE(status.error_message().find("disk"), std::string::npos)
        << status.error_message();
    EXPECT_EQ(brevis::testing::EnginePhraseIn(status.error_message()), "")
        << status.error_message();
    std::cout << "[ disk full ] a read of audit content: "
              << status.error_message() << "\n";
  }

  // Space returns: the same brevisd writes again, and a refused write
  // retried with its request_id is made once.
  ASSERT_TRUE(std::filesystem::remove(filler));
  grpc::Status after = CreateFinding(audit, "Efter");
  ASSERT_TRUE(after.ok()) << after.error_code() << " " << after.error_message();
  acknowledged.insert("Efter");
  grpc::Status retried =
      CreateFinding(audit, refused.front(), refused_ids.front());
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  acknowledged.insert(refused.front());

  // Nothing of a refused write remains; everything acknowledged does.
  std::set<std::string> stored;
  for (const v1::Finding& finding : ListAllFindings(audit)) {
    EXPECT_TRUE(stored.insert(finding.text()).second) << finding.text();
  }
  EXPECT_EQ(stored, acknowledged);
  ASSERT_NO_FATAL_FAILURE(Stop());
  FileCheck check = CheckFile(db_path_);
  EXPECT_EQ(check.error, "");
  EXPECT_EQ(check.integrity, "ok");
  EXPECT_TRUE(check.foreign_keys.empty());
}

// --- A deadline that runs out while the write lock is held -----------------

constexpr milliseconds kShortDeadline{300};
// How long the lock stays held: past the call's deadline, within the busy
// timeout brevisd waits for a lock.
constexpr milliseconds kLockHeld{1500};

class DeadlineTest : public FaultTest {};

TEST_F(DeadlineTest,
       CallWhoseDeadlinePassesWaitingForTheWriteLockLeavesNothing) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_NO_FATAL_FAILURE(Start());
  std::string audit =
      MustCreateAudit(MustCreateUnit("BUP Flemingsberg").name()).name();
  ASSERT_FALSE(audit.empty());

  // Another process (a backup, an operator's sqlite3) holds the write lock.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db_path_.c_str(), &holder, SQLITE_OPEN_READWRITE,
                            nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  steady_clock::time_point locked = steady_clock::now();

  v1::CreateFindingRequest request;
  request.set_parent(audit);
  *request.mutable_finding() = ExampleFinding("Skriven för sent");
  v1::Finding created;
  grpc::Status status =
      audits_->CreateFinding(Deadline(kShortDeadline).get(), request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << status.error_message();

  std::this_thread::sleep_until(locked + kLockHeld);
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);

  // Writes are serialized: once this one is acknowledged, brevisd is done
  // with the late one.
  MustCreateUnit("BUP Huddinge");
  for (const v1::Finding& finding : ListAllFindings(audit)) {
    ADD_FAILURE() << "the late call left " << finding.name() << " ("
                  << finding.text() << ")";
  }
  // Its access-log entry must not remain either: a write that was not
  // acknowledged did not happen.
  std::string error;
  auto entries = QueryColumn(
      db_path_,
      "SELECT count(*) FROM access_log WHERE method LIKE '%CreateFinding'",
      &error);
  ASSERT_TRUE(entries.has_value()) << error;
  EXPECT_EQ(entries->front(), "0");
}

// --- The WAL under a 32-client soak ----------------------------------------

constexpr int kSoakClients = 32;
// Of them, this many read (ListFindings) while the rest write: readers are
// what can keep a checkpoint from restarting the WAL.
constexpr int kSoakReaders = 8;
constexpr milliseconds kSoakTime{4000};
constexpr milliseconds kSampleEvery{5};
// The WAL restarts after each checkpoint once it passes
// wal_autocheckpoint's 1000 pages (4 MiB); the bound allows that, a
// group-commit batch on top, and slack for a checkpoint that is late.
constexpr uintmax_t kWalBound = 16u << 20;

class WalSoakTest : public FaultTest {};

TEST_F(WalSoakTest, WalStaysBoundedUnder32Clients) {
  ASSERT_NO_FATAL_FAILURE(Init());
  ASSERT_NO_FATAL_FAILURE(Start());
  std::string audit =
      MustCreateAudit(MustCreateUnit("BUP Södertälje").name()).name();
  ASSERT_FALSE(audit.empty());
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::atomic<int> reads{0};
  std::atomic<int> failures{0};
  std::atomic<int> finished{0};
  std::vector<std::thread> clients;
  // Every client connects before the soak starts, as an integration's
  // channel does when it starts up: 32 connections at once to a server on
  // a busy machine. Each must connect; a channel that cannot is the fault.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < kSoakClients; ++c) channels.push_back(NewChannel());
  for (int c = 0; c < kSoakClients; ++c) {
    ASSERT_TRUE(channels[c]->WaitForConnected(std::chrono::system_clock::now() +
                                              kCallTimeout))
        << "channel " << c << " did not connect; state "
        << channels[c]->GetState(false);
  }
  for (int c = 0; c < kSoakClients; ++c) {
    clients.emplace_back([&, c, channel = channels[c]] {
      auto stub = v1::AuditService::NewStub(channel);
      // gRPC 1.51 fails a call at once, without trying, while its channel
      // waits out a reconnect backoff after a failed attempt; a real client
      // waits for the connection instead (brevis_client does, see
      // ClientCore::AwaitConnected), within the call's deadline.
      auto context = [] {
        std::unique_ptr<grpc::ClientContext> context = Deadline(kCallTimeout);
        context->set_wait_for_ready(true);
        return context;
      };
      // Bounded by time (stop) and by count.
      for (int i = 0; i < 100000 && !stop.load(); ++i) {
        grpc::Status status;
        if (c < kSoakReaders) {
          v1::ListFindingsRequest request;
          request.set_parent(audit);
          v1::ListFindingsResponse response;
          status = stub->ListFindings(context().get(), request, &response);
          if (status.ok()) ++reads;
        } else {
          v1::CreateFindingRequest request;
          request.set_parent(audit);
          *request.mutable_finding() = ExampleFinding(
              "Iakttagelse " + std::to_string(c) + "-" + std::to_string(i) +
              ": väntetiden till första besöket upplevs som lång av många "
              "unga och deras vårdnadshavare.");
          v1::Finding created;
          status = stub->CreateFinding(context().get(), request, &created);
          if (status.ok()) ++writes;
        }
        if (!status.ok() && failures++ == 0) {
          ADD_FAILURE() << "client " << c << ", call " << i << ": "
                        << status.error_code() << " " << status.error_message()
                        << "; channel state " << channel->GetState(false);
        }
      }
      ++finished;
    });
  }
  std::string wal = db_path_ + "-wal";
  uintmax_t largest = 0;
  steady_clock::time_point end = steady_clock::now() + kSoakTime;
  while (steady_clock::now() < end) {
    std::error_code error;
    uintmax_t size = std::filesystem::file_size(wal, error);
    if (!error) largest = std::max(largest, size);
    server_->ReadOutputFor(kSampleEvery);
  }
  stop = true;
  // The clients' last calls need brevisd to get its log lines out.
  for (int i = 0; i < 1000 && finished < kSoakClients; ++i) {
    server_->ReadOutputFor(kSampleEvery);
  }
  for (std::thread& client : clients) client.join();
  std::cout << "[ wal soak ] " << kSoakClients << " clients for "
            << kSoakTime.count() << " ms: " << writes << " writes, " << reads
            << " reads; largest WAL " << largest << " bytes\n";
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(writes.load(), 0);
  EXPECT_LE(largest, kWalBound);
  FileCheck check = CheckFile(db_path_);
  EXPECT_EQ(check.integrity, "ok");
}

}  // namespace
}  // namespace brevis::fault
