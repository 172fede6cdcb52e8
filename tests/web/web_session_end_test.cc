// A session that ends under a person's hands (brevis-web's own session
// gone, the brevis token revoked, the person deactivated): a GET goes to
// sign-in and back, and a POST writes nothing but gives back everything
// that was typed, so a long finding text is never lost.

#include "tests/web/web_fixture.h"

namespace brevis::web::testing {
namespace {

class SessionEndTest : public WebHttpTest {
 protected:
  // A long finding with characters that must come back escaped.
  const std::string kText =
      std::string(3000, 'x') + " <b>fet</b> & \"citat\" – åäö\r\nrad två";
  const std::string kTextEscaped =
      std::string(3000, 'x') +
      " &lt;b&gt;fet&lt;/b&gt; &amp; &quot;citat&quot; – åäö\r\nrad två";

  Fields Finding() const {
    return {{"focus_area", "FOCUS_AREA_RESPECT"},
            {"kind", "FINDING_KIND_STRENGTH"},
            {"text", kText},
            {"informant_groups", "INFORMANT_GROUP_CHILD"},
            {"child_rights_articles", "12"}};
  }

  std::string FindingsPage() const { return "/" + audit_ + "/findings/new"; }

  // The ended-session page: 403, nothing written, every field read-only.
  void ExpectTextKept(const Reply& reply) {
    EXPECT_EQ(reply.status, 403) << reply.body;
    EXPECT_NE(reply.body.find("readonly>" + kTextEscaped + "</textarea>"),
              std::string::npos)
        << reply.body;
    EXPECT_NE(reply.body.find("readonly>FOCUS_AREA_RESPECT</textarea>"),
              std::string::npos);
    EXPECT_EQ(reply.body.find("<b>fet"), std::string::npos);
    EXPECT_NE(reply.body.find(
                  "href=\"/sign-in?next=" + UrlEncode(FindingsPage()) + "\""),
              std::string::npos)
        << reply.body;
    EXPECT_NE(reply.body.find("logga in igen"), std::string::npos);
    EXPECT_EQ(Findings(), 0);
  }

  // A GET of the audit page goes to sign-in with the page as `next`.
  void ExpectGetGoesToSignIn(const std::string& cookie) {
    Reply r = Send(http::verb::get, "/" + audit_, cookie);
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.location, "/sign-in?next=" + UrlEncode("/" + audit_));
  }

  void OpenForFindings() { Move(v1::AUDIT_STATE_FIELDWORK); }
};

TEST_F(SessionEndTest, APostWithoutASessionKeepsTheText) {
  OpenForFindings();
  // An unknown (expired, swept) session cookie, as after the idle timeout.
  Reply r = Post(FindingsPage(), "brevis_session=" + std::string(64, 'a'), "",
                 Finding());
  ExpectTextKept(r);
  EXPECT_TRUE(r.location.empty());
}

TEST_F(SessionEndTest, RevokedTokenGetGoesToSignInPostKeepsTheText) {
  OpenForFindings();
  std::string auditor = SignIn(auditor_);
  std::string csrf = CsrfOf(auditor, FindingsPage());
  // The admin ends the session's brevis token.
  v1::ListTokensRequest list;
  list.set_parent(auditor_);
  auto tokens = admin_->ListTokens(list);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  int revoked = 0;
  for (const v1::Token& token : tokens->tokens()) {
    if (token.has_revoke_time()) continue;
    v1::RevokeTokenRequest revoke;
    revoke.set_name(token.name());
    ASSERT_TRUE(admin_->RevokeToken(revoke).ok());
    ++revoked;
  }
  ASSERT_EQ(revoked, 1);
  ExpectGetGoesToSignIn(auditor);
  ExpectTextKept(Post(FindingsPage(), auditor, csrf, Finding()));
}

TEST_F(SessionEndTest, DeactivatedPersonGetGoesToSignInPostKeepsTheText) {
  OpenForFindings();
  std::string auditor = SignIn(auditor_);
  std::string csrf = CsrfOf(auditor, FindingsPage());
  v1::UpdatePrincipalRequest update;
  update.mutable_principal()->set_name(auditor_);
  update.mutable_principal()->set_active(false);
  update.mutable_update_mask()->add_paths("active");
  auto updated = admin_->UpdatePrincipal(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  ExpectGetGoesToSignIn(auditor);
  ExpectTextKept(Post(FindingsPage(), auditor, csrf, Finding()));
}

// A session whose token brevisd refuses is ended at the first refusal. Were
// it kept, every reload would be one more failed sign-in from brevis-web's
// address at brevisd, and ten a minute would throttle that address, which
// every person's sign-in shares: one deactivated person could lock all out.
TEST_F(SessionEndTest, ARefusedTokenEndsTheSessionSoReloadsLockNoOneOut) {
  std::string auditor = SignIn(auditor_);
  v1::UpdatePrincipalRequest update;
  update.mutable_principal()->set_name(auditor_);
  update.mutable_principal()->set_active(false);
  update.mutable_update_mask()->add_paths("active");
  ASSERT_TRUE(admin_->UpdatePrincipal(update).ok());
  Reply first = Send(http::verb::get, "/" + audit_, auditor);
  EXPECT_EQ(first.status, 303) << first.body;
  EXPECT_NE(first.set_cookie.find("Max-Age=0"), std::string::npos)
      << first.set_cookie;
  for (int i = 0; i < 15; ++i) ExpectGetGoesToSignIn(auditor);
  // Someone else still signs in and works.
  std::string manager = SignIn(manager_);
  EXPECT_EQ(Send(http::verb::get, "/", manager).status, 200);
}

TEST_F(SessionEndTest, SignOutWithoutASessionGoesToSignIn) {
  Reply r = Send(http::verb::post, "/sign-out", "", "");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.location, "/sign-in?signed_out=1");
}

}  // namespace
}  // namespace brevis::web::testing
