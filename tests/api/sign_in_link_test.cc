// One-time sign-in links (DirectoryService.CreateSignInLink,
// ListSignInLinks, and ExchangeSignIn with a link's secret) through a real
// channel: who may make them, that a link works once and only before it
// expires, what the token it buys may do, and that no secret is ever
// stored or logged in clear. Identities: sign_in_exchange_test.cc.

#include <gmock/gmock.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "brevis/v1/event_service.grpc.pb.h"
#include "tests/api/event_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class SignInLinkTest : public EventServiceTest {
 protected:
  grpc::Status Create(const std::string& parent,
                      v1::CreateSignInLinkResponse* response,
                      absl::Duration ttl = absl::ZeroDuration(),
                      const std::string& caller_secret = "") {
    auto stub = caller_secret.empty()
                    ? nullptr
                    : v1::DirectoryService::NewStub(ChannelFor(caller_secret));
    grpc::ClientContext context;
    v1::CreateSignInLinkRequest request;
    request.set_parent(parent);
    request.mutable_ttl()->set_seconds(absl::ToInt64Seconds(ttl));
    return (stub ? *stub : *directory_)
        .CreateSignInLink(&context, request, response);
  }

  v1::CreateSignInLinkResponse MustCreate(
      const std::string& parent, absl::Duration ttl = absl::ZeroDuration()) {
    v1::CreateSignInLinkResponse response;
    grpc::Status status = Create(parent, &response, ttl);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  void SetUp() override {
    EventServiceTest::SetUp();
    web_ = NewPrincipal(v1::ROLE_INTEGRATION, {}, {v1::SCOPE_SIGN_IN});
  }

  // Exchanges `secret` as brevis-web (an integration with SCOPE_SIGN_IN).
  grpc::Status Redeem(const std::string& secret,
                      v1::ExchangeSignInResponse* response = nullptr) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(web_.secret));
    grpc::ClientContext context;
    v1::ExchangeSignInRequest request;
    request.set_sign_in_link_secret(secret);
    v1::ExchangeSignInResponse ignored;
    return stub->ExchangeSignIn(&context, request,
                                response != nullptr ? response : &ignored);
  }

  grpc::Status WhoAmI(const std::string& secret, v1::WhoAmIResponse* response) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(secret));
    grpc::ClientContext context;
    return stub->WhoAmI(&context, v1::WhoAmIRequest(), response);
  }

  grpc::Status List(const std::string& parent,
                    v1::ListSignInLinksResponse* response,
                    const std::string& caller_secret = "") {
    auto stub = v1::DirectoryService::NewStub(
        ChannelFor(caller_secret.empty() ? admin_.secret : caller_secret));
    grpc::ClientContext context;
    v1::ListSignInLinksRequest request;
    request.set_parent(parent);
    return stub->ListSignInLinks(&context, request, response);
  }

  TestPrincipal web_;  // brevis-web: an integration with SCOPE_SIGN_IN
};

TEST_F(SignInLinkTest, AdminCreatesALinkThatWorksOnceForAnEightHourToken) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  v1::CreateSignInLinkResponse link = MustCreate(auditor.name);
  EXPECT_THAT(link.sign_in_link().name(),
              StartsWith(auditor.name + "/signInLinks/"));
  EXPECT_EQ(link.sign_in_link().creator(), admin_.name);
  EXPECT_EQ(link.sign_in_link().create_time().seconds(), 1780000000);
  EXPECT_EQ(link.sign_in_link().expire_time().seconds(), 1780000000 + 86400);
  EXPECT_FALSE(link.sign_in_link().has_redeem_time());
  ASSERT_FALSE(link.secret().empty());

  clock_.Advance(absl::Hours(1));
  v1::ExchangeSignInResponse redeemed;
  grpc::Status status = Redeem(link.secret(), &redeemed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(redeemed.principal().name(), auditor.name);
  EXPECT_THAT(redeemed.token().name(), StartsWith(auditor.name + "/tokens/"));
  int64_t now = 1780000000 + 3600;
  EXPECT_EQ(redeemed.token().create_time().seconds(), now);
  EXPECT_EQ(redeemed.token().expire_time().seconds(), now + 8 * 3600);

  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(redeemed.token_secret(), &who).ok());
  EXPECT_EQ(who.principal().name(), auditor.name);
  EXPECT_EQ(who.token(), redeemed.token().name());

  // The second use is refused, saying what to do.
  status = Redeem(link.secret());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            "this sign-in link has already been used; ask an administrator "
            "for a new one");

  // The token stops working after 8 hours.
  clock_.Advance(absl::Hours(8));
  EXPECT_EQ(WhoAmI(redeemed.token_secret(), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SignInLinkTest, ExpiredLinkIsRefusedAndStaysUnused) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  v1::CreateSignInLinkResponse link = MustCreate(viewer.name, absl::Hours(2));
  EXPECT_EQ(link.sign_in_link().expire_time().seconds(), 1780000000 + 2 * 3600);
  clock_.Advance(absl::Hours(2));
  grpc::Status status = Redeem(link.secret());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            "this sign-in link has expired; ask an administrator for a new "
            "one");
  EXPECT_THAT(status.error_message(), Not(HasSubstr(viewer.name)));
  v1::ListSignInLinksResponse links;
  ASSERT_TRUE(List(viewer.name, &links).ok());
  ASSERT_EQ(links.sign_in_links_size(), 1);
  EXPECT_FALSE(links.sign_in_links(0).has_redeem_time());
}

TEST_F(SignInLinkTest, UnknownOrEmptySecretIsRefused) {
  grpc::Status status = Redeem("brv_not-a-link");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(),
              StartsWith("this sign-in link is not valid"));
  status = Redeem("");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("sign_in_link_secret: "));
}

TEST_F(SignInLinkTest, TtlOverADayOrNegativeIsRefusedNamingTtl) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  v1::CreateSignInLinkResponse response;
  for (absl::Duration ttl :
       {absl::Hours(24) + absl::Seconds(1), absl::Hours(-1)}) {
    grpc::Status status = Create(viewer.name, &response, ttl);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), StartsWith("ttl: "));
  }
  v1::ListSignInLinksResponse links;
  ASSERT_TRUE(List("principals/-", &links).ok());
  EXPECT_EQ(links.sign_in_links_size(), 0);
  // Exactly 24 hours is allowed.
  EXPECT_TRUE(Create(viewer.name, &response, absl::Hours(24)).ok());
}

TEST_F(SignInLinkTest, OnlyAdminsCreateAndList) {
  TestPrincipal auditor = NewPrincipal(v1::ROLE_AUDITOR);
  v1::CreateSignInLinkResponse response;
  grpc::Status status =
      Create(auditor.name, &response, absl::ZeroDuration(), auditor.secret);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ListSignInLinksResponse links;
  EXPECT_EQ(List(auditor.name, &links, auditor.secret).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SignInLinkTest, InactivePrincipalGetsNoLinkAndCannotRedeem) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  v1::CreateSignInLinkResponse link = MustCreate(viewer.name);
  ASSERT_TRUE(SetActive(viewer.name, false).ok());

  grpc::Status status = Redeem(link.secret());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "the account is deactivated");
  EXPECT_THAT(status.error_message(), Not(HasSubstr(viewer.name)));

  v1::CreateSignInLinkResponse refused;
  status = Create(viewer.name, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), StartsWith("parent: "));

  // Reactivated, the unused link works again.
  ASSERT_TRUE(SetActive(viewer.name, true).ok());
  EXPECT_TRUE(Redeem(link.secret()).ok());
}

TEST_F(SignInLinkTest, ThePrincipalItselfRevokesTheTokenItGot) {
  TestPrincipal manager = NewPrincipal(v1::ROLE_VIEWER);
  v1::ExchangeSignInResponse redeemed;
  ASSERT_TRUE(Redeem(MustCreate(manager.name).secret(), &redeemed).ok());
  auto own = v1::DirectoryService::NewStub(ChannelFor(redeemed.token_secret()));
  grpc::ClientContext context;
  v1::RevokeTokenRequest request;
  request.set_name(redeemed.token().name());
  v1::Token revoked;
  grpc::Status status = own->RevokeToken(&context, request, &revoked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::WhoAmIResponse who;
  EXPECT_EQ(WhoAmI(redeemed.token_secret(), &who).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SignInLinkTest, ConcurrentRedeemsOfOneSecretHaveOneWinner) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  std::string secret = MustCreate(viewer.name).secret();
  constexpr int kRedeems = 6;
  std::vector<grpc::StatusCode> codes(kRedeems);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRedeems; ++i) {
    threads.emplace_back([&, i] { codes[i] = Redeem(secret).error_code(); });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), grpc::StatusCode::OK), 1);
  EXPECT_EQ(std::count(codes.begin(), codes.end(),
                       grpc::StatusCode::FAILED_PRECONDITION),
            kRedeems - 1);
  // Exactly one token was minted: the viewer's own and the winner's.
  v1::ListTokensResponse tokens;
  grpc::ClientContext context;
  v1::ListTokensRequest request;
  request.set_parent(viewer.name);
  ASSERT_TRUE(directory_->ListTokens(&context, request, &tokens).ok());
  EXPECT_EQ(tokens.tokens_size(), 2);
}

TEST_F(SignInLinkTest, ListShowsLinksWithoutSecretsPerPrincipalOrAll) {
  TestPrincipal a = NewPrincipal(v1::ROLE_VIEWER);
  TestPrincipal b = NewPrincipal(v1::ROLE_AUDITOR);
  v1::CreateSignInLinkResponse first = MustCreate(a.name);
  v1::CreateSignInLinkResponse second = MustCreate(b.name);
  ASSERT_TRUE(Redeem(first.secret()).ok());

  v1::ListSignInLinksResponse links;
  ASSERT_TRUE(List(a.name, &links).ok());
  ASSERT_EQ(links.sign_in_links_size(), 1);
  EXPECT_EQ(links.sign_in_links(0).name(), first.sign_in_link().name());
  EXPECT_TRUE(links.sign_in_links(0).has_redeem_time());
  EXPECT_THAT(links.SerializeAsString(), Not(HasSubstr(first.secret())));

  ASSERT_TRUE(List("principals/-", &links).ok());
  ASSERT_EQ(links.sign_in_links_size(), 2);
  EXPECT_EQ(links.sign_in_links(1).name(), second.sign_in_link().name());
  EXPECT_EQ(links.sign_in_links(1).creator(), admin_.name);
  std::string listed = links.SerializeAsString();
  EXPECT_THAT(listed, Not(HasSubstr(first.secret())));
  EXPECT_THAT(listed, Not(HasSubstr(second.secret())));

  EXPECT_EQ(List("principals/0000000000000000", &links).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(List("people/x", &links).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(SignInLinkTest, NoSecretIsStoredOrLoggedInClear) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  v1::CreateSignInLinkResponse link = MustCreate(viewer.name);
  v1::ExchangeSignInResponse redeemed;
  ASSERT_TRUE(Redeem(link.secret(), &redeemed).ok());
  // A failed redeem of a lookalike secret is logged too.
  Redeem(link.secret() + "x").IgnoreError();
  // Stopping flushes the logs; closing the database checkpoints its WAL.
  server_->Shutdown(absl::Seconds(1));
  server_.reset();
  db_.reset();
  std::string stored = EverythingStored();
  ASSERT_THAT(stored, HasSubstr("sign_in_links"));
  EXPECT_THAT(stored, Not(HasSubstr(link.secret())));
  EXPECT_THAT(stored, Not(HasSubstr(redeemed.token_secret())));
  std::string log = server_log_.str();
  ASSERT_THAT(log, HasSubstr("ExchangeSignIn"));
  // The refusal is logged with its reason.
  EXPECT_THAT(log, HasSubstr("this sign-in link is not valid"));
  EXPECT_THAT(log, Not(HasSubstr(link.secret())));
  EXPECT_THAT(log, Not(HasSubstr(redeemed.token_secret())));
}

// The events of an exchange are brevis-web's doing: it minted the token.
TEST_F(SignInLinkTest, CreateAndRedeemAreEventsForAdmins) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  size_t before = ListAll(*events_).size();
  v1::CreateSignInLinkResponse link = MustCreate(viewer.name);
  v1::ExchangeSignInResponse redeemed;
  ASSERT_TRUE(Redeem(link.secret(), &redeemed).ok());
  std::vector<v1::Event> events = ListAll(*events_);
  events.erase(events.begin(), events.begin() + before);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind(), v1::EVENT_KIND_CREATED);
  EXPECT_EQ(events[0].resource(), link.sign_in_link().name());
  EXPECT_EQ(events[0].actor(), admin_.name);
  EXPECT_EQ(events[1].kind(), v1::EVENT_KIND_UPDATED);
  EXPECT_EQ(events[1].resource(), link.sign_in_link().name());
  EXPECT_THAT(events[1].changed_fields(),
              ::testing::ElementsAre("redeem_time"));
  EXPECT_EQ(events[1].actor(), web_.name);
  EXPECT_EQ(events[2].kind(), v1::EVENT_KIND_CREATED);
  EXPECT_EQ(events[2].resource(), redeemed.token().name());
  EXPECT_EQ(events[2].actor(), web_.name);
}

// No call is served without credentials, ExchangeSignIn included.
TEST_F(SignInLinkTest, EveryCallNeedsCredentials) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  std::string secret = MustCreate(viewer.name).secret();
  auto anonymous = v1::DirectoryService::NewStub(ChannelFor(""));
  grpc::ClientContext context;
  v1::ExchangeSignInRequest request;
  request.set_sign_in_link_secret(secret);
  v1::ExchangeSignInResponse response;
  EXPECT_EQ(
      anonymous->ExchangeSignIn(&context, request, &response).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext who_context;
  v1::WhoAmIResponse who;
  EXPECT_EQ(
      anonymous->WhoAmI(&who_context, v1::WhoAmIRequest(), &who).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  // The link is still unused.
  EXPECT_TRUE(Redeem(secret).ok());
}

class SignInLinkThrottleTest : public SignInLinkTest {
 protected:
  void SetUp() override {
    options_.auth_failures_per_minute = 3;
    SignInLinkTest::SetUp();
  }
};

// Every person signs in through brevis-web's one address, so a refused
// link must not count against that address: one person's typing error (or
// guesses, against 256-bit secrets) would lock everyone out.
TEST_F(SignInLinkThrottleTest, RefusedLinksDoNotThrottleBrevisWeb) {
  TestPrincipal viewer = NewPrincipal(v1::ROLE_VIEWER);
  std::string secret = MustCreate(viewer.name).secret();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Redeem("brv_guess").error_code(), grpc::StatusCode::NOT_FOUND);
  }
  grpc::Status status = Redeem(secret);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace brevis::api
