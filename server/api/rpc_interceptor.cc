#include "server/api/rpc_interceptor.h"

#include <grpcpp/server_context.h>

#include <string>

#include "absl/time/clock.h"

namespace brevis::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RpcInterceptor : public grpc::experimental::Interceptor {
 public:
  RpcInterceptor(grpc::experimental::ServerRpcInfo* info, RpcObserver* observer)
      : info_(info),
        observer_(observer),
        method_(info->method()),
        ours_(method_.starts_with("/brevis.")),
        single_request_(
            info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY ||
            info->type() ==
                grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING),
        start_(absl::Now()) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    // When the client streams, "no message" is also how its normal
    // half-close arrives, so only single-request calls are judged this way.
    if (single_request_ &&
        methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      parse_failed_ = true;
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (parse_failed_) {
        status = grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            "request: the message for " + method_ +
                " could not be parsed: a text field holds bytes that are not "
                "valid UTF-8 (every string must be UTF-8), or the message is "
                "not of the method's request type");
        methods->ModifySendStatus(status);
      }
      if (!ours_ || parse_failed_) {
        std::string peer = info_->server_context()->peer();
        // Only known services get their own label: a caller inventing
        // method names must not grow the metrics without bound.
        bool known = ours_ || method_.starts_with("/grpc.health.v1.Health/") ||
                     method_.starts_with("/grpc.reflection.");
        observer_->Finished({known ? std::string_view(method_).substr(1)
                                   : std::string_view("unknown"),
                             "", static_cast<int>(status.error_code()),
                             absl::Now() - start_, "", peer});
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
  RpcObserver* const observer_;
  const std::string method_;
  const bool ours_;
  const bool single_request_;
  const absl::Time start_;
  bool parse_failed_ = false;
};

}  // namespace

grpc::experimental::Interceptor* RpcInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcInterceptor(info, observer_);
}

}  // namespace brevis::api
