// What a caller that bypasses the generated stubs can send: bytes that are
// not a valid request.

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>

#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class WireTest : public ServiceTest {
 protected:
  grpc::Status RawCall(const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue queue;
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + admin_.secret);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    auto call = stub.PrepareUnaryCall(&context, method, request, &queue);
    call->StartCall();
    grpc::ByteBuffer response;
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(queue.Next(&tag, &ok));
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    return status;
  }
};

TEST_F(WireTest, InvalidUtf8InTextIsInvalidArgumentAndCreatesNothing) {
  v1::Audit audit = MustCreateAudit();
  v1::CreateFindingRequest request;
  request.set_parent(audit.name());
  *request.mutable_finding() = ExampleFinding();
  request.mutable_finding()->set_text("PLACEHOLDER");
  std::string bytes = request.SerializeAsString();
  size_t at = bytes.find("PLACEHOLDER");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 11, "BAD\xff\xfe\xc0\xafTEXT");  // same length: 11 bytes

  grpc::Status status = RawCall("/brevis.v1.AuditService/CreateFinding", bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("UTF-8"));
  EXPECT_THAT(status.error_message(), HasSubstr("CreateFinding"));
  EXPECT_EQ(CountFindings(audit.name()), 0);
}

TEST_F(WireTest, MessageOverTheSizeLimitIsResourceExhausted) {
  v1::Audit audit = MustCreateAudit();
  v1::Finding finding = ExampleFinding();
  finding.set_text(std::string(5 * 1024 * 1024, 'a'));
  grpc::Status status = CreateFinding(audit.name(), finding);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(CountFindings(audit.name()), 0);
}

TEST_F(WireTest, ValidBytesThroughTheRawPathStillWork) {
  v1::Audit audit = MustCreateAudit();
  v1::CreateFindingRequest request;
  request.set_parent(audit.name());
  *request.mutable_finding() = ExampleFinding();
  grpc::Status status = RawCall("/brevis.v1.AuditService/CreateFinding",
                                request.SerializeAsString());
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(CountFindings(audit.name()), 1);
}

}  // namespace
}  // namespace brevis::api
