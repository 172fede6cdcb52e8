#ifndef BREVIS_SERVER_API_GRPC_STATUS_H_
#define BREVIS_SERVER_API_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace brevis::api {

// The one place where a domain or store status becomes a gRPC status. The
// codes are the same numbers in both; the message passes through.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_GRPC_STATUS_H_
