#include "server/store/database.h"

#include <filesystem>

#include "server/domain/str_cat.h"
#include "server/store/call_deadline.h"
#include "server/store/migrator.h"

namespace brevis::store {
namespace {

// A write whose caller has stopped waiting is not made: the client was told
// DEADLINE_EXCEEDED and must be able to trust that nothing happened.
absl::Status CheckCallDeadline(absl::Time deadline) {
  if (absl::Now() < deadline) return absl::OkStatus();
  return absl::DeadlineExceededError(
      "the call's deadline passed before its write could be committed; "
      "nothing was written");
}

}  // namespace

absl::Status CreateDatabase(const std::string& path,
                            std::span<const Migration> migrations) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    return absl::AlreadyExistsError(
        brevis::StrCat("database ", path,
                       " already exists; init only creates "
                       "new databases (use `brevisd migrate` to upgrade one)"));
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  auto connection = Connection::Open(path, /*create=*/true, false);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<int> applied = ApplyMigrations(**connection, migrations);
  return applied.status();
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const DatabaseOptions& options) {
  std::error_code error;
  if (!std::filesystem::exists(options.path, error)) {
    return absl::NotFoundError(
        brevis::StrCat("database ", options.path,
                       " does not exist; create it with `brevisd init --db ",
                       options.path, "`"));
  }
  if (options.reader_count < 1) {
    return absl::InvalidArgumentError(
        "reader_count: at least one reader connection is needed");
  }
  absl::StatusOr<DatabaseLock> lock =
      DatabaseLock::Acquire(options.path, /*exclusive=*/false);
  if (!lock.ok()) return lock.status();
  std::unique_ptr<Database> db(new Database());
  db->lock_ = std::move(*lock);
  db->path_ = options.path;
  auto writer = Connection::Open(options.path, /*create=*/false, false);
  if (!writer.ok()) return writer.status();
  db->writer_ = std::move(*writer);

  // quick_check reads every page, so damage is found at start-up and not by
  // the first unlucky caller.
  {
    auto check = db->writer_->Prepare("PRAGMA quick_check");
    if (!check.ok()) {
      return absl::FailedPreconditionError(brevis::StrCat(
          "database ", options.path,
          " is not a readable brevis database: ", check.status().message()));
    }
    absl::StatusOr<bool> row = (*check)->Step();
    if (!row.ok() || !*row || (*check)->Text(0) != "ok") {
      return absl::FailedPreconditionError(brevis::StrCat(
          "database ", options.path, " is damaged (quick_check: ",
          row.ok() && *row ? (*check)->Text(0) : row.status().ToString(),
          "); restore it from a backup"));
    }
  }

  absl::StatusOr<SchemaStatus> schema =
      InspectSchema(*db->writer_, options.migrations);
  if (!schema.ok()) return schema.status();
  if (!schema->pending.empty()) {
    return absl::FailedPreconditionError(brevis::StrCat(
        "database ", options.path, " is at schema version ",
        schema->current_version, " but this brevisd needs version ",
        schema->latest_version, "; back it up, then run `brevisd migrate --db ",
        options.path, "`"));
  }
  db->schema_version_ = schema->current_version;

  for (int i = 0; i < options.reader_count; ++i) {
    auto reader = Connection::Open(options.path, /*create=*/false, false);
    if (!reader.ok()) return reader.status();
    if (absl::Status s = (*reader)->Exec("PRAGMA query_only=ON"); !s.ok()) {
      return s;
    }
    db->idle_readers_.push_back(reader->get());
    db->readers_.push_back(std::move(*reader));
  }
  return db;
}

Database::~Database() = default;

absl::Status Database::Write(
    absl::FunctionRef<absl::Status(Connection&)> work) {
  ++writers_queued_;
  const absl::Time deadline = ScopedCallDeadline::Current();
  absl::Status status;
  {
    std::lock_guard<std::mutex> lock(writer_mu_);
    status = writer_->Exec("BEGIN IMMEDIATE");
    if (status.ok()) status = CheckCallDeadline(deadline);
    if (status.ok()) status = work(*writer_);
    if (status.ok()) status = CheckCallDeadline(deadline);
    if (status.ok()) status = writer_->Exec("COMMIT");
    if (status.ok()) {
      ++write_transactions_;
    } else if (!sqlite3_get_autocommit(writer_->raw())) {
      writer_->Exec("ROLLBACK").IgnoreError();
    }
  }
  --writers_queued_;
  if (status.ok() && commit_listener_) commit_listener_();
  return status;
}

absl::Status Database::Read(absl::FunctionRef<absl::Status(Connection&)> work) {
  Connection* reader = AcquireReader();
  absl::Status status = reader->Exec("BEGIN");
  if (status.ok()) {
    status = work(*reader);
    reader->Exec("COMMIT").IgnoreError();
  }
  ReleaseReader(reader);
  return status;
}

Connection* Database::AcquireReader() {
  std::unique_lock<std::mutex> lock(readers_mu_);
  reader_released_.wait(lock, [this] { return !idle_readers_.empty(); });
  Connection* reader = idle_readers_.back();
  idle_readers_.pop_back();
  return reader;
}

void Database::ReleaseReader(Connection* reader) {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    idle_readers_.push_back(reader);
  }
  reader_released_.notify_one();
}

}  // namespace brevis::store
