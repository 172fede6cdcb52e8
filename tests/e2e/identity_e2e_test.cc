// The real brevisd with identity and TLS: the first admin's token, tokens
// made on the database, and the API over TLS and mutual TLS with
// certificates from deploy/make-certs.sh.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "server/store/sqlite.h"
#include "tests/e2e/brevisd_process.h"
#include "tests/testing/bearer_channel.h"

namespace brevis::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string FirstLine(const std::string& path) {
  std::optional<std::string> text = ReadFile(path);
  if (!text) return "";
  return text->substr(0, text->find('\n'));
}

grpc::Status WhoAmI(std::shared_ptr<grpc::Channel> channel,
                    v1::WhoAmIResponse* response) {
  auto stub = v1::DirectoryService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  return stub->WhoAmI(&context, v1::WhoAmIRequest(), response);
}

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("var/brevis.db");
    init_ = RunBrevisd({"init", "--db", db_});
    ASSERT_EQ(init_.exit_code, 0) << init_.Describe();
    token_file_ = dir_.File("var/admin.token");
  }

  void Serve(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"serve", "--db", db_, "--listen",
                                     "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string error;
    server_ = BrevisdProcess::Start(args, &error);
    ASSERT_NE(server_, nullptr) << error;
    ASSERT_TRUE(server_->WaitForListening().has_value())
        << server_->WaitForExit(std::chrono::milliseconds(0)).Describe();
  }

  void Stop() {
    server_->SendSignal(SIGTERM);
    ProcessResult result = server_->WaitForExit();
    EXPECT_EQ(result.exit_code, 0) << result.Describe();
  }

  std::shared_ptr<grpc::Channel> Plain(const std::string& secret) {
    return testing::BearerChannel(server_->address(), secret);
  }

  TempDir dir_;
  std::string db_;
  std::string token_file_;
  ProcessResult init_;
  std::unique_ptr<BrevisdProcess> server_;
};

TEST_F(IdentityTest, InitWritesTheAdminTokenForItsOwnerOnly) {
  struct stat info;
  ASSERT_EQ(stat(token_file_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::string secret = FirstLine(token_file_);
  EXPECT_THAT(secret, ::testing::StartsWith("brv_"));
  EXPECT_THAT(init_.out, HasSubstr(token_file_));
  EXPECT_THAT(init_.out, Not(HasSubstr(secret)));
  EXPECT_THAT(init_.err, Not(HasSubstr(secret)));

  ASSERT_NO_FATAL_FAILURE(Serve());
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(Plain(secret), &who).ok());
  EXPECT_EQ(who.principal().role(), v1::ROLE_ADMIN);
  EXPECT_EQ(WhoAmI(Plain(""), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  Stop();
}

TEST_F(IdentityTest, OperatorMakesAndRevokesTokensOnTheDatabase) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  std::string lost = FirstLine(token_file_);
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(Plain(lost), &who).ok());

  // Every admin token lost: the operator revokes the old one and makes a
  // new one, with the server running.
  ProcessResult revoke =
      RunBrevisd({"token", "revoke", "--db", db_, "--name", who.token()});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.Describe();
  EXPECT_EQ(WhoAmI(Plain(lost), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  std::string out = dir_.File("new.token");
  ProcessResult create =
      RunBrevisd({"token", "create", "--db", db_, "--out", out});
  ASSERT_EQ(create.exit_code, 0) << create.Describe();
  std::string fresh = FirstLine(out);
  EXPECT_THAT(create.out, Not(HasSubstr(fresh)));
  ASSERT_TRUE(WhoAmI(Plain(fresh), &who).ok());
  EXPECT_EQ(who.principal().role(), v1::ROLE_ADMIN);

  ProcessResult missing =
      RunBrevisd({"token", "revoke", "--db", db_, "--name",
                  "principals/0000000000000000/tokens/0000000000000000"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("not found"));
  Stop();
}

// The server caches who a token is; a deactivation committed by another
// process on the same file (here this test's own connection) still shuts
// the principal out on the server's very next call.
TEST_F(IdentityTest, DeactivationByAnotherProcessTakesEffectOnTheNextCall) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  std::string secret = FirstLine(token_file_);
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(Plain(secret), &who).ok());
  ASSERT_TRUE(WhoAmI(Plain(secret), &who).ok());  // now surely cached
  {
    auto connection =
        store::SqliteConnection::Open(db_, /*create=*/false, /*read_only=*/false);
    ASSERT_TRUE(connection.ok()) << connection.status();
    auto update =
        (*connection)
            ->Prepare("UPDATE principals SET active = 0 WHERE uid = ?");
    ASSERT_TRUE(update.ok()) << update.status();
    std::string name = who.principal().name();
    ASSERT_TRUE((*update)->Bind(1, name.substr(name.find('/') + 1)).Run().ok());
  }
  EXPECT_EQ(WhoAmI(Plain(secret), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  Stop();
}

TEST_F(IdentityTest, TokenFilesAreNeverOverwrittenOrWrittenThroughALink) {
  std::string old = FirstLine(token_file_);
  ProcessResult again = RunBrevisd({"token", "create", "--db", db_});
  EXPECT_EQ(again.exit_code, 1) << "admin.token exists";
  EXPECT_EQ(FirstLine(token_file_), old);

  std::string target = dir_.File("elsewhere");
  ASSERT_TRUE(WriteFile(target, "keep\n"));
  std::string link = dir_.File("link.token");
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  ProcessResult linked =
      RunBrevisd({"token", "create", "--db", db_, "--out", link, "--force"});
  ASSERT_EQ(linked.exit_code, 0) << linked.Describe();
  EXPECT_EQ(FirstLine(target), "keep") << "the link's target is untouched";
  struct stat info;
  ASSERT_EQ(lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode)) << "the link was replaced by a file";
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST_F(IdentityTest, NonLoopbackWithoutTlsIsRefusedWithTheReason) {
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_, "--listen", "0.0.0.0:0"});
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_THAT(serve.err, HasSubstr("without TLS"));
  EXPECT_THAT(serve.err, HasSubstr("--tls-cert"));
}

TEST_F(IdentityTest, AccessLogIsKeptAtLeastFiveYears) {
  ProcessResult serve =
      RunBrevisd({"serve", "--db", db_, "--listen", "127.0.0.1:0",
                  "--access-log-retention-days", "30"});
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_THAT(serve.err, HasSubstr("access-log-retention-days"));
}

TEST_F(IdentityTest, TlsFlagsMustComeInPairs) {
  ProcessResult serve = RunBrevisd(
      {"serve", "--db", db_, "--listen", "127.0.0.1:0", "--tls-cert", "x"});
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_THAT(serve.err, HasSubstr("--tls-key"));
}

// The end-to-end path over TLS and mutual TLS.
class TlsEndToEndTest : public IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    certs_ = dir_.File("certs");
    std::string command = std::string(BREVIS_SOURCE_DIR) +
                          "/deploy/make-certs.sh " + certs_ + " >/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
    ASSERT_NO_FATAL_FAILURE(
        Serve({"--tls-cert", Cert("server.crt"), "--tls-key",
               Cert("server.key"), "--client-ca", Cert("ca.crt")}));
    EXPECT_THAT(server_->out(), HasSubstr("(TLS, client certificates)"));
  }

  std::string Cert(const std::string& name) { return certs_ + "/" + name; }

  std::shared_ptr<grpc::Channel> Tls(const std::string& ca,
                                     const std::string& client,
                                     const std::string& secret) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadFile(Cert(ca)).value_or("");
    if (!client.empty()) {
      ssl.pem_cert_chain = ReadFile(Cert(client + ".crt")).value_or("");
      ssl.pem_private_key = ReadFile(Cert(client + ".key")).value_or("");
    }
    std::string port =
        server_->address().substr(server_->address().rfind(':') + 1);
    return testing::BearerChannel("localhost:" + port, secret,
                                  grpc::SslCredentials(ssl));
  }

  std::string certs_;
};

TEST_F(TlsEndToEndTest, AdminWorksOverTlsAndDataSurvivesARestart) {
  std::string secret = FirstLine(token_file_);
  auto directory = v1::DirectoryService::NewStub(Tls("ca.crt", "", secret));
  grpc::ClientContext context;
  v1::CreateUnitRequest create;
  create.mutable_unit()->set_display_name("BUP Prima Handen");
  create.mutable_unit()->set_region("Region Stockholm");
  create.mutable_unit()->set_kind(v1::UNIT_KIND_OUTPATIENT);
  v1::Unit unit;
  ASSERT_TRUE(directory->CreateUnit(&context, create, &unit).ok());
  directory.reset();  // an idle connection would hold the drain open
  Stop();
  ASSERT_NO_FATAL_FAILURE(Serve(
      {"--tls-cert", Cert("server.crt"), "--tls-key", Cert("server.key")}));
  directory = v1::DirectoryService::NewStub(Tls("ca.crt", "", secret));
  grpc::ClientContext again;
  v1::GetUnitRequest get;
  get.set_name(unit.name());
  v1::Unit read;
  ASSERT_TRUE(directory->GetUnit(&again, get, &read).ok());
  EXPECT_EQ(read.display_name(), "BUP Prima Handen");
  directory.reset();
  Stop();
}

TEST_F(TlsEndToEndTest, ClientThatDoesNotTrustTheServerIsRefused) {
  v1::WhoAmIResponse who;
  grpc::Status status =
      WhoAmI(Tls("untrusted-ca.crt", "", FirstLine(token_file_)), &who);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  Stop();
}

TEST_F(TlsEndToEndTest, IntegrationSignsInWithItsCertificate) {
  auto directory =
      v1::DirectoryService::NewStub(Tls("ca.crt", "", FirstLine(token_file_)));
  grpc::ClientContext context;
  v1::CreatePrincipalRequest request;
  request.mutable_principal()->set_display_name("Regionens statistiksystem");
  request.mutable_principal()->set_role(v1::ROLE_INTEGRATION);
  request.mutable_principal()->add_scopes(v1::SCOPE_READ_AUDITS);
  request.mutable_principal()->set_certificate_subject("brevis-integration");
  v1::Principal integration;
  ASSERT_TRUE(directory->CreatePrincipal(&context, request, &integration).ok());
  directory.reset();

  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(Tls("ca.crt", "client", ""), &who).ok());
  EXPECT_EQ(who.principal().name(), integration.name());
  EXPECT_EQ(WhoAmI(Tls("ca.crt", "client-expired", ""), &who).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(WhoAmI(Tls("ca.crt", "untrusted-client", ""), &who).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  Stop();
}

}  // namespace
}  // namespace brevis::e2e
