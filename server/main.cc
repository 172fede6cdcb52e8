// brevisd: the brevis server. Subcommands: init, migrate, serve, token,
// backup, restore.

#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/api/server.h"
#include "server/config_file.h"
#include "server/domain/clock.h"
#include "server/json_log.h"
#include "server/library_logs.h"
#include "server/operator_tokens.h"
#include "server/postgres_commands.h"
#include "server/store/backup.h"
#include "server/store/database.h"
#include "server/store/database_lock.h"
#include "server/store/migrator.h"
#include "server/store/postgres.h"
#include "server/store/sqlite.h"

namespace {

// Exit codes, so scripts can tell a usage mistake from a refusal.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitMigrationsPending = 3;

// Ranges of the serve settings, for flags and the config file alike.
constexpr int kMinMessageBytes = 1024;
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;
constexpr int kMaxStreams = 10000;
constexpr int kMaxReaders = 64;
constexpr int kMaxStatementTimeoutMs = 3600 * 1000;
// Swedish health care keeps access logs at least five years.
constexpr int kMinRetentionDays = 1827;
constexpr int kMaxRetentionDays = 36500;
// Suppressing groups of one would suppress nothing.
constexpr int kMinGroupSize = 2;
constexpr int kMaxGroupSize = 1000;
constexpr int kMaxWatchers = 10000;
constexpr int kMaxWorkerThreads = 1024;

int Fail(const absl::Status& status) {
  // The operator runs this: SQLite's own text, if any, helps them.
  std::cerr << "brevisd: " << brevis::store::DescribeForLog(status) << "\n";
  return kExitFailure;
}

// How long brevisd waits, on its way out, for stderr's reader to take the
// last log lines.
constexpr absl::Duration kLogFlushTimeout = absl::Seconds(2);

// `serve` logs JSON lines on stderr, its refusals to start included, so a
// log shipper reading the service's stderr parses every line.
int RefuseToServe(std::string_view reason, int exit_code) {
  brevis::JsonLog::Global().Write(brevis::JsonLog::Level::kError,
                                  "brevisd cannot serve", {{"reason", reason}});
  brevis::JsonLog::Global().Flush(kLogFlushTimeout);
  return exit_code;
}

int RefuseToServe(const absl::Status& status, int exit_code) {
  return RefuseToServe(std::string(status.message()), exit_code);
}

// Tokens made on the database directly last a year: long enough for a
// local set-up, short enough that a forgotten file stops working.
constexpr absl::Duration kOperatorTokenLifetime = absl::Hours(24 * 365);

absl::StatusOr<std::unique_ptr<brevis::store::Database>> OpenDatabase(
    const std::string& db_path) {
  brevis::store::DatabaseOptions options;
  options.path = db_path;
  options.reader_count = 1;
  return brevis::store::Database::Open(options);
}

int RunInit(const std::string& db_path, std::string token_file) {
  absl::Status status = brevis::store::CreateDatabase(
      db_path, brevis::store::EmbeddedMigrations());
  if (!status.ok()) return Fail(status);
  auto db = OpenDatabase(db_path);
  if (!db.ok()) return Fail(db.status());
  if (token_file.empty()) token_file = brevis::DefaultTokenFile(db_path);
  brevis::domain::SystemClock clock;
  // A new database gets a new admin: a token file left from an earlier
  // one is useless and is replaced.
  auto token =
      brevis::IssueOperatorToken(**db, clock, std::nullopt, token_file,
                                 kOperatorTokenLifetime, /*replace_file=*/true);
  if (!token.ok()) return Fail(token.status());
  std::cout << "brevisd: created " << db_path << " at schema version "
            << (*db)->schema_version() << "\n"
            << "brevisd: the first admin's token (" << *token << ") is in "
            << token_file << ", readable by you only\n";
  return kExitOk;
}

int RunTokenCreate(const std::string& db_path, const std::string& principal,
                   std::string token_file, bool force) {
  auto db = OpenDatabase(db_path);
  if (!db.ok()) return Fail(db.status());
  if (token_file.empty()) token_file = brevis::DefaultTokenFile(db_path);
  brevis::domain::SystemClock clock;
  auto token = brevis::IssueOperatorToken(
      **db, clock,
      principal.empty() ? std::nullopt : std::optional<std::string>(principal),
      token_file, kOperatorTokenLifetime, force);
  if (!token.ok()) return Fail(token.status());
  std::cout << "brevisd: created token " << *token << "; the secret is in "
            << token_file << ", readable by you only\n";
  return kExitOk;
}

int RunBackup(const std::string& db_path, const std::string& to) {
  absl::Status status = brevis::store::BackupDatabase(db_path, to);
  if (!status.ok()) return Fail(status);
  std::cout << "brevisd: backed up " << db_path << " to " << to << "\n";
  return kExitOk;
}

int RunRestore(const std::string& from, const std::string& db_path) {
  absl::Status status = brevis::store::RestoreDatabase(from, db_path);
  if (!status.ok()) return Fail(status);
  std::cout << "brevisd: restored " << db_path << " from " << from
            << "; run `brevisd migrate --db " << db_path
            << "` if the backup is older than this brevisd\n";
  return kExitOk;
}

int RunTokenRevoke(const std::string& db_path, const std::string& name) {
  auto db = OpenDatabase(db_path);
  if (!db.ok()) return Fail(db.status());
  brevis::domain::SystemClock clock;
  absl::Status status = brevis::RevokeOperatorToken(**db, clock, name);
  if (!status.ok()) return Fail(status);
  std::cout << "brevisd: revoked " << name << "\n";
  return kExitOk;
}

int RunMigrate(const std::string& db_path, bool check_only) {
  // Migrating under a serving brevisd would change its schema beneath it.
  absl::StatusOr<brevis::store::DatabaseLock> lock =
      brevis::store::DatabaseLock::Acquire(db_path, /*exclusive=*/!check_only);
  if (!lock.ok()) return Fail(lock.status());
  // A check only reads: opened read-only, it leaves the file (a backup,
  // say) exactly as it was.
  auto connection =
      brevis::store::SqliteConnection::Open(db_path, /*create=*/false,
                                            /*read_only=*/check_only);
  if (!connection.ok()) return Fail(connection.status());
  auto migrations = brevis::store::EmbeddedMigrations();
  auto schema = brevis::store::InspectSchema(**connection, migrations);
  if (!schema.ok()) return Fail(schema.status());
  if (check_only) {
    std::cout << "brevisd: " << db_path << " is at schema version "
              << schema->current_version << "; this brevisd has "
              << schema->latest_version << "\n";
    for (const auto* pending : schema->pending) {
      std::cout << "pending: " << pending->file_name << "\n";
    }
    return schema->pending.empty() ? kExitOk : kExitMigrationsPending;
  }
  absl::StatusOr<int> applied =
      brevis::store::ApplyMigrations(**connection, migrations);
  if (!applied.ok()) return Fail(applied.status());
  std::cout << "brevisd: applied " << *applied << " migration(s); " << db_path
            << " is at schema version " << schema->latest_version << "\n";
  return kExitOk;
}

int RunPostgresInit(const std::string& uri, const std::string& token_file) {
  absl::StatusOr<int> version = brevis::InitPostgres(uri);
  if (!version.ok()) return Fail(version.status());
  std::string where = brevis::store::pg::DescribeAddress(uri);
  std::cout << "brevisd: set up " << where << " at schema version " << *version
            << "\n";
  if (token_file.empty()) {
    // A database server has no directory beside it to put a secret in.
    std::cout << "brevisd: no admin token was issued (no "
                 "--admin-token-file); make the first with `brevisd token "
                 "create --db <address> --out <file>`\n";
    return kExitOk;
  }
  auto db = OpenDatabase(uri);
  if (!db.ok()) return Fail(db.status());
  brevis::domain::SystemClock clock;
  auto token =
      brevis::IssueOperatorToken(**db, clock, std::nullopt, token_file,
                                 kOperatorTokenLifetime, /*replace_file=*/true);
  if (!token.ok()) return Fail(token.status());
  std::cout << "brevisd: the first admin's token (" << *token << ") is in "
            << token_file << ", readable by you only\n";
  return kExitOk;
}

int RunPostgresMigrate(const std::string& uri, bool check_only) {
  auto migration = brevis::MigratePostgres(uri, check_only);
  if (!migration.ok()) return Fail(migration.status());
  std::string where = brevis::store::pg::DescribeAddress(uri);
  if (check_only) {
    std::cout << "brevisd: " << where << " is at schema version "
              << migration->current_version << "; this brevisd has "
              << migration->latest_version << "\n";
    for (const std::string& pending : migration->pending) {
      std::cout << "pending: " << pending << "\n";
    }
    return migration->pending.empty() ? kExitOk : kExitMigrationsPending;
  }
  std::cout << "brevisd: applied " << migration->applied << " migration(s); "
            << where << " is at schema version " << migration->latest_version
            << "\n";
  return kExitOk;
}

int RunServe(const brevis::api::ServerOptions& options,
             const brevis::store::DatabaseOptions& db_options) {
  // Block the stop signals in every thread gRPC will start, so that only
  // sigwait below receives them and shutdown runs on this thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto db = brevis::store::Database::Open(db_options);
  if (!db.ok()) return RefuseToServe(db.status(), kExitFailure);
  brevis::domain::SystemClock clock;
  auto server = brevis::api::ApiServer::Start(options, db->get(), &clock);
  if (!server.ok()) {
    return RefuseToServe(server.status(), kExitFailure);
  }

  std::string host =
      options.listen_address.substr(0, options.listen_address.rfind(':'));
  std::string address = host + ":" + std::to_string((*server)->port());
  std::cout << "brevisd: listening on " << address
            << (options.tls.has_value()
                    ? (options.tls->client_ca.empty() ? " (TLS)"
                                                      : " (TLS, client "
                                                        "certificates)")
                    : " (plaintext, loopback only)")
            << ", "
            << ((*db)->engine() == brevis::store::Engine::kSqlite
                    ? "database " + (*db)->path()
                    : (*db)->path())
            << " at schema version " << (*db)->schema_version() << std::endl;
  std::string metrics;
  if ((*server)->metrics_port() != 0) {
    metrics =
        options.metrics_address.substr(0, options.metrics_address.rfind(':')) +
        ":" + std::to_string((*server)->metrics_port());
  }
  brevis::JsonLog::Global().Write(
      brevis::JsonLog::Level::kInfo, "started",
      {{"version", BREVIS_VERSION},
       {"address", address},
       {"tls", options.tls.has_value()},
       {"client_certificates",
        options.tls.has_value() && !options.tls->client_ca.empty()},
       {"database", (*db)->path()},
       {"schema_version", static_cast<int64_t>((*db)->schema_version())},
       {"metrics_address", metrics}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cout << "brevisd: " << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
            << " received, draining calls for up to 5 s" << std::endl;
  (*server)->Shutdown(absl::Seconds(5));
  (*server)->Wait();
  server->reset();
  std::cout << "brevisd: stopped" << std::endl;
  brevis::JsonLog::Global().Write(brevis::JsonLog::Level::kInfo, "stopped");
  brevis::JsonLog::Global().Flush(kLogFlushTimeout);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian builds abseil without NDEBUG, so its mutexes detect deadlocks by
  // default: every lock also updates a process-wide lock-order graph
  // (GraphCycles) under a global lock, which makes a nested pair of locks
  // about 3.5 times as dear. A Release brevisd turns that off, once, before
  // any thread starts; Debug and sanitizer builds keep it, so a lock-order
  // cycle still aborts them.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  // Everything brevisd creates (database, WAL, backups, token files) holds
  // audit content or secrets: readable by its owner only.
  umask(077);
  CLI::App app{
      "brevisd: the brevis server for user audits (brukarrevision) of BUP "
      "units.\nRun `brevisd SUBCOMMAND --help` for each subcommand."};
  app.require_subcommand(1);

  std::string db_path = "var/brevis.db";

  CLI::App* init =
      app.add_subcommand("init",
                         "Create a new database with every migration applied.\n"
                         "Example: brevisd init --db var/brevis.db");
  init->add_option("--db", db_path,
                   "Database file to create, or the postgresql:// URI of an "
                   "empty PostgreSQL database to set up")
      ->capture_default_str();
  std::string token_file;
  init->add_option("--admin-token-file", token_file,
                   "Where to write the first admin's token (mode 0600); "
                   "default: admin.token beside the database");

  CLI::App* token = app.add_subcommand(
      "token",
      "Make or revoke tokens on the database directly, for an operator who\n"
      "has lost every admin token. Works offline; the server may be running.");
  token->require_subcommand(1);
  std::string token_principal, token_name;
  CLI::App* token_create = token->add_subcommand(
      "create",
      "Issue a token and write its secret to a file (mode 0600).\n"
      "Example: brevisd token create --db var/brevis.db --out admin.token");
  token_create
      ->add_option("--db", db_path, "Database file or postgresql:// URI")
      ->capture_default_str();
  token_create->add_option(
      "--principal", token_principal,
      "principals/{principal} to issue for; default: the first active "
      "admin (one is created if there is none)");
  token_create->add_option("--out", token_file,
                           "New file for the secret; default: admin.token "
                           "beside the database");
  bool force = false;
  token_create->add_flag("--force", force,
                         "Replace --out if it exists (its old token stays "
                         "valid until revoked)");
  CLI::App* token_revoke = token->add_subcommand(
      "revoke",
      "Revoke a token; effective on the server's next call.\n"
      "Example: brevisd token revoke --db var/brevis.db --name "
      "principals/P/tokens/T");
  token_revoke
      ->add_option("--db", db_path, "Database file or postgresql:// URI")
      ->capture_default_str();
  token_revoke->add_option("--name", token_name, "principals/{p}/tokens/{t}")
      ->required();

  bool check_only = false;
  CLI::App* migrate = app.add_subcommand(
      "migrate",
      "Apply pending migrations to an existing database (back it up first).\n"
      "Exit code 3 with --check when migrations are pending.\n"
      "Example: brevisd migrate --db var/brevis.db --check");
  migrate->add_option("--db", db_path, "Database file, or a postgresql:// URI")
      ->capture_default_str();
  migrate->add_flag("--check", check_only,
                    "Only report the schema version and pending migrations");

  std::string backup_to;
  CLI::App* backup = app.add_subcommand(
      "backup",
      "Copy the database to a new file with SQLite's online backup, while\n"
      "brevisd keeps serving. The file appears only when complete and\n"
      "checked; an existing file is never overwritten.\n"
      "Example: brevisd backup --db var/brevis.db --to "
      "var/backups/brevis-2026-11-23.db");
  backup->add_option("--db", db_path, "Database file")->capture_default_str();
  backup->add_option("--to", backup_to, "New backup file")->required();

  std::string restore_from;
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Put a backup in place as the database. Stop brevisd first; the\n"
      "backup's integrity is checked before anything is replaced.\n"
      "Example: brevisd restore --from var/backups/brevis-2026-11-23.db "
      "--db var/brevis.db");
  restore->add_option("--from", restore_from, "Backup file")->required();
  restore->add_option("--db", db_path, "Database file to replace")
      ->capture_default_str();

  // `copy` takes its own two databases, not --db.
  std::string copy_from, copy_to;
  CLI::App* copy = app.add_subcommand(
      "copy",
      "Copy an SQLite database into an empty PostgreSQL database that\n"
      "`brevisd init --db postgresql://...` has set up, in one transaction,\n"
      "and check every table's row count and checksum before committing.\n"
      "Stop brevisd first. Exit code 2 when refused (the file in use, the\n"
      "schemas differ, the target is not empty or not of collation C).\n"
      "Example: brevisd copy --from var/brevis.db --to "
      "postgresql://brevis@db.example.se/brevis");
  copy->add_option("--from", copy_from, "SQLite database file (read only)")
      ->required();
  copy->add_option("--to", copy_to,
                   "postgresql:// URI of the empty target database")
      ->required();
  copy->final_callback([&] {
    std::exit(brevis::RunCopy(copy_from, copy_to, std::cout, std::cerr));
  });

  brevis::api::ServerOptions server_options;
  brevis::store::DatabaseOptions db_options;
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Serve the gRPC API. Every flag can also be set in a TOML file given\n"
      "with --config (keys are the flag names with '_' for '-', e.g.\n"
      "listen = \"127.0.0.1:50051\"); flags on the command line win.\n"
      "Example: brevisd serve --db var/brevis.db --listen 127.0.0.1:50051");
  std::string config_path;
  serve->add_option("--config", config_path,
                    "TOML config file (keys: db, listen, max_message_bytes, "
                    "max_concurrent_streams, reader_connections, tls_cert, "
                    "tls_key, client_ca, metrics_addr, "
                    "access_log_retention_days)");
  serve
      ->add_option("--db", db_path,
                   "Database file, or the postgresql:// URI of a database "
                   "that `brevisd init` set up (sslmode=verify-full and "
                   "sslrootcert=... in the URI for TLS to the server)")
      ->capture_default_str();
  serve
      ->add_option("--listen", server_options.listen_address,
                   "host:port to listen on; a non-loopback address needs "
                   "--tls-cert and --tls-key; port 0 picks a free port")
      ->capture_default_str();
  serve
      ->add_option("--max-message-bytes", server_options.max_message_bytes,
                   "Largest request or response")
      ->capture_default_str()
      ->check(CLI::Range(kMinMessageBytes, kMaxMessageBytes));
  serve
      ->add_option("--max-concurrent-streams",
                   server_options.max_concurrent_streams,
                   "Concurrent calls per connection")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxStreams));
  serve
      ->add_option("--reader-connections", db_options.reader_count,
                   "Database connections for reads (on PostgreSQL the pool "
                   "size; each replica also holds one writer and one "
                   "listener session)")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxReaders));
  int statement_timeout_ms = 30000;
  serve
      ->add_option("--db-statement-timeout-ms", statement_timeout_ms,
                   "PostgreSQL only: the longest one statement may run, "
                   "waiting for the writer lock included, before the server "
                   "cancels it and the call fails DEADLINE_EXCEEDED; 0 keeps "
                   "the server's setting")
      ->capture_default_str()
      ->check(CLI::Range(0, kMaxStatementTimeoutMs));
  std::string tls_cert, tls_key, client_ca;
  serve->add_option("--tls-cert", tls_cert,
                    "PEM server certificate; with --tls-key turns TLS on "
                    "(required for a non-loopback --listen)");
  serve->add_option("--tls-key", tls_key, "PEM private key of --tls-cert");
  serve->add_option("--client-ca", client_ca,
                    "PEM CA for client certificates (mutual TLS for "
                    "integrations); needs --tls-cert");
  serve
      ->add_option("--metrics-addr", server_options.metrics_address,
                   "host:port for Prometheus metrics at GET /metrics "
                   "(loopback only; off when empty)")
      ->capture_default_str();
  int retention_days = 1827;
  serve
      ->add_option("--access-log-retention-days", retention_days,
                   "Days access-log entries are kept; at least five years "
                   "(1827 days), as Swedish health care requires")
      ->capture_default_str()
      ->check(CLI::Range(kMinRetentionDays, kMaxRetentionDays));
  serve
      ->add_option("--min-group-size", server_options.minimum_group_size,
                   "Reports and exports never show how many people of an "
                   "informant group were heard when they were fewer than "
                   "this")
      ->capture_default_str()
      ->check(CLI::Range(kMinGroupSize, kMaxGroupSize));
  serve
      ->add_option("--worker-threads", server_options.worker_threads,
                   "Threads that run request handlers; concurrent writes on "
                   "them share one commit")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxWorkerThreads));
  serve
      ->add_option("--max-watchers", server_options.max_watchers,
                   "Open WatchEvents streams at most; more are refused with "
                   "RESOURCE_EXHAUSTED")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxWatchers));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  // PostgreSQL (issue 17): backups are the database server's own.
  if (brevis::store::pg::IsPostgresUri(db_path)) {
    if (init->parsed()) return RunPostgresInit(db_path, token_file);
    if (migrate->parsed()) return RunPostgresMigrate(db_path, check_only);
    if (token_create->parsed() && token_file.empty()) {
      Fail(absl::InvalidArgumentError(
          "--out: on a PostgreSQL database say where to write the token's "
          "secret (there is no database directory to put it in)"));
      return kExitUsage;
    }
    for (CLI::App* other : {backup, restore}) {
      if (other->parsed()) {
        Fail(brevis::PostgresBackupRefused(other->get_name()));
        return kExitUsage;
      }
    }
  }
  if (init->parsed()) return RunInit(db_path, token_file);
  if (migrate->parsed()) return RunMigrate(db_path, check_only);
  if (token_create->parsed()) {
    return RunTokenCreate(db_path, token_principal, token_file, force);
  }
  if (token_revoke->parsed()) return RunTokenRevoke(db_path, token_name);
  if (backup->parsed()) return RunBackup(db_path, backup_to);
  if (restore->parsed()) return RunRestore(restore_from, db_path);
  // From here on brevisd serves: before gRPC or protobuf can say anything,
  // their lines go to the JSON log too.
  brevis::RouteLibraryLogs(&brevis::JsonLog::Global());
  if (!config_path.empty()) {
    std::vector<brevis::ConfigSetting> settings = {
        {"db", &db_path, serve->count("--db") > 0},
        {"listen", &server_options.listen_address,
         serve->count("--listen") > 0},
        {"max_message_bytes", &server_options.max_message_bytes,
         serve->count("--max-message-bytes") > 0, kMinMessageBytes,
         kMaxMessageBytes},
        {"max_concurrent_streams", &server_options.max_concurrent_streams,
         serve->count("--max-concurrent-streams") > 0, 1, kMaxStreams},
        {"reader_connections", &db_options.reader_count,
         serve->count("--reader-connections") > 0, 1, kMaxReaders},
        {"db_statement_timeout_ms", &statement_timeout_ms,
         serve->count("--db-statement-timeout-ms") > 0, 0,
         kMaxStatementTimeoutMs},
        {"tls_cert", &tls_cert, serve->count("--tls-cert") > 0},
        {"tls_key", &tls_key, serve->count("--tls-key") > 0},
        {"client_ca", &client_ca, serve->count("--client-ca") > 0},
        {"metrics_addr", &server_options.metrics_address,
         serve->count("--metrics-addr") > 0},
        {"access_log_retention_days", &retention_days,
         serve->count("--access-log-retention-days") > 0, 1, kMaxRetentionDays},
        {"min_group_size", &server_options.minimum_group_size,
         serve->count("--min-group-size") > 0, kMinGroupSize, kMaxGroupSize},
        {"max_watchers", &server_options.max_watchers,
         serve->count("--max-watchers") > 0, 1, kMaxWatchers},
        {"worker_threads", &server_options.worker_threads,
         serve->count("--worker-threads") > 0, 1, kMaxWorkerThreads},
    };
    absl::Status status = brevis::ApplyConfigFile(config_path, settings);
    if (!status.ok()) return RefuseToServe(status, kExitUsage);
  }
  if (tls_cert.empty() != tls_key.empty()) {
    return RefuseToServe("--tls-cert and --tls-key go together", kExitUsage);
  }
  if (!client_ca.empty() && tls_cert.empty()) {
    return RefuseToServe("--client-ca needs --tls-cert and --tls-key",
                         kExitUsage);
  }
  if (!tls_cert.empty()) {
    server_options.tls = brevis::api::TlsFiles{tls_cert, tls_key, client_ca};
  }
  server_options.access_log_retention = absl::Hours(24) * retention_days;
  db_options.path = db_path;
  db_options.statement_timeout = absl::Milliseconds(statement_timeout_ms);
  return RunServe(server_options, db_options);
}
