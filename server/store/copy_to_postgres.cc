#include "server/store/copy_to_postgres.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/database_lock.h"
#include "server/store/embedded_migrations.h"
#include "server/store/migrator.h"
#include "server/store/postgres.h"
#include "server/store/postgres_migrator.h"
#include "server/store/sqlite.h"
#include "server/store/table_checksum.h"

namespace brevis::store {
namespace {

// Rows per INSERT: a few hundred rows share one round trip, while the
// statement stays far below PostgreSQL's 65535 parameters.
constexpr int kBatchRows = 500;
constexpr int kMaxParameters = 65535;
constexpr std::string_view kLedger = "schema_migrations";
// Tables whose rows the migrations insert themselves (0013's single
// generation row), so an initialised database has them: they do not make
// the target "not empty", and the source's rows replace them.
constexpr std::string_view kSeededTables[] = {"auth_generation"};

struct Column {
  std::string name;
  ColumnKind kind;
  bool identity;
};

struct Table {
  std::string name;
  std::vector<Column> columns;        // in PostgreSQL's order
  std::vector<std::string> order_by;  // the primary key, or every column
  std::set<std::string> parents;      // tables its foreign keys name
  bool seeded = false;
};

std::string Quote(std::string_view identifier) {
  std::string quoted = "\"";
  for (char c : identifier) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// Column 0 of every row `sql` returns, with `parameter` bound as ?1.
absl::StatusOr<std::vector<std::string>> Strings(
    Connection& connection, std::string_view sql,
    std::optional<std::string_view> parameter = std::nullopt) {
  BREVIS_ASSIGN_OR_RETURN(auto select, connection.Prepare(sql));
  if (parameter.has_value()) select->Bind(1, *parameter);
  std::vector<std::string> values;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return values;
    values.push_back(select->Text(0));
  }
}

absl::StatusOr<int> CheckSourceSchema(SqliteConnection& source,
                                      const std::string& path) {
  absl::StatusOr<SchemaStatus> schema =
      InspectSchema(source, EmbeddedMigrations());
  if (!schema.ok()) {
    return absl::Status(schema.status().code(),
                        StrCat(path, ": ", schema.status().message(),
                               "; copy it with the brevisd that migrated it"));
  }
  if (!schema->pending.empty()) {
    return absl::FailedPreconditionError(
        StrCat(path, " is at schema version ", schema->current_version,
               " and this brevisd has ", schema->latest_version,
               ": run `brevisd migrate --db ", path, "` first, then copy"));
  }
  return schema->current_version;
}

absl::Status CheckTargetSchema(pg::Connection& target,
                               const std::string& where) {
  absl::StatusOr<SchemaStatus> schema =
      pg::InspectSchema(target, EmbeddedPostgresMigrations());
  if (!schema.ok()) {
    return absl::Status(schema.status().code(),
                        StrCat(where, ": ", schema.status().message()));
  }
  if (schema->current_version == 0) {
    return absl::FailedPreconditionError(
        StrCat(where,
               " has no brevis schema: set it up with `brevisd init --db "
               "postgresql://...` first"));
  }
  if (!schema->pending.empty()) {
    return absl::FailedPreconditionError(
        StrCat(where, " is at schema version ", schema->current_version,
               " and this brevisd has ", schema->latest_version,
               ": run `brevisd migrate --db postgresql://...` on it first"));
  }
  return absl::OkStatus();
}

// brevis lists sort text as SQLite does, byte by byte: the C collation.
absl::Status CheckCollation(pg::Connection& target, const std::string& where) {
  BREVIS_ASSIGN_OR_RETURN(
      auto select,
      target.Prepare("SELECT datcollate, pg_encoding_to_char(encoding), "
                     "current_database() FROM pg_database WHERE datname = "
                     "current_database()"));
  BREVIS_ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return absl::InternalError("the target database is not listed");
  std::string collation = select->Text(0);
  std::string encoding = select->Text(1);
  if ((collation == "C" || collation == "POSIX") && encoding == "UTF8") {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(StrCat(
      where, " has collation ", collation, " and encoding ", encoding,
      "; brevis needs collation C (text sorted byte by byte, as on SQLite) "
      "and UTF8: create the database with CREATE DATABASE ",
      Quote(select->Text(2)),
      " TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' ENCODING 'UTF8'; "
      "then run `brevisd init` on it"));
}

absl::StatusOr<ColumnKind> KindOf(std::string_view table,
                                  std::string_view column,
                                  std::string_view type) {
  if (type == "bigint") return ColumnKind::kInteger;
  if (type == "text") return ColumnKind::kText;
  if (type == "bytea") return ColumnKind::kBytes;
  return absl::FailedPreconditionError(
      StrCat("column ", table, ".", column, " has type ", type,
             ", which this brevisd cannot copy"));
}

absl::StatusOr<Table> DescribeTable(SqliteConnection& source,
                                    pg::Connection& target,
                                    const std::string& name) {
  Table table;
  table.name = name;
  table.seeded = std::find(std::begin(kSeededTables), std::end(kSeededTables),
                           name) != std::end(kSeededTables);
  BREVIS_ASSIGN_OR_RETURN(
      auto columns,
      target.Prepare("SELECT column_name, data_type, is_identity FROM "
                     "information_schema.columns WHERE table_schema = "
                     "current_schema() AND table_name = CAST(? AS TEXT) "
                     "ORDER BY ordinal_position"));
  columns->Bind(1, name);
  std::set<std::string> target_names;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, columns->Step());
    if (!row) break;
    BREVIS_ASSIGN_OR_RETURN(ColumnKind kind,
                            KindOf(name, columns->Text(0), columns->Text(1)));
    table.columns.push_back({.name = columns->Text(0),
                             .kind = kind,
                             .identity = columns->Text(2) == "YES"});
    target_names.insert(columns->Text(0));
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto source_names,
      Strings(source, "SELECT name FROM pragma_table_info(?1)", name));
  if (std::set<std::string>(source_names.begin(), source_names.end()) !=
      target_names) {
    return absl::FailedPreconditionError(
        StrCat("table ", name,
               " has other columns in the two databases, though their "
               "schema versions match"));
  }
  BREVIS_ASSIGN_OR_RETURN(
      table.order_by,
      Strings(target,
              "SELECT k.column_name FROM information_schema.table_constraints "
              "c JOIN information_schema.key_column_usage k ON "
              "k.constraint_schema = c.constraint_schema AND "
              "k.constraint_name = c.constraint_name WHERE c.table_schema = "
              "current_schema() AND c.table_name = CAST(? AS TEXT) AND "
              "c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position",
              name));
  if (table.order_by.empty()) {
    for (const Column& column : table.columns) {
      table.order_by.push_back(column.name);
    }
  }
  BREVIS_ASSIGN_OR_RETURN(
      auto parents,
      Strings(source,
              "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)",
              name));
  for (std::string& parent : parents) {
    if (parent != name) table.parents.insert(std::move(parent));
  }
  return table;
}

// Parents before children (foreign keys are checked per statement), the
// seeded tables last, so no trigger of the copy touches their rows again.
absl::StatusOr<std::vector<Table>> InCopyOrder(std::vector<Table> tables) {
  std::vector<Table> ordered;
  std::set<std::string> placed;
  for (bool seeded : {false, true}) {
    bool progress = true;
    while (progress) {
      progress = false;
      for (Table& table : tables) {
        if (table.seeded != seeded || placed.contains(table.name)) continue;
        if (!std::includes(placed.begin(), placed.end(), table.parents.begin(),
                           table.parents.end())) {
          continue;
        }
        placed.insert(table.name);
        ordered.push_back(table);
        progress = true;
      }
    }
  }
  if (ordered.size() != tables.size()) {
    return absl::FailedPreconditionError(
        "the tables' foreign keys form a cycle or name a table that does "
        "not exist; no copy order exists");
  }
  return ordered;
}

absl::StatusOr<std::vector<Table>> ReadTables(SqliteConnection& source,
                                              pg::Connection& target,
                                              const std::string& path,
                                              const std::string& where) {
  BREVIS_ASSIGN_OR_RETURN(
      auto source_names,
      Strings(source,
              "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
              "NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?1 ORDER BY name",
              kLedger));
  BREVIS_ASSIGN_OR_RETURN(
      auto target_names,
      Strings(target,
              "SELECT table_name FROM information_schema.tables WHERE "
              "table_schema = current_schema() AND table_type = 'BASE TABLE' "
              "AND table_name <> CAST(? AS TEXT)",
              kLedger));
  std::set<std::string> in_target(target_names.begin(), target_names.end());
  for (const std::string& name : source_names) {
    if (!in_target.erase(name)) {
      return absl::FailedPreconditionError(
          StrCat("table ", name, " of ", path, " is missing from ", where,
                 ", though their schema versions match"));
    }
  }
  if (!in_target.empty()) {
    return absl::FailedPreconditionError(
        StrCat("table ", *in_target.begin(), " of ", where, " is missing from ",
               path, ", though their schema versions match"));
  }
  std::vector<Table> tables;
  for (const std::string& name : source_names) {
    BREVIS_ASSIGN_OR_RETURN(Table table, DescribeTable(source, target, name));
    tables.push_back(std::move(table));
  }
  return InCopyOrder(std::move(tables));
}

// SELECT of every column in `table`'s order, sorted the same way on both
// engines: NULLs first, text byte by byte.
std::string SelectSql(const Table& table, Engine engine) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    sql += StrCat(i == 0 ? "" : ", ", Quote(table.columns[i].name));
  }
  sql += StrCat(" FROM ", Quote(table.name), " ORDER BY ");
  for (size_t i = 0; i < table.order_by.size(); ++i) {
    bool text = std::any_of(
        table.columns.begin(), table.columns.end(), [&](const Column& c) {
          return c.name == table.order_by[i] && c.kind == ColumnKind::kText;
        });
    sql += StrCat(i == 0 ? "" : ", ", Quote(table.order_by[i]),
                  engine == Engine::kPostgres && text ? " COLLATE \"C\"" : "",
                  " NULLS FIRST");
  }
  return sql;
}

// An INSERT of `rows` rows with one bound parameter per value, cast to the
// column's type so PostgreSQL never has to guess it.
std::string InsertSql(const Table& table, int rows) {
  std::string columns, values = "(";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column& column = table.columns[i];
    columns += StrCat(i == 0 ? "" : ", ", Quote(column.name));
    values += StrCat(i == 0 ? "" : ", ", "CAST(? AS ",
                     column.kind == ColumnKind::kInteger ? "BIGINT"
                     : column.kind == ColumnKind::kText  ? "TEXT"
                                                         : "BYTEA",
                     ")");
  }
  values += ")";
  std::string sql =
      StrCat("INSERT INTO ", Quote(table.name), " (", columns, ") VALUES ");
  for (int row = 0; row < rows; ++row) {
    sql += StrCat(row == 0 ? "" : ", ", values);
  }
  return sql;
}

struct Value {
  bool null = false;
  int64_t integer = 0;
  std::string bytes;
};

absl::Status InsertRows(pg::Connection& target, const Table& table,
                        const std::vector<Value>& values) {
  int rows = static_cast<int>(values.size() / table.columns.size());
  BREVIS_ASSIGN_OR_RETURN(auto insert, target.Prepare(InsertSql(table, rows)));
  for (size_t i = 0; i < values.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    const Value& value = values[i];
    if (value.null) {
      insert->BindNull(index);
      continue;
    }
    switch (table.columns[i % table.columns.size()].kind) {
      case ColumnKind::kInteger:
        insert->Bind(index, value.integer);
        break;
      case ColumnKind::kText:
        insert->Bind(index, std::string_view(value.bytes));
        break;
      case ColumnKind::kBytes:
        insert->BindBlob(index, value.bytes);
        break;
    }
  }
  return insert->Run();
}

// Copies `table`'s rows in batches; returns its count and the checksum of
// the rows as SQLite has them.
absl::StatusOr<CopiedTable> CopyRows(SqliteConnection& source,
                                     pg::Connection& target,
                                     const Table& table) {
  std::vector<ColumnKind> kinds;
  for (const Column& column : table.columns) kinds.push_back(column.kind);
  int width = static_cast<int>(kinds.size());
  size_t batch = static_cast<size_t>(std::max(
                     1, std::min(kBatchRows, kMaxParameters / width))) *
                 kinds.size();
  BREVIS_ASSIGN_OR_RETURN(auto rows,
                          source.Prepare(SelectSql(table, Engine::kSqlite)));
  TableChecksum checksum;
  std::vector<Value> values;
  values.reserve(batch);
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, rows->Step());
    if (!row) break;
    checksum.AddRow(*rows, kinds);
    for (int i = 0; i < width; ++i) {
      Value value;
      value.null = rows->IsNull(i);
      if (!value.null && kinds[i] == ColumnKind::kInteger) {
        value.integer = rows->Int(i);
      } else if (!value.null) {
        value.bytes =
            kinds[i] == ColumnKind::kText ? rows->Text(i) : rows->Blob(i);
      }
      values.push_back(std::move(value));
    }
    if (values.size() == batch) {
      BREVIS_RETURN_IF_ERROR(InsertRows(target, table, values));
      values.clear();
    }
  }
  if (!values.empty()) {
    BREVIS_RETURN_IF_ERROR(InsertRows(target, table, values));
  }
  return CopiedTable{.name = table.name,
                     .rows = checksum.rows(),
                     .checksum = checksum.HexDigest()};
}

// Sets each identity column's sequence so the next id is past the largest
// copied (rows inserted with their ids leave the sequence where it was).
absl::Status SetIdentities(pg::Connection& target, const Table& table) {
  for (const Column& column : table.columns) {
    if (!column.identity) continue;
    BREVIS_ASSIGN_OR_RETURN(
        auto set,
        target.Prepare(StrCat(
            "SELECT setval(pg_get_serial_sequence(CAST(? AS TEXT), CAST(? AS "
            "TEXT)), largest) FROM (SELECT max(",
            Quote(column.name), ") AS largest FROM ", Quote(table.name),
            ") AS m WHERE largest IS NOT NULL")));
    set->Bind(1, Quote(table.name)).Bind(2, column.name);
    BREVIS_RETURN_IF_ERROR(set->Run());
  }
  return absl::OkStatus();
}

absl::Status Verify(pg::Connection& target, const Table& table,
                    const CopiedTable& source) {
  std::vector<ColumnKind> kinds;
  for (const Column& column : table.columns) kinds.push_back(column.kind);
  BREVIS_ASSIGN_OR_RETURN(auto rows,
                          target.Prepare(SelectSql(table, Engine::kPostgres)));
  TableChecksum checksum;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, rows->Step());
    if (!row) break;
    checksum.AddRow(*rows, kinds);
  }
  std::string digest = checksum.HexDigest();
  if (checksum.rows() != source.rows) {
    return absl::DataLossError(StrCat(
        "table ", table.name, " has ", source.rows, " rows in SQLite but ",
        checksum.rows(), " in PostgreSQL after copying; rolled back"));
  }
  if (digest != source.checksum) {
    return absl::DataLossError(
        StrCat("table ", table.name,
               " has different rows in PostgreSQL than in SQLite after "
               "copying (checksums differ); rolled back"));
  }
  return absl::OkStatus();
}

absl::Status CheckEmpty(pg::Connection& target,
                        const std::vector<Table>& tables,
                        const std::string& where) {
  for (const Table& table : tables) {
    if (table.seeded) continue;
    BREVIS_ASSIGN_OR_RETURN(
        auto any, target.Prepare(StrCat("SELECT EXISTS (SELECT 1 FROM ",
                                        Quote(table.name), ")")));
    BREVIS_ASSIGN_OR_RETURN(bool row, any->Step());
    if (row && any->Int(0) != 0) {
      return absl::FailedPreconditionError(StrCat(
          where, " is not empty (table ", table.name,
          " has rows): copy only into a database `brevisd init` has just set "
          "up; nothing was changed"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CopyReport> CopyToPostgres(const std::string& sqlite_path,
                                          const std::string& postgres_uri) {
  if (!pg::IsPostgresUri(postgres_uri)) {
    return absl::InvalidArgumentError(
        "the target must be a postgresql:// URI (postgresql://user@host/"
        "database)");
  }
  // libpq's own complaint about an address quotes it, password and all.
  char* parse_error = nullptr;
  PQconninfoOption* parsed =
      PQconninfoParse(postgres_uri.c_str(), &parse_error);
  PQfreemem(parse_error);
  if (parsed == nullptr) {
    return absl::InvalidArgumentError(
        "the target is not a valid postgresql:// URI");
  }
  PQconninfoFree(parsed);
  std::error_code error;
  if (!std::filesystem::is_regular_file(sqlite_path, error)) {
    return absl::NotFoundError(
        StrCat("database ", sqlite_path, " does not exist"));
  }
  // No brevisd may serve, migrate or restore the source while it is read.
  BREVIS_ASSIGN_OR_RETURN(
      DatabaseLock lock,
      DatabaseLock::Acquire(sqlite_path, /*exclusive=*/true));
  BREVIS_ASSIGN_OR_RETURN(auto source,
                          SqliteConnection::Open(sqlite_path, /*create=*/false,
                                                 /*read_only=*/true));
  CopyReport report;
  BREVIS_ASSIGN_OR_RETURN(report.schema_version,
                          CheckSourceSchema(*source, sqlite_path));
  report.target = pg::DescribeAddress(postgres_uri);
  // No statement timeout: one table's INSERTs or checksum may take long.
  BREVIS_ASSIGN_OR_RETURN(auto target,
                          pg::Connection::Open({.conninfo = postgres_uri}));
  BREVIS_RETURN_IF_ERROR(CheckCollation(*target, report.target));
  BREVIS_RETURN_IF_ERROR(CheckTargetSchema(*target, report.target));
  BREVIS_ASSIGN_OR_RETURN(
      std::vector<Table> tables,
      ReadTables(*source, *target, sqlite_path, report.target));

  // One read snapshot of the source, one transaction on the target.
  BREVIS_RETURN_IF_ERROR(source->Exec("BEGIN"));
  BREVIS_ASSIGN_OR_RETURN(
      auto transaction,
      pg::Transaction::Begin(*target, pg::Isolation::kReadCommitted));
  // Nobody writes to the target between the emptiness check and COMMIT.
  std::string names;
  for (const Table& table : tables) {
    names += StrCat(names.empty() ? "" : ", ", Quote(table.name));
  }
  BREVIS_RETURN_IF_ERROR(
      target->Exec(StrCat("LOCK TABLE ", names, " IN EXCLUSIVE MODE")));
  BREVIS_RETURN_IF_ERROR(CheckEmpty(*target, tables, report.target));
  for (const Table& table : tables) {
    if (table.seeded) {
      BREVIS_RETURN_IF_ERROR(
          target->Exec(StrCat("DELETE FROM ", Quote(table.name))));
    }
  }
  for (const Table& table : tables) {
    BREVIS_ASSIGN_OR_RETURN(CopiedTable copied,
                            CopyRows(*source, *target, table));
    report.total_rows += copied.rows;
    report.tables.push_back(std::move(copied));
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    BREVIS_RETURN_IF_ERROR(SetIdentities(*target, tables[i]));
    BREVIS_RETURN_IF_ERROR(Verify(*target, tables[i], report.tables[i]));
  }
  BREVIS_RETURN_IF_ERROR(transaction->Commit());
  source->Exec("ROLLBACK").IgnoreError();
  return report;
}

}  // namespace brevis::store
