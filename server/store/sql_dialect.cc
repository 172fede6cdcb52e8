#include "server/store/sql_dialect.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::store {
namespace {

// One `?` or `?N` in SQL text: where it is and the number SQLite gives it.
struct Placeholder {
  size_t begin;
  size_t end;
  int number;
};

// The placeholders of `sql` outside quoted literals and names ('...',
// "...", a doubled quote inside them closes and reopens, which is the same
// for finding placeholders). A bare `?` is one more than the largest number
// so far, as SQLite numbers it.
std::vector<Placeholder> FindPlaceholders(std::string_view sql) {
  std::vector<Placeholder> found;
  int largest = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      size_t close = sql.find(c, i + 1);
      i = close == std::string_view::npos ? sql.size() : close;
    } else if (c == '?') {
      size_t end = i + 1;
      while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
      int number = largest + 1;
      if (end > i + 1) std::from_chars(&sql[i + 1], sql.data() + end, number);
      largest = std::max(largest, number);
      found.push_back({i, end, number});
      i = end - 1;
    }
  }
  return found;
}

// A PostgreSQL statement whose parameters were renumbered without gaps:
// binds go to the new numbers; one to a number the SQL does not use is
// dropped, as SQLite accepts a bind to an unused number below its largest.
class RenumberedStatement final : public Statement {
 public:
  RenumberedStatement(std::unique_ptr<Statement> inner,
                      std::vector<int> new_number)
      : inner_(std::move(inner)), new_number_(std::move(new_number)) {}

  Statement& Bind(int index, int64_t value) override {
    if (int n = Map(index); n != 0) inner_->Bind(n, value);
    return *this;
  }
  Statement& Bind(int index, std::string_view text) override {
    if (int n = Map(index); n != 0) inner_->Bind(n, text);
    return *this;
  }
  Statement& BindBlob(int index, std::string_view bytes) override {
    if (int n = Map(index); n != 0) inner_->BindBlob(n, bytes);
    return *this;
  }
  Statement& BindNull(int index) override {
    if (int n = Map(index); n != 0) inner_->BindNull(n);
    return *this;
  }
  absl::StatusOr<bool> Step() override { return inner_->Step(); }
  int64_t Int(int column) const override { return inner_->Int(column); }
  std::string Text(int column) const override { return inner_->Text(column); }
  std::string Blob(int column) const override { return inner_->Blob(column); }
  bool IsNull(int column) const override { return inner_->IsNull(column); }

 private:
  // The new number of SQLite's `index`; 0 for an unused one below the
  // largest; outside 1 to the largest, a number outside the inner
  // statement's, so that the inner statement reports the bad bind.
  int Map(int index) const {
    if (index < 1) return -1;
    if (index < static_cast<int>(new_number_.size())) {
      return new_number_[index];
    }
    return index + static_cast<int>(new_number_.size());
  }

  std::unique_ptr<Statement> inner_;
  std::vector<int> new_number_;  // by SQLite's number; [0] unused
};

}  // namespace

std::string CommaList(Engine engine, std::string_view expression) {
  return engine == Engine::kPostgres
             ? brevis::StrCat("string_agg(", expression, ", ',')")
             : brevis::StrCat("group_concat(", expression, ")");
}

std::string Contains(Engine engine, std::string_view haystack,
                     std::string_view needle) {
  return brevis::StrCat(engine == Engine::kPostgres ? "strpos(" : "instr(",
                        haystack, ", ", needle, ") > 0");
}

absl::StatusOr<std::unique_ptr<Statement>> PrepareSparse(Connection& db,
                                                         std::string_view sql) {
  if (db.engine() == Engine::kSqlite) return db.Prepare(sql);
  std::vector<Placeholder> placeholders = FindPlaceholders(sql);
  int largest = 0;
  for (const Placeholder& p : placeholders) {
    largest = std::max(largest, p.number);
  }
  std::vector<int> new_number(largest + 1, 0);
  for (const Placeholder& p : placeholders) new_number[p.number] = 1;
  for (int number = 1, next = 1; number <= largest; ++number) {
    if (new_number[number] != 0) new_number[number] = next++;
  }
  std::string renumbered;
  size_t copied = 0;
  for (const Placeholder& p : placeholders) {
    renumbered.append(sql.substr(copied, p.begin - copied));
    renumbered.append(brevis::StrCat("?", new_number[p.number]));
    copied = p.end;
  }
  renumbered.append(sql.substr(copied));
  BREVIS_ASSIGN_OR_RETURN(std::unique_ptr<Statement> inner,
                          db.Prepare(renumbered));
  return std::unique_ptr<Statement>(
      new RenumberedStatement(std::move(inner), std::move(new_number)));
}

}  // namespace brevis::store
