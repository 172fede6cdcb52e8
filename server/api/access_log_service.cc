#include "server/api/access_log_service.h"

namespace brevis::api {

grpc::ServerUnaryReactor* AccessLogService::ListAccessLog(
    grpc::CallbackServerContext* context,
    const v1::ListAccessLogRequest* request,
    v1::ListAccessLogResponse* response) {
  return Serve(context, deps_, "brevis.v1.AccessLogService/ListAccessLog",
               [this, request, response](const Call& call) {
                 return Answer(access_log_.ListAccessLog(call, *request),
                               response);
               });
}

}  // namespace brevis::api
