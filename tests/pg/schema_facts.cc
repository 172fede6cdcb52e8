#include "tests/pg/schema_facts.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "server/domain/status_macros.h"

namespace brevis::testing {
namespace {

std::string Type(std::string type) {
  type = absl::AsciiStrToLower(type);
  if (type == "integer" || type == "bigint") return "integer";
  if (type == "bytea" || type == "blob") return "blob";
  return type;
}

std::string Column(const std::string& table, const std::string& name,
                   const std::string& type, bool not_null, bool has_default) {
  return "column " + table + "." + name + ": " + Type(type) +
         (not_null ? ", not null" : ", nullable") +
         (has_default ? ", default" : ", no default");
}

std::string Index(const std::string& name, const std::string& table,
                  const std::string& columns, bool unique, bool partial) {
  return "index " + name + " on " + table + " (" + columns + ")" +
         (unique ? ", unique" : "") + (partial ? ", partial" : "");
}

// "a, b" from the columns of an SQLite index, in key order.
absl::StatusOr<std::string> SqliteIndexColumns(store::Connection& db,
                                               const std::string& index) {
  BREVIS_ASSIGN_OR_RETURN(
      auto info,
      db.Prepare("SELECT name FROM pragma_index_info(?) ORDER BY seqno"));
  info->Bind(1, index);
  std::string columns;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, info->Step());
    if (!row) break;
    columns += (columns.empty() ? "" : ", ") + info->Text(0);
  }
  return columns;
}

absl::Status ReadSqliteTable(store::Connection& db, const std::string& table,
                             bool without_rowid, SchemaFacts& facts) {
  facts.insert("table " + table);
  BREVIS_ASSIGN_OR_RETURN(
      auto columns,
      db.Prepare("SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk, "
                 "(SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) "
                 "FROM pragma_table_info(?1) ORDER BY cid"));
  columns->Bind(1, table);
  std::map<int64_t, std::string> key;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, columns->Step());
    if (!row) break;
    std::string name = columns->Text(0), type = columns->Text(1);
    int64_t pk = columns->Int(4);
    // SQLite lets a rowid table's key hold NULL unless the key is the
    // rowid itself (the only INTEGER key column); a WITHOUT ROWID table's
    // key never does. PostgreSQL keys are never NULL.
    bool rowid_alias = pk > 0 && columns->Int(5) == 1 &&
                       absl::AsciiStrToLower(type) == "integer";
    bool not_null =
        columns->Int(2) != 0 || (pk > 0 && (without_rowid || rowid_alias));
    facts.insert(Column(table, name, type, not_null, columns->Int(3) != 0));
    if (pk > 0) key[pk] = name;
  }
  if (!key.empty()) {
    std::string text;
    for (const auto& [position, name] : key) {
      text += (text.empty() ? "" : ", ") + name;
    }
    facts.insert("primary key " + table + " (" + text + ")");
  }

  BREVIS_ASSIGN_OR_RETURN(auto indexes,
                          db.Prepare("SELECT name, \"unique\", origin, partial "
                                     "FROM pragma_index_list(?)"));
  indexes->Bind(1, table);
  std::vector<std::tuple<std::string, bool, std::string, bool>> found;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, indexes->Step());
    if (!row) break;
    found.emplace_back(indexes->Text(0), indexes->Int(1) != 0, indexes->Text(2),
                       indexes->Int(3) != 0);
  }
  for (const auto& [name, unique, origin, partial] : found) {
    BREVIS_ASSIGN_OR_RETURN(std::string on, SqliteIndexColumns(db, name));
    if (origin == "u") {
      facts.insert("unique " + table + " (" + on + ")");
    } else if (origin == "c") {
      facts.insert(Index(name, table, on, unique, partial));
    }  // "pk": a WITHOUT ROWID table's key, a fact of its own above
  }

  BREVIS_ASSIGN_OR_RETURN(
      auto keys,
      db.Prepare("SELECT id, \"table\", \"from\", \"to\" "
                 "FROM pragma_foreign_key_list(?) ORDER BY id, seq"));
  keys->Bind(1, table);
  std::map<int64_t, std::tuple<std::string, std::string, std::string>> foreign;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, keys->Step());
    if (!row) break;
    auto& [to_table, from, to] = foreign[keys->Int(0)];
    to_table = keys->Text(1);
    from += (from.empty() ? "" : ", ") + keys->Text(2);
    to += (to.empty() ? "" : ", ") + keys->Text(3);
  }
  for (const auto& [id, reference] : foreign) {
    const auto& [to_table, from, to] = reference;
    facts.insert("foreign key " + table + " (" + from + ") -> " + to_table +
                 " (" + to + ")");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SchemaFacts> ReadSqliteSchema(store::Connection& db) {
  SchemaFacts facts;
  BREVIS_ASSIGN_OR_RETURN(auto tables,
                          db.Prepare("SELECT name, sql FROM sqlite_schema "
                                     "WHERE type = 'table' AND name NOT LIKE "
                                     "'sqlite_%' ORDER BY name"));
  std::vector<std::pair<std::string, bool>> names;
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, tables->Step());
    if (!row) break;
    std::string sql = absl::AsciiStrToUpper(tables->Text(1));
    names.emplace_back(tables->Text(0),
                       sql.find("WITHOUT ROWID") != std::string::npos);
  }
  tables.reset();
  for (const auto& [name, without_rowid] : names) {
    BREVIS_RETURN_IF_ERROR(ReadSqliteTable(db, name, without_rowid, facts));
  }
  BREVIS_ASSIGN_OR_RETURN(auto triggers,
                          db.Prepare("SELECT name, tbl_name FROM sqlite_schema "
                                     "WHERE type = 'trigger'"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, triggers->Step());
    if (!row) break;
    facts.insert("trigger " + triggers->Text(0) + " on " + triggers->Text(1));
  }
  return facts;
}

absl::StatusOr<SchemaFacts> ReadPostgresSchema(store::pg::Connection& db) {
  SchemaFacts facts;
  BREVIS_ASSIGN_OR_RETURN(
      auto tables,
      db.Prepare("SELECT c.relname FROM pg_class c JOIN pg_namespace n "
                 "ON n.oid = c.relnamespace "
                 "WHERE n.nspname = 'public' AND c.relkind = 'r'"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, tables->Step());
    if (!row) break;
    facts.insert("table " + tables->Text(0));
  }

  BREVIS_ASSIGN_OR_RETURN(
      auto columns, db.Prepare("SELECT table_name, column_name, data_type, "
                               "is_nullable = 'NO', column_default IS NOT NULL "
                               "FROM information_schema.columns "
                               "WHERE table_schema = 'public'"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, columns->Step());
    if (!row) break;
    facts.insert(Column(columns->Text(0), columns->Text(1), columns->Text(2),
                        columns->Int(3) != 0, columns->Int(4) != 0));
  }

  // Column lists in key order; a foreign key's referenced table and columns.
  BREVIS_ASSIGN_OR_RETURN(
      auto constraints,
      db.Prepare(
          "SELECT t.relname, c.contype, "
          "  (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) "
          "   FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) "
          "   JOIN pg_attribute a ON a.attrelid = c.conrelid "
          "     AND a.attnum = k.attnum), "
          "  coalesce(f.relname, ''), "
          "  coalesce((SELECT string_agg(a.attname, ', ' ORDER BY k.ord) "
          "   FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord) "
          "   JOIN pg_attribute a ON a.attrelid = c.confrelid "
          "     AND a.attnum = k.attnum), '') "
          "FROM pg_constraint c "
          "JOIN pg_class t ON t.oid = c.conrelid "
          "JOIN pg_namespace n ON n.oid = t.relnamespace "
          "LEFT JOIN pg_class f ON f.oid = c.confrelid "
          "WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, constraints->Step());
    if (!row) break;
    std::string table = constraints->Text(0), kind = constraints->Text(1);
    std::string on = " (" + constraints->Text(2) + ")";
    if (kind == "p") facts.insert("primary key " + table + on);
    if (kind == "u") facts.insert("unique " + table + on);
    if (kind == "f") {
      facts.insert("foreign key " + table + on + " -> " + constraints->Text(3) +
                   " (" + constraints->Text(4) + ")");
    }
  }

  BREVIS_ASSIGN_OR_RETURN(
      auto indexes,
      db.Prepare(
          "SELECT i.relname, t.relname, x.indisunique, x.indpred IS NOT NULL, "
          "  (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) "
          "   FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord) "
          "   JOIN pg_attribute a ON a.attrelid = t.oid "
          "     AND a.attnum = k.attnum) "
          "FROM pg_index x "
          "JOIN pg_class i ON i.oid = x.indexrelid "
          "JOIN pg_class t ON t.oid = x.indrelid "
          "JOIN pg_namespace n ON n.oid = t.relnamespace "
          "WHERE n.nspname = 'public' AND NOT EXISTS ("
          "  SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
          "  AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u'))"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, indexes->Step());
    if (!row) break;
    facts.insert(Index(indexes->Text(0), indexes->Text(1), indexes->Text(4),
                       indexes->Int(2) != 0, indexes->Int(3) != 0));
  }

  BREVIS_ASSIGN_OR_RETURN(
      auto triggers,
      db.Prepare("SELECT g.tgname, t.relname FROM pg_trigger g "
                 "JOIN pg_class t ON t.oid = g.tgrelid "
                 "JOIN pg_namespace n ON n.oid = t.relnamespace "
                 "WHERE n.nspname = 'public' AND NOT g.tgisinternal"));
  while (true) {
    BREVIS_ASSIGN_OR_RETURN(bool row, triggers->Step());
    if (!row) break;
    facts.insert("trigger " + triggers->Text(0) + " on " + triggers->Text(1));
  }
  return facts;
}

std::vector<std::string> SchemaDifferences(const SchemaFacts& sqlite,
                                           const SchemaFacts& postgres) {
  std::vector<std::string> differences;
  for (const std::string& fact : sqlite) {
    if (!postgres.contains(fact))
      differences.push_back("only in SQLite: " + fact);
  }
  for (const std::string& fact : postgres) {
    if (!sqlite.contains(fact)) {
      differences.push_back("only in PostgreSQL: " + fact);
    }
  }
  return differences;
}

}  // namespace brevis::testing
