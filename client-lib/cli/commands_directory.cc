// brevisctl whoami, units, principals, tokens.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "client-lib/cli/cli.h"
#include "google/protobuf/util/time_util.h"

namespace brevis::cli {
namespace {

struct UnitFlags {
  std::string name, display_name, region, kind, hsa_id, active, etag;
  std::string filter, request_id;
};

// Fills the fields of `unit` that were given; returns the update mask
// paths of those fields.
absl::StatusOr<std::vector<std::string>> FillUnit(const UnitFlags& flags,
                                                  v1::Unit* unit) {
  std::vector<std::string> paths;
  if (!flags.display_name.empty()) {
    unit->set_display_name(flags.display_name);
    paths.push_back("display_name");
  }
  if (!flags.region.empty()) {
    unit->set_region(flags.region);
    paths.push_back("region");
  }
  if (!flags.kind.empty()) {
    absl::StatusOr<v1::UnitKind> kind =
        ParseEnum<v1::UnitKind>("--kind", flags.kind);
    if (!kind.ok()) return kind.status();
    unit->set_kind(*kind);
    paths.push_back("kind");
  }
  if (!flags.hsa_id.empty()) {
    unit->set_hsa_id(flags.hsa_id);
    paths.push_back("hsa_id");
  }
  if (!flags.active.empty()) {
    if (flags.active != "true" && flags.active != "false") {
      return absl::InvalidArgumentError("--active: true or false");
    }
    unit->set_active(flags.active == "true");
    paths.push_back("active");
  }
  return paths;
}

void AddUnitCommands(CLI::App* app, Context* context) {
  CLI::App* units =
      AddGroup(app, "units", "BUP units: list, create, show, update, summary",
               "brevisctl units list");
  auto flags = std::make_shared<UnitFlags>();

  CLI::App* list = AddCommand(
      units, context, "list", "List units in the order they were created",
      "brevisctl units list --filter 'region = \"Region Stockholm\"'",
      [context, flags](const Client& client) {
        v1::ListUnitsRequest request;
        request.set_filter(flags->filter);
        return context->ShowAll(client.WalkUnits(request));
      });
  list->add_option("--filter", flags->filter,
                   "active (true|false), kind (OUTPATIENT, ...), region "
                   "(quoted), joined with AND");

  CLI::App* create =
      AddCommand(units, context, "create", "Register a unit",
                 "brevisctl units create --display-name 'BUP Prima Handen' "
                 "--region 'Region Stockholm' --kind outpatient",
                 [context, flags](const Client& client) {
                   v1::CreateUnitRequest request;
                   absl::StatusOr<std::vector<std::string>> filled =
                       FillUnit(*flags, request.mutable_unit());
                   if (!filled.ok()) return context->Fail(filled.status());
                   request.set_request_id(flags->request_id);
                   return context->Show(client.CreateUnit(request));
                 });
  create->add_option("--display-name", flags->display_name, "Required");
  create->add_option("--region", flags->region,
                     "Required, for example \"Region Stockholm\"");
  create->add_option("--kind", flags->kind,
                     "Required: " + Choices<v1::UnitKind>());
  create->add_option("--hsa-id", flags->hsa_id,
                     "Optional, for example SE2321000016-15HX");
  create->add_option("--request-id", flags->request_id,
                     "Makes a repeated command return the first result "
                     "(default: a new id)");

  AddGetCommand(units, context, "show", "Show one unit",
                "brevisctl units show units/7d258fdb3e601b7b", "units/{unit}",
                &Client::GetUnit);

  CLI::App* update =
      AddCommand(units, context, "update", "Change the fields given",
                 "brevisctl units update units/7d258fdb3e601b7b --active false",
                 [context, flags](const Client& client) {
                   v1::UpdateUnitRequest request;
                   request.mutable_unit()->set_name(flags->name);
                   request.mutable_unit()->set_etag(flags->etag);
                   absl::Status mask =
                       SetUpdateMask(FillUnit(*flags, request.mutable_unit()),
                                     request.mutable_update_mask());
                   if (!mask.ok()) return context->Fail(mask);
                   return context->Show(client.UpdateUnit(request));
                 });
  update->add_option("name", flags->name, "units/{unit}")->required();
  update->add_option("--display-name", flags->display_name);
  update->add_option("--region", flags->region);
  update->add_option("--kind", flags->kind, Choices<v1::UnitKind>());
  update->add_option("--hsa-id", flags->hsa_id);
  update->add_option("--active", flags->active, "true or false");
  update->add_option("--etag", flags->etag, "Refuse if the unit changed");

  AddGetCommand(units, context, "summary",
                "Audits by state, open and overdue actions, share implemented",
                "brevisctl units summary units/7d258fdb3e601b7b",
                "units/{unit}", &Client::GetUnitSummary);
}

struct PrincipalFlags {
  std::string name, display_name, role, certificate_subject, filter, request_id;
  std::vector<std::string> units, scopes;
  std::string contact_email, language;
  std::vector<std::string> opt_outs;
  CLI::App* create_command = nullptr;
  CLI::App* contact_command = nullptr;
};

// The mail settings given on the command line into `principal`, and
// their paths into `mask` when it is set. INVALID_ARGUMENT naming the flag.
absl::Status FillContact(const PrincipalFlags& flags, CLI::App* command,
                         v1::Principal* principal,
                         google::protobuf::FieldMask* mask) {
  if (command->count("--contact-email") > 0) {
    principal->set_contact_email(flags.contact_email);
    if (mask) mask->add_paths("contact_email");
  }
  if (command->count("--language") > 0) {
    std::string language = flags.language == "sv"   ? "swedish"
                           : flags.language == "en" ? "english"
                                                    : flags.language;
    absl::StatusOr<v1::ReportLanguage> parsed =
        ParseEnum<v1::ReportLanguage>("--language", language);
    if (!parsed.ok()) return parsed.status();
    principal->set_language(*parsed);
    if (mask) mask->add_paths("language");
  }
  if (command->count("--opt-out") > 0) {
    for (const std::string& text : flags.opt_outs) {
      if (text == "none") continue;
      absl::StatusOr<v1::NotificationKind> kind =
          ParseEnum<v1::NotificationKind>("--opt-out", text);
      if (!kind.ok()) return kind.status();
      principal->add_notification_opt_outs(*kind);
    }
    if (mask) mask->add_paths("notification_opt_outs");
  }
  return absl::OkStatus();
}

void AddContactOptions(CLI::App* command, PrincipalFlags* flags) {
  command->add_option("--contact-email", flags->contact_email,
                      "Contact e-mail for notifications (personal data; "
                      "empty clears it)");
  command->add_option("--language", flags->language,
                      "Language of its mail: sv (default) or en");
  command->add_option(
      "--opt-out", flags->opt_outs,
      "Kind of mail it does not want: " + Choices<v1::NotificationKind>() +
          "; repeat; 'none' turns all on again");
}

void AddPrincipalCommands(CLI::App* app, Context* context) {
  CLI::App* principals =
      AddGroup(app, "principals", "People and service accounts (admins only)",
               "brevisctl principals list --filter 'role = AUDITOR'");
  auto flags = std::make_shared<PrincipalFlags>();

  CLI::App* list = AddCommand(
      principals, context, "list", "List principals",
      "brevisctl principals list --filter 'role = AUDITOR AND active = true'",
      [context, flags](const Client& client) {
        v1::ListPrincipalsRequest request;
        request.set_filter(flags->filter);
        return context->ShowAll(client.WalkPrincipals(request));
      });
  list->add_option("--filter", flags->filter,
                   "role (AUDITOR, ...), active (true|false)");

  CLI::App* create = AddCommand(
      principals, context, "create", "Add a person or a service account",
      "brevisctl principals create --display-name 'Revisor A' --role auditor",
      [context, flags](const Client& client) {
        v1::CreatePrincipalRequest request;
        v1::Principal* principal = request.mutable_principal();
        principal->set_display_name(flags->display_name);
        absl::StatusOr<v1::Role> role =
            ParseEnum<v1::Role>("--role", flags->role);
        if (!role.ok()) return context->Fail(role.status());
        principal->set_role(*role);
        for (const std::string& unit : flags->units) {
          principal->add_units(unit);
        }
        for (const std::string& text : flags->scopes) {
          absl::StatusOr<v1::Scope> scope =
              ParseEnum<v1::Scope>("--scope", text);
          if (!scope.ok()) return context->Fail(scope.status());
          principal->add_scopes(*scope);
        }
        principal->set_certificate_subject(flags->certificate_subject);
        request.set_request_id(flags->request_id);
        absl::Status contact =
            FillContact(*flags, flags->create_command, principal, nullptr);
        if (!contact.ok()) return context->Fail(contact);
        return context->Show(client.CreatePrincipal(request));
      });
  flags->create_command = create;
  AddContactOptions(create, flags.get());
  create
      ->add_option("--display-name", flags->display_name,
                   "Required: a role or a name")
      ->required();
  create->add_option("--role", flags->role, "Required: " + Choices<v1::Role>())
      ->required();
  create->add_option("--unit", flags->units,
                     "units/{unit}; repeat for several (unit managers, "
                     "integrations)");
  create->add_option("--scope", flags->scopes,
                     "Integrations: " + Choices<v1::Scope>() + "; repeat");
  create->add_option("--certificate-subject", flags->certificate_subject,
                     "Integrations: the client certificate's common name");
  create->add_option("--request-id", flags->request_id);

  AddGetCommand(principals, context, "show", "Show one principal",
                "brevisctl principals show principals/3f2a9c0d1e4b5a67",
                "principals/{principal}", &Client::GetPrincipal);

  CLI::App* deactivate =
      AddCommand(principals, context, "deactivate",
                 "Shut a principal out at once (every call with its tokens)",
                 "brevisctl principals deactivate principals/3f2a9c0d1e4b5a67",
                 [context, flags](const Client& client) {
                   v1::UpdatePrincipalRequest request;
                   request.mutable_principal()->set_name(flags->name);
                   request.mutable_principal()->set_active(false);
                   request.mutable_update_mask()->add_paths("active");
                   return context->Show(client.UpdatePrincipal(request));
                 });
  deactivate->add_option("name", flags->name, "principals/{principal}")
      ->required();

  CLI::App* contact = AddCommand(
      principals, context, "contact",
      "Set the contact e-mail, mail language or opt-outs (brevis-notify); "
      "a principal may set its own language and opt-outs",
      "brevisctl principals contact principals/3f2a9c0d1e4b5a67 "
      "--contact-email chef@region.se --language sv --opt-out unit_digest",
      [context, flags](const Client& client) {
        v1::UpdatePrincipalRequest request;
        request.mutable_principal()->set_name(flags->name);
        absl::Status filled = FillContact(*flags, flags->contact_command,
                                          request.mutable_principal(),
                                          request.mutable_update_mask());
        if (!filled.ok()) return context->Fail(filled);
        if (request.update_mask().paths().empty()) {
          return context->Fail(absl::InvalidArgumentError(
              "give --contact-email, --language or --opt-out"));
        }
        return context->Show(client.UpdatePrincipal(request));
      });
  contact->add_option("name", flags->name, "principals/{principal}")
      ->required();
  flags->contact_command = contact;
  AddContactOptions(contact, flags.get());

  AddSignInLinkCommands(principals, context);
  AddIdentityCommands(principals, context);
}

struct TokenFlags {
  std::string name, display_name, out;
  int expire_days = 0;
};

// Writes the secret to a new file only its owner can read.
absl::Status WriteSecret(const std::string& path, const std::string& secret) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError("cannot create " + path + ": " +
                                         std::strerror(errno));
  }
  std::string line = secret + "\n";
  bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  bool closed = close(fd) == 0;
  if (!written || !closed) {
    return absl::InternalError("cannot write " + path);
  }
  return absl::OkStatus();
}

void AddTokenCommands(CLI::App* app, Context* context) {
  CLI::App* tokens =
      AddGroup(app, "tokens", "Bearer tokens of a principal",
               "brevisctl tokens list principals/3f2a9c0d1e4b5a67");
  auto flags = std::make_shared<TokenFlags>();

  AddListChildrenCommand(tokens, context,
                         "List a principal's tokens (never secrets)",
                         "brevisctl tokens list principals/3f2a9c0d1e4b5a67",
                         "principals/{principal}", &Client::WalkTokens);

  CLI::App* create = AddCommand(
      tokens, context, "create",
      "Make a token; its secret goes to --out (a new file, mode 0600)",
      "brevisctl tokens create principals/3f2a9c0d1e4b5a67 "
      "--display-name laptop --out revisor.token",
      [context, flags](const Client& client) {
        v1::CreateTokenRequest request;
        request.set_parent(flags->name);
        request.mutable_token()->set_display_name(flags->display_name);
        if (flags->expire_days > 0) {
          *request.mutable_token()->mutable_expire_time() =
              google::protobuf::util::TimeUtil::GetCurrentTime() +
              google::protobuf::util::TimeUtil::HoursToDuration(
                  24 * flags->expire_days);
        }
        absl::StatusOr<v1::CreateTokenResponse> response =
            client.CreateToken(request);
        if (!response.ok()) return context->Fail(response.status());
        if (flags->out.empty()) {
          // The only place a secret is printed, and only when asked.
          std::cout << response->secret() << "\n";
          return kExitOk;
        }
        absl::Status written = WriteSecret(flags->out, response->secret());
        if (!written.ok()) {
          context->Fail(written);
          std::cerr << "brevisctl: token " << response->token().name()
                    << " was made but its secret is lost; revoke it\n";
          return kExitFailure;
        }
        return context->Show(absl::StatusOr<v1::Token>(response->token()));
      });
  create->add_option("principal", flags->name, "principals/{principal}")
      ->required();
  create->add_option("--display-name", flags->display_name,
                     "What the token is for");
  create->add_option("--expire-days", flags->expire_days,
                     "Days until it stops working (default 90, at most 400)");
  create->add_option("--out", flags->out,
                     "New file for the secret; without it the secret is "
                     "printed on stdout");

  CLI::App* revoke = AddCommand(
      tokens, context, "revoke", "Revoke a token (effective on its next call)",
      "brevisctl tokens revoke principals/3f2a9c0d1e4b5a67/tokens/5b1e",
      [context, flags](const Client& client) {
        v1::RevokeTokenRequest request;
        request.set_name(flags->name);
        return context->Show(client.RevokeToken(request));
      });
  revoke->add_option("name", flags->name, "principals/{p}/tokens/{t}")
      ->required();
}

}  // namespace

void AddDirectoryCommands(CLI::App* app, Context* context) {
  AddCommand(app, context, "whoami", "Who the server takes you for",
             "brevisctl whoami", [context](const Client& client) {
               return context->Show(client.WhoAmI());
             });
  AddUnitCommands(app, context);
  AddPrincipalCommands(app, context);
  AddTokenCommands(app, context);
}

}  // namespace brevis::cli
