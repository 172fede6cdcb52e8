#ifndef BREVIS_SERVER_API_RPC_TABLE_H_
#define BREVIS_SERVER_API_RPC_TABLE_H_

// The RPC table (rpcs.inc) and what expands one of its lines into a
// service's declaration; services.cc expands the same lines into bodies.

#include <grpcpp/grpcpp.h>

#include "server/api/rpcs.inc"

// The override of one unary RPC of the table.
#define BREVIS_DECLARE_UNARY_RPC(Service, Method, Request, Response, family)   \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context,       \
                                   const Request* request, Response* response) \
      override;

#endif  // BREVIS_SERVER_API_RPC_TABLE_H_
