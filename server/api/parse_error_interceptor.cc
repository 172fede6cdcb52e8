#include "server/api/parse_error_interceptor.h"

#include <string>

namespace brevis::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

class ParseErrorInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit ParseErrorInterceptor(std::string method)
      : method_(std::move(method)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      parse_failed_ = true;
    }
    if (parse_failed_ && methods->QueryInterceptionHookPoint(
                             InterceptionHookPoints::PRE_SEND_STATUS)) {
      methods->ModifySendStatus(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "request: the message for " + method_ +
              " could not be parsed: a text field holds bytes that are not "
              "valid UTF-8 (every string must be UTF-8), or the message is "
              "not of the method's request type"));
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  bool parse_failed_ = false;
};

}  // namespace

grpc::experimental::Interceptor*
ParseErrorInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // When the client streams, "no message" is also how its normal half-close
  // arrives, so only calls with a single request can be judged this way.
  using Type = grpc::experimental::ServerRpcInfo::Type;
  if (info->type() != Type::UNARY && info->type() != Type::SERVER_STREAMING) {
    return nullptr;
  }
  return new ParseErrorInterceptor(info->method());
}

}  // namespace brevis::api
