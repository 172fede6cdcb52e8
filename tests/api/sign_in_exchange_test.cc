// External identities and ExchangeSignIn with an identity (issue 14)
// through a real channel: who may link identities and who sees them, each
// refusal of the exchange, the token's lifetime, that SCOPE_SIGN_IN grants
// nothing else, and that a subject (maybe a personal identity number)
// never reaches events, the access log or the server's log. Links:
// sign_in_link_test.cc.

#include <gmock/gmock.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "brevis/v1/access_log_service.grpc.pb.h"
#include "tests/api/event_fixture.h"

namespace brevis::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kIssuer[] = "https://idp.region.example/oidc";
constexpr char kSubject[] = "SE2321000016-A1B2C3";

class SignInExchangeTest : public EventServiceTest {
 protected:
  void SetUp() override {
    EventServiceTest::SetUp();
    web_ = NewPrincipal(v1::ROLE_INTEGRATION, {}, {v1::SCOPE_SIGN_IN});
    person_ = NewPrincipal(v1::ROLE_AUDITOR);
  }

  static v1::ExternalIdentity Identity(const std::string& issuer = kIssuer,
                                       const std::string& subject = kSubject) {
    v1::ExternalIdentity identity;
    identity.set_issuer(issuer);
    identity.set_subject(subject);
    return identity;
  }

  // AddExternalIdentity or RemoveExternalIdentity (`method`) of
  // `identity` on principal `name`, as `caller` (the admin when empty).
  template <typename Request>
  grpc::Status Change(grpc::Status (v1::DirectoryService::Stub::*method)(
                          grpc::ClientContext*, const Request&, v1::Principal*),
                      const std::string& name,
                      const v1::ExternalIdentity& identity, v1::Principal* out,
                      const std::string& caller) {
    auto stub = v1::DirectoryService::NewStub(
        ChannelFor(caller.empty() ? admin_.secret : caller));
    grpc::ClientContext context;
    Request request;
    request.set_name(name);
    *request.mutable_external_identity() = identity;
    v1::Principal ignored;
    return ((*stub).*method)(&context, request, out ? out : &ignored);
  }

  grpc::Status Add(const std::string& name,
                   const v1::ExternalIdentity& identity,
                   v1::Principal* out = nullptr,
                   const std::string& caller = "") {
    return Change(&v1::DirectoryService::Stub::AddExternalIdentity, name,
                  identity, out, caller);
  }

  grpc::Status Remove(const std::string& name,
                      const v1::ExternalIdentity& identity,
                      v1::Principal* out = nullptr,
                      const std::string& caller = "") {
    return Change(&v1::DirectoryService::Stub::RemoveExternalIdentity, name,
                  identity, out, caller);
  }

  grpc::Status Exchange(const v1::ExchangeSignInRequest& request,
                        v1::ExchangeSignInResponse* out = nullptr,
                        const std::string& caller = "") {
    auto stub = v1::DirectoryService::NewStub(
        ChannelFor(caller.empty() ? web_.secret : caller));
    grpc::ClientContext context;
    v1::ExchangeSignInResponse ignored;
    return stub->ExchangeSignIn(&context, request, out ? out : &ignored);
  }

  grpc::Status ExchangeIdentity(const v1::ExternalIdentity& identity,
                                v1::ExchangeSignInResponse* out = nullptr,
                                const std::string& caller = "") {
    v1::ExchangeSignInRequest request;
    *request.mutable_external_identity() = identity;
    return Exchange(request, out, caller);
  }

  grpc::Status Get(const std::string& caller, const std::string& name,
                   v1::Principal* out) {
    auto stub = v1::DirectoryService::NewStub(ChannelFor(caller));
    grpc::ClientContext context;
    v1::GetPrincipalRequest request;
    request.set_name(name);
    return stub->GetPrincipal(&context, request, out);
  }

  int CountTokens(const std::string& name) {
    grpc::ClientContext context;
    v1::ListTokensRequest request;
    request.set_parent(name);
    v1::ListTokensResponse tokens;
    EXPECT_TRUE(directory_->ListTokens(&context, request, &tokens).ok());
    return tokens.tokens_size();
  }

  std::vector<v1::AccessLogEntry> AccessLog() {
    auto log = v1::AccessLogService::NewStub(channel_);
    grpc::ClientContext context;
    v1::ListAccessLogRequest request;
    request.set_page_size(1000);
    v1::ListAccessLogResponse entries;
    EXPECT_TRUE(log->ListAccessLog(&context, request, &entries).ok());
    return {entries.entries().begin(), entries.entries().end()};
  }

  TestPrincipal web_;     // brevis-web: an integration with SCOPE_SIGN_IN
  TestPrincipal person_;  // an auditor who signs in through it
};

TEST_F(SignInExchangeTest, AnAddedIdentitySignsThePersonInForEightHours) {
  v1::Principal added;
  grpc::Status status = Add(person_.name, Identity(), &added);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(added.external_identities_size(), 1);
  EXPECT_EQ(added.external_identities(0).issuer(), kIssuer);
  EXPECT_EQ(added.external_identities(0).subject(), kSubject);
  EXPECT_NE(added.etag(), "");

  clock_.Advance(absl::Minutes(5));
  v1::ExchangeSignInResponse signed_in;
  status = ExchangeIdentity(Identity(), &signed_in);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(signed_in.principal().name(), person_.name);
  EXPECT_THAT(signed_in.token().name(), StartsWith(person_.name + "/tokens/"));
  int64_t now = 1780000000 + 300;
  EXPECT_EQ(signed_in.token().create_time().seconds(), now);
  EXPECT_EQ(signed_in.token().expire_time().seconds(), now + 8 * 3600);
  // brevis-web is neither admin nor the person: no identities for it.
  EXPECT_EQ(signed_in.principal().external_identities_size(), 0);

  auto as_person =
      v1::DirectoryService::NewStub(ChannelFor(signed_in.token_secret()));
  grpc::ClientContext context;
  v1::WhoAmIResponse who;
  ASSERT_TRUE(as_person->WhoAmI(&context, v1::WhoAmIRequest(), &who).ok());
  EXPECT_EQ(who.principal().name(), person_.name);

  // An identity is exchanged as often as the person signs in.
  EXPECT_TRUE(ExchangeIdentity(Identity()).ok());
  EXPECT_EQ(CountTokens(person_.name), 3);
}

TEST_F(SignInExchangeTest, TtlIsCappedAtEightHours) {
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  v1::ExchangeSignInRequest request;
  *request.mutable_external_identity() = Identity();
  request.mutable_ttl()->set_seconds(3600);
  v1::ExchangeSignInResponse signed_in;
  ASSERT_TRUE(Exchange(request, &signed_in).ok());
  EXPECT_EQ(signed_in.token().expire_time().seconds(), 1780000000 + 3600);
  for (int64_t seconds : {int64_t{8 * 3600 + 1}, int64_t{-1}}) {
    request.mutable_ttl()->set_seconds(seconds);
    grpc::Status status = Exchange(request);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), StartsWith("ttl: "));
  }
  request.mutable_ttl()->set_seconds(8 * 3600);
  EXPECT_TRUE(Exchange(request).ok());
  EXPECT_EQ(CountTokens(person_.name), 3);
}

TEST_F(SignInExchangeTest, EachRefusalHasItsCodeAndNamesNobody) {
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  grpc::Status status = Exchange(v1::ExchangeSignInRequest());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("credential: "));

  status = ExchangeIdentity(Identity(kIssuer, "SE2321000016-UNKNOWN"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no principal has this sign-in identity");
  // Issuer and subject are matched exactly: another issuer is another
  // identity.
  status = ExchangeIdentity(Identity("https://other.example", kSubject));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), Not(HasSubstr(kSubject)));

  status = ExchangeIdentity(Identity("http://idp.region.example", kSubject));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), StartsWith("external_identity.issuer: "));

  ASSERT_TRUE(SetActive(person_.name, false).ok());
  status = ExchangeIdentity(Identity());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "the account is deactivated");
  EXPECT_THAT(status.error_message(), Not(HasSubstr(person_.name)));
  // Only the person's own token: no refusal minted one.
  EXPECT_EQ(CountTokens(person_.name), 1);
  ASSERT_TRUE(SetActive(person_.name, true).ok());
  EXPECT_TRUE(ExchangeIdentity(Identity()).ok());
}

TEST_F(SignInExchangeTest, OnlyTheSignInScopeMayExchangeNotEvenAdmins) {
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  TestPrincipal notifier =
      NewPrincipal(v1::ROLE_INTEGRATION, {},
                   {v1::SCOPE_READ_CONTACTS, v1::SCOPE_WATCH_EVENTS});
  for (const TestPrincipal* caller : {&admin_, &person_, &notifier}) {
    grpc::Status status = ExchangeIdentity(Identity(), nullptr, caller->secret);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << caller->name;
  }
  EXPECT_EQ(CountTokens(person_.name), 1);
}

TEST_F(SignInExchangeTest, TheSignInScopeGrantsNothingElse) {
  auto stub = v1::DirectoryService::NewStub(ChannelFor(web_.secret));
  {
    grpc::ClientContext context;
    v1::ListPrincipalsResponse list;
    EXPECT_EQ(stub->ListPrincipals(&context, v1::ListPrincipalsRequest(), &list)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    v1::ListUnitsResponse units;
    EXPECT_EQ(
        stub->ListUnits(&context, v1::ListUnitsRequest(), &units).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.set_parent(person_.name);
    v1::CreateTokenResponse token;
    EXPECT_EQ(stub->CreateToken(&context, request, &token).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(Add(person_.name, Identity(), nullptr, web_.secret).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SignInExchangeTest, AnIdentityBelongsToOnePrincipal) {
  TestPrincipal other = NewPrincipal(v1::ROLE_VIEWER);
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  grpc::Status status = Add(other.name, Identity());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), StartsWith("external_identity: "));
  EXPECT_THAT(status.error_message(), Not(HasSubstr(person_.name)));
  status = Add(person_.name, Identity());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // The same subject at another issuer is another identity; a principal
  // may carry several.
  v1::Principal both;
  ASSERT_TRUE(
      Add(person_.name, Identity("https://broker.example", kSubject), &both)
          .ok());
  EXPECT_EQ(both.external_identities_size(), 2);

  v1::Principal removed;
  ASSERT_TRUE(Remove(person_.name, Identity(), &removed).ok());
  ASSERT_EQ(removed.external_identities_size(), 1);
  EXPECT_EQ(removed.external_identities(0).issuer(), "https://broker.example");
  EXPECT_NE(removed.etag(), both.etag());
  status = Remove(person_.name, Identity());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), StartsWith("external_identity: "));
  // Removed, it is free for another principal.
  EXPECT_TRUE(Add(other.name, Identity()).ok());
  v1::ExchangeSignInResponse signed_in;
  ASSERT_TRUE(ExchangeIdentity(Identity(), &signed_in).ok());
  EXPECT_EQ(signed_in.principal().name(), other.name);
}

TEST_F(SignInExchangeTest, AnIntegrationNeverGetsABrowserSession) {
  TestPrincipal service =
      NewPrincipal(v1::ROLE_INTEGRATION, {}, {v1::SCOPE_READ_UNITS});
  grpc::Status status = Add(service.name, Identity());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), StartsWith("external_identity: "));
  // Nor through a link an admin made for it: refused, and no token.
  int tokens_before = CountTokens(service.name);
  grpc::ClientContext context;
  v1::CreateSignInLinkRequest create;
  create.set_parent(service.name);
  v1::CreateSignInLinkResponse link;
  ASSERT_TRUE(directory_->CreateSignInLink(&context, create, &link).ok());
  v1::ExchangeSignInRequest request;
  request.set_sign_in_link_secret(link.secret());
  status = Exchange(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("integration"));
  EXPECT_EQ(CountTokens(service.name), tokens_before);
}

TEST_F(SignInExchangeTest, CreatePrincipalEchoesNoIdentityItDidNotStore) {
  grpc::ClientContext context;
  v1::CreatePrincipalRequest request;
  request.mutable_principal()->set_display_name("Revisor");
  request.mutable_principal()->set_role(v1::ROLE_AUDITOR);
  *request.mutable_principal()->add_external_identities() = Identity();
  v1::Principal created;
  ASSERT_TRUE(directory_->CreatePrincipal(&context, request, &created).ok());
  EXPECT_EQ(created.external_identities_size(), 0);
  // Nothing was linked: the identity signs no one in.
  EXPECT_EQ(ExchangeIdentity(Identity()).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(SignInExchangeTest, AddAndRemoveAreAdminsOnlyAndChecked) {
  EXPECT_EQ(Add(person_.name, Identity(), nullptr, person_.secret).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  EXPECT_EQ(
      Remove(person_.name, Identity(), nullptr, person_.secret).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Add("principals/0000000000000000", Identity(kIssuer, "x")).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Add("people/x", Identity(kIssuer, "x")).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  struct Bad {
    v1::ExternalIdentity identity;
    const char* field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {Identity("", "x"), "external_identity.issuer: "},
           {Identity("https://idp.example?tenant=1", "x"),
            "external_identity.issuer: "},
           {Identity("https://idp.example/#f", "x"),
            "external_identity.issuer: "},
           {Identity("https://" + std::string(250, 'a'), "x"),
            "external_identity.issuer: "},
           {Identity(kIssuer, ""), "external_identity.subject: "},
           {Identity(kIssuer, std::string(256, 's')),
            "external_identity.subject: "},
           {Identity(kIssuer, "a\nb"), "external_identity.subject: "},
           {Identity(kIssuer, "\xc3\xa5sa"), "external_identity.subject: "}}) {
    grpc::Status status = Add(person_.name, bad.identity);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << bad.identity.issuer();
    EXPECT_THAT(status.error_message(), StartsWith(bad.field));
  }
  v1::Principal read;
  ASSERT_TRUE(Get(admin_.secret, person_.name, &read).ok());
  EXPECT_EQ(read.external_identities_size(), 1);
}

TEST_F(SignInExchangeTest, ShownOnlyToAdminsAndThePrincipalItself) {
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  v1::Principal read;
  ASSERT_TRUE(Get(admin_.secret, person_.name, &read).ok());
  EXPECT_EQ(read.external_identities_size(), 1);
  ASSERT_TRUE(Get(person_.secret, person_.name, &read).ok());
  ASSERT_EQ(read.external_identities_size(), 1);
  EXPECT_EQ(read.external_identities(0).subject(), kSubject);

  // The notifier reads contact details, not identities.
  TestPrincipal notifier =
      NewPrincipal(v1::ROLE_INTEGRATION, {}, {v1::SCOPE_READ_CONTACTS});
  ASSERT_TRUE(Get(notifier.secret, person_.name, &read).ok());
  EXPECT_EQ(read.external_identities_size(), 0);
  auto stub = v1::DirectoryService::NewStub(ChannelFor(notifier.secret));
  grpc::ClientContext context;
  v1::ListPrincipalsResponse list;
  ASSERT_TRUE(
      stub->ListPrincipals(&context, v1::ListPrincipalsRequest(), &list).ok());
  EXPECT_THAT(list.SerializeAsString(), Not(HasSubstr(kSubject)));
  grpc::ClientContext admin_context;
  ASSERT_TRUE(
      directory_
          ->ListPrincipals(&admin_context, v1::ListPrincipalsRequest(), &list)
          .ok());
  EXPECT_THAT(list.SerializeAsString(), HasSubstr(kSubject));
}

TEST_F(SignInExchangeTest, EveryExchangeIsOneAccessLogEntryWithoutTheSubject) {
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  size_t before = AccessLog().size();
  ASSERT_TRUE(ExchangeIdentity(Identity()).ok());
  ASSERT_EQ(ExchangeIdentity(Identity(kIssuer, "nobody")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  std::vector<v1::AccessLogEntry> entries = AccessLog();
  ASSERT_EQ(entries.size(), before + 1);
  const v1::AccessLogEntry& entry = entries.back();
  EXPECT_EQ(entry.principal(), web_.name);
  EXPECT_EQ(entry.resource(), person_.name);
  EXPECT_EQ(entry.method(), "brevis.v1.DirectoryService/ExchangeSignIn");
  EXPECT_EQ(entry.detail(), "signed in with an external identity");
  for (const v1::AccessLogEntry& e : entries) {
    EXPECT_THAT(e.SerializeAsString(), Not(HasSubstr(kSubject)));
  }
}

TEST_F(SignInExchangeTest, SubjectsNeverReachEventsOrTheServerLog) {
  ASSERT_TRUE(Add(person_.name, Identity()).ok());
  ASSERT_TRUE(ExchangeIdentity(Identity()).ok());
  ASSERT_EQ(
      ExchangeIdentity(Identity(kIssuer, "SE-NOT-REGISTERED")).error_code(),
      grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Remove(person_.name, Identity()).ok());
  std::vector<v1::Event> events = ListAll(*events_);
  int identity_events = 0;
  for (const v1::Event& event : events) {
    EXPECT_THAT(event.SerializeAsString(), Not(HasSubstr(kSubject)));
    if (event.resource() == person_.name &&
        std::find(event.changed_fields().begin(), event.changed_fields().end(),
                  "external_identities") != event.changed_fields().end()) {
      ++identity_events;
    }
  }
  EXPECT_EQ(identity_events, 2);
  server_->Shutdown(absl::Seconds(1));
  std::string log = server_log_.str();
  EXPECT_THAT(log, HasSubstr("no principal has this sign-in identity"));
  EXPECT_THAT(log, Not(HasSubstr(kSubject)));
  EXPECT_THAT(log, Not(HasSubstr("SE-NOT-REGISTERED")));
}

// Two exchanges of one link at once: exactly one token, whichever wins.
TEST_F(SignInExchangeTest, ConcurrentExchangesOfOneLinkMintOneToken) {
  v1::CreateSignInLinkRequest create;
  create.set_parent(person_.name);
  v1::CreateSignInLinkResponse link;
  grpc::ClientContext context;
  ASSERT_TRUE(directory_->CreateSignInLink(&context, create, &link).ok());
  std::vector<grpc::StatusCode> codes(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      v1::ExchangeSignInRequest request;
      request.set_sign_in_link_secret(link.secret());
      codes[i] = Exchange(request).error_code();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(std::count(codes.begin(), codes.end(), grpc::StatusCode::OK), 1);
  EXPECT_EQ(std::count(codes.begin(), codes.end(),
                       grpc::StatusCode::FAILED_PRECONDITION),
            1);
  EXPECT_EQ(CountTokens(person_.name), 2);
}

}  // namespace
}  // namespace brevis::api
