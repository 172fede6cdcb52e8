// The client library's side of signing in, against the real brevisd:
// brevis-web's client (an integration with SCOPE_SIGN_IN) exchanges a
// one-time link or an identity, and WithToken makes the copy that calls as
// the person signed in.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "brevis/client/client.h"
#include "tests/client/brevisd_fixture.h"

namespace brevis::client_testing {
namespace {

using client::Client;
using client::ClientOptions;
using ::testing::HasSubstr;

// brevis-web's own client: an integration with SCOPE_SIGN_IN, calling
// with a token written to a file as brevis-web's would be.
class SignInClientTest : public BrevisdFixture {
 protected:
  Client SignInClient() {
    Client admin = AdminClient();
    v1::CreatePrincipalRequest web;
    web.mutable_principal()->set_display_name("brevis-web");
    web.mutable_principal()->set_role(v1::ROLE_INTEGRATION);
    web.mutable_principal()->add_scopes(v1::SCOPE_SIGN_IN);
    absl::StatusOr<v1::Principal> principal = admin.CreatePrincipal(web);
    EXPECT_TRUE(principal.ok()) << principal.status();
    v1::CreateTokenRequest token;
    token.set_parent(principal->name());
    absl::StatusOr<v1::CreateTokenResponse> created = admin.CreateToken(token);
    EXPECT_TRUE(created.ok()) << created.status();
    std::string file = dir_.File("web.token");
    std::ofstream(file) << created->secret() << "\n";
    ClientOptions options = AdminOptions();
    options.token_file = file;
    absl::StatusOr<Client> client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  v1::Principal NewAuditor(Client& admin) {
    v1::CreatePrincipalRequest person;
    person.mutable_principal()->set_display_name("Revisor A");
    person.mutable_principal()->set_role(v1::ROLE_AUDITOR);
    absl::StatusOr<v1::Principal> auditor = admin.CreatePrincipal(person);
    EXPECT_TRUE(auditor.ok()) << auditor.status();
    return *auditor;
  }
};

TEST_F(SignInClientTest, ALinkExchangedGivesAClientForThePerson) {
  Client admin = AdminClient();
  v1::Principal auditor = NewAuditor(admin);
  v1::CreateSignInLinkRequest create;
  create.set_parent(auditor.name());
  absl::StatusOr<v1::CreateSignInLinkResponse> link =
      admin.CreateSignInLink(create);
  ASSERT_TRUE(link.ok()) << link.status();

  Client web = SignInClient();
  v1::ExchangeSignInRequest exchange;
  exchange.set_sign_in_link_secret(link->secret());
  absl::StatusOr<v1::ExchangeSignInResponse> signed_in =
      web.ExchangeSignIn(exchange);
  ASSERT_TRUE(signed_in.ok()) << signed_in.status();
  EXPECT_EQ(signed_in->principal().name(), auditor.name());

  absl::StatusOr<Client> session = web.WithToken(signed_in->token_secret());
  ASSERT_TRUE(session.ok()) << session.status();
  absl::StatusOr<v1::WhoAmIResponse> me = session->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->principal().name(), auditor.name());
  EXPECT_EQ(me->token(), signed_in->token().name());
  EXPECT_EQ(session->options().target, web.options().target);
  // The original still calls as brevis-web.
  me = web.WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->principal().display_name(), "brevis-web");

  // The link worked once; the list shows it used, without its secret.
  signed_in = web.ExchangeSignIn(exchange);
  EXPECT_EQ(signed_in.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(signed_in.status().message(), HasSubstr("already been used"));
  v1::ListSignInLinksRequest list;
  list.set_parent("principals/-");
  client::Paged<v1::SignInLink> links = admin.WalkSignInLinks(list);
  v1::SignInLink shown;
  ASSERT_TRUE(links.Next(&shown)) << links.status();
  EXPECT_EQ(shown.name(), link->sign_in_link().name());
  EXPECT_TRUE(shown.has_redeem_time());
  EXPECT_FALSE(links.Next(&shown));
  EXPECT_TRUE(links.status().ok()) << links.status();
}

TEST_F(SignInClientTest, AnIdentityAddedByAnAdminSignsThePersonIn) {
  Client admin = AdminClient();
  v1::Principal auditor = NewAuditor(admin);
  v1::AddExternalIdentityRequest add;
  add.set_name(auditor.name());
  add.mutable_external_identity()->set_issuer("https://idp.example.se");
  add.mutable_external_identity()->set_subject("SE2321000016-1234");
  absl::StatusOr<v1::Principal> added = admin.AddExternalIdentity(add);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->external_identities_size(), 1);

  Client web = SignInClient();
  v1::ExchangeSignInRequest exchange;
  *exchange.mutable_external_identity() = add.external_identity();
  absl::StatusOr<v1::ExchangeSignInResponse> signed_in =
      web.ExchangeSignIn(exchange);
  ASSERT_TRUE(signed_in.ok()) << signed_in.status();
  EXPECT_EQ(signed_in->principal().name(), auditor.name());

  v1::RemoveExternalIdentityRequest remove;
  remove.set_name(auditor.name());
  *remove.mutable_external_identity() = add.external_identity();
  absl::StatusOr<v1::Principal> removed = admin.RemoveExternalIdentity(remove);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(removed->external_identities_size(), 0);
  signed_in = web.ExchangeSignIn(exchange);
  EXPECT_EQ(signed_in.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SignInClientTest, WithTokenRefusesSecretsThatCannotBeSent) {
  Client admin = AdminClient();
  for (std::string bad :
       {std::string(), std::string("brv_a b"), std::string("brv_\x01"),
        std::string("brv_\xc3\xa5")}) {
    absl::StatusOr<Client> refused = admin.WithToken(bad);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(refused.status().message(), HasSubstr("token"));
  }
}

}  // namespace
}  // namespace brevis::client_testing
