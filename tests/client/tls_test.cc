// The client library and brevisctl over TLS and mutual TLS, against brevisd
// serving the certificates deploy/make-certs.sh makes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/client/brevisd_fixture.h"
#include "tests/client/run_program.h"

namespace brevis::client_testing {
namespace {

using client::Client;
using client::ClientOptions;
using ::testing::HasSubstr;

class TlsTest : public BrevisdFixture {
 protected:
  void SetUp() override {
    certs_ = dir_.File("certs");
    std::string command = std::string(BREVIS_SOURCE_DIR) +
                          "/deploy/make-certs.sh " + certs_ + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
    BrevisdFixture::SetUp();
  }
  std::vector<std::string> ExtraServeArgs() const override {
    return {"--tls-cert",       Cert("server.crt"), "--tls-key",
            Cert("server.key"), "--client-ca",      Cert("ca.crt")};
  }
  std::string Cert(const std::string& name) const {
    return certs_ + "/" + name;
  }

  std::string certs_;
};

TEST_F(TlsTest, TheClientTrustsTheServerThroughItsCaFile) {
  ClientOptions options = AdminOptions();
  options.ca_file = Cert("ca.crt");
  absl::StatusOr<Client> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<v1::WhoAmIResponse> me = client->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->principal().role(), v1::ROLE_ADMIN);

  // Without TLS the server does not answer; with another CA it is not
  // trusted. Both are UNAVAILABLE: nothing reached the service.
  options.ca_file.clear();
  options.retry.max_attempts = 1;
  EXPECT_EQ(Client::Create(options)->WhoAmI().status().code(),
            absl::StatusCode::kUnavailable);
  options.ca_file = Cert("untrusted-ca.crt");
  EXPECT_EQ(Client::Create(options)->WhoAmI().status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, AnIntegrationSignsInWithItsClientCertificate) {
  v1::CreatePrincipalRequest create;
  create.mutable_principal()->set_display_name("Regionens ärendesystem");
  create.mutable_principal()->set_role(v1::ROLE_INTEGRATION);
  create.mutable_principal()->add_scopes(v1::SCOPE_READ_UNITS);
  create.mutable_principal()->set_certificate_subject("brevis-integration");
  ClientOptions admin = AdminOptions();
  admin.ca_file = Cert("ca.crt");
  absl::StatusOr<v1::Principal> integration =
      Client::Create(admin)->CreatePrincipal(create);
  ASSERT_TRUE(integration.ok()) << integration.status();

  ClientOptions options;
  options.target = address_;
  options.ca_file = Cert("ca.crt");
  options.cert_file = Cert("client.crt");
  options.key_file = Cert("client.key");
  absl::StatusOr<Client> client = Client::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<v1::WhoAmIResponse> me = client->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->principal().name(), integration->name());
  EXPECT_EQ(me->token(), "");
}

TEST_F(TlsTest, BrevisctlTakesTheCaFromTheEnvironment) {
  ProgramOptions options;
  options.environment = {"BREVIS_ADDR=" + address_,
                         "BREVIS_TOKEN_FILE=" + token_file_,
                         "BREVIS_CA=" + Cert("ca.crt")};
  ProgramRun run =
      RunProgram(BREVISCTL_PATH, {"whoami", "-q"}, options, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.Describe();
  EXPECT_THAT(run.out, HasSubstr("principals/"));

  options.environment.pop_back();
  run = RunProgram(BREVISCTL_PATH, {"--timeout", "2", "whoami"}, options,
                   dir_.path());
  EXPECT_EQ(run.exit_code, 6) << run.Describe();
}

}  // namespace
}  // namespace brevis::client_testing
