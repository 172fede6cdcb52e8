#include <gmock/gmock.h>

#include "tests/api/service_fixture.h"
#include "tests/testing/raw_call.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;

class AuthenticationTest : public ServiceTest {
 protected:
  grpc::Status WhoAmI(const std::string& secret,
                      v1::WhoAmIResponse* response = nullptr) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(secret));
    grpc::ClientContext context;
    v1::WhoAmIResponse ignored;
    return stub->WhoAmI(&context, v1::WhoAmIRequest(),
                        response != nullptr ? response : &ignored);
  }

  v1::CreateTokenResponse CreateToken(const std::string& parent,
                                      const std::string& caller_secret) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(caller_secret));
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.set_parent(parent);
    request.mutable_token()->set_display_name("för journalsystemet");
    v1::CreateTokenResponse response;
    grpc::Status status = stub->CreateToken(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Revoke(const std::string& name) {
    grpc::ClientContext context;
    v1::RevokeTokenRequest request;
    request.set_name(name);
    v1::Token token;
    return directory_->RevokeToken(&context, request, &token);
  }
};

TEST_F(AuthenticationTest, WhoAmINamesThePrincipalAndToken) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  v1::WhoAmIResponse response;
  ASSERT_TRUE(WhoAmI(viewer.secret, &response).ok());
  EXPECT_EQ(response.principal().name(), viewer.name);
  EXPECT_EQ(response.principal().role(), v1::ROLE_VIEWER);
  EXPECT_THAT(response.token(),
              ::testing::StartsWith(viewer.name + "/tokens/"));
}

TEST_F(AuthenticationTest, EveryFailureLooksTheSame) {
  TestPrincipal revoked = NewPrincipal(v1::ROLE_VIEWER);
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(revoked.secret, &who).ok());
  ASSERT_TRUE(Revoke(who.token()).ok());
  TestPrincipal deactivated = NewPrincipal(v1::ROLE_VIEWER);
  ASSERT_TRUE(SetActive(deactivated.name, false).ok());

  std::vector<std::string> messages;
  for (const std::string& secret :
       {std::string(""), std::string("brv_unknown"), revoked.secret,
        deactivated.secret, std::string("x") + admin_.secret}) {
    grpc::Status status = WhoAmI(secret);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    messages.push_back(status.error_message());
  }
  // A malformed header (no "Bearer ") too.
  auto stub = v1::DirectoryService::NewStub(ChannelFor(""));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Basic " + admin_.secret);
  v1::WhoAmIResponse response;
  grpc::Status status = stub->WhoAmI(&context, v1::WhoAmIRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  messages.push_back(status.error_message());
  for (const std::string& message : messages) {
    EXPECT_EQ(message, messages[0]);
  }
}

TEST_F(AuthenticationTest, ExpiredTokenIsUnauthenticated) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);  // valid for 24 h
  ASSERT_TRUE(WhoAmI(viewer.secret).ok());
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(WhoAmI(viewer.secret).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthenticationTest, RevocationTakesEffectOnTheNextCall) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  v1::CreateTokenResponse token = CreateToken(auditor.name, auditor.secret);
  ASSERT_TRUE(WhoAmI(token.secret()).ok());
  ASSERT_TRUE(Revoke(token.token().name()).ok());
  EXPECT_EQ(WhoAmI(token.secret()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(WhoAmI(auditor.secret).ok()) << "other tokens keep working";
}

TEST_F(AuthenticationTest, NonAdminTokensNeverOutliveTheTokenThatMadeThem) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);  // 24 h token
  v1::CreateTokenResponse minted = CreateToken(auditor.name, auditor.secret);
  EXPECT_LE(minted.token().expire_time().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Hours(24)));
  auto stub = v1::DirectoryService::NewStub(ChannelFor(auditor.secret));
  grpc::ClientContext context;
  v1::CreateTokenRequest request;
  request.set_parent(auditor.name);
  request.mutable_token()->mutable_expire_time()->set_seconds(
      absl::ToUnixSeconds(clock_.Now() + absl::Hours(24 * 30)));
  v1::CreateTokenResponse response;
  grpc::Status status = stub->CreateToken(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("token.expire_time"));
  // Admins are not limited.
  v1::CreateTokenResponse admin_made = CreateToken(auditor.name, admin_.secret);
  EXPECT_EQ(admin_made.token().expire_time().seconds(),
            absl::ToUnixSeconds(clock_.Now() + absl::Hours(24 * 90)));
}

TEST_F(AuthenticationTest, DeactivationShutsOutAtOnceAndReactivationLetsIn) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  ASSERT_TRUE(WhoAmI(auditor.secret).ok());
  ASSERT_TRUE(SetActive(auditor.name, false).ok());
  EXPECT_EQ(WhoAmI(auditor.secret).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(SetActive(auditor.name, true).ok());
  EXPECT_TRUE(WhoAmI(auditor.secret).ok());
}

// Authentications are cached, and the cache answers only while the auth
// generation stands: with the trigger that bumps it on token changes
// dropped, a revoke written behind the server's back goes unseen (the
// token is not read again), and it is seen on the next call once the
// generation moves.
TEST_F(AuthenticationTest, CachedCallerServesUntilTheAuthGenerationMoves) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  ASSERT_TRUE(WhoAmI(auditor.secret).ok());
  std::string uid = auditor.name.substr(auditor.name.find('/') + 1);
  auto exec = [&](const std::string& sql) {
    return db_->Write([&](store::Connection& db) -> absl::Status {
      auto statement = db.Prepare(sql);
      if (!statement.ok()) return statement.status();
      return (*statement)->Bind(1, uid).Run();
    });
  };
  ASSERT_TRUE(
      db_->Write([](store::Connection& db) {
           return db.Exec(
               OnPostgres()
                   ? "DROP TRIGGER auth_generation_token_update ON tokens"
                   : "DROP TRIGGER auth_generation_token_update");
         })
          .ok());
  ASSERT_TRUE(exec("UPDATE tokens SET revoke_time = 1 WHERE principal_id = "
                   "(SELECT id FROM principals WHERE uid = ?1)")
                  .ok());
  EXPECT_TRUE(WhoAmI(auditor.secret).ok()) << "served from the cache";
  ASSERT_TRUE(exec("UPDATE auth_generation SET generation = generation + 1 "
                   "WHERE CAST(?1 AS TEXT) IS NOT NULL")
                  .ok());
  EXPECT_EQ(WhoAmI(auditor.secret).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// A deactivation written straight into the file (as another process would)
// shuts the principal out on the next call, cached or not.
TEST_F(AuthenticationTest, DeactivationBehindTheServersBackShutsOutAtOnce) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  ASSERT_TRUE(WhoAmI(auditor.secret).ok());
  std::string uid = auditor.name.substr(auditor.name.find('/') + 1);
  ASSERT_TRUE(db_->Write([&](store::Connection& db) -> absl::Status {
                   auto update = db.Prepare(
                       "UPDATE principals SET active = 0 WHERE uid = ?");
                   if (!update.ok()) return update.status();
                   return (*update)->Bind(1, uid).Run();
                 })
                  .ok());
  EXPECT_EQ(WhoAmI(auditor.secret).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthenticationTest, AdminCannotDeactivateItself) {
  grpc::Status status = SetActive(admin_.name, false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(WhoAmI(admin_.secret).ok());
}

TEST_F(AuthenticationTest, SecretIsShownOnceAndStoredOnlyAsAHash) {
  v1::CreateTokenResponse token = CreateToken(admin_.name, admin_.secret);
  EXPECT_THAT(token.secret(), ::testing::StartsWith("brv_"));
  EXPECT_EQ(token.secret().size(), 4u + 43u) << "256 bits, base64url";

  grpc::ClientContext context;
  v1::ListTokensRequest request;
  request.set_parent(admin_.name);
  v1::ListTokensResponse list;
  ASSERT_TRUE(directory_->ListTokens(&context, request, &list).ok());
  EXPECT_EQ(list.tokens_size(), 2);
  EXPECT_THAT(list.SerializeAsString(),
              ::testing::Not(HasSubstr(token.secret())));

  // Neither the database nor its write-ahead log holds the secret.
  std::string stored = EverythingStored();
  // The bytes read are the database's: they hold what was stored in clear.
  EXPECT_THAT(stored, HasSubstr(admin_.name.substr(admin_.name.find('/') + 1)));
  EXPECT_THAT(stored, ::testing::Not(HasSubstr(token.secret())));
  EXPECT_THAT(stored, ::testing::Not(HasSubstr(admin_.secret)));
}

TEST_F(AuthenticationTest, LastUseIsRecorded) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  clock_.Advance(absl::Minutes(3));
  ASSERT_TRUE(WhoAmI(viewer.secret).ok());
  grpc::ClientContext context;
  v1::ListTokensRequest request;
  request.set_parent(viewer.name);
  v1::ListTokensResponse list;
  ASSERT_TRUE(directory_->ListTokens(&context, request, &list).ok());
  ASSERT_EQ(list.tokens_size(), 1);
  EXPECT_EQ(list.tokens(0).last_use_time().seconds(),
            absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(AuthenticationTest, TokenLifetimeIsChecked) {
  for (absl::Duration ahead : {absl::Seconds(-1), absl::Hours(24 * 401)}) {
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.set_parent(admin_.name);
    request.mutable_token()->mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(clock_.Now() + ahead));
    v1::CreateTokenResponse response;
    grpc::Status status = directory_->CreateToken(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("token.expire_time"));
  }
}

// A Timestamp whose nanos google.protobuf.Timestamp does not allow is no
// time at all; it is refused rather than read by its seconds alone.
TEST_F(AuthenticationTest, TokenExpiryMustBeARealTimestamp) {
  for (int32_t nanos : {-1, 1000000000}) {
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.set_parent(admin_.name);
    request.mutable_token()->mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(clock_.Now() + absl::Hours(24)));
    request.mutable_token()->mutable_expire_time()->set_nanos(nanos);
    v1::CreateTokenResponse response;
    grpc::Status status = directory_->CreateToken(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << nanos;
    EXPECT_THAT(status.error_message(),
                HasSubstr("token.expire_time: nanos must be"));
  }
}

TEST_F(AuthenticationTest, RepeatedFailuresFromOneAddressAreSlowedDown) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(WhoAmI("brv_guess").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // Now even a valid token from this address waits.
  grpc::Status status = WhoAmI(admin_.secret);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  clock_.Advance(absl::Seconds(61));
  EXPECT_TRUE(WhoAmI(admin_.secret).ok());
}

TEST_F(AuthenticationTest, HealthCheckNeedsNoToken) {
  // The health service is not ours; a raw call with an empty request (all
  // services) shows it answers without credentials.
  std::string bytes;
  grpc::Status status = testing::RawUnaryCall(
      ChannelFor(""), "/grpc.health.v1.Health/Check", "", &bytes);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(bytes, std::string("\x08\x01", 2)) << "status: SERVING";
}

class VisibilityTest : public ServiceTest {};

TEST_F(VisibilityTest, ManagerListsOnlyOwnUnitsAndPublishedAudits) {
  v1::Audit own = MustCreateAudit();
  v1::Audit other = MustCreateAudit();
  TestPrincipal manager = NewPrincipal(v1::ROLE_UNIT_MANAGER, {own.unit()});
  auto directory = v1::DirectoryService::NewStub(ChannelFor(manager.secret));
  auto audits = v1::AuditService::NewStub(ChannelFor(manager.secret));
  {
    grpc::ClientContext context;
    v1::ListUnitsResponse response;
    ASSERT_TRUE(
        directory->ListUnits(&context, v1::ListUnitsRequest(), &response).ok());
    ASSERT_EQ(response.units_size(), 1);
    EXPECT_EQ(response.units(0).name(), own.unit());
  }
  auto list_audits = [&] {
    grpc::ClientContext context;
    v1::ListAuditsResponse response;
    EXPECT_TRUE(
        audits->ListAudits(&context, v1::ListAuditsRequest(), &response).ok());
    return response;
  };
  EXPECT_EQ(list_audits().audits_size(), 0) << "drafts are invisible";
  ASSERT_TRUE(db_->Write([](store::Connection& db) {
                   return db.Exec("UPDATE audits SET state = 4");
                 })
                  .ok());
  v1::ListAuditsResponse published = list_audits();
  ASSERT_EQ(published.audits_size(), 1);
  EXPECT_EQ(published.audits(0).name(), own.name());
  (void)other;
}

TEST_F(VisibilityTest, PageTokenOfOneCallerIsNoGoodForAnother) {
  for (int i = 0; i < 3; ++i) MustCreateUnit(ExampleUnit());
  grpc::ClientContext context;
  v1::ListUnitsRequest request;
  request.set_page_size(1);
  v1::ListUnitsResponse page;
  ASSERT_TRUE(directory_->ListUnits(&context, request, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());

  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  auto stub = v1::DirectoryService::NewStub(ChannelFor(viewer.secret));
  grpc::ClientContext other;
  request.set_page_token(page.next_page_token());
  v1::ListUnitsResponse response;
  EXPECT_EQ(stub->ListUnits(&other, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(VisibilityTest, AuditorTeamMustBeActiveAuditors) {
  v1::Audit audit = MustCreateAudit();
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  auto update = [&](std::vector<std::string> team) {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit.name());
    for (const std::string& member : team) {
      request.mutable_audit()->add_auditors(member);
    }
    request.mutable_update_mask()->add_paths("auditors");
    v1::Audit updated;
    return audits_->UpdateAudit(&context, request, &updated);
  };
  EXPECT_EQ(update({viewer.name}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(update({"principals/0000000000000000"}).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(update({auditor.name, auditor.name}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(update({auditor.name}).ok());

  // The assigned auditor may now write findings, but not change the team.
  auto as_auditor = v1::AuditService::NewStub(ChannelFor(auditor.secret));
  grpc::ClientContext context;
  v1::UpdateAuditRequest request;
  request.mutable_audit()->set_name(audit.name());
  request.mutable_update_mask()->add_paths("auditors");
  v1::Audit updated;
  EXPECT_EQ(as_auditor->UpdateAudit(&context, request, &updated).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(VisibilityTest, TeamAuditorsStarMaskChangesThePlanNotTheTeam) {
  v1::Audit audit = MustCreateAudit();
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  {
    grpc::ClientContext context;
    v1::UpdateAuditRequest request;
    request.mutable_audit()->set_name(audit.name());
    request.mutable_audit()->add_auditors(auditor.name);
    request.mutable_update_mask()->add_paths("auditors");
    ASSERT_TRUE(audits_->UpdateAudit(&context, request, &audit).ok());
  }
  auto as_auditor = v1::AuditService::NewStub(ChannelFor(auditor.secret));
  v1::Audit change = audit;
  change.set_question_guide("Hur blev du bemött vid första besöket?");
  change.clear_auditors();  // ignored: not theirs to change
  grpc::ClientContext context;
  v1::UpdateAuditRequest request;
  *request.mutable_audit() = change;
  request.mutable_update_mask()->add_paths("*");
  v1::Audit updated;
  grpc::Status status = as_auditor->UpdateAudit(&context, request, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.question_guide(), change.question_guide());
  EXPECT_THAT(updated.auditors(), ::testing::ElementsAre(auditor.name));
}

TEST_F(VisibilityTest, SessionsAreForTheTeamEvenWhenPublished) {
  v1::Audit audit = MustCreateAudit();
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  ASSERT_TRUE(db_->Write([](store::Connection& db) {
                   return db.Exec("UPDATE audits SET state = 4");
                 })
                  .ok());
  auto as_viewer = v1::AuditService::NewStub(ChannelFor(viewer.secret));
  grpc::ClientContext context;
  v1::ListSessionsRequest request;
  request.set_parent(audit.name());
  v1::ListSessionsResponse response;
  grpc::Status status = as_viewer->ListSessions(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("team"));
}

}  // namespace
}  // namespace brevis::api
