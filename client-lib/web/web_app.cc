#include "client-lib/web/web_app.h"

#include <algorithm>
#include <iostream>

#include "client-lib/web/cat.h"
#include "client-lib/web/style_css.h"

namespace brevis::web {
namespace {

constexpr char kLangCookie[] = "lang";

// Ids in paths are brevisd's resource ids; anything else cannot name a
// resource, so it is a 404 before brevisd is asked.
bool IsId(std::string_view id) {
  if (id.empty() || id.size() > 100) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

WebApp::WebApp(client::Client brevis, WebAppOptions options,
               SessionStore::Clock clock)
    : brevis_(std::move(brevis)),
      options_(std::move(options)),
      sessions_(std::move(clock),
                [this](const WebSession& s) { RevokeQuietly(s); }) {
  AddPages(router_);
}

std::string WebApp::SessionCookieName() const {
  // __Host-: the browser keeps it only if Secure, Path=/ and no Domain.
  return options_.tls ? "__Host-brevis_session" : "brevis_session";
}

void WebApp::RevokeQuietly(const WebSession& session) const {
  absl::StatusOr<client::Client> own = brevis_.WithToken(session.token_secret);
  if (!own.ok()) return;
  v1::RevokeTokenRequest request;
  request.set_name(session.token_name);
  absl::StatusOr<v1::Token> revoked = own->RevokeToken(request);
  // An expired token cannot revoke itself, and need not be.
  if (!revoked.ok() &&
      revoked.status().code() != absl::StatusCode::kUnauthenticated) {
    std::cerr << "brevis-web: revoking the token of an ended session: "
              << revoked.status() << std::endl;
  }
}

HttpResponse WebApp::ErrorPage(int status) const {
  HttpRequest none;
  none.target = "/";
  Ctx ctx{none};
  if (status == 413) {
    return MessagePage(
        ctx, 413, "För stor begäran / Request too large",
        "Det du skickade är större än brevis tar emot (256 kB). Korta texten "
        "och försök igen. / What you sent is larger than brevis accepts "
        "(256 kB). Shorten the text and try again.");
  }
  return MessagePage(
      ctx, status, "Felaktig begäran / Bad request",
      "Begäran gick inte att läsa. Gå tillbaka, ladda om sidan och försök "
      "igen. / The request could not be read. Go back, reload the page and "
      "try again.");
}

HttpResponse WebApp::Handle(const HttpRequest& request) {
  Lang lang = ParseLang(request.Cookie(kLangCookie));
  Ctx ctx{request, lang};
  ctx.public_url = options_.public_url;
  const std::string& path = request.path;

  if (path == "/healthz") {
    HttpResponse response;
    response.content_type = "text/plain; charset=utf-8";
    response.body = "ok\n";
    return response;
  }
  if (path == "/static/style.css") {
    HttpResponse response;
    response.content_type = "text/css; charset=utf-8";
    response.body = std::string(kStyleCss);
    response.headers.emplace_back("Cache-Control", "max-age=3600");
    return response;
  }
  if (path == "/lang") {
    HttpResponse response = Redirect(SafeNext(request.Param("next")));
    response.headers.emplace_back(
        "Set-Cookie",
        Cat(kLangCookie, "=", LangCode(ParseLang(request.Param("to"))),
            "; Path=/; Max-Age=31536000; SameSite=Lax",
            options_.tls ? "; Secure" : ""));
    return response;
  }
  if (path == "/sign-in") {
    if (request.method == "GET") return SignInPage(ctx);
    if (request.method == "POST") return SignIn(ctx);
    return MessagePage(ctx, 405, "Method not allowed", "GET or POST");
  }
  if (path == "/signed-out" || path.rfind("/oidc/", 0) == 0) {
    return OidcRoute(ctx);
  }

  std::optional<WebSession> session =
      sessions_.Find(request.Cookie(SessionCookieName()));
  if (!session) {
    // A POST is not repeated after sign-in, but what it carried is shown to
    // copy; a GET comes back to its page.
    if (path == "/sign-out") return Redirect("/sign-in?signed_out=1");
    if (request.method == "POST") return SessionEndedPage(ctx);
    return Redirect(Cat("/sign-in?next=", UrlEncode(SafeNext(request.target))));
  }
  ctx.session = &*session;
  HttpResponse response = HandleSignedIn(ctx, *session);
  if (response.session_refused) {
    // The token is dead at brevisd already; nothing to revoke.
    sessions_.End(session->id);
    response.headers.emplace_back(
        "Set-Cookie",
        Cat(SessionCookieName(), "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
            options_.tls ? "; Secure" : ""));
  }
  bool own_policy = std::any_of(
      response.headers.begin(), response.headers.end(),
      [](const auto& h) { return h.first == "Content-Security-Policy"; });
  if (!session->logout_origin.empty() && !own_policy) {
    // The sign-out form posts here and is redirected to the provider's
    // end_session_endpoint; browsers hold that redirect to form-action
    // too (CSP Level 3), so the provider's origin is allowed as well.
    response.headers.emplace_back(
        "Content-Security-Policy",
        ContentSecurityPolicy(session->logout_origin));
  }
  return response;
}

HttpResponse WebApp::HandleSignedIn(Ctx& ctx, const WebSession& session) {
  const HttpRequest& request = ctx.req;
  const std::string& path = request.path;
  Lang lang = ctx.lang;
  if (request.method == "POST" &&
      !SessionStore::CsrfMatches(session, request.Form("csrf"))) {
    return MessagePage(
        ctx, 403, L(lang, "Formuläret har gått ut", "The form has expired"),
        L(lang,
          "Formuläret kom inte med rätt säkerhetskod, så inget sparades. Gå "
          "tillbaka, ladda om sidan och skicka igen.",
          "The form did not carry the right security code, so nothing was "
          "saved. Go back, reload the page and send it again."));
  }
  if (path == "/sign-out" && request.method == "POST") {
    return SignOut(ctx, session);
  }

  auto match = router_.Find(request.method, path);
  if (match.handler == nullptr) return NotFoundPage(ctx);
  if (!match.method_allowed) {
    return MessagePage(ctx, 405, L(lang, "Fel metod", "Method not allowed"),
                       L(lang, "Den här adressen tar inte emot det.",
                         "This address does not accept that."));
  }
  for (const std::string& id : match.captures) {
    if (!IsId(id)) return NotFoundPage(ctx);
  }
  absl::StatusOr<client::Client> own = brevis_.WithToken(session.token_secret);
  if (!own.ok()) return StatusPage(ctx, own.status());
  ctx.brevis = &*own;
  return (*match.handler)(ctx, match.captures);
}

HttpResponse WebApp::SignInPage(const Ctx& ctx) {
  Lang lang = ctx.lang;
  std::string link = ctx.req.Param("link");
  std::string next = SafeNext(ctx.req.Param("next"));
  Html h;
  if (ctx.req.Param("signed_out") == "1") {
    h << Markup("<p class=\"notice\" role=\"status\">")
      << L(lang, "Du är utloggad.", "You are signed out.") << Markup("</p>");
  }
  if (link.empty()) {
    OidcButton(ctx, next, h);
    h << Markup("<p>")
      << L(lang,
           "Du är inte inloggad, eller så har din session gått ut. Öppna "
           "inloggningslänken du fick av samordnaren igen, eller be om en ny.",
           "You are not signed in, or your session has ended. Open the "
           "sign-in link the coordinator gave you again, or ask for a new "
           "one.")
      << Markup("</p>");
    return Page(ctx, L(lang, "Logga in", "Sign in"), h);
  }
  // A button rather than signing in on GET: mail scanners that open links
  // must not use the one-time link up.
  h << Markup("<p>")
    << L(lang, "Tryck på knappen för att logga in i brevis.",
         "Press the button to sign in to brevis.")
    << Markup(
           "</p><form method=\"post\" action=\"/sign-in\">"
           "<input type=\"hidden\" name=\"link\" value=\"")
    << link << Markup("\"><input type=\"hidden\" name=\"next\" value=\"")
    << next << Markup("\"><button type=\"submit\">")
    << L(lang, "Logga in", "Sign in") << Markup("</button></form>");
  return Page(ctx, L(lang, "Logga in", "Sign in"), h);
}

namespace {

// The page for a refused ExchangeSignIn of a link: what the person can do,
// as specific as brevisd's reason allows. brevisd's messages never name
// whose link it was, so the English page shows them as they are.
HttpResponse LinkRefusedPage(const Ctx& ctx, const absl::Status& status) {
  Lang lang = ctx.lang;
  std::string why(status.message());
  // In Swedish our own words; in English brevisd's, which are written for
  // the person holding the link.
  auto sv_or_why = [&](const char* sv) {
    return lang == Lang::kEn ? why : std::string(sv);
  };
  std::string text;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
      text = sv_or_why(
          "Inloggningslänken fungerar inte. Be samordnaren om en ny.");
      break;
    case absl::StatusCode::kFailedPrecondition:
      if (RefusedAsDeactivated(status)) {
        text = L(lang,
                 "Kontot som länken gäller är avaktiverat. Kontakta "
                 "samordnaren.",
                 "The account this link is for has been deactivated; ask "
                 "the coordinator.");
      } else if (why.find("used") != std::string::npos) {
        text = sv_or_why(
            "Inloggningslänken har redan använts. Be samordnaren om en "
            "ny.");
      } else {
        text = sv_or_why(
            "Inloggningslänken har gått ut. Be samordnaren om en ny.");
      }
      break;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      // brevis-web's own credentials (its client certificate, its
      // principal's SCOPE_SIGN_IN) are wrong: an operator's problem.
      return MessagePage(
          ctx, 503,
          L(lang, "Inloggningen fungerar inte just nu",
            "Sign-in is not working just now"),
          L(lang,
            "Brevis-web kan inte logga in mot brevis-servern. Kontakta "
            "samordnaren.",
            "brevis-web is not allowed to sign people in to the brevis "
            "server. Tell the coordinator."));
    default:
      return StatusPage(ctx, status);
  }
  return MessagePage(
      ctx, 403, L(lang, "Inloggningen misslyckades", "Sign-in failed"), text);
}

}  // namespace

HttpResponse WebApp::SignIn(const Ctx& ctx) {
  v1::ExchangeSignInRequest request;
  request.set_sign_in_link_secret(ctx.req.Form("link"));
  absl::StatusOr<v1::ExchangeSignInResponse> redeemed =
      brevis_.ExchangeSignIn(request);
  if (!redeemed.ok()) {
    // Why, for the operator (never the secret: brevisd's status does not
    // hold it).
    std::cerr << "brevis-web: a sign-in link was refused: " << redeemed.status()
              << std::endl;
    return LinkRefusedPage(ctx, redeemed.status());
  }
  return BeginSession(ctx, *redeemed, ctx.req.Form("next"), "");
}

HttpResponse WebApp::SignOut(const Ctx&, const WebSession& session) {
  if (auto ended = sessions_.End(session.id)) RevokeQuietly(*ended);
  HttpResponse response = Redirect(AfterSignOut(session));
  response.headers.emplace_back(
      "Set-Cookie",
      Cat(SessionCookieName(), "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
          options_.tls ? "; Secure" : ""));
  return response;
}

}  // namespace brevis::web
