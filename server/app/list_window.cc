#include "server/app/list_window.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
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

std::vector<v1::AccessLogEntry> ReadEntries(const Call& call,
                                            std::vector<std::string> names) {
  // Names grouped by their first two segments (the audit, for audit
  // content), in the order each group first appears.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  absl::flat_hash_map<std::string, size_t> group_of;
  for (std::string& name : names) {
    size_t first = name.find('/');
    size_t second = first == std::string::npos ? std::string::npos
                                               : name.find('/', first + 1);
    std::string key = name.substr(0, second);
    auto [it, added] = group_of.try_emplace(key, groups.size());
    if (added) groups.emplace_back(std::move(key), std::vector<std::string>());
    groups[it->second].second.push_back(std::move(name));
  }
  std::vector<v1::AccessLogEntry> entries;
  entries.reserve(groups.size());
  for (auto& [key, members] : groups) {
    // One name alone is its own entry, as a single Get records it.
    if (members.size() == 1) {
      entries.push_back(
          call.Entry(v1::ACCESS_KIND_READ, std::move(members.front())));
      continue;
    }
    v1::AccessLogEntry& entry =
        entries.emplace_back(call.Entry(v1::ACCESS_KIND_READ, key));
    for (std::string& member : members) {
      // The group's own name (an audit read with its content) is the
      // entry's resource already.
      if (member != key) entry.add_covered(std::move(member));
    }
  }
  return entries;
}

absl::Status RecordReadNames(AccessRecorder& recorder, const Call& call,
                             std::vector<std::string> names) {
  return recorder.Record(call, ReadEntries(call, std::move(names)));
}

}  // namespace brevis::app
