// The client library's side of one-time sign-in links, against the real
// brevisd: a client without a token redeems a link, and WithToken makes
// the copy that calls as the person signed in.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "brevis/client/client.h"
#include "tests/client/brevisd_fixture.h"

namespace brevis::client_testing {
namespace {

using client::Client;
using client::ClientOptions;
using ::testing::HasSubstr;

using SignInClientTest = BrevisdFixture;

TEST_F(SignInClientTest, ALinkRedeemedWithoutTokenGivesAClientForThePerson) {
  Client admin = AdminClient();
  v1::CreatePrincipalRequest person;
  person.mutable_principal()->set_display_name("Revisor A");
  person.mutable_principal()->set_role(v1::ROLE_AUDITOR);
  absl::StatusOr<v1::Principal> auditor = admin.CreatePrincipal(person);
  ASSERT_TRUE(auditor.ok()) << auditor.status();
  v1::CreateSignInLinkRequest create;
  create.set_parent(auditor->name());
  absl::StatusOr<v1::CreateSignInLinkResponse> link =
      admin.CreateSignInLink(create);
  ASSERT_TRUE(link.ok()) << link.status();

  // The web front end's client: no token of its own.
  ClientOptions options = AdminOptions();
  options.token_file.clear();
  absl::StatusOr<Client> anonymous = Client::Create(options);
  ASSERT_TRUE(anonymous.ok()) << anonymous.status();
  v1::RedeemSignInLinkRequest redeem;
  redeem.set_secret(link->secret());
  absl::StatusOr<v1::RedeemSignInLinkResponse> redeemed =
      anonymous->RedeemSignInLink(redeem);
  ASSERT_TRUE(redeemed.ok()) << redeemed.status();
  EXPECT_EQ(redeemed->principal().name(), auditor->name());

  absl::StatusOr<Client> session =
      anonymous->WithToken(redeemed->token_secret());
  ASSERT_TRUE(session.ok()) << session.status();
  absl::StatusOr<v1::WhoAmIResponse> me = session->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->principal().name(), auditor->name());
  EXPECT_EQ(me->token(), redeemed->token().name());
  EXPECT_EQ(session->options().target, anonymous->options().target);
  // The original is unchanged: it still has no token.
  EXPECT_EQ(anonymous->WhoAmI().status().code(),
            absl::StatusCode::kUnauthenticated);
  // A copy of the admin's client calls as the person, not as the admin.
  absl::StatusOr<Client> from_admin = admin.WithToken(redeemed->token_secret());
  ASSERT_TRUE(from_admin.ok());
  me = from_admin->WhoAmI();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->principal().name(), auditor->name());

  // The link worked once; the list shows it used, without its secret.
  redeemed = anonymous->RedeemSignInLink(redeem);
  EXPECT_EQ(redeemed.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(redeemed.status().message(), HasSubstr("already been used"));
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
