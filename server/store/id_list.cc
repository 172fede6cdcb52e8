#include "server/store/id_list.h"

#include <algorithm>
#include <string>

#include "server/domain/status_macros.h"
#include "server/store/sql_dialect.h"

namespace brevis::store {

size_t IdListSlots(size_t count) {
  size_t slots = 1;
  while (slots < count) slots *= 4;
  return slots;
}

absl::Status ForEachRowWithIdIn(
    Connection& db, std::string_view head, std::string_view tail,
    std::span<const int64_t> ids, std::span<const BoundValue> params,
    absl::FunctionRef<absl::Status(const Statement&)> row) {
  for (size_t start = 0; start < ids.size(); start += kMaxIdsPerStatement) {
    std::span<const int64_t> chunk =
        ids.subspan(start, std::min(kMaxIdsPerStatement, ids.size() - start));
    size_t slots = IdListSlots(chunk.size());
    // Numbered after the other parameters: a bare `?` would take its
    // number from the largest `head` happens to use.
    int first = static_cast<int>(params.size()) + 1;
    std::string sql(head);
    for (size_t i = 0; i < slots; ++i) {
      sql += i == 0 ? "(?" : ", ?";
      sql += std::to_string(first + static_cast<int>(i));
    }
    sql += ")";
    sql += tail;
    BREVIS_ASSIGN_OR_RETURN(auto select, PrepareSparse(db, sql));
    for (size_t j = 0; j < params.size(); ++j) {
      std::visit(
          [&](const auto& value) {
            select->Bind(static_cast<int>(j + 1), value);
          },
          params[j]);
    }
    for (size_t i = 0; i < slots; ++i) {
      select->Bind(first + static_cast<int>(i),
                   chunk[std::min(i, chunk.size() - 1)]);
    }
    while (true) {
      BREVIS_ASSIGN_OR_RETURN(bool more, select->Step());
      if (!more) break;
      BREVIS_RETURN_IF_ERROR(row(*select));
    }
  }
  return absl::OkStatus();
}

}  // namespace brevis::store
