#include "server/api/service_support.h"

#include <algorithm>

#include "server/store/create_request_log.h"

namespace brevis::api {

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
  absl::StatusOr<int64_t> after = codec.Decode(scope, page_token);
  if (!after.ok()) return after.status();
  window.after_id = *after;
  window.scope = std::move(scope);
  return window;
}

absl::Status CreateOnce(store::Connection& connection, std::string_view method,
                        std::string_view request_id, absl::Time now,
                        google::protobuf::Message* response,
                        absl::FunctionRef<absl::Status()> create) {
  store::CreateRequestLog log(connection);
  if (!request_id.empty()) {
    absl::StatusOr<std::optional<std::string>> earlier =
        log.Find(method, request_id);
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) {
      if (!response->ParseFromString(**earlier)) {
        return absl::InternalError("stored create response is unreadable");
      }
      return absl::OkStatus();
    }
  }
  if (absl::Status s = create(); !s.ok()) return s;
  if (request_id.empty()) return absl::OkStatus();
  return log.Record(method, request_id, response->SerializeAsString(), now);
}

}  // namespace brevis::api
