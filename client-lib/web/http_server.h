#ifndef BREVIS_CLIENT_LIB_WEB_HTTP_SERVER_H_
#define BREVIS_CLIENT_LIB_WEB_HTTP_SERVER_H_

// brevis-web's HTTP/1.1 server on Boost.Beast: plain HTTP on loopback, or
// HTTPS with the given certificate. A pool of threads runs the
// connections; a handler runs on one of them and may block (it calls
// brevisd). Requests larger than kMaxBodyBytes get the 413 page, requests
// Beast cannot parse the 400 page, and every read, write and TLS handshake
// has a deadline. Every response gets the security headers of issue 13
// (Content-Security-Policy, X-Content-Type-Options, Referrer-Policy,
// Cache-Control no-store unless the handler chose another).
//
// Thread-safe: Shutdown may be called from any thread (the signal thread).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace brevis::web {

// A parsed request, without Beast's types.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent, e.g. "/audits/a1?x=y"
  std::string path;    // percent-decoded path
  // Decoded query parameters and form fields (x-www-form-urlencoded), in
  // order; a name may repeat (checkbox groups).
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> form;
  std::map<std::string, std::string> cookies;
  bool tls = false;
  // False when the query or the form body is not valid urlencoding.
  bool well_formed = true;

  // The first value of `name`, or "" (query first, then form).
  std::string Param(const std::string& name) const;
  std::string Form(const std::string& name) const;
  // Every form value of `name`.
  std::vector<std::string> FormAll(const std::string& name) const;
  std::string Cookie(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  // Extra headers (Location, Set-Cookie, Content-Disposition, ...). A
  // handler may set Content-Security-Policy or Cache-Control to replace the
  // defaults.
  std::vector<std::pair<std::string, std::string>> headers;
  // brevisd refused the session's own token (UNAUTHENTICATED: revoked,
  // expired, the person deactivated): WebApp ends the session, so its
  // cookie stops reaching brevisd, where each refusal would count toward
  // the address's failed-sign-in throttle that every person shares.
  bool session_refused = false;
};

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert;  // PEM files; both empty: plain HTTP
  std::string tls_key;
  // A handler blocks on brevisd for the whole page (several calls), so the
  // pool bounds how many people are served at once: with 4 threads, 20
  // people in the web bench queued behind each other (p95 over 500 ms).
  // The threads mostly wait on the network; 32 matches brevisd's workers.
  int threads = 32;
  // Largest request body; larger gets 413. Findings may be 10,000
  // characters of UTF-8 (up to 40 kB), urlencoded up to three times that.
  size_t max_body_bytes = 256 * 1024;
  std::chrono::seconds read_timeout{30};
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // The page for a status the server answers itself (400, 413).
  using ErrorPage = std::function<HttpResponse(int status)>;

  // Binds, starts the threads and returns. INVALID_ARGUMENT for a bad
  // address or unreadable TLS files, UNAVAILABLE when the port cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, Handler handler, ErrorPage error_page);

  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port bound (the real one when 0 was asked for).
  int port() const;

  // Stops accepting, closes idle connections and lets requests in flight
  // finish; returns at once. Wait then blocks until they are done.
  void Shutdown();
  // Waits up to `timeout` for every connection to finish after Shutdown,
  // then stops the rest by force. True when everything finished in time.
  bool Wait(std::chrono::milliseconds timeout);

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The headers every response gets unless the handler set its own.
void AddSecurityHeaders(HttpResponse& response);

// brevis-web's Content-Security-Policy: everything from its own origin, no
// framing, forms posted to itself, and also to `form_origin` when not
// empty (an origin such as "https://idp.example.se:8443", already checked
// by the caller to hold no spaces, ';' or ',').
std::string ContentSecurityPolicy(std::string_view form_origin = "");

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_HTTP_SERVER_H_
