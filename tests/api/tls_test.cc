// TLS and mutual TLS through real channels, with certificates made by
// deploy/make-certs.sh.

#include <gmock/gmock.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/api/service_fixture.h"
#include "tests/testing/bearer_channel.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Runs a shell command; returns its exit status and fills `output`.
int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) {
    output->append(buffer, n);
  }
  return pclose(pipe);
}

class TlsTest : public ServiceTest {
 protected:
  // Key generation takes a second; the suite shares one set.
  static void SetUpTestSuite() {
    certs_dir_ = new testing::TempDir();
    std::string output;
    int status = RunShell(std::string(BREVIS_SOURCE_DIR) +
                              "/deploy/make-certs.sh " + certs_dir_->File(""),
                          &output);
    ASSERT_EQ(status, 0) << output;
  }
  static void TearDownTestSuite() {
    delete certs_dir_;
    certs_dir_ = nullptr;
  }

  void SetUp() override {
    options_.tls =
        TlsFiles{Cert("server.crt"), Cert("server.key"), Cert("ca.crt")};
    ServiceTest::SetUp();
    // The fixture's admin stubs must speak TLS too.
    channel_ = TlsChannel("", admin_.secret);
    directory_ = v1::DirectoryService::NewStub(channel_);
    audits_ = v1::AuditService::NewStub(channel_);
  }

  static std::string Cert(const std::string& name) {
    return certs_dir_->File(name);
  }

  // A TLS channel trusting the local CA, with an optional client
  // certificate and bearer token.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& client,
                                            const std::string& secret) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadFile(Cert("ca.crt"));
    if (!client.empty()) {
      ssl.pem_cert_chain = ReadFile(Cert(client + ".crt"));
      ssl.pem_private_key = ReadFile(Cert(client + ".key"));
    }
    return testing::BearerChannel(
        "localhost:" + std::to_string(server_->port()), secret,
        grpc::SslCredentials(ssl));
  }

  grpc::Status WhoAmI(std::shared_ptr<grpc::Channel> channel,
                      v1::WhoAmIResponse* response) {
    auto stub = v1::DirectoryService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    return stub->WhoAmI(&context, v1::WhoAmIRequest(), response);
  }

  // An integration whose client certificate is client.crt.
  std::string NewCertificatePrincipal() {
    grpc::ClientContext context;
    v1::CreatePrincipalRequest request;
    request.mutable_principal()->set_display_name("Journalsystemet");
    request.mutable_principal()->set_role(v1::ROLE_INTEGRATION);
    request.mutable_principal()->add_scopes(v1::SCOPE_READ_UNITS);
    request.mutable_principal()->set_certificate_subject("brevis-integration");
    v1::Principal created;
    grpc::Status status =
        directory_->CreatePrincipal(&context, request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.name();
  }

  static testing::TempDir* certs_dir_;
};

testing::TempDir* TlsTest::certs_dir_ = nullptr;

TEST_F(TlsTest, TokenOverTlsWorks) {
  v1::WhoAmIResponse response;
  grpc::Status status = WhoAmI(TlsChannel("", admin_.secret), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.principal().name(), admin_.name);
}

TEST_F(TlsTest, PlaintextClientCannotTalkToTlsServer) {
  v1::WhoAmIResponse response;
  grpc::Status status = WhoAmI(ChannelFor(admin_.secret), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, ClientCertificateMapsToItsIntegration) {
  std::string integration = NewCertificatePrincipal();
  v1::WhoAmIResponse response;
  grpc::Status status = WhoAmI(TlsChannel("client", ""), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.principal().name(), integration);
  EXPECT_TRUE(response.token().empty());

  // It has only its scopes: reading units, not writing them.
  auto stub = v1::DirectoryService::NewStub(TlsChannel("client", ""));
  grpc::ClientContext context;
  v1::CreateUnitRequest create;
  *create.mutable_unit() = ExampleUnit();
  v1::Unit unit;
  EXPECT_EQ(stub->CreateUnit(&context, create, &unit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TlsTest, CertificateCallerCannotMintBearerTokens) {
  std::string integration = NewCertificatePrincipal();
  auto stub = v1::DirectoryService::NewStub(TlsChannel("client", ""));
  grpc::ClientContext context;
  v1::CreateTokenRequest request;
  request.set_parent(integration);
  v1::CreateTokenResponse response;
  EXPECT_EQ(stub->CreateToken(&context, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TlsTest, CertificateOfNoPrincipalIsUnauthenticated) {
  v1::WhoAmIResponse response;
  EXPECT_EQ(WhoAmI(TlsChannel("client", ""), &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TlsTest, DeactivatedCertificatePrincipalIsShutOut) {
  std::string integration = NewCertificatePrincipal();
  grpc::ClientContext context;
  v1::UpdatePrincipalRequest request;
  request.mutable_principal()->set_name(integration);
  request.mutable_principal()->set_active(false);
  request.mutable_update_mask()->add_paths("active");
  v1::Principal updated;
  ASSERT_TRUE(directory_->UpdatePrincipal(&context, request, &updated).ok());
  v1::WhoAmIResponse response;
  EXPECT_EQ(WhoAmI(TlsChannel("client", ""), &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TlsTest, UntrustedOrExpiredClientCertificateIsRefused) {
  NewCertificatePrincipal();
  for (const char* client : {"untrusted-client", "client-expired"}) {
    v1::WhoAmIResponse response;
    grpc::Status status = WhoAmI(TlsChannel(client, ""), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << client;
  }
}

TEST_F(TlsTest, TlsOlderThan12IsRefused) {
  // SECLEVEL=0 lets this client offer old protocols, so a refusal is the
  // server's. s_client's exit code says little (the server hangs up on a
  // non-gRPC peer either way); the negotiated protocol says it all.
  std::string connect = "timeout 10 openssl s_client -connect 127.0.0.1:" +
                        std::to_string(server_->port()) + " -CAfile " +
                        Cert("ca.crt") +
                        " -cipher DEFAULT@SECLEVEL=0 </dev/null";
  std::string tls12, tls11, tls10;
  RunShell(connect + " -tls1_2", &tls12);
  RunShell(connect + " -tls1_1", &tls11);
  RunShell(connect + " -tls1", &tls10);
  EXPECT_THAT(tls12, HasSubstr("New, TLSv1.2, Cipher is")) << tls12;
  EXPECT_THAT(tls11, HasSubstr("New, (NONE), Cipher is (NONE)")) << tls11;
  EXPECT_THAT(tls10, HasSubstr("New, (NONE), Cipher is (NONE)")) << tls10;
}

TEST(ServerTlsOptionsTest, NonLoopbackWithoutTlsIsRefused) {
  ServerOptions options;
  options.listen_address = "0.0.0.0:0";
  auto server = ApiServer::Start(options, nullptr, nullptr);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(server.status().message(), HasSubstr("without TLS"));
}

TEST(ServerTlsOptionsTest, UnreadableCertificateIsRefused) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls = TlsFiles{"/nonexistent/server.crt", "/nonexistent/key", ""};
  auto server = ApiServer::Start(options, nullptr, nullptr);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(server.status().message(), HasSubstr("--tls-cert"));
}

}  // namespace
}  // namespace brevis::api
