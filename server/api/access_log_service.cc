#include "server/api/access_log_service.h"

#include "server/domain/calendar.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/access_log_repository.h"
#include "server/store/rows.h"

namespace brevis::api {
grpc::ServerUnaryReactor* AccessLogService::ListAccessLog(
    grpc::CallbackServerContext* context,
    const v1::ListAccessLogRequest* request,
    v1::ListAccessLogResponse* response) {
  return Serve(context, deps_, "brevis.v1.AccessLogService/ListAccessLog",
               [this, request, response](const Call& call) {
                 return DoListAccessLog(call, *request, response);
               });
}
absl::Status AccessLogService::DoListAccessLog(
    const Call& call, const v1::ListAccessLogRequest& request,
    v1::ListAccessLogResponse* response) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckAction(call.caller, domain::Action::kReadAccessLog));
  store::AccessLogFilter filter;
  if (!request.principal().empty()) {
    auto ids =
        domain::ParseName(request.principal(), {"principals"}, "principal");
    if (!ids.ok()) return ids.status();
    filter.principal = request.principal();
  }
  if (!request.resource_prefix().empty()) {
    filter.resource_prefix = request.resource_prefix();
  }
  if (request.has_start_time()) {
    BREVIS_RETURN_IF_ERROR(
        domain::CheckTimestamp("start_time", request.start_time()));
    filter.start_time = domain::ToTime(request.start_time());
  }
  if (request.has_end_time()) {
    BREVIS_RETURN_IF_ERROR(
        domain::CheckTimestamp("end_time", request.end_time()));
    filter.end_time = domain::ToTime(request.end_time());
  }
  if (filter.start_time && filter.end_time &&
      *filter.end_time < *filter.start_time) {
    return absl::InvalidArgumentError(
        "end_time: must not be before start_time");
  }
  std::string scope = brevis::StrCat(
      request.principal(), "\n", request.resource_prefix().size(), ":",
      request.resource_prefix(), "\n", request.start_time().SerializeAsString(),
      "\n", request.end_time().SerializeAsString());
  absl::StatusOr<ListWindow> window =
      OpenListWindow(*deps_.page_tokens, ListScope(call, scope),
                     request.page_size(), request.page_token());
  if (!window.ok()) return window.status();
  return deps_.db->Read([&](store::Connection& db) -> absl::Status {
    auto page = store::AccessLogRepository(db).List(filter, window->after_id,
                                                    window->limit);
    if (!page.ok()) return page.status();
    for (v1::AccessLogEntry& entry : page->items) {
      *response->add_entries() = std::move(entry);
    }
    response->set_next_page_token(
        NextPageToken(*deps_.page_tokens, *window, *page));
    return absl::OkStatus();
  });
}

}  // namespace brevis::api
