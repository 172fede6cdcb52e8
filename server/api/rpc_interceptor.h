#ifndef BREVIS_SERVER_API_RPC_INTERCEPTOR_H_
#define BREVIS_SERVER_API_RPC_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include "server/api/rpc_observer.h"

namespace brevis::api {

// Sees every call, for what the brevis handlers cannot see themselves:
// - gRPC answers a request it cannot parse (for example a string field with
//   invalid UTF-8, which protobuf refuses before our code runs) with
//   UNIMPLEMENTED and no message. That tells a caller nothing; this turns it
//   into INVALID_ARGUMENT that says what to fix. A stream the client reset
//   before its request arrived ends the same way; it is recorded as
//   CANCELLED instead.
// - Calls that never reach a brevis handler (health checks, reflection,
//   unparsable requests) are logged and counted here; the handlers report
//   their own calls, with the principal, to the same observer.
class RpcInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcInterceptorFactory(RpcObserver* observer) : observer_(observer) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcObserver* const observer_;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_RPC_INTERCEPTOR_H_
