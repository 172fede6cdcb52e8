#ifndef BREVIS_SERVER_STORE_ID_LIST_H_
#define BREVIS_SERVER_STORE_ID_LIST_H_

// One query for the child rows of a whole page (notes of actions, findings
// of recommendations, ...) instead of one per item of the page: a list
// page of 50 would otherwise run 50 more statements. Free functions: no
// state; thread-safe as far as `db` is.

#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "server/store/connection.h"

namespace brevis::store {

// The most ids one statement binds; longer lists run in several.
inline constexpr size_t kMaxIdsPerStatement = 1024;

// The number of `?` in the IN list that carries `count` ids (1 <= count
// <= kMaxIdsPerStatement): the next power of four. Prepared statements are
// cached per SQL text, so a text per page size would fill the cache; six
// texts (1, 4, 16, ..., 1024) serve every size.
size_t IdListSlots(size_t count);

// A value bound to a parameter of `head` or `tail` besides the ids.
using BoundValue = std::variant<int64_t, std::string_view>;

// Runs `head` + "(?k+1, ?k+2, ...)" + `tail` with the IN list bound to
// `ids`, padded to IdListSlots with its last id (a repeated value in an IN
// list matches nothing more), e.g. head "SELECT action_id, text FROM
// action_notes WHERE action_id IN " and tail " ORDER BY action_id, id".
// `params[j]` (k of them) is bound as `?j+1`, which `head` and `tail` may
// use or not (prepared as PrepareSparse does), e.g. a caller's id and
// today's date; they hold no other parameters. The strings of `params`
// must outlive the call. More than kMaxIdsPerStatement ids run as several
// statements in the order of `ids`, so rows of one id always come from one
// statement, in its order. Calls `row` on every result row. Nothing runs
// for empty `ids`. Returns OK, or the first error of Prepare, Step or `row`.
absl::Status ForEachRowWithIdIn(
    Connection& db, std::string_view head, std::string_view tail,
    std::span<const int64_t> ids, std::span<const BoundValue> params,
    absl::FunctionRef<absl::Status(const Statement&)> row);
// The same with no parameters but the ids.
inline absl::Status ForEachRowWithIdIn(
    Connection& db, std::string_view head, std::string_view tail,
    std::span<const int64_t> ids,
    absl::FunctionRef<absl::Status(const Statement&)> row) {
  return ForEachRowWithIdIn(db, head, tail, ids, {}, row);
}

// ForEachRowWithIdIn for the child rows of a page: `items[i]` has row id
// `ids[i]` (as many ids as items), every result row has its item's id in
// column 0, and `fill(Item&, const Statement&)` adds the row to the item.
// `params` as ForEachRowWithIdIn binds them. Returns what
// ForEachRowWithIdIn returns; INTERNAL for a row of an id not in `ids` (a
// query that does not filter by its IN list), for an id given twice, or
// for as many ids as items not given.
template <typename Item, typename Fill>
absl::Status ForEachChildRow(Connection& db, std::string_view head,
                             std::string_view tail,
                             std::span<const int64_t> ids,
                             std::span<Item> items, Fill fill,
                             std::span<const BoundValue> params = {}) {
  if (ids.size() != items.size()) {
    return absl::InternalError("child rows asked for with ids and items apart");
  }
  std::unordered_map<int64_t, Item*> by_id;
  for (size_t i = 0; i < items.size(); ++i) {
    // A repeated id would give its rows to one of its items only.
    if (!by_id.emplace(ids[i], &items[i]).second) {
      return absl::InternalError("child rows asked for an id twice");
    }
  }
  return ForEachRowWithIdIn(
      db, head, tail, ids, params, [&](const Statement& row) -> absl::Status {
        auto item = by_id.find(row.Int(0));
        if (item == by_id.end()) {
          return absl::InternalError("a child row of an item not asked for");
        }
        fill(*item->second, row);
        return absl::OkStatus();
      });
}

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_ID_LIST_H_
