#ifndef BREVIS_TESTS_TESTING_RAW_CALL_H_
#define BREVIS_TESTS_TESTING_RAW_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace brevis::testing {

// One unary call of `method` ("/package.Service/Method") with `request` as
// raw bytes, as a client without our stubs sends it: bounded by a 10 s
// deadline. The answer's bytes go to `response` when it is not null.
grpc::Status RawUnaryCall(std::shared_ptr<grpc::Channel> channel,
                          const std::string& method, const std::string& request,
                          std::string* response = nullptr);

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_RAW_CALL_H_
