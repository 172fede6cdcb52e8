// brevis-web over HTTP: sign-in, sessions, CSRF, escaping, 404s (the
// fixture starts a real brevisd and brevis-web; tests/web/web_fixture.h).

#include "tests/web/web_fixture.h"

namespace brevis::web::testing {
namespace {

TEST_F(WebHttpTest, EveryPageForEveryRoleAnswers200) {
  std::string admin = SignIn(admin_principal_);
  for (const std::string& page : std::vector<std::string>{
           "/", "/overview", "/units", "/principals", "/audits/new",
           "/" + audit_, "/" + audit_ + "/report", "/" + audit_ + "/transition",
           "/" + audit_ + "/findings/new", "/" + audit_ + "/sessions/new",
           "/" + audit_ + "/recommendations/new",
           "/" + audit_ + "/feedback/new", "/" + auditor_ + "/sign-in-link",
           "/static/style.css", "/healthz"}) {
    EXPECT_EQ(Send(http::verb::get, page, admin).status, 200) << page;
  }
  std::string auditor = SignIn(auditor_);
  for (const std::string& page : std::vector<std::string>{
           "/", "/" + audit_, "/" + audit_ + "/findings/new",
           "/" + audit_ + "/sessions/new"}) {
    EXPECT_EQ(Send(http::verb::get, page, auditor).status, 200) << page;
  }
  for (const std::string& who : std::vector<std::string>{manager_, viewer_}) {
    std::string cookie = SignIn(who);
    EXPECT_EQ(Send(http::verb::get, "/", cookie).status, 200) << who;
  }
}

TEST_F(WebHttpTest, ASignInLinkWorksOnce) {
  std::string secret = Link(auditor_);
  Reply first = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  EXPECT_EQ(first.status, 303);
  Reply again = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  EXPECT_EQ(again.status, 403) << again.body;
  EXPECT_TRUE(again.set_cookie.empty());
  EXPECT_NE(again.body.find("redan använts"), std::string::npos) << again.body;
}

// Each refusal of brevisd gets the page a person can act on, in Swedish
// and English, and no session.
TEST_F(WebHttpTest, RefusedLinksSayWhyAndWhatToDo) {
  Reply unknown = Send(http::verb::post, "/sign-in", "", "link=brv_nope");
  EXPECT_EQ(unknown.status, 403) << unknown.body;
  EXPECT_TRUE(unknown.set_cookie.empty());
  EXPECT_NE(unknown.body.find("Inloggningslänken fungerar inte"),
            std::string::npos)
      << unknown.body;
  Reply empty = Send(http::verb::post, "/sign-in", "", "link=");
  EXPECT_EQ(empty.status, 403) << empty.body;

  std::string secret = Link(viewer_);
  v1::UpdatePrincipalRequest off;
  off.mutable_principal()->set_name(viewer_);
  off.mutable_principal()->set_active(false);
  off.mutable_update_mask()->add_paths("active");
  ASSERT_TRUE(admin_->UpdatePrincipal(off).ok());
  Reply deactivated = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  EXPECT_EQ(deactivated.status, 403) << deactivated.body;
  EXPECT_TRUE(deactivated.set_cookie.empty());
  EXPECT_NE(deactivated.body.find("avaktiverat"), std::string::npos)
      << deactivated.body;
  EXPECT_EQ(deactivated.body.find(viewer_), std::string::npos);
}

// brevis-web signs people in only as its own principal: shut that out and
// sign-in says so (503), instead of blaming the person's link.
TEST_F(WebHttpTest, SignInNeedsBrevisWebsOwnPrincipal) {
  std::string secret = Link(auditor_);
  v1::UpdatePrincipalRequest off;
  off.mutable_principal()->set_name(web_principal_);
  off.mutable_principal()->set_active(false);
  off.mutable_update_mask()->add_paths("active");
  ASSERT_TRUE(admin_->UpdatePrincipal(off).ok());
  Reply refused = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_TRUE(refused.set_cookie.empty());
  EXPECT_NE(refused.body.find("Inloggningen fungerar inte just nu"),
            std::string::npos)
      << refused.body;
  // The link was not used: with brevis-web back, it works.
  off.mutable_principal()->set_active(true);
  ASSERT_TRUE(admin_->UpdatePrincipal(off).ok());
  EXPECT_EQ(Send(http::verb::post, "/sign-in", "", "link=" + secret).status,
            303);
}

// Admins see each person's identities (read-only) in the list and on the
// person's page, escaped; nobody else reaches those pages.
TEST_F(WebHttpTest, AdminPagesShowExternalIdentities) {
  v1::AddExternalIdentityRequest add;
  add.set_name(auditor_);
  add.mutable_external_identity()->set_issuer("https://idp.region.example");
  add.mutable_external_identity()->set_subject("SE2321000016-<b>7");
  ASSERT_TRUE(admin_->AddExternalIdentity(add).ok());
  std::string admin = SignIn(admin_principal_);
  std::string shown = "SE2321000016-&lt;b&gt;7 (https://idp.region.example)";
  Reply list = Send(http::verb::get, "/principals", admin);
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(shown), std::string::npos) << list.body;
  Reply person = Send(http::verb::get, "/" + auditor_ + "/sign-in-link", admin);
  EXPECT_EQ(person.status, 200);
  EXPECT_NE(person.body.find(shown), std::string::npos) << person.body;
  std::string auditor = SignIn(auditor_);
  Reply refused = Send(http::verb::get, "/principals", auditor);
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(refused.body.find("SE2321000016"), std::string::npos);
}

TEST_F(WebHttpTest, PostWithoutOrWithWrongCsrfIsRefusedAndChangesNothing) {
  std::string auditor = SignIn(auditor_);
  std::string form =
      "focus_area=FOCUS_AREA_PARTICIPATION&kind=FINDING_KIND_STRENGTH&text="
      "Bra&informant_groups=INFORMANT_GROUP_CHILD";
  std::string target = "/" + audit_ + "/findings/new";
  EXPECT_EQ(Send(http::verb::post, target, auditor, form).status, 403);
  EXPECT_EQ(Send(http::verb::post, target, auditor,
                 form + "&csrf=" + std::string(64, 'a'))
                .status,
            403);
  EXPECT_EQ(Findings(), 0);
  Reply ok =
      Send(http::verb::post, target, auditor, form + "&csrf=" + Csrf(auditor));
  EXPECT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(Findings(), 1);
}

TEST_F(WebHttpTest, HostileTextComesBackEscaped) {
  std::string auditor = SignIn(auditor_);
  std::string csrf = Csrf(auditor);
  // <script>alert('x')</script> & "q", urlencoded.
  std::string hostile = "%3Cscript%3Ealert(%27x%27)%3C%2Fscript%3E+%26+%22q%22";
  Reply ok = Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
                  "csrf=" + csrf +
                      "&focus_area=FOCUS_AREA_RESPECT&kind=FINDING_KIND_"
                      "STRENGTH&informant_groups=INFORMANT_GROUP_GUARDIAN&"
                      "text=" +
                      hostile);
  ASSERT_EQ(ok.status, 303) << ok.body;
  Reply page = Send(http::verb::get, "/" + audit_, auditor);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
                           "&amp; &quot;q&quot;"),
            std::string::npos);
  // A refused form keeps the hostile text, escaped, in its field.
  Reply refused =
      Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
           "csrf=" + csrf +
               "&focus_area=FOCUS_AREA_RESPECT&kind="
               "FINDING_KIND_STRENGTH&text=" +
               hostile);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.body.find("<script>"), std::string::npos);
  EXPECT_NE(refused.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(refused.body.find("id=\"e-informant_groups\""), std::string::npos)
      << refused.body;
}

TEST_F(WebHttpTest, AnUnknownChoiceIsA400Page) {
  std::string auditor = SignIn(auditor_);
  Reply bad = Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
                   "csrf=" + Csrf(auditor) + "&focus_area=NOPE&text=x");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("focus_area"), std::string::npos);
  EXPECT_EQ(Findings(), 0);
}

TEST_F(WebHttpTest, MalformedUrlencodingIsA400PageAndChangesNothing) {
  Move(v1::AUDIT_STATE_FIELDWORK);
  std::string auditor = SignIn(auditor_);
  std::string csrf = Csrf(auditor);
  for (std::string text : {"%zz", "%4", "50%", "a b"}) {
    Reply bad = Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
                     "csrf=" + csrf +
                         "&focus_area=FOCUS_AREA_RESPECT&kind=FINDING_KIND_"
                         "STRENGTH&informant_groups=INFORMANT_GROUP_CHILD&"
                         "text=" +
                         text);
    EXPECT_EQ(bad.status, 400) << text;
    EXPECT_NE(bad.body.find("Felaktig begäran"), std::string::npos) << text;
  }
  EXPECT_EQ(Findings(), 0);
  EXPECT_EQ(Send(http::verb::get, "/" + audit_ + "?x=%zz", auditor).status,
            400);
  // The same text well encoded is saved, '+' as a space and %2B as '+'.
  Reply ok = Send(http::verb::post, "/" + audit_ + "/findings/new", auditor,
                  "csrf=" + csrf +
                      "&focus_area=FOCUS_AREA_RESPECT&kind=FINDING_KIND_"
                      "STRENGTH&informant_groups=INFORMANT_GROUP_CHILD&text="
                      "1%2B1+%C3%A4r+2%25");
  EXPECT_EQ(ok.status, 303) << ok.body;
  v1::ListFindingsRequest list;
  list.set_parent(audit_);
  auto findings = admin_->ListFindings(list);
  ASSERT_TRUE(findings.ok()) << findings.status();
  ASSERT_EQ(findings->findings_size(), 1);
  EXPECT_EQ(findings->findings(0).text(), "1+1 är 2%");
}

TEST_F(WebHttpTest, AnotherUnitsAuditIsA404LikeAMissingOne) {
  std::string other = SignIn(other_manager_);
  EXPECT_EQ(Send(http::verb::get, "/" + audit_, other).status, 404);
  EXPECT_EQ(Send(http::verb::get, "/" + audit_ + "/report", other).status, 404);
  EXPECT_EQ(Send(http::verb::get, "/audits/doesnotexist", other).status, 404);
}

TEST_F(WebHttpTest, WithoutASessionPagesGoToSignInAndBack) {
  Reply r = Send(http::verb::get, "/" + audit_);
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.location, "/sign-in?next=%2F" +
                            std::regex_replace(audit_, std::regex("/"), "%2F"));
  std::string secret = Link(auditor_);
  Reply back = Send(http::verb::post, "/sign-in", "",
                    "link=" + secret + "&next=%2F%2Fevil.example");
  EXPECT_EQ(back.location, "/");
}

TEST_F(WebHttpTest, SignOutEndsTheSessionAndItsToken) {
  std::string auditor = SignIn(auditor_);
  Reply out =
      Send(http::verb::post, "/sign-out", auditor, "csrf=" + Csrf(auditor));
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(Send(http::verb::get, "/", auditor).status, 303);
}

TEST_F(WebHttpTest, OverPlainHttpTheCookieHasNoSecurePrefix) {
  std::string auditor = Person("Revisor", v1::ROLE_AUDITOR);
  std::string secret = Link(auditor);
  Reply done = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  EXPECT_EQ(done.set_cookie.rfind("brevis_session=", 0), 0u) << done.set_cookie;
  EXPECT_EQ(done.set_cookie.find("Secure"), std::string::npos);
}

// Behind a TLS front (nginx) brevis-web itself speaks plain HTTP on
// loopback, but browsers reach it over https: its cookies must still be
// Secure with the __Host- prefix, or a plain-http request would carry them.
class BehindTlsFrontTest : public WebHttpTest {
 protected:
  std::vector<std::string> ExtraWebArgs() const override {
    return {"--public-url", "https://brevis.example.se"};
  }
};

TEST_F(BehindTlsFrontTest, CookiesAreSecureWhenThePublicUrlIsHttps) {
  std::string auditor = Person("Revisor", v1::ROLE_AUDITOR);
  std::string secret = Link(auditor);
  Reply done = Send(http::verb::post, "/sign-in", "", "link=" + secret);
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.set_cookie.rfind("__Host-brevis_session=", 0), 0u)
      << done.set_cookie;
  EXPECT_NE(done.set_cookie.find("; Secure"), std::string::npos)
      << done.set_cookie;
  // The prefixed cookie is the one brevis-web reads back.
  std::string cookie = done.set_cookie.substr(0, done.set_cookie.find(';'));
  EXPECT_EQ(Send(http::verb::get, "/", cookie).status, 200);
}

}  // namespace
}  // namespace brevis::web::testing
