#include "server/app/list_window.h"

#include <algorithm>

#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"

namespace brevis::app {

absl::StatusOr<ListWindow> OpenListWindow(const auth::PageTokenCodec& codec,
                                          std::string scope, int32_t page_size,
                                          std::string_view page_token) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        "page_size: must not be negative (0 means the default of 50)");
  }
  ListWindow window;
  window.limit = page_size == 0 ? kDefaultPageSize
                                : std::min<int>(page_size, kMaxPageSize);
  BREVIS_ASSIGN_OR_RETURN(int64_t after, codec.Decode(scope, page_token));
  window.after_id = after;
  window.scope = std::move(scope);
  return window;
}

std::string ListScope(const Call& call, std::string_view parts) {
  return brevis::StrCat(call.method, "\n", call.caller.name, "\n", parts);
}

absl::Status RecordReadNames(AccessRecorder& recorder, const Call& call,
                             std::vector<std::string> names) {
  std::vector<v1::AccessLogEntry> entries;
  entries.reserve(names.size());
  for (std::string& name : names) {
    entries.push_back(call.Entry(v1::ACCESS_KIND_READ, std::move(name)));
  }
  return recorder.Record(std::move(entries));
}

}  // namespace brevis::app
