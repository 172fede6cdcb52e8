#ifndef BREVIS_SERVER_API_SERVICES_H_
#define BREVIS_SERVER_API_SERVICES_H_

// The gRPC services of brevis.v1, expanded from the RPC table (rpcs.inc):
// each unary override authenticates the call, runs the use case of the same
// name and finishes the call with its answer (services.cc). EventService,
// which also has the WatchEvents stream, is in event_service.h.

#include "brevis/v1/access_log_service.grpc.pb.h"
#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "brevis/v1/report_service.grpc.pb.h"
#include "server/api/rpc_table.h"
#include "server/api/service_support.h"
#include "server/app/use_cases.h"

// A service whose RPCs are all unary and all in `RPCS` (a list of rpcs.inc).
// Thread-safe; borrows `deps` and `use_cases`, which outlive it.
#define BREVIS_UNARY_SERVICE(Service, RPCS)                   \
  class Service final : public v1::Service::CallbackService { \
   public:                                                    \
    Service(ServiceDeps deps, app::UseCases* use_cases)       \
        : deps_(deps), use_cases_(use_cases) {}               \
    RPCS(BREVIS_DECLARE_UNARY_RPC)                            \
                                                              \
   private:                                                   \
    const ServiceDeps deps_;                                  \
    app::UseCases* const use_cases_;                          \
  };

namespace brevis::api {

BREVIS_UNARY_SERVICE(AccessLogService, BREVIS_ACCESS_LOG_SERVICE_RPCS)
BREVIS_UNARY_SERVICE(AuditService, BREVIS_AUDIT_SERVICE_RPCS)
BREVIS_UNARY_SERVICE(DirectoryService, BREVIS_DIRECTORY_SERVICE_RPCS)
BREVIS_UNARY_SERVICE(ReportService, BREVIS_REPORT_SERVICE_RPCS)

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_SERVICES_H_
