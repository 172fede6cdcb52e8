#ifndef BREVIS_SERVER_API_ACCESS_LOG_SERVICE_H_
#define BREVIS_SERVER_API_ACCESS_LOG_SERVICE_H_

#include "brevis/v1/access_log_service.grpc.pb.h"
#include "server/api/service_support.h"

namespace brevis::api {

// brevis.v1.AccessLogService: reading the access log (admins only).
// Thread-safe.
class AccessLogService final : public v1::AccessLogService::CallbackService {
 public:
  explicit AccessLogService(ServiceDeps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ListAccessLog(
      grpc::CallbackServerContext* context,
      const v1::ListAccessLogRequest* request,
      v1::ListAccessLogResponse* response) override;

 private:
  // Each RPC's work for an authenticated call, returning a domain status;
  // the overrides authenticate and finish the call with it.
  absl::Status DoListAccessLog(const Call& call,
                               const v1::ListAccessLogRequest& request,
                               v1::ListAccessLogResponse* response);

  const ServiceDeps deps_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_ACCESS_LOG_SERVICE_H_
