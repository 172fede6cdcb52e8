#ifndef BREVIS_SERVER_APP_LIST_WINDOW_H_
#define BREVIS_SERVER_APP_LIST_WINDOW_H_

// The window of a List call (page size and page token, AIP-158) and the
// access-log entries of what a read returned.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/app/access_recorder.h"
#include "server/app/call.h"
#include "server/auth/page_token.h"
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

// Records an access-log READ entry for each resource named in `names`. Not
// OK (UNAVAILABLE, RESOURCE_EXHAUSTED) means the read must not be served.
absl::Status RecordReadNames(AccessRecorder& recorder, const Call& call,
                             std::vector<std::string> names);

// Records an access-log READ entry for every resource in `items` (anything
// with a name()): lists record each record the caller saw. Not OK means
// the read must not be served.
template <typename Items>
absl::Status RecordReads(AccessRecorder& recorder, const Call& call,
                         const Items& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name());
  return RecordReadNames(recorder, call, std::move(names));
}

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_LIST_WINDOW_H_
