// brevis-web's routes of the OpenID Connect sign-in (oidc_sign_in.h does
// the protocol): /oidc/start, /oidc/callback, /signed-out, the sign-in
// button, the failure pages, and where sign-out goes. The verified identity
// becomes a brevis token through ExchangeSignIn, called with brevis-web's
// own credentials; brevisd decides whom it names and whether they may sign
// in.

#include "client-lib/web/cat.h"
#include "client-lib/web/web_app.h"

namespace brevis::web {
namespace {

constexpr int kPreSessionSeconds = 600;  // PreSessionStore::kLifetime

}  // namespace

std::string WebApp::PreSessionCookieName() const {
  return options_.tls ? "__Host-brevis_oidc" : "brevis_oidc";
}

HttpResponse WebApp::OidcRoute(const Ctx& ctx) {
  const std::string& path = ctx.req.path;
  if (path == "/signed-out") return SignedOutPage(ctx);
  if (options_.oidc == nullptr ||
      (path != "/oidc/start" && path != "/oidc/callback")) {
    return NotFoundPage(ctx);
  }
  if (ctx.req.method != "GET") {
    return MessagePage(ctx, 405, L(ctx.lang, "Fel metod", "Method not allowed"),
                       L(ctx.lang, "Den här adressen tar inte emot det.",
                         "This address does not accept that."));
  }
  return path == "/oidc/start" ? OidcStart(ctx) : OidcCallback(ctx);
}

HttpResponse WebApp::OidcStart(const Ctx& ctx) {
  absl::StatusOr<OidcStarted> started =
      options_.oidc->Start(SafeNext(ctx.req.Param("next")));
  if (!started.ok()) {
    return OidcFailurePage(ctx, OidcFailure::kIdpUnavailable,
                           Cat("discovery: ", started.status().message()));
  }
  HttpResponse response = Redirect(started->authorization_url);
  // SameSite=Lax: the provider sends the browser back with a top-level GET,
  // which carries Lax cookies.
  response.headers.emplace_back(
      "Set-Cookie",
      Cat(PreSessionCookieName(), "=", started->pre.id,
          "; Path=/; Max-Age=", kPreSessionSeconds, "; HttpOnly; SameSite=Lax",
          options_.tls ? "; Secure" : ""));
  return response;
}

HttpResponse WebApp::OidcCallback(const Ctx& ctx) {
  const HttpRequest& req = ctx.req;
  OidcFinished finished = options_.oidc->Finish(
      req.Cookie(PreSessionCookieName()), req.Param("code"), req.Param("state"),
      req.Param("error"));
  HttpResponse response;
  if (finished.failure != OidcFailure::kNone) {
    response = OidcFailurePage(ctx, finished.failure, finished.reason);
  } else {
    v1::ExchangeSignInRequest request;
    v1::ExternalIdentity* identity = request.mutable_external_identity();
    identity->set_issuer(options_.oidc->settings().issuer);
    identity->set_subject(finished.identity.subject);
    absl::StatusOr<v1::ExchangeSignInResponse> exchanged =
        brevis_.ExchangeSignIn(request);
    if (exchanged.ok()) {
      response = BeginSession(ctx, *exchanged, finished.next,
                              std::move(finished.id_token));
    } else {
      // brevisd's message names neither the principal nor the subject.
      std::string why = Cat("ExchangeSignIn: ", exchanged.status().ToString());
      switch (exchanged.status().code()) {
        case absl::StatusCode::kNotFound:
          response = OidcFailurePage(ctx, OidcFailure::kNotRegistered, why);
          break;
        case absl::StatusCode::kFailedPrecondition:
          response = OidcFailurePage(ctx,
                                     RefusedAsDeactivated(exchanged.status())
                                         ? OidcFailure::kDeactivated
                                         : OidcFailure::kBrevisRefused,
                                     why);
          break;
        case absl::StatusCode::kInvalidArgument:
          // An identity brevisd cannot hold: the token's fault.
          response = OidcFailurePage(ctx, OidcFailure::kIdToken, why);
          break;
        default:
          // brevis-web's own credentials refused (UNAUTHENTICATED,
          // PERMISSION_DENIED) or brevisd unavailable: an operator's
          // problem, logged like every refusal. Not StatusPage, whose
          // UNAUTHENTICATED answer would send the person to sign in with
          // this callback's used code and state in the URL.
          response = OidcFailurePage(ctx, OidcFailure::kBrevisRefused, why);
      }
    }
  }
  // The pre-session is used up either way.
  response.headers.emplace_back(
      "Set-Cookie", Cat(PreSessionCookieName(),
                        "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
                        options_.tls ? "; Secure" : ""));
  return response;
}

HttpResponse WebApp::BeginSession(const Ctx& ctx,
                                  const v1::ExchangeSignInResponse& exchanged,
                                  const std::string& next,
                                  std::string id_token) {
  // A new session id at every sign-in; an earlier session of this browser
  // ends, and its token with it.
  if (auto old = sessions_.End(ctx.req.Cookie(SessionCookieName()))) {
    RevokeQuietly(*old);
  }
  WebSession session;
  session.principal = exchanged.principal().name();
  session.role = exchanged.principal().role();
  session.display_name = exchanged.principal().display_name();
  session.token_name = exchanged.token().name();
  session.token_secret = exchanged.token_secret();
  session.id_token = std::move(id_token);
  session.logout_origin = LogoutOrigin(session);
  if (exchanged.token().has_expire_time()) {
    session.token_expire_time =
        absl::FromUnixSeconds(exchanged.token().expire_time().seconds());
  }
  std::string id = sessions_.Create(std::move(session));
  HttpResponse response = Redirect(SafeNext(next));
  response.headers.emplace_back(
      "Set-Cookie",
      Cat(SessionCookieName(), "=", id, "; Path=/; HttpOnly; SameSite=Lax",
          options_.tls ? "; Secure" : ""));
  return response;
}

HttpResponse WebApp::OidcFailurePage(const Ctx& ctx, OidcFailure failure,
                                     std::string_view reason) const {
  LogSignInRefused(failure, reason);
  Lang lang = ctx.lang;
  std::string contact = options_.support_contact.empty()
                            ? std::string(L(lang, "programmets samordnare",
                                            "the programme's coordinator"))
                            : options_.support_contact;
  int status = 401;
  std::string title, text;
  switch (failure) {
    case OidcFailure::kNotRegistered:
      status = 403;
      title = L(lang, "Du finns inte registrerad i brevis",
                "You are not registered in brevis");
      text = Cat(L(lang,
                   "Inloggningen hos identitetstjänsten lyckades, men ingen i "
                   "brevis är kopplad till din identitet. Be programmets "
                   "samordnare att lägga till dig: ",
                   "Signing in at the identity provider worked, but no one "
                   "in brevis is linked to your identity. Ask the "
                   "programme's coordinator to add you: "),
                 contact, ".");
      break;
    case OidcFailure::kDeactivated:
      status = 403;
      title = L(lang, "Ditt konto är avstängt", "Your account is deactivated");
      text = Cat(L(lang,
                   "Ditt konto i brevis är avstängt, så du kan inte logga "
                   "in. Fråga ",
                   "Your brevis account is deactivated, so you cannot sign "
                   "in. Ask "),
                 contact,
                 L(lang, " om du behöver komma åt brevis igen.",
                   " if you need access to brevis again."));
      break;
    case OidcFailure::kIdpUnavailable:
      status = 503;
      title = L(lang, "Inloggningstjänsten svarar inte",
                "The sign-in service is not responding");
      text = Cat(L(lang,
                   "Identitetstjänsten som brevis loggar in med svarar inte "
                   "just nu. Försök igen om en stund. Fortsätter det, "
                   "kontakta ",
                   "The identity provider brevis signs in with is not "
                   "responding right now. Try again in a while. If it goes "
                   "on, contact "),
                 contact, ".");
      break;
    case OidcFailure::kBrevisRefused:
      status = 503;
      title = L(lang, "Inloggningen fungerar inte just nu",
                "Sign-in is not working just now");
      text = Cat(L(lang,
                   "Identitetstjänsten godkände dig, men brevis-servern "
                   "kunde inte logga in dig just nu. Försök igen om en "
                   "stund. Fortsätter det, kontakta ",
                   "The identity provider accepted you, but the brevis "
                   "server could not sign you in just now. Try again in a "
                   "while. If it goes on, contact "),
                 contact, ".");
      break;
    default:
      title = L(lang, "Inloggningen misslyckades", "Sign-in failed");
      text = Cat(L(lang,
                   "Inloggningen kunde inte slutföras, så du är inte "
                   "inloggad. Börja om från inloggningssidan. Fortsätter "
                   "det, kontakta ",
                   "Signing in could not be completed, so you are not "
                   "signed in. Start again from the sign-in page. If it "
                   "goes on, contact "),
                 contact, ".");
  }
  Html h;
  h << Markup("<p>") << text << Markup("</p><p><a href=\"/sign-in\">")
    << L(lang, "Till inloggningssidan", "To the sign-in page")
    << Markup("</a></p>");
  HttpResponse response = MarkedPage(ctx, title, h, status, "sign-in-failed",
                                     FailureMarker(failure));
  return response;
}

HttpResponse WebApp::SignedOutPage(const Ctx& ctx) const {
  Lang lang = ctx.lang;
  Html h;
  h << Markup("<p role=\"status\">")
    << L(lang, "Du är utloggad från brevis.", "You are signed out of brevis.")
    << Markup("</p><p><a href=\"/sign-in\">")
    << L(lang, "Logga in igen", "Sign in again") << Markup("</a></p>");
  return Page(ctx, L(lang, "Utloggad", "Signed out"), h);
}

void WebApp::OidcButton(const Ctx& ctx, const std::string& next,
                        Html& h) const {
  if (options_.oidc == nullptr) return;
  std::string provider = options_.oidc_provider_name.empty()
                             ? L(ctx.lang, "e-legitimation", "e-ID")
                             : options_.oidc_provider_name;
  h << Markup("<p><a class=\"button\" id=\"oidc-sign-in\" href=\"")
    << Cat("/oidc/start?next=", UrlEncode(next)) << Markup("\">")
    << Cat(L(ctx.lang, "Logga in med ", "Sign in with "), provider)
    << Markup("</a></p>");
}

std::string WebApp::AfterSignOut(const WebSession& session) const {
  if (options_.oidc != nullptr && !session.id_token.empty()) {
    std::string url = options_.oidc->EndSessionUrl(
        session.id_token, Cat(options_.public_url, "/signed-out"));
    if (!url.empty()) return url;
  }
  return "/sign-in?signed_out=1";
}

std::string WebApp::LogoutOrigin(const WebSession& session) const {
  if (options_.oidc == nullptr || session.id_token.empty()) return "";
  std::string url = AfterSignOut(session);
  constexpr std::string_view kHttps = "https://";
  if (url.rfind(kHttps, 0) != 0) return "";
  std::string origin = url.substr(0, url.find_first_of("/?#", kHttps.size()));
  // Only what an origin holds, so that nothing can end the CSP directive.
  for (char c : origin.substr(kHttps.size())) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view(".-:[]").find(c) == std::string_view::npos) {
      return "";
    }
  }
  return origin.size() > kHttps.size() ? origin : "";
}

}  // namespace brevis::web
