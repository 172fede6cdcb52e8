#ifndef BREVIS_CLIENT_LIB_WEB_WEB_APP_H_
#define BREVIS_CLIENT_LIB_WEB_WEB_APP_H_

// brevis-web's application: turns an HttpRequest into an HttpResponse. It
// serves the stylesheet and /healthz, signs people in with one-time links
// or through an OpenID provider (web_app_oidc.cc) and out again, finds the
// browser session, refuses a POST without the session's CSRF token (403,
// nothing changed), and hands the request to the page for its route with a
// Client that carries the person's own brevis token. It keeps no data of its
// own besides the sessions (and the short-lived pre-sessions of OpenID Connect
// sign-ins).
//
// Thread-safe: Handle may be called from any number of threads at once.

#include <memory>
#include <string>
#include <vector>

#include "brevis/client/client.h"
#include "client-lib/web/http_server.h"
#include "client-lib/web/oidc_sign_in.h"
#include "client-lib/web/page_kit.h"
#include "client-lib/web/router.h"
#include "client-lib/web/session_store.h"

namespace brevis::web {

struct WebAppOptions {
  // Whether browsers reach us over TLS (cookies get Secure and __Host-).
  bool tls = false;
  // Base of absolute links, e.g. "http://127.0.0.1:8080".
  std::string public_url;
  // OpenID Connect sign-in (web_app_oidc.cc); null when off.
  std::shared_ptr<OidcSignIn> oidc;
  // The sign-in button's provider name ("" for e-legitimation / e-ID) and
  // whom to ask when sign-in fails ("" for the programme's coordinator).
  std::string oidc_provider_name;
  std::string support_contact;
};

class WebApp {
 public:
  // `brevis` authenticates as brevis-web's own integration principal
  // (SCOPE_SIGN_IN, its client certificate over mutual TLS) and is used
  // only for ExchangeSignIn; each session gets a copy with the person's own
  // token (Client::WithToken), which wins over the certificate. `clock`
  // drives session expiry.
  WebApp(client::Client brevis, WebAppOptions options,
         SessionStore::Clock clock);

  HttpResponse Handle(const HttpRequest& request);
  // The page for a status the HTTP server answers itself (400, 413).
  HttpResponse ErrorPage(int status) const;

  SessionStore& sessions() { return sessions_; }

  // A page: the request's context and the route's captured ids.
  using PageHandler =
      std::function<HttpResponse(const Ctx&, const std::vector<std::string>&)>;

 private:
  HttpResponse SignInPage(const Ctx& ctx);
  HttpResponse SignIn(const Ctx& ctx);
  HttpResponse SignOut(const Ctx& ctx, const WebSession& session);
  // What Handle does once `session` is found (ctx.session points at it).
  HttpResponse HandleSignedIn(Ctx& ctx, const WebSession& session);
  std::string SessionCookieName() const;
  void RevokeQuietly(const WebSession& session) const;

  // OpenID Connect (web_app_oidc.cc): /oidc/start, /oidc/callback and
  // /signed-out; the sign-in button; where sign-out goes.
  HttpResponse OidcRoute(const Ctx& ctx);
  HttpResponse OidcStart(const Ctx& ctx);
  HttpResponse OidcCallback(const Ctx& ctx);
  HttpResponse OidcFailurePage(const Ctx& ctx, OidcFailure failure,
                               std::string_view reason) const;
  HttpResponse SignedOutPage(const Ctx& ctx) const;
  void OidcButton(const Ctx& ctx, const std::string& next, Html& h) const;
  std::string AfterSignOut(const WebSession& session) const;
  // The origin of AfterSignOut's URL for an OpenID Connect session (scheme,
  // host and port of the end_session_endpoint); "" when sign-out stays here
  // or the URL is not a plain https origin.
  std::string LogoutOrigin(const WebSession& session) const;
  std::string PreSessionCookieName() const;
  // Starts a browser session for an exchanged sign-in and redirects to
  // `next`; a session this browser had ends (and its token is revoked).
  HttpResponse BeginSession(const Ctx& ctx,
                            const v1::ExchangeSignInResponse& exchanged,
                            const std::string& next, std::string id_token);

  const client::Client brevis_;
  const WebAppOptions options_;
  SessionStore sessions_;
  Router<PageHandler> router_;
};

// Registers every page of brevis-web (pages_*.cc).
void AddPages(Router<WebApp::PageHandler>& router);

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_WEB_APP_H_
