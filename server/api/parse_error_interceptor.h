#ifndef BREVIS_SERVER_API_PARSE_ERROR_INTERCEPTOR_H_
#define BREVIS_SERVER_API_PARSE_ERROR_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

namespace brevis::api {

// gRPC answers a request it cannot parse (for example a string field with
// invalid UTF-8, which protobuf refuses before our code runs) with
// UNIMPLEMENTED and no message. That tells a caller nothing; this
// interceptor turns it into INVALID_ARGUMENT that says what to fix.
class ParseErrorInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_PARSE_ERROR_INTERCEPTOR_H_
