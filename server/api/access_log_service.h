#ifndef BREVIS_SERVER_API_ACCESS_LOG_SERVICE_H_
#define BREVIS_SERVER_API_ACCESS_LOG_SERVICE_H_

#include "brevis/v1/access_log_service.grpc.pb.h"
#include "server/api/service_support.h"
#include "server/app/access_log.h"

namespace brevis::api {

// brevis.v1.AccessLogService: reading the access log (admins only).
// Thread-safe.
class AccessLogService final : public v1::AccessLogService::CallbackService {
 public:
  explicit AccessLogService(ServiceDeps deps)
      : deps_(deps), access_log_(deps.ForApp()) {}

  grpc::ServerUnaryReactor* ListAccessLog(
      grpc::CallbackServerContext* context,
      const v1::ListAccessLogRequest* request,
      v1::ListAccessLogResponse* response) override;

 private:
  const ServiceDeps deps_;
  app::AccessLog access_log_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_ACCESS_LOG_SERVICE_H_
