#ifndef BREVIS_CLIENT_LIB_WEB_CONFIG_H_
#define BREVIS_CLIENT_LIB_WEB_CONFIG_H_

// brevis-web's settings: command-line flags (CLI11) and an optional TOML
// file (toml++) with the same names, '_' for '-'. A flag on the command line
// wins over the file. Plain values; copy freely.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace brevis::web {

struct WebConfig {
  // HOST:PORT to serve HTTP on; port 0 picks a free port.
  std::string listen = "127.0.0.1:8080";
  // Base of absolute links (sign-in URLs); default "http(s)://<listen>".
  std::string public_url;
  // brevisd's gRPC address.
  std::string brevis_addr = "127.0.0.1:50051";
  // Browser-side TLS (PEM); both or neither. Required off loopback.
  std::string tls_cert;
  std::string tls_key;
  // brevisd-side TLS: CA of brevisd's certificate, client certificate and
  // key (mutual TLS), and the name to check brevisd's certificate against.
  std::string brevis_ca;
  std::string brevis_cert;
  std::string brevis_key;
  std::string brevis_server_name;

  // OpenID Connect sign-in; on when oidc_issuer is set (oidc_sign_in.h).
  // The provider's issuer identifier (https).
  std::string oidc_issuer;
  // brevis-web's client id at the provider, and a file holding its secret
  // (client_secret_basic); CheckConfig reads the secret into
  // oidc_client_secret.
  std::string oidc_client_id;
  std::string oidc_client_secret_file;
  std::string oidc_client_secret;
  // Default (set by main once the port is known): <public_url>/oidc/callback.
  std::string oidc_redirect_uri;
  // The claim whose value is the person's ExternalIdentity subject.
  std::string oidc_subject_claim = "sub";
  // A required acr value (sent as acr_values); "" for none.
  std::string oidc_acr;
  std::string oidc_scopes = "openid";
  // PEM CA file for the provider's TLS; "" for the system's store.
  std::string oidc_ca;
  // The sign-in button's text; "" for "e-legitimation" / "e-ID".
  std::string oidc_provider_name;
  // Whom to ask, shown on every failed sign-in page.
  std::string support_contact;
  // Least seconds between two key-set fetches for an unknown kid (as text
  // in flags and files; CheckConfig reads it into oidc_jwks_refetch).
  std::string oidc_jwks_refetch_seconds = "60";
  int oidc_jwks_refetch = 60;

  bool browser_tls() const { return !tls_cert.empty(); }
  bool oidc() const { return !oidc_issuer.empty(); }
};

// What ParseCommandLine found: a config, or a reason to exit now (--help
// printed, or an error already explained in `message`).
struct ParsedCommandLine {
  WebConfig config;
  bool exit_now = false;
  int exit_code = 0;
  std::string message;  // --help text or the error, for stdout/stderr
};

// Parses argv (CLI11) and the --config file (toml++), then checks the whole:
// a non-loopback listen without tls_cert and tls_key is refused, as brevisd
// refuses it (tokens and audit text would cross the network in clear text);
// one of tls_cert/tls_key without the other, one of brevis_cert/brevis_key
// without the other, an unknown TOML key, a value that is not a string and
// a listen address without a port are refused with a message naming the
// flag or key; so are the OpenID Connect settings CheckConfig refuses.
// exit_code 2 for every refusal, 0 for --help.
ParsedCommandLine ParseCommandLine(int argc, const char* const* argv);

// Checks a config that flags and file produced (ParseCommandLine calls it).
// INVALID_ARGUMENT naming the setting, or FAILED_PRECONDITION for the
// loopback-without-TLS rule. For OpenID Connect: oidc_issuer must be an
// https URL without query or fragment of at most 255 characters (what
// brevisd accepts as an issuer); with it oidc_client_id and
// oidc_client_secret_file are required, the secret file must be readable
// and not empty, oidc_ca readable when given, oidc_scopes must include
// "openid", oidc_subject_claim must not be empty, oidc_redirect_uri must
// be http(s) when given and oidc_jwks_refetch_seconds an integer from 1 to
// 86400; any other oidc_* setting without oidc_issuer is refused (it would
// do nothing). Reads the secret into oidc_client_secret.
absl::Status CheckConfig(WebConfig& config);

// True for 127.0.0.0/8, ::1 and "localhost" (brevisd's rule). `address` is
// HOST:PORT, with [ ] around an IPv6 host.
bool IsLoopbackAddress(const std::string& address);

// Splits HOST:PORT ("[::1]:80" too). INVALID_ARGUMENT without a port or with
// a port outside 0-65535.
absl::StatusOr<std::pair<std::string, int>> SplitHostPort(
    const std::string& address);

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_CONFIG_H_
