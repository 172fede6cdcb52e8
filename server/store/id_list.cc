#include "server/store/id_list.h"

#include <algorithm>
#include <string>

#include "server/domain/status_macros.h"

namespace brevis::store {

size_t IdListSlots(size_t count) {
  size_t slots = 1;
  while (slots < count) slots *= 4;
  return slots;
}

absl::Status ForEachRowWithIdIn(
    Connection& db, std::string_view head, std::string_view tail,
    std::span<const int64_t> ids,
    absl::FunctionRef<absl::Status(const Statement&)> row) {
  for (size_t start = 0; start < ids.size(); start += kMaxIdsPerStatement) {
    std::span<const int64_t> chunk =
        ids.subspan(start, std::min(kMaxIdsPerStatement, ids.size() - start));
    size_t slots = IdListSlots(chunk.size());
    std::string sql(head);
    sql += "(?";
    for (size_t i = 1; i < slots; ++i) sql += ", ?";
    sql += ")";
    sql += tail;
    BREVIS_ASSIGN_OR_RETURN(auto select, db.Prepare(sql));
    for (size_t i = 0; i < slots; ++i) {
      select->Bind(static_cast<int>(i + 1),
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
