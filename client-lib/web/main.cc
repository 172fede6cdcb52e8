// brevis-web: serves the brevis audit work as HTML pages. See config.h for
// the flags, web_app.h for what a request goes through.

#include <curl/curl.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "absl/synchronization/notification.h"
#include "brevis/client/client.h"
#include "client-lib/web/config.h"
#include "client-lib/web/http_server.h"
#include "client-lib/web/oidc_sign_in.h"
#include "client-lib/web/web_app.h"

int main(int argc, char** argv) {
  brevis::web::ParsedCommandLine parsed =
      brevis::web::ParseCommandLine(argc, argv);
  if (parsed.exit_now) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message;
    return parsed.exit_code;
  }
  const brevis::web::WebConfig& config = parsed.config;
  // libcurl's global state, before any thread exists (OpenID Connect).
  curl_global_init(CURL_GLOBAL_DEFAULT);

  // Signals go to the thread that waits for them, never to a pool thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  brevis::client::ClientOptions client_options;
  client_options.target = config.brevis_addr;
  client_options.ca_file = config.brevis_ca;
  client_options.cert_file = config.brevis_cert;
  client_options.key_file = config.brevis_key;
  client_options.tls_server_name = config.brevis_server_name;
  client_options.use_tls = !config.brevis_ca.empty() ||
                           !config.brevis_cert.empty() ||
                           !config.brevis_server_name.empty();
  client_options.user_agent = "brevis-web/0.1";
  absl::StatusOr<brevis::client::Client> brevis =
      brevis::client::Client::Create(client_options);
  if (!brevis.ok()) {
    std::cerr << "brevis-web: " << brevis.status().message() << std::endl;
    return 2;
  }

  // The public URL's default needs the real port, so the app learns it
  // after the server has bound; until then no request can arrive at it.
  brevis::web::WebAppOptions app_options;
  // Browsers reach us over https either through our own TLS or through a
  // TLS front (public_url https://...): both need Secure, __Host- cookies,
  // or a session cookie would also travel over a plain-http request.
  app_options.tls =
      config.browser_tls() || config.public_url.rfind("https://", 0) == 0;
  std::unique_ptr<brevis::web::WebApp> app;
  brevis::web::HttpServerOptions server_options;
  server_options.listen = config.listen;
  server_options.tls_cert = config.tls_cert;
  server_options.tls_key = config.tls_key;
  absl::Notification app_ready;
  auto server = brevis::web::HttpServer::Start(
      server_options,
      [&](const brevis::web::HttpRequest& request) {
        app_ready.WaitForNotification();
        return app->Handle(request);
      },
      [&](int status) {
        app_ready.WaitForNotification();
        return app->ErrorPage(status);
      });
  if (!server.ok()) {
    std::cerr << "brevis-web: " << server.status().message() << std::endl;
    return 1;
  }
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::string scheme = config.browser_tls() ? "https" : "http";
  std::string local =
      scheme + "://" + host + ":" + std::to_string((*server)->port());
  app_options.public_url =
      config.public_url.empty() ? local : config.public_url;
  if (config.oidc()) {
    brevis::web::OidcSettings oidc;
    oidc.issuer = config.oidc_issuer;
    oidc.client_id = config.oidc_client_id;
    oidc.client_secret = config.oidc_client_secret;
    oidc.redirect_uri = config.oidc_redirect_uri.empty()
                            ? app_options.public_url + "/oidc/callback"
                            : config.oidc_redirect_uri;
    oidc.subject_claim = config.oidc_subject_claim;
    oidc.acr = config.oidc_acr;
    oidc.scopes = config.oidc_scopes;
    oidc.jwks_refetch_interval = absl::Seconds(config.oidc_jwks_refetch);
    // Nothing is fetched yet: the first sign-in asks the provider, so
    // brevis-web starts while it is down.
    app_options.oidc = std::make_shared<brevis::web::OidcSignIn>(
        std::move(oidc),
        std::make_shared<brevis::web::CurlHttps>(config.oidc_ca),
        [] { return absl::Now(); });
    app_options.oidc_provider_name = config.oidc_provider_name;
  }
  app_options.support_contact = config.support_contact;
  app = std::make_unique<brevis::web::WebApp>(*brevis, app_options,
                                              [] { return absl::Now(); });
  app_ready.Notify();
  // Tests and scripts wait for exactly this line; keep it stable.
  std::cerr << "brevis-web: listening on " << local << std::endl;

  // Sessions that expire while nobody asks for them still get their
  // tokens revoked.
  absl::Notification stopping;
  std::thread sweeper([&] {
    while (!stopping.WaitForNotificationWithTimeout(absl::Minutes(1))) {
      app->sessions().Sweep();
    }
  });

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "brevis-web: "
            << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
            << " received, finishing requests for up to 5 s" << std::endl;
  stopping.Notify();
  sweeper.join();
  (*server)->Shutdown();
  bool in_time = (*server)->Wait(std::chrono::seconds(5));
  std::cerr << "brevis-web: stopped" << (in_time ? "" : " (requests cut off)")
            << std::endl;
  // Requests cut off may still be in libcurl; then the process just ends.
  if (in_time) curl_global_cleanup();
  return 0;
}
