// brevis-web's OpenID Connect routes in process (client-lib/web/
// web_app_oidc.cc), against a fake provider: the sign-in button, the
// authorization request with its pre-session cookie, every failure page
// before brevisd is asked (with its marker and status, no session made),
// and the callback reaching ExchangeSignIn with a verified token. The flows
// against a real provider and brevisd are in tests/oidc.

#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "client-lib/web/urlencoded.h"
#include "client-lib/web/web_app.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/free_port.h"
#include "tests/web/oidc_fake_https.h"
#include "tests/web/oidc_test_keys.h"

namespace brevis::web {
namespace {

using testing::FakeHttps;
using testing::MergeJson;
using testing::TestKey;

constexpr char kIssuer[] = "https://idp.test";

class OidcRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    https_->Serve("https://idp.test/.well-known/openid-configuration", 200,
                  "{\"issuer\":\"https://idp.test\","
                  "\"authorization_endpoint\":\"https://idp.test/authorize\","
                  "\"token_endpoint\":\"https://idp.test/token\","
                  "\"jwks_uri\":\"https://idp.test/jwks\","
                  "\"end_session_endpoint\":\"https://idp.test/logout\"}");
    https_->Serve("https://idp.test/jwks", 200,
                  testing::JwkSetJson({key_.PublicJwk()}));
    OidcSettings settings;
    settings.issuer = kIssuer;
    settings.client_id = "brevis web";
    settings.client_secret = "s3cret:x";
    settings.redirect_uri = "http://127.0.0.1:8080/oidc/callback";
    settings.acr = "loa3";
    auto clock = [this] { return clock_.Now(); };
    oidc_ = std::make_shared<OidcSignIn>(settings, https_, clock);
    client::ClientOptions options;
    // Nothing listens there: ExchangeSignIn fails UNAVAILABLE at once.
    options.target =
        "127.0.0.1:" + std::to_string(brevis::testing::UnusedLoopbackPort());
    options.default_deadline = absl::Seconds(2);
    auto brevis = client::Client::Create(options);
    ASSERT_TRUE(brevis.ok()) << brevis.status();
    WebAppOptions app_options;
    app_options.public_url = "http://127.0.0.1:8080";
    app_options.oidc = oidc_;
    app_options.oidc_provider_name = "SITHS";
    app_options.support_contact = "samordnaren@example.se";
    app_ = std::make_unique<WebApp>(*brevis, app_options, clock);
  }

  HttpResponse Get(const std::string& target,
                   std::map<std::string, std::string> cookies = {}) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    EXPECT_TRUE(DecodeTarget(target, request.path, request.query));
    request.cookies = std::move(cookies);
    return app_->Handle(request);
  }

  static std::string Header(const HttpResponse& r, const std::string& name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return "";
  }

  // The value of query parameter `name` in `url`.
  static std::string QueryOf(const std::string& url, const std::string& name) {
    Params params;
    EXPECT_TRUE(DecodeUrlencoded(url.substr(url.find('?') + 1), params));
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return "";
  }

  // /oidc/start: the pre-session cookie's value and the authorization URL.
  std::pair<std::string, std::string> Start(const std::string& next = "/") {
    HttpResponse r = Get("/oidc/start?next=" + next);
    EXPECT_EQ(r.status, 303) << r.body;
    std::smatch m;
    std::string cookie = Header(r, "Set-Cookie");
    EXPECT_TRUE(std::regex_search(cookie, m, std::regex("brevis_oidc=([^;]+)")))
        << cookie;
    return {m[1].str(), Header(r, "Location")};
  }

  std::string IdToken(const std::string& nonce,
                      const std::string& over = "{}") {
    int64_t now = absl::ToUnixSeconds(clock_.Now());
    return key_.Sign(MergeJson(
        "{\"iss\":\"https://idp.test\",\"sub\":\"person-1\",\"aud\":"
        "\"brevis web\",\"exp\":" +
            std::to_string(now + 300) + ",\"iat\":" + std::to_string(now) +
            ",\"nonce\":\"" + nonce + "\",\"acr\":\"loa3\"}",
        over));
  }

  void ExpectFailure(const HttpResponse& r, int status,
                     const std::string& reason) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.body.find("<main id=\"sign-in-failed\" data-reason=\"" +
                          reason + "\">"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("samordnaren@example.se"), std::string::npos);
    EXPECT_EQ(app_->sessions().size(), 0u);
  }

  brevis::testing::FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  std::shared_ptr<FakeHttps> https_ = std::make_shared<FakeHttps>();
  TestKey key_ = TestKey::Ec("k1");
  std::shared_ptr<OidcSignIn> oidc_;
  std::unique_ptr<WebApp> app_;
};

TEST_F(OidcRoutesTest, TheSignInPageHasTheProvidersButton) {
  HttpResponse r = Get("/sign-in?next=%2Faudits%2Fa1");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("href=\"/oidc/start?next=%2Faudits%2Fa1\""),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("Logga in med SITHS"), std::string::npos);
}

TEST_F(OidcRoutesTest, StartRedirectsWithPkceStateNonceAndAcr) {
  auto [cookie, location] = Start("%2Faudits%2Fa1");
  ASSERT_EQ(location.rfind("https://idp.test/authorize?", 0), 0u) << location;
  EXPECT_EQ(QueryOf(location, "response_type"), "code");
  EXPECT_EQ(QueryOf(location, "client_id"), "brevis web");
  EXPECT_EQ(QueryOf(location, "redirect_uri"),
            "http://127.0.0.1:8080/oidc/callback");
  EXPECT_EQ(QueryOf(location, "scope"), "openid");
  EXPECT_EQ(QueryOf(location, "code_challenge_method"), "S256");
  EXPECT_EQ(QueryOf(location, "code_challenge").size(), 43u);
  EXPECT_EQ(QueryOf(location, "state").size(), 43u);
  EXPECT_EQ(QueryOf(location, "nonce").size(), 43u);
  EXPECT_EQ(QueryOf(location, "acr_values"), "loa3");
  EXPECT_EQ(oidc_->pre_sessions().size(), 1u);
  HttpResponse r = Get("/oidc/start?next=/");
  std::string set = Header(r, "Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(set.find("Path=/"), std::string::npos);
  EXPECT_NE(set.find("Max-Age=600"), std::string::npos);
}

TEST_F(OidcRoutesTest, AWrongOrMissingStateFails) {
  auto [cookie, location] = Start();
  ExpectFailure(
      Get("/oidc/callback?code=c&state=forged", {{"brevis_oidc", cookie}}), 401,
      "state");
  // The forged attempt used the pre-session up.
  ExpectFailure(Get("/oidc/callback?code=c&state=" + QueryOf(location, "state"),
                    {{"brevis_oidc", cookie}}),
                401, "state");
  auto [cookie2, location2] = Start();
  ExpectFailure(Get("/oidc/callback?code=c", {{"brevis_oidc", cookie2}}), 401,
                "state");
  auto [cookie3, location3] = Start();
  ExpectFailure(
      Get("/oidc/callback?code=c&state=" + QueryOf(location3, "state")), 401,
      "state");
  EXPECT_EQ(https_->count("https://idp.test/token"), 0);
}

TEST_F(OidcRoutesTest, AnExpiredPreSessionFails) {
  auto [cookie, location] = Start();
  clock_.Advance(absl::Minutes(10));
  ExpectFailure(Get("/oidc/callback?code=c&state=" + QueryOf(location, "state"),
                    {{"brevis_oidc", cookie}}),
                401, "state");
}

TEST_F(OidcRoutesTest, TheProvidersErrorFails) {
  auto [cookie, location] = Start();
  ExpectFailure(Get("/oidc/callback?error=access_denied&state=" +
                        QueryOf(location, "state"),
                    {{"brevis_oidc", cookie}}),
                401, "idp-error");
}

TEST_F(OidcRoutesTest, ARefusedCodeFails) {
  https_->Serve("https://idp.test/token", 400, "{\"error\":\"invalid_grant\"}");
  auto [cookie, location] = Start();
  ExpectFailure(
      Get("/oidc/callback?code=used&state=" + QueryOf(location, "state"),
          {{"brevis_oidc", cookie}}),
      401, "token-endpoint");
}

TEST_F(OidcRoutesTest, AnUnverifiableIdTokenFails) {
  auto [cookie, location] = Start();
  https_->Serve("https://idp.test/token", 200,
                "{\"id_token\":\"" + IdToken("not-the-nonce") + "\"}");
  ExpectFailure(Get("/oidc/callback?code=c&state=" + QueryOf(location, "state"),
                    {{"brevis_oidc", cookie}}),
                401, "id-token");
}

TEST_F(OidcRoutesTest, AProviderThatIsDownGivesA503) {
  https_->Down("https://idp.test/.well-known/openid-configuration");
  HttpResponse r = Get("/oidc/start?next=/");
  ExpectFailure(r, 503, "idp-unavailable");
  EXPECT_NE(r.body.find("Inloggningstjänsten svarar inte"), std::string::npos);
}

TEST_F(OidcRoutesTest, ATokenEndpointThatFailsGivesA503) {
  auto [cookie, location] = Start();
  https_->Serve("https://idp.test/token", 502, "bad gateway");
  ExpectFailure(Get("/oidc/callback?code=c&state=" + QueryOf(location, "state"),
                    {{"brevis_oidc", cookie}}),
                503, "idp-unavailable");
}

TEST_F(OidcRoutesTest, AVerifiedTokenIsRedeemedWithPkceAndReachesBrevisd) {
  auto [cookie, location] = Start();
  std::string nonce = QueryOf(location, "nonce");
  std::string challenge = QueryOf(location, "code_challenge");
  FakeHttps::Post seen;
  https_->Serve(
      "https://idp.test/token",
      [&](const FakeHttps::Post& post) -> absl::StatusOr<HttpsReply> {
        seen = post;
        return HttpsReply{200, "{\"id_token\":\"" + IdToken(nonce) + "\"}"};
      });
  HttpResponse r =
      Get("/oidc/callback?code=the%2Bcode&state=" + QueryOf(location, "state"),
          {{"brevis_oidc", cookie}});
  // client_secret_basic with form-encoded id and secret (RFC 6749 §2.3.1).
  EXPECT_EQ(seen.user, "brevis%20web");
  EXPECT_EQ(seen.password, "s3cret%3Ax");
  Params form;
  ASSERT_TRUE(DecodeUrlencoded(seen.form, form));
  std::map<std::string, std::string> fields(form.begin(), form.end());
  EXPECT_EQ(fields["grant_type"], "authorization_code");
  EXPECT_EQ(fields["code"], "the+code");
  EXPECT_EQ(fields["redirect_uri"], "http://127.0.0.1:8080/oidc/callback");
  EXPECT_EQ(PkceChallenge(fields["code_verifier"]), challenge);
  // The token was verified, so brevisd was asked (and is not there): 503
  // with its own marker, not the ID token's, and no session; not
  // StatusPage either, which would send the person to sign in with this
  // callback's code and state in the URL.
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("data-reason=\"brevis-unavailable\""),
            std::string::npos)
      << r.body;
  EXPECT_EQ(r.body.find("code="), std::string::npos) << r.body;
  EXPECT_EQ(app_->sessions().size(), 0u);
  // The pre-session cookie is cleared.
  bool cleared = false;
  for (const auto& [key, value] : r.headers) {
    cleared |= key == "Set-Cookie" && value.rfind("brevis_oidc=;", 0) == 0;
  }
  EXPECT_TRUE(cleared);
}

TEST_F(OidcRoutesTest, SignOutGoesOnToTheProviderWithTheHint) {
  auto post_sign_out = [&](const std::string& id_token) {
    WebSession session;
    session.principal = "principals/p1";
    session.token_name = "tokens/t1";
    session.token_secret = "secret";
    session.id_token = id_token;
    std::string id = app_->sessions().Create(session);
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/sign-out";
    request.cookies["brevis_session"] = id;
    request.form = {{"csrf", app_->sessions().Find(id)->csrf}};
    return app_->Handle(request);
  };
  HttpResponse r = post_sign_out("the.id.token");
  EXPECT_EQ(r.status, 303);
  std::string location = Header(r, "Location");
  ASSERT_EQ(location.rfind("https://idp.test/logout?", 0), 0u) << location;
  EXPECT_EQ(QueryOf(location, "id_token_hint"), "the.id.token");
  EXPECT_EQ(QueryOf(location, "post_logout_redirect_uri"),
            "http://127.0.0.1:8080/signed-out");
  EXPECT_EQ(app_->sessions().size(), 0u);
  // A session that did not come from the provider signs out as before.
  EXPECT_EQ(Header(post_sign_out(""), "Location"), "/sign-in?signed_out=1");
}

TEST_F(OidcRoutesTest, SignedOutPageLinksToSignIn) {
  HttpResponse r = Get("/signed-out");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("href=\"/sign-in\""), std::string::npos);
}

TEST_F(OidcRoutesTest, TheEndSessionUrlCarriesTheHint) {
  std::string url =
      oidc_->EndSessionUrl("h.i.nt", "http://127.0.0.1:8080/signed-out");
  ASSERT_EQ(url.rfind("https://idp.test/logout?", 0), 0u) << url;
  EXPECT_EQ(QueryOf(url, "id_token_hint"), "h.i.nt");
  EXPECT_EQ(QueryOf(url, "client_id"), "brevis web");
  EXPECT_EQ(QueryOf(url, "post_logout_redirect_uri"),
            "http://127.0.0.1:8080/signed-out");
}

}  // namespace
}  // namespace brevis::web
