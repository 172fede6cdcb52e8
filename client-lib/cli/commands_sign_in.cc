// brevisctl principals sign-in-link, principals sign-in-links and
// principals identities add|remove: the ways a person signs in.

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "client-lib/cli/cli.h"

namespace brevis::cli {
namespace {

// Where brevis-web answers when neither --web-url nor $BREVIS_WEB_URL says.
constexpr char kDefaultWebUrl[] = "http://127.0.0.1:8080";

struct SignInFlags {
  std::string principal, ttl, web_url;
};

struct IdentityFlags {
  std::string principal, issuer, subject;
};

std::string DefaultWebUrl() {
  const char* from_environment = std::getenv("BREVIS_WEB_URL");
  return from_environment != nullptr && *from_environment != '\0'
             ? from_environment
             : kDefaultWebUrl;
}

// The URL brevis-web signs the link's holder in at. The secret is
// base64url with a "brv_" prefix, so it needs no escaping in a query.
absl::StatusOr<std::string> SignInUrl(std::string web_url,
                                      const std::string& secret) {
  if (!absl::StartsWith(web_url, "http://") &&
      !absl::StartsWith(web_url, "https://")) {
    return absl::InvalidArgumentError(
        "--web-url: must start with http:// or https:// (brevis-web's "
        "public_url, for example https://brevis.example.se)");
  }
  while (web_url.ends_with('/')) web_url.pop_back();
  return web_url + "/sign-in?link=" + secret;
}

}  // namespace

void AddSignInLinkCommands(CLI::App* principals, Context* context) {
  auto flags = std::make_shared<SignInFlags>();
  CLI::App* create = AddCommand(
      principals, context, "sign-in-link",
      "Make a one-time sign-in link for brevis-web; prints its URL on stdout "
      "(one line) and when it expires on stderr",
      "brevisctl principals sign-in-link principals/3f2a9c0d1e4b5a67 "
      "--ttl 2h --web-url https://brevis.example.se",
      [context, flags](const Client& client) {
        v1::CreateSignInLinkRequest request;
        request.set_parent(flags->principal);
        if (!flags->ttl.empty()) {
          absl::Duration ttl;
          if (!absl::ParseDuration(flags->ttl, &ttl) ||
              ttl == absl::InfiniteDuration()) {
            return context->Fail(absl::InvalidArgumentError(
                "--ttl: a duration like 30m, 2h or 24h"));
          }
          int64_t seconds = absl::IDivDuration(ttl, absl::Seconds(1), &ttl);
          request.mutable_ttl()->set_seconds(seconds);
          request.mutable_ttl()->set_nanos(
              static_cast<int32_t>(absl::ToInt64Nanoseconds(ttl)));
        }
        std::string web_url =
            flags->web_url.empty() ? DefaultWebUrl() : flags->web_url;
        // Refuse a bad URL before a secret is minted for nothing.
        if (absl::Status valid = SignInUrl(web_url, "").status(); !valid.ok()) {
          return context->Fail(valid);
        }
        absl::StatusOr<v1::CreateSignInLinkResponse> response =
            client.CreateSignInLink(request);
        if (!response.ok()) return context->Fail(response.status());
        std::cout << *SignInUrl(web_url, response->secret()) << "\n";
        if (!context->quiet) {
          std::cerr
              << "brevisctl: " << response->sign_in_link().name()
              << " works once, until "
              << absl::FormatTime(
                     absl::FromUnixSeconds(
                         response->sign_in_link().expire_time().seconds()),
                     absl::UTCTimeZone())
              << "\n";
        }
        return kExitOk;
      });
  create->add_option("principal", flags->principal, "principals/{principal}")
      ->required();
  create->add_option("--ttl", flags->ttl,
                     "How long the link works, like 30m or 2h (default and "
                     "at most 24h)");
  create->add_option("--web-url", flags->web_url,
                     "brevis-web's address (default $BREVIS_WEB_URL, else " +
                         std::string(kDefaultWebUrl) + ")");

  auto parent = std::make_shared<std::string>("principals/-");
  CLI::App* list = AddCommand(
      principals, context, "sign-in-links",
      "List sign-in links (never secrets): when each expires and whether it "
      "was used",
      "brevisctl principals sign-in-links principals/3f2a9c0d1e4b5a67",
      [context, parent](const Client& client) {
        v1::ListSignInLinksRequest request;
        request.set_parent(*parent);
        return context->ShowAll(client.WalkSignInLinks(request));
      });
  list->add_option("principal", *parent,
                   "principals/{principal}; every principal's when left out");
}

void AddIdentityCommands(CLI::App* principals, Context* context) {
  CLI::App* identities = AddGroup(
      principals, "identities",
      "OpenID Connect identities (issuer + subject) that sign a principal "
      "in to brevis-web; `principals show` lists them",
      "brevisctl principals identities add principals/3f2a9c0d1e4b5a67 "
      "--issuer https://idp.region.se --subject SE2321000016-1234");
  auto flags = std::make_shared<IdentityFlags>();
  // `Request` (AddExternalIdentityRequest or RemoveExternalIdentityRequest)
  // of the flags, sent with `method`.
  auto change = [context, flags](auto request, auto method) {
    return [context, flags, request, method](const Client& client) mutable {
      request.set_name(flags->principal);
      request.mutable_external_identity()->set_issuer(flags->issuer);
      request.mutable_external_identity()->set_subject(flags->subject);
      return context->Show((client.*method)(request, {}));
    };
  };
  CLI::App* add = AddCommand(
      identities, context, "add",
      "Link an identity to a principal (unique across principals)",
      "brevisctl principals identities add principals/3f2a9c0d1e4b5a67 "
      "--issuer https://idp.region.se --subject SE2321000016-1234",
      change(v1::AddExternalIdentityRequest(), &Client::AddExternalIdentity));
  CLI::App* remove = AddCommand(
      identities, context, "remove", "Unlink an identity from a principal",
      "brevisctl principals identities remove principals/3f2a9c0d1e4b5a67 "
      "--issuer https://idp.region.se --subject SE2321000016-1234",
      change(v1::RemoveExternalIdentityRequest(),
             &Client::RemoveExternalIdentity));
  for (CLI::App* command : {add, remove}) {
    command->add_option("principal", flags->principal, "principals/{principal}")
        ->required();
    command
        ->add_option("--issuer", flags->issuer,
                     "The identity provider's issuer URL (https, as its "
                     "discovery document names it)")
        ->required();
    command
        ->add_option("--subject", flags->subject,
                     "The person's subject at that provider (the claim "
                     "brevis-web is configured to read, `sub` by default)")
        ->required();
  }
}

}  // namespace brevis::cli
