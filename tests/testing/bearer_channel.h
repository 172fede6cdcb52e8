#ifndef BREVIS_TESTS_TESTING_BEARER_CHANNEL_H_
#define BREVIS_TESTS_TESTING_BEARER_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace brevis::testing {

// A channel to `target` whose every call carries `authorization: Bearer
// <secret>` (nothing when `secret` is empty), as a client of brevis sends
// it. gRPC will not attach call credentials to a plaintext channel, so a
// client interceptor adds the metadata instead.
std::shared_ptr<grpc::Channel> BearerChannel(
    const std::string& target, const std::string& secret,
    std::shared_ptr<grpc::ChannelCredentials> credentials =
        grpc::InsecureChannelCredentials(),
    const grpc::ChannelArguments& arguments = grpc::ChannelArguments());

}  // namespace brevis::testing

#endif  // BREVIS_TESTS_TESTING_BEARER_CHANNEL_H_
