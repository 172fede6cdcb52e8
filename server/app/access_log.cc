#include "server/app/access_log.h"

#include "server/app/list_window.h"
#include "server/domain/calendar.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/access_log_repository.h"

namespace brevis::app {

absl::StatusOr<v1::ListAccessLogResponse> AccessLog::ListAccessLog(
    const Call& call, const v1::ListAccessLogRequest& request) {
  BREVIS_RETURN_IF_ERROR(
      domain::CheckPermission(call.caller, domain::Permission::kReadAccessLog));
  store::AccessLogFilter filter;
  if (!request.principal().empty()) {
    BREVIS_RETURN_IF_ERROR(
        domain::ParsePrincipalName(request.principal(), "principal").status());
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
  v1::ListAccessLogResponse response;
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps_, call, scope, request,
      [&](store::Connection& db, const ListWindow& window) {
        return store::AccessLogRepository(db).List(filter, window.after_id,
                                                   window.limit);
      },
      response.mutable_entries(), response.mutable_next_page_token()));
  return response;
}

}  // namespace brevis::app
