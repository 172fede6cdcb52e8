#ifndef BREVIS_TESTS_E2E_RAW_GRPC_CALLS_H_
#define BREVIS_TESTS_E2E_RAW_GRPC_CALLS_H_

// Calls to gRPC's standard health and reflection services without their
// generated stubs: Debian ships neither the health proto nor the reflection
// proto as C++, nor ProtoReflectionDescriptorDatabase. The requests are
// encoded by hand and the responses decoded as raw protobuf fields. Every
// call carries a deadline, so none can hang.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace brevis::e2e {

// grpc.health.v1.HealthCheckResponse.ServingStatus.
inline constexpr int kHealthUnknown = 0;
inline constexpr int kHealthServing = 1;
inline constexpr int kHealthNotServing = 2;

struct HealthCheckResult {
  grpc::Status status;
  // The response's status field; meaningful only when status is OK.
  int serving_status = kHealthUnknown;
};

// grpc.health.v1.Health/Check for `service` ("" asks about the server).
HealthCheckResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& service,
                              std::chrono::milliseconds timeout);

struct ReflectionResult {
  // The status the stream ended with.
  grpc::Status status;
  // What is wrong with the server's response (none came, it could not be
  // decoded, it was an error_response); empty when it listed services.
  std::string response_error;
  // Full names of the services the server lists, in its order.
  std::vector<std::string> services;
};

// One list_services request on
// grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo, as a
// well-behaved client makes it: start, write the request, read the
// response, half-close (WritesDone), then read the final status.
ReflectionResult ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel,
    std::chrono::milliseconds timeout);

}  // namespace brevis::e2e

#endif  // BREVIS_TESTS_E2E_RAW_GRPC_CALLS_H_
