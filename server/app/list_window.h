#ifndef BREVIS_SERVER_APP_LIST_WINDOW_H_
#define BREVIS_SERVER_APP_LIST_WINDOW_H_

// The window of a List call (page size and page token, AIP-158) and the
// access-log entries of what a read returned.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/app/access_recorder.h"
#include "server/app/call.h"
#include "server/app/dependencies.h"
#include "server/auth/page_token.h"
#include "server/domain/status_macros.h"
#include "server/store/database.h"
#include "server/store/rows.h"

namespace brevis::app {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// Where a List call starts and how many rows it returns. `scope` binds the
// page token to one method, caller, parent and filter.
struct ListWindow {
  std::string scope;
  int64_t after_id = 0;
  int limit = kDefaultPageSize;
};

// INVALID_ARGUMENT for a negative page_size or a token not issued for
// `scope`. page_size 0 means the default; above the maximum is capped
// (AIP-158).
absl::StatusOr<ListWindow> OpenListWindow(const auth::PageTokenCodec& codec,
                                          std::string scope, int32_t page_size,
                                          std::string_view page_token);

// A list's page-token scope: the method, the caller (so a token never
// widens what another caller sees) and whatever else defines the list.
std::string ListScope(const Call& call, std::string_view parts);

// The token for the page after `page`, or empty when it was the last.
template <typename Resource>
std::string NextPageToken(const auth::PageTokenCodec& codec,
                          const ListWindow& window,
                          const store::Page<Resource>& page) {
  return page.more ? codec.Encode(window.scope, page.last_id) : std::string();
}

// The end of every List: moves the rows of `page` into `items` and sets
// `next_page_token` (empty after the last page).
template <typename Resource>
void TakePage(const auth::PageTokenCodec& codec, const ListWindow& window,
              store::Page<Resource>& page,
              google::protobuf::RepeatedPtrField<Resource>* items,
              std::string* next_page_token) {
  for (Resource& item : page.items) *items->Add() = std::move(item);
  *next_page_token = NextPageToken(codec, window, page);
}

// The one List flow (AIP-132, AIP-158) after the request's own checks:
// opens the window of ListScope(call, scope) for request.page_size() and
// request.page_token(), runs `read(db, window)` (returning a
// store::Page<Resource>) in one read transaction, and moves its items into
// `items` and the token of the page after it into `next_page_token`.
// INVALID_ARGUMENT for a bad page_size or page_token (before any read),
// else whatever `read` returns.
template <typename Request, typename Resource, typename Read>
absl::Status ReadListPage(const Dependencies& deps, const Call& call,
                          std::string_view scope, const Request& request,
                          Read read,
                          google::protobuf::RepeatedPtrField<Resource>* items,
                          std::string* next_page_token) {
  BREVIS_ASSIGN_OR_RETURN(
      ListWindow window,
      OpenListWindow(*deps.page_tokens, ListScope(call, scope),
                     request.page_size(), request.page_token()));
  return deps.db->Read([&](store::Connection& db) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(store::Page<Resource> page, read(db, window));
    TakePage(*deps.page_tokens, window, page, items, next_page_token);
    return absl::OkStatus();
  });
}

// The access-log READ entries of one call that returned the resources
// `names`: one entry per audit (per first two name segments), whose
// resource is the audit and whose covered lists the names under it; a
// group of one name is an entry for that name alone.
std::vector<v1::AccessLogEntry> ReadEntries(const Call& call,
                                            std::vector<std::string> names);

// Records the ReadEntries of `names`. Not OK (UNAVAILABLE,
// RESOURCE_EXHAUSTED) means the read must not be served.
absl::Status RecordReadNames(AccessRecorder& recorder, const Call& call,
                             std::vector<std::string> names);

// Records access-log READ entries for every resource in `items` (anything
// with a name()), one per audit (RecordReadNames): lists record each
// record the caller saw. Not OK means the read must not be served.
template <typename Items>
absl::Status RecordReads(AccessRecorder& recorder, const Call& call,
                         const Items& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name());
  return RecordReadNames(recorder, call, std::move(names));
}

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_LIST_WINDOW_H_
