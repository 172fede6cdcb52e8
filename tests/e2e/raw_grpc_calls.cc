#include "tests/e2e/raw_grpc_calls.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>

#include <cstdint>

namespace brevis::e2e {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

constexpr char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";
constexpr char kReflectionMethod[] =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

// Field numbers of grpc/reflection/v1alpha/reflection.proto.
constexpr int kRequestListServices = 7;   // ServerReflectionRequest
constexpr int kResponseListServices = 6;  // ServerReflectionResponse
constexpr int kResponseError = 7;         // ServerReflectionResponse
constexpr int kListServiceResponseService = 1;
constexpr int kServiceResponseName = 1;
constexpr int kErrorResponseCode = 1;
constexpr int kErrorResponseMessage = 2;

// A length-delimited protobuf field (wire type 2), present even when empty.
std::string EncodeStringField(int field_number, const std::string& value) {
  std::string bytes;
  auto append_varint = [&bytes](uint64_t v) {
    while (v >= 0x80) {
      bytes.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    bytes.push_back(static_cast<char>(v));
  };
  append_varint((static_cast<uint64_t>(field_number) << 3) | 2);
  append_varint(value.size());
  bytes += value;
  return bytes;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromByteBuffer(const grpc::ByteBuffer& buffer, std::string* bytes) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  bytes->clear();
  for (const grpc::Slice& slice : slices) {
    bytes->append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return true;
}

// The fields numbered `number` with wire type `type` in `set`.
std::vector<const UnknownField*> Fields(const UnknownFieldSet& set, int number,
                                        UnknownField::Type type) {
  std::vector<const UnknownField*> found;
  for (int i = 0; i < set.field_count(); ++i) {
    const UnknownField& field = set.field(i);
    if (field.number() == number && field.type() == type) {
      found.push_back(&field);
    }
  }
  return found;
}

// Owns a completion queue; shuts it down and drains it on destruction.
// Declare it before the ClientContext and the call objects that use it.
class Queue {
 public:
  Queue() = default;
  ~Queue() {
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  grpc::CompletionQueue* get() { return &queue_; }

  // Waits for the operation tagged `tag`, the only one in flight, and
  // returns its ok bit. The call's deadline makes gRPC complete it; should
  // that not happen by `deadline`, the call is cancelled, which does.
  bool Await(void* tag, grpc::ClientContext* context,
             std::chrono::system_clock::time_point deadline) {
    void* got = nullptr;
    bool ok = false;
    while (true) {
      grpc::CompletionQueue::NextStatus next =
          queue_.AsyncNext(&got, &ok, deadline);
      if (next == grpc::CompletionQueue::SHUTDOWN) return false;
      if (next == grpc::CompletionQueue::TIMEOUT) {
        context->TryCancel();
        deadline = std::chrono::system_clock::time_point::max();
        continue;
      }
      if (got == tag) return ok;
    }
  }

 private:
  grpc::CompletionQueue queue_;
};

// Decodes a ServerReflectionResponse that answers list_services into
// `services`; returns what is wrong with it, or "" when nothing is.
std::string DecodeServiceList(const grpc::ByteBuffer& response,
                              std::vector<std::string>* services) {
  std::string bytes;
  UnknownFieldSet fields;
  if (!FromByteBuffer(response, &bytes) || !fields.ParseFromString(bytes)) {
    return "unparsable ServerReflectionResponse";
  }
  for (const UnknownField* error :
       Fields(fields, kResponseError, UnknownField::TYPE_LENGTH_DELIMITED)) {
    UnknownFieldSet error_fields;
    error_fields.ParseFromString(error->length_delimited());
    std::string message = "error_response";
    auto code =
        Fields(error_fields, kErrorResponseCode, UnknownField::TYPE_VARINT);
    auto text = Fields(error_fields, kErrorResponseMessage,
                       UnknownField::TYPE_LENGTH_DELIMITED);
    if (!code.empty()) {
      message.append(" ").append(std::to_string(code[0]->varint()));
    }
    if (!text.empty()) message.append(": ").append(text[0]->length_delimited());
    return message;
  }
  auto lists = Fields(fields, kResponseListServices,
                      UnknownField::TYPE_LENGTH_DELIMITED);
  if (lists.empty()) return "the response has no list_services_response";
  UnknownFieldSet list;
  if (!list.ParseFromString(lists[0]->length_delimited())) {
    return "unparsable ListServiceResponse";
  }
  for (const UnknownField* service :
       Fields(list, kListServiceResponseService,
              UnknownField::TYPE_LENGTH_DELIMITED)) {
    UnknownFieldSet service_fields;
    if (!service_fields.ParseFromString(service->length_delimited())) {
      return "unparsable ServiceResponse";
    }
    for (const UnknownField* name :
         Fields(service_fields, kServiceResponseName,
                UnknownField::TYPE_LENGTH_DELIMITED)) {
      services->push_back(name->length_delimited());
    }
  }
  return "";
}

}  // namespace

HealthCheckResult CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& service,
                              std::chrono::milliseconds timeout) {
  HealthCheckResult result;
  grpc::GenericStub stub(channel);
  Queue queue;
  grpc::ClientContext context;
  auto deadline = std::chrono::system_clock::now() + timeout;
  context.set_deadline(deadline);
  // HealthCheckRequest { string service = 1; }: proto3 leaves out "".
  grpc::ByteBuffer request =
      ToByteBuffer(service.empty() ? "" : EncodeStringField(1, service));
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, kHealthCheckMethod, request, queue.get());
  call->StartCall();
  grpc::ByteBuffer response;
  int finish_tag = 0;
  call->Finish(&response, &result.status, &finish_tag);
  queue.Await(&finish_tag, &context, deadline + timeout);
  if (!result.status.ok()) return result;

  // HealthCheckResponse { ServingStatus status = 1; }: absent means 0.
  std::string bytes;
  UnknownFieldSet fields;
  if (!FromByteBuffer(response, &bytes) || !fields.ParseFromString(bytes)) {
    result.status = grpc::Status(grpc::StatusCode::INTERNAL,
                                 "unparsable HealthCheckResponse");
    return result;
  }
  auto status = Fields(fields, 1, UnknownField::TYPE_VARINT);
  result.serving_status =
      status.empty() ? kHealthUnknown : static_cast<int>(status[0]->varint());
  return result;
}

ReflectionResult ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel,
    std::chrono::milliseconds timeout) {
  ReflectionResult result;
  grpc::GenericStub stub(channel);
  Queue queue;
  grpc::ClientContext context;
  auto deadline = std::chrono::system_clock::now() + timeout;
  context.set_deadline(deadline);
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> stream =
      stub.PrepareCall(&context, kReflectionMethod, queue.get());

  // One operation at a time, each waited for; a failed one makes the rest
  // fail fast, and Finish reports why.
  int start_tag = 0, write_tag = 0, read_tag = 0, done_tag = 0, finish_tag = 0;
  stream->StartCall(&start_tag);
  bool started = queue.Await(&start_tag, &context, deadline + timeout);
  grpc::ByteBuffer response;
  bool got_response = false;
  if (started) {
    stream->Write(ToByteBuffer(EncodeStringField(kRequestListServices, "")),
                  &write_tag);
    if (queue.Await(&write_tag, &context, deadline + timeout)) {
      stream->Read(&response, &read_tag);
      got_response = queue.Await(&read_tag, &context, deadline + timeout);
    }
    stream->WritesDone(&done_tag);
    queue.Await(&done_tag, &context, deadline + timeout);
  }
  stream->Finish(&result.status, &finish_tag);
  queue.Await(&finish_tag, &context, deadline + timeout);
  if (!got_response) {
    result.response_error = "the stream ended without a response";
  } else {
    result.response_error = DecodeServiceList(response, &result.services);
  }
  return result;
}

}  // namespace brevis::e2e
