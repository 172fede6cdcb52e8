// The start-up check: a full quick_check at open unless the last close was
// clean (the marker of clean_shutdown.h), and then a check in the
// background that fails closed when it finds damage.

#include "server/store/clean_shutdown.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "server/store/database.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

constexpr size_t kPageSize = 4096;
constexpr Migration kSchema = {
    1, "0001_t.sql", "CREATE TABLE t (a INTEGER NOT NULL, b TEXT) STRICT;"};
const Migration kOne[] = {kSchema};

absl::StatusOr<std::unique_ptr<Database>> OpenAt(const std::string& path) {
  DatabaseOptions options;
  options.path = path;
  options.migrations = kOne;
  return Database::Open(options);
}

class CleanShutdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CreateDatabase(path_, kOne).ok());
    // Enough rows for a table of many pages.
    auto db = OpenAt(path_);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->Write([](Connection& connection) {
                      return connection.Exec(
                          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT "
                          "i + 1 FROM n WHERE i < 5000) INSERT INTO t "
                          "SELECT i, printf('%.100c', 'x') FROM n");
                    })
                    .ok());
  }  // closed cleanly: the marker is written

  bool HasMarker() const { return std::filesystem::exists(path_ + ".clean"); }

  // Overwrites the type byte of the file's last page (a leaf of t) and
  // puts the modification time back, as damage on the disk would leave it.
  void DamageLastPageKeepingTime() {
    struct stat before;
    ASSERT_EQ(stat(path_.c_str(), &before), 0);
    int fd = open(path_.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    const char garbage = 0x7f;
    ASSERT_EQ(pwrite(fd, &garbage, 1, before.st_size - kPageSize), 1);
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(futimens(fd, times), 0);
    close(fd);
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("brevis.db");
};

TEST_F(CleanShutdownTest, CleanCloseLetsTheNextOpenCheckInTheBackground) {
  ASSERT_TRUE(HasMarker());
  auto db = OpenAt(path_);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->start_check(), Database::StartCheck::kInBackground);
  // Consumed at open: a crash from here on leaves none.
  EXPECT_FALSE(HasMarker());
  EXPECT_TRUE((*db)->WaitForCheck(absl::Seconds(30)));
  EXPECT_TRUE((*db)->damage().ok());
  db->reset();
  EXPECT_TRUE(HasMarker());
}

TEST_F(CleanShutdownTest, WithoutMarkerTheOpenChecksEveryPage) {
  std::filesystem::remove(path_ + ".clean");
  auto db = OpenAt(path_);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->start_check(), Database::StartCheck::kFullAtOpen);
}

TEST_F(CleanShutdownTest, MarkerOfAnotherFileIsNotTrusted) {
  // The file was changed after the clean close (here only its time; a
  // copy or a restore changes its inode too).
  struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path_.c_str(), times, 0), 0);
  auto db = OpenAt(path_);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->start_check(), Database::StartCheck::kFullAtOpen);
}

TEST_F(CleanShutdownTest, DamageWithoutMarkerIsRefusedAtOpen) {
  std::filesystem::remove(path_ + ".clean");
  ASSERT_NO_FATAL_FAILURE(DamageLastPageKeepingTime());
  auto db = OpenAt(path_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("damaged"), std::string::npos)
      << db.status();
}

TEST_F(CleanShutdownTest, DamageFoundInTheBackgroundFailsClosed) {
  ASSERT_NO_FATAL_FAILURE(DamageLastPageKeepingTime());
  auto db = OpenAt(path_);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_EQ((*db)->start_check(), Database::StartCheck::kInBackground);
  ASSERT_TRUE((*db)->WaitForCheck(absl::Seconds(30)));
  absl::Status damage = (*db)->damage();
  EXPECT_EQ(damage.code(), absl::StatusCode::kFailedPrecondition);
  // The caller's message names no engine; the log gets the check's text.
  EXPECT_EQ(damage.message().find("quick_check"), std::string::npos);
  EXPECT_NE(EngineDetail(damage).find("quick_check"), std::string::npos);
  // Told at once to a listener set after the fact.
  absl::Status heard;
  (*db)->SetDamageListener([&](const absl::Status& s) { heard = s; });
  EXPECT_EQ(heard, damage);
  bool ran = false;
  EXPECT_EQ((*db)->Read([&](Connection&) {
    ran = true;
    return absl::OkStatus();
  }),
            damage);
  EXPECT_EQ((*db)->Write([&](Connection&) {
    ran = true;
    return absl::OkStatus();
  }),
            damage);
  EXPECT_FALSE(ran);
  (*db)->SetDamageListener(nullptr);
  db->reset();
  // No marker for a damaged file: the next start checks it at open.
  EXPECT_FALSE(HasMarker());
  auto again = OpenAt(path_);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(CleanShutdownTest, NoMarkerWhileAnotherProcessHasTheDatabase) {
  auto db = OpenAt(path_);
  ASSERT_TRUE(db.ok()) << db.status();
  // Another user's shared lock (flock locks belong to the open file, so a
  // second descriptor stands for another process).
  int other = open((path_ + ".lock").c_str(), O_RDWR);
  ASSERT_GE(other, 0);
  ASSERT_EQ(flock(other, LOCK_SH | LOCK_NB), 0);
  db->reset();
  EXPECT_FALSE(HasMarker());
  close(other);
}

TEST_F(CleanShutdownTest, MarkerIsRefusedBesideAWal) {
  std::ofstream(path_ + "-wal") << "frames";
  EXPECT_EQ(WriteCleanShutdownMarker(path_).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace brevis::store
