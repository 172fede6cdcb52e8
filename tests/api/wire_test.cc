// What a caller that bypasses the generated stubs can send: bytes that are
// not a valid request.

#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"
#include "tests/testing/raw_call.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class WireTest : public ServiceTest {
 protected:
  grpc::Status RawCall(const std::string& method, const std::string& bytes) {
    return testing::RawUnaryCall(channel_, method, bytes);
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
