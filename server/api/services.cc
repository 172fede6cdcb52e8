#include "server/api/services.h"

#include "server/api/event_service.h"

namespace brevis::api {

// The body of every unary RPC: the full method name comes from the table
// line, the work is the use case of the same name.
#define BREVIS_DEFINE_UNARY_RPC(Service, Method, Request, Response, family) \
  grpc::ServerUnaryReactor* Service::Method(                                \
      grpc::CallbackServerContext* context, const Request* request,         \
      Response* response) {                                                 \
    return Serve(context, deps_, "brevis.v1." #Service "/" #Method,         \
                 [this, request, response](const Call& call) {              \
                   return Answer(use_cases_->family.Method(call, *request), \
                                 response);                                 \
                 });                                                        \
  }

BREVIS_UNARY_RPCS(BREVIS_DEFINE_UNARY_RPC)

}  // namespace brevis::api
