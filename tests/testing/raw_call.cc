#include "tests/testing/raw_call.h"

#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <vector>

namespace brevis::testing {

grpc::Status RawUnaryCall(std::shared_ptr<grpc::Channel> channel,
                          const std::string& method, const std::string& request,
                          std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::Slice slice(request);
  grpc::ByteBuffer buffer(&slice, 1);
  auto call = stub.PrepareUnaryCall(&context, method, buffer, &queue);
  call->StartCall();
  grpc::ByteBuffer answer;
  grpc::Status status;
  call->Finish(&answer, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  if (!queue.Next(&tag, &ok)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "completion queue ended");
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (response != nullptr && status.ok()) {
    std::vector<grpc::Slice> slices;
    response->clear();
    if (answer.Dump(&slices).ok()) {
      for (const grpc::Slice& part : slices) {
        response->append(reinterpret_cast<const char*>(part.begin()),
                         part.size());
      }
    }
  }
  return status;
}

}  // namespace brevis::testing
