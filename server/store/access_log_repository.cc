#include "server/store/access_log_repository.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/sql_dialect.h"

namespace brevis::store {
namespace {

// A string greater than every string starting with `prefix` and less than
// every other string greater than `prefix`, so that a prefix match is a
// range the resource index can serve; nullopt when none is needed (every
// string after `prefix` starts with it). `prefix` is UTF-8 (a proto string)
// and so is the result, which PostgreSQL requires of text: the last
// character is replaced by the next one (UTF-8 sorts bytewise as by code
// point, on both engines, text being compared bytewise by SQLite and in the
// C collation by PostgreSQL); a last U+10FFFF, which has none, is dropped
// and the character before it moves on instead.
std::optional<std::string> PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    size_t start = prefix.size() - 1;
    while (start > 0 &&
           (static_cast<unsigned char>(prefix[start]) & 0xc0) == 0x80) {
      --start;
    }
    auto byte = [&](size_t i) {
      return static_cast<char32_t>(static_cast<unsigned char>(prefix[i]));
    };
    size_t length = prefix.size() - start;
    char32_t code = length == 1   ? byte(start)
                    : length == 2 ? byte(start) & 0x1f
                    : length == 3 ? byte(start) & 0x0f
                                  : byte(start) & 0x07;
    for (size_t i = start + 1; i < prefix.size(); ++i) {
      code = (code << 6) | (byte(i) & 0x3f);
    }
    prefix.resize(start);
    if (code >= 0x10ffff) continue;
    ++code;
    if (code == 0xd800) code = 0xe000;  // surrogates are no characters
    if (code < 0x80) {
      prefix.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      prefix.push_back(static_cast<char>(0xc0 | (code >> 6)));
      prefix.push_back(static_cast<char>(0x80 | (code & 0x3f)));
    } else if (code < 0x10000) {
      prefix.push_back(static_cast<char>(0xe0 | (code >> 12)));
      prefix.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
      prefix.push_back(static_cast<char>(0x80 | (code & 0x3f)));
    } else {
      prefix.push_back(static_cast<char>(0xf0 | (code >> 18)));
      prefix.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3f)));
      prefix.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
      prefix.push_back(static_cast<char>(0x80 | (code & 0x3f)));
    }
    return prefix;
  }
  return std::nullopt;
}

// The covered names as stored: `parent`, the deepest folder all of them
// share below the entry's resource ("findings" for a page of findings; empty
// when they share none), and `lines`, each name below resource/parent/, one
// per line (a resource name holds no newline). A page of 50 findings is
// then 50 ids and a word, not 50 whole names.
struct CoveredColumns {
  std::string parent;
  std::string lines;
};

// INTERNAL for a name not under the entry's resource: the caller groups
// names by their audit before they get here.
absl::StatusOr<CoveredColumns> ToCoveredColumns(
    const v1::AccessLogEntry& entry) {
  const std::string& resource = entry.resource();
  std::vector<std::string_view> relative;
  for (const std::string& name : entry.covered()) {
    if (name.size() <= resource.size() + 1 || !name.starts_with(resource) ||
        name[resource.size()] != '/') {
      return absl::InternalError(brevis::StrCat("access-log entry for ",
                                                resource, " covers ", name,
                                                ", which is not under it"));
    }
    relative.push_back(std::string_view(name).substr(resource.size() + 1));
  }
  CoveredColumns columns;
  if (relative.empty()) return columns;
  std::string_view parent = relative.front();
  parent = parent.substr(0, std::min(parent.rfind('/'), parent.size()));
  for (std::string_view name : relative) {
    while (!parent.empty() &&
           !(name.starts_with(parent) && name.size() > parent.size() &&
             name[parent.size()] == '/')) {
      size_t slash = parent.rfind('/');
      parent = slash == std::string_view::npos ? std::string_view()
                                               : parent.substr(0, slash);
    }
  }
  columns.parent = std::string(parent);
  size_t skip = parent.empty() ? 0 : parent.size() + 1;
  for (std::string_view name : relative) {
    if (!columns.lines.empty()) columns.lines += '\n';
    columns.lines.append(name.substr(skip));
  }
  return columns;
}

void SetCovered(std::string_view resource, std::string_view parent,
                std::string_view lines, v1::AccessLogEntry* entry) {
  std::string base = brevis::StrCat(resource, "/");
  if (!parent.empty()) base.append(parent).append("/");
  while (!lines.empty()) {
    size_t end = lines.find('\n');
    std::string_view line = lines.substr(0, end);
    std::string* name = entry->add_covered();
    name->reserve(base.size() + line.size());
    name->append(base).append(line);
    if (end == std::string_view::npos) break;
    lines.remove_prefix(end + 1);
  }
}

// A prefix below one audit ("audits/a/findings/f1" or "audits/a/"): the
// audit ("audits/a") and the rest relative to it ("findings/f1"), which a
// compact entry of that audit lists in its covered column. nullopt for a
// prefix that reaches no further than an audit's name.
struct PrefixBelow {
  std::string parent;
  std::string rest;
};
std::optional<PrefixBelow> SplitBelowParent(std::string_view prefix) {
  size_t first = prefix.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = prefix.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return PrefixBelow{std::string(prefix.substr(0, second)),
                     std::string(prefix.substr(second + 1))};
}

}  // namespace

absl::Status AccessLogRepository::Append(const v1::AccessLogEntry& entry) {
  BREVIS_ASSIGN_OR_RETURN(CoveredColumns covered, ToCoveredColumns(entry));
  BREVIS_ASSIGN_OR_RETURN(
      auto insert,
      db_.Prepare(
          "INSERT INTO access_log (time, principal, method, kind, resource, "
          "request_id, peer, detail, covered_parent, covered) VALUES (?, ?, ?, "
          "?, ?, ?, ?, ?, ?, ?)"));
  return insert->Bind(1, TimestampMicros(entry.time()))
      .Bind(2, entry.principal())
      .Bind(3, entry.method())
      .Bind(4, int64_t{entry.kind()})
      .Bind(5, entry.resource())
      .Bind(6, entry.request_id())
      .Bind(7, entry.peer())
      .Bind(8, entry.detail())
      .Bind(9, std::string_view(covered.parent))
      .Bind(10, std::string_view(covered.lines))
      .Run();
}

absl::StatusOr<Page<v1::AccessLogEntry>> AccessLogRepository::List(
    const AccessLogFilter& filter, int64_t after_id, int limit) {
  // Only the conditions given, so that SQLite can walk the index of the
  // one that narrows most (principal: its index keeps rows in id order)
  // instead of testing every row. Fixed fragments only; values are bound.
  std::string sql =
      "SELECT id, time, principal, method, kind, resource, request_id, peer, "
      "detail, covered_parent, covered FROM access_log WHERE id > ?1";
  if (filter.principal) sql += " AND principal = ?2";
  std::optional<PrefixBelow> below;
  std::optional<std::string> prefix_end;
  if (filter.resource_prefix) {
    below = SplitBelowParent(*filter.resource_prefix);
    prefix_end = PrefixEnd(*filter.resource_prefix);
  }
  const std::string range =
      prefix_end ? "(resource >= ?3 AND resource < ?4)" : "resource >= ?3";
  if (filter.resource_prefix && !below) {
    sql += " AND " + range;
  } else if (below) {
    // Both sides are served by the resource index (an OR of two lookups).
    // ?11 is the prefix below the audit: it matches a compact entry of the
    // audit when it reaches into covered_parent and a line starts with the
    // rest of it (a line starts after a newline, hence the one prefixed),
    // or when it ends within covered_parent/, which every line is under.
    // The newline is a literal in quotes: both engines take it as it is.
    const Engine engine = db_.engine();
    sql += brevis::StrCat(
        " AND (", range,
        " OR (resource = ?10 AND "
        "covered != '' AND ((covered_parent = '' AND ",
        Contains(engine, "'\n' || covered", "'\n' || ?11"),
        ") OR (covered_parent != '' AND substr(?11, 1, "
        "length(covered_parent) + 1) = covered_parent || '/' AND ",
        Contains(engine, "'\n' || covered",
                 "'\n' || substr(?11, length(covered_parent) + 2)"),
        ") OR (covered_parent != '' AND length(?11) <= "
        "length(covered_parent) + 1 AND substr(covered_parent || '/', 1, "
        "length(?11)) = ?11))))");
  }
  if (filter.start_time) sql += " AND time >= ?5";
  if (filter.end_time) sql += " AND time < ?6";
  sql += " ORDER BY id LIMIT ?7";
  BREVIS_ASSIGN_OR_RETURN(auto select, PrepareSparse(db_, sql));
  Statement& stmt = *select;
  stmt.Bind(1, after_id).Bind(7, int64_t{limit} + 1);
  if (filter.principal) stmt.Bind(2, std::string_view(*filter.principal));
  if (filter.resource_prefix) {
    stmt.Bind(3, std::string_view(*filter.resource_prefix));
  }
  if (prefix_end) stmt.Bind(4, std::string_view(*prefix_end));
  if (below) {
    stmt.Bind(10, std::string_view(below->parent))
        .Bind(11, std::string_view(below->rest));
  }
  if (filter.start_time) stmt.Bind(5, ToMicros(*filter.start_time));
  if (filter.end_time) stmt.Bind(6, ToMicros(*filter.end_time));
  return CollectPage<v1::AccessLogEntry>(stmt, limit, [](const Statement& row) {
    v1::AccessLogEntry entry;
    entry.set_sequence(row.Int(0));
    SetTimestamp(row.Int(1), entry.mutable_time());
    entry.set_principal(row.Text(2));
    entry.set_method(row.Text(3));
    entry.set_kind(static_cast<v1::AccessKind>(row.Int(4)));
    entry.set_resource(row.Text(5));
    entry.set_request_id(row.Text(6));
    entry.set_peer(row.Text(7));
    entry.set_detail(row.Text(8));
    SetCovered(entry.resource(), row.Text(9), row.Text(10), &entry);
    return entry;
  });
}

absl::StatusOr<int64_t> AccessLogRepository::PurgeBefore(absl::Time cutoff) {
  BREVIS_ASSIGN_OR_RETURN(auto remove,
                          db_.Prepare("DELETE FROM access_log WHERE time < ?"));
  BREVIS_RETURN_IF_ERROR(remove->Bind(1, ToMicros(cutoff)).Run());
  return db_.Changes();
}

}  // namespace brevis::store
