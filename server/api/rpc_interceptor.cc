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

  // A call without its request is reported once gRPC is done with it, when
  // whether the client cancelled it is known too.
  ~RpcInterceptor() override {
    if (!report_later_) return;
    Report(cancelled_ ? grpc::StatusCode::CANCELLED : status_code_);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    // When the client streams, "no message" is also how its normal
    // half-close arrives, so only single-request calls are judged this way.
    if (single_request_ &&
        methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      message_missing_ = true;
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (message_missing_) {
        // Bad input, unless the client reset the stream before its request
        // arrived; that is only known at POST_RECV_CLOSE (see ~).
        status = grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            "request: the message for " + method_ +
                " could not be parsed: a text field holds bytes that are not "
                "valid UTF-8 (every string must be UTF-8), or the message is "
                "not of the method's request type");
        methods->ModifySendStatus(status);
      }
      if (!ours_ || message_missing_) {
        status_code_ = status.error_code();
        latency_ = absl::Now() - start_;
        peer_ = info_->server_context()->peer();
        if (message_missing_) {
          report_later_ = true;
        } else {
          Report(status_code_);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_CLOSE)) {
      cancelled_ = info_->server_context()->IsCancelled();
    }
    methods->Proceed();
  }

 private:
  void Report(grpc::StatusCode code) {
    // Only known services get their own label: a caller inventing method
    // names must not grow the metrics without bound.
    bool known = ours_ || method_.starts_with("/grpc.health.v1.Health/") ||
                 method_.starts_with("/grpc.reflection.");
    observer_->Finished({known ? std::string_view(method_).substr(1)
                               : std::string_view("unknown"),
                         "", static_cast<int>(code), latency_, "", peer_});
  }

  grpc::experimental::ServerRpcInfo* const info_;
  RpcObserver* const observer_;
  const std::string method_;
  const bool ours_;
  const bool single_request_;
  const absl::Time start_;
  bool message_missing_ = false;
  // Set at PRE_SEND_STATUS and POST_RECV_CLOSE; gRPC runs a call's hooks
  // one at a time, and destroys the interceptor after the last.
  bool report_later_ = false;
  grpc::StatusCode status_code_ = grpc::StatusCode::OK;
  absl::Duration latency_;
  std::string peer_;
  bool cancelled_ = false;
};

}  // namespace

grpc::experimental::Interceptor* RpcInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcInterceptor(info, observer_);
}

}  // namespace brevis::api
