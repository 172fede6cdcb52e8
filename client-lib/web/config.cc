#include "client-lib/web/config.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "client-lib/web/cat.h"

namespace brevis::web {
namespace {

// http://HOST[:PORT]/... with a loopback HOST (IsLoopbackAddress's rule).
bool IsLoopbackHttpUrl(const std::string& url) {
  constexpr std::string_view kHttp = "http://";
  if (url.rfind(kHttp, 0) != 0) return false;
  std::string authority = url.substr(kHttp.size());
  authority = authority.substr(0, authority.find_first_of("/?#"));
  size_t bracket = authority.rfind(']');
  size_t colon = authority.rfind(':');
  bool has_port = colon != std::string::npos &&
                  (bracket == std::string::npos || colon > bracket);
  return IsLoopbackAddress(has_port ? authority : authority + ":80");
}

struct Setting {
  const char* key;  // TOML key; the flag is "--" + key with '-' for '_'
  std::string WebConfig::*field;
  const char* help;
  bool integer = false;  // a TOML integer is accepted too
};

constexpr Setting kSettings[] = {
    {"listen", &WebConfig::listen,
     "HOST:PORT to serve HTTP on; a non-loopback address needs --tls-cert "
     "and --tls-key; port 0 picks a free port"},
    {"public_url", &WebConfig::public_url,
     "Base URL of links and redirects (default http://<listen>)"},
    {"brevis_addr", &WebConfig::brevis_addr, "brevisd's gRPC HOST:PORT"},
    {"tls_cert", &WebConfig::tls_cert,
     "PEM certificate for HTTPS; with --tls-key turns TLS on"},
    {"tls_key", &WebConfig::tls_key, "PEM private key of --tls-cert"},
    {"brevis_ca", &WebConfig::brevis_ca,
     "PEM CA of brevisd's certificate (TLS to brevisd)"},
    {"brevis_cert", &WebConfig::brevis_cert,
     "PEM client certificate for mutual TLS to brevisd"},
    {"brevis_key", &WebConfig::brevis_key, "PEM key of --brevis-cert"},
    {"brevis_server_name", &WebConfig::brevis_server_name,
     "Name to check brevisd's certificate against"},
    {"oidc_issuer", &WebConfig::oidc_issuer,
     "OpenID Connect: the provider's issuer URL (https); sign-in with the "
     "provider is on when set and must equal its discovery document's "
     "issuer"},
    {"oidc_client_id", &WebConfig::oidc_client_id,
     "OpenID Connect: brevis-web's client id at the provider"},
    {"oidc_client_secret_file", &WebConfig::oidc_client_secret_file,
     "OpenID Connect: file holding the client secret (client_secret_basic)"},
    {"oidc_redirect_uri", &WebConfig::oidc_redirect_uri,
     "OpenID Connect: redirect URI registered at the provider (default "
     "<public_url>/oidc/callback)"},
    {"oidc_subject_claim", &WebConfig::oidc_subject_claim,
     "OpenID Connect: the ID-token claim that identifies a person (e.g. an "
     "HSA-id claim); its value is the identity an admin links to a "
     "principal"},
    {"oidc_acr", &WebConfig::oidc_acr,
     "OpenID Connect: required assurance level; sent as acr_values and the "
     "ID token's acr must equal it (default: none required)"},
    {"oidc_scopes", &WebConfig::oidc_scopes,
     "OpenID Connect: scopes asked for, space-separated; must include "
     "openid"},
    {"oidc_ca", &WebConfig::oidc_ca,
     "OpenID Connect: PEM CA file for the provider's TLS certificate "
     "(default: the system's store)"},
    {"oidc_provider_name", &WebConfig::oidc_provider_name,
     "OpenID Connect: name on the sign-in button (default "
     "e-legitimation / e-ID)"},
    {"support_contact", &WebConfig::support_contact,
     "Whom to ask when sign-in fails, shown on the page (e.g. the "
     "programme's coordinator and an e-mail address)"},
    {"oidc_jwks_refetch_seconds", &WebConfig::oidc_jwks_refetch_seconds,
     "OpenID Connect: least seconds between two fetches of the provider's "
     "keys for a token with an unknown key id (1-86400)",
     true},
};

std::string FlagOf(const char* key) {
  std::string flag = std::string("--") + key;
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

absl::Status ApplyFile(const std::string& path,
                       const std::set<std::string>& given, WebConfig& config) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return absl::NotFoundError(
        Cat("config file ", path, " does not exist or is not a file"));
  }
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(Cat(path, ":", e.source().begin.line,
                                          ": ", std::string(e.description())));
  }
  for (const auto& entry : table) {
    const std::string key(entry.first.str());
    const Setting* setting = nullptr;
    for (const Setting& s : kSettings) {
      if (key == s.key) setting = &s;
    }
    if (setting == nullptr) {
      std::string known;
      for (const Setting& s : kSettings) {
        known += known.empty() ? "" : ", ";
        known += s.key;
      }
      return absl::InvalidArgumentError(
          Cat(path, ": unknown key '", key, "'; keys: ", known));
    }
    std::optional<std::string> value = entry.second.value<std::string>();
    if (!value && setting->integer && entry.second.is_integer()) {
      value = std::to_string(*entry.second.value<int64_t>());
    }
    if (!value) {
      return absl::InvalidArgumentError(
          Cat(path, ": ", key, " must be a string"));
    }
    if (!given.contains(key)) config.*(setting->field) = *value;
  }
  return absl::OkStatus();
}

bool IsReadableFile(const std::string& path) {
  std::ifstream in(path);
  std::error_code error;
  return in.good() && std::filesystem::is_regular_file(path, error);
}

// The OpenID Connect settings (config.h lists the rules).
absl::Status CheckOidc(WebConfig& config) {
  if (!config.oidc()) {
    const std::pair<const char*, bool> lonely[] = {
        {"oidc_client_id", !config.oidc_client_id.empty()},
        {"oidc_client_secret_file", !config.oidc_client_secret_file.empty()},
        {"oidc_redirect_uri", !config.oidc_redirect_uri.empty()},
        {"oidc_acr", !config.oidc_acr.empty()},
        {"oidc_ca", !config.oidc_ca.empty()},
    };
    for (const auto& [key, set] : lonely) {
      if (set) {
        return absl::InvalidArgumentError(
            Cat(key, ": needs oidc_issuer (", FlagOf("oidc_issuer"),
                "); without it OpenID Connect sign-in is off"));
      }
    }
    return absl::OkStatus();
  }
  const std::string& issuer = config.oidc_issuer;
  if (issuer.rfind("https://", 0) != 0 || issuer.size() <= 8 ||
      issuer.find_first_of("?#") != std::string::npos || issuer.size() > 255) {
    return absl::InvalidArgumentError(
        "oidc_issuer: must be an https:// URL without query or fragment, at "
        "most 255 characters (OpenID Connect Core 1.0 §2)");
  }
  if (config.oidc_client_id.empty()) {
    return absl::InvalidArgumentError(
        "oidc_client_id: required with oidc_issuer");
  }
  if (config.oidc_client_secret_file.empty()) {
    return absl::InvalidArgumentError(
        "oidc_client_secret_file: required with oidc_client_id (a file "
        "holding the client secret)");
  }
  std::ifstream in(config.oidc_client_secret_file);
  if (!IsReadableFile(config.oidc_client_secret_file)) {
    return absl::InvalidArgumentError(
        Cat("oidc_client_secret_file: cannot read ",
            config.oidc_client_secret_file));
  }
  std::string secret((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
  // A trailing newline from an editor or echo is not part of the secret.
  while (!secret.empty() &&
         std::isspace(static_cast<unsigned char>(secret.back()))) {
    secret.pop_back();
  }
  if (secret.empty()) {
    return absl::InvalidArgumentError(
        Cat("oidc_client_secret_file: ", config.oidc_client_secret_file,
            " is empty"));
  }
  config.oidc_client_secret = std::move(secret);
  if (!config.oidc_ca.empty() && !IsReadableFile(config.oidc_ca)) {
    return absl::InvalidArgumentError(
        Cat("oidc_ca: cannot read ", config.oidc_ca));
  }
  if (!config.oidc_redirect_uri.empty() &&
      config.oidc_redirect_uri.rfind("https://", 0) != 0 &&
      !IsLoopbackHttpUrl(config.oidc_redirect_uri)) {
    // The authorization code travels in this URL (RFC 6749 §3.1.2.1).
    return absl::InvalidArgumentError(
        "oidc_redirect_uri: must start with https:// (or http:// on "
        "loopback)");
  }
  if (config.oidc_subject_claim.empty()) {
    return absl::InvalidArgumentError(
        "oidc_subject_claim: must name a claim (default sub)");
  }
  if ((" " + config.oidc_scopes + " ").find(" openid ") == std::string::npos) {
    return absl::InvalidArgumentError(
        "oidc_scopes: must include openid (OpenID Connect Core 1.0 §3.1.2.1)");
  }
  if (!ParseInt(config.oidc_jwks_refetch_seconds, &config.oidc_jwks_refetch) ||
      config.oidc_jwks_refetch < 1 || config.oidc_jwks_refetch > 86400) {
    return absl::InvalidArgumentError(
        "oidc_jwks_refetch_seconds: must be an integer from 1 to 86400");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(
    const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        Cat("listen: '", address, "' is not HOST:PORT"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  if (!ParseInt(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        Cat("listen: the port of '", address, "' must be 0-65535"));
  }
  return std::make_pair(host, port);
}

bool IsLoopbackAddress(const std::string& address) {
  absl::StatusOr<std::pair<std::string, int>> split = SplitHostPort(address);
  if (!split.ok()) return false;
  const std::string& host = split->first;
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

absl::Status CheckConfig(WebConfig& config) {
  absl::StatusOr<std::pair<std::string, int>> split =
      SplitHostPort(config.listen);
  if (!split.ok()) return split.status();
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "tls_cert and tls_key: give both (--tls-cert, --tls-key) or neither");
  }
  if (config.brevis_cert.empty() != config.brevis_key.empty()) {
    return absl::InvalidArgumentError(
        "brevis_cert and brevis_key: give both (--brevis-cert, "
        "--brevis-key) or neither");
  }
  if (config.brevis_addr.empty()) {
    return absl::InvalidArgumentError("brevis_addr: required");
  }
  if (!config.browser_tls() && !IsLoopbackAddress(config.listen)) {
    return absl::FailedPreconditionError(Cat(
        "refusing to listen on ", config.listen,
        " without TLS: session cookies and audit content would cross the "
        "network in clear text. Give --tls-cert and --tls-key, or listen on "
        "a loopback address (127.0.0.1, [::1], localhost)"));
  }
  if (!config.public_url.empty() &&
      config.public_url.rfind("http://", 0) != 0 &&
      config.public_url.rfind("https://", 0) != 0) {
    return absl::InvalidArgumentError(
        "public_url: must start with http:// or https://");
  }
  while (!config.public_url.empty() && config.public_url.back() == '/') {
    config.public_url.pop_back();
  }
  return CheckOidc(config);
}

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv) {
  ParsedCommandLine result;
  WebConfig& config = result.config;
  CLI::App app(
      "brevis-web: the brevis audit work in a browser. Every page is made "
      "from brevisd calls with the signed-in person's own token.\n"
      "Every flag can also be set in a TOML file given with --config (keys "
      "are the flag names with '_' for '-'); flags on the command line "
      "win.\nExample: brevis-web --listen 127.0.0.1:8080 --brevis-addr "
      "127.0.0.1:50051",
      "brevis-web");
  std::string config_path;
  app.add_option("--config", config_path, "TOML config file");
  std::vector<CLI::Option*> options;
  for (const Setting& s : kSettings) {
    options.push_back(app.add_option(FlagOf(s.key), config.*(s.field), s.help)
                          ->capture_default_str());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    result.exit_now = true;
    result.exit_code = 0;
    result.message = app.help();
    return result;
  } catch (const CLI::ParseError& e) {
    result.exit_now = true;
    result.exit_code = 2;
    result.message = Cat("brevis-web: ", e.what(), "\n");
    return result;
  }
  absl::Status status = absl::OkStatus();
  if (!config_path.empty()) {
    std::set<std::string> given;
    for (size_t i = 0; i < options.size(); ++i) {
      if (options[i]->count() > 0) given.insert(kSettings[i].key);
    }
    status = ApplyFile(config_path, given, config);
  }
  if (status.ok()) status = CheckConfig(config);
  if (!status.ok()) {
    result.exit_now = true;
    result.exit_code = 2;
    result.message = Cat("brevis-web: ", status.message(), "\n");
  }
  return result;
}

}  // namespace brevis::web
