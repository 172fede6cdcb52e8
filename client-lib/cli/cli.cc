#include "client-lib/cli/cli.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace brevis::cli {

const char kExitCodeHelp[] =
    "Exit codes:\n"
    "  0  done\n"
    "  1  any other failure (a server error, a file that cannot be written)\n"
    "  2  usage: a bad flag or argument, or input the server refused "
    "(INVALID_ARGUMENT)\n"
    "  3  not found: no such resource, or one you may not see (NOT_FOUND)\n"
    "  4  permission: no valid token, or not allowed (UNAUTHENTICATED, "
    "PERMISSION_DENIED)\n"
    "  5  precondition: refused by the resource's state (FAILED_PRECONDITION,\n"
    "     ABORTED for a stale etag, ALREADY_EXISTS)\n"
    "  6  unavailable: the server cannot be reached or did not answer in "
    "time\n"
    "     (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED)\n";

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return kExitUsage;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kExitPermission;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists:
      return kExitPrecondition;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return kExitUnavailable;
    default:
      return kExitFailure;
  }
}

Format Context::format() const {
  if (json) return Format::kJson;
  if (quiet) return Format::kQuiet;
  return Format::kTable;
}

int Context::Fail(const absl::Status& status) const {
  std::string message(status.message());
  absl::StrReplaceAll({{"\n", " "}}, &message);
  std::cerr << "brevisctl: " << absl::StatusCodeToString(status.code()) << ": "
            << message << "\n";
  return ExitCodeFor(status);
}

namespace {

absl::StatusOr<Client> Connect(const Connection& connection) {
  client::ClientOptions options;
  options.target = connection.address;
  options.token_file = connection.token_file;
  options.ca_file = connection.ca_file;
  options.cert_file = connection.cert_file;
  options.key_file = connection.key_file;
  options.tls_server_name = connection.server_name;
  options.use_tls = connection.tls;
  if (!(connection.timeout_seconds > 0)) {
    return absl::InvalidArgumentError("--timeout: must be positive");
  }
  options.default_deadline = absl::Seconds(connection.timeout_seconds);
  options.user_agent = "brevisctl/0.1";
  absl::StatusOr<Client> client = Client::Create(options);
  if (!client.ok()) {
    // Settings the user has to fix are usage errors, whatever the library
    // calls them; say where the setting comes from.
    return absl::InvalidArgumentError(
        std::string(client.status().message()) +
        " (see --token-file/BREVIS_TOKEN_FILE, --ca/BREVIS_CA, "
        "--cert/--key)");
  }
  return client;
}

}  // namespace

CLI::App* AddCommand(CLI::App* parent, Context* context,
                     const std::string& name, const std::string& description,
                     const std::string& example,
                     std::function<int(const Client&)> run) {
  CLI::App* command = parent->add_subcommand(name, description);
  command->footer("Example:\n  " + example);
  command->callback([context, run = std::move(run)] {
    context->action = [context, run] {
      absl::StatusOr<Client> client = Connect(context->connection);
      if (!client.ok()) return context->Fail(client.status());
      return run(*client);
    };
  });
  return command;
}

absl::Status SetUpdateMask(
    const absl::StatusOr<std::vector<std::string>>& paths,
    google::protobuf::FieldMask* mask) {
  if (!paths.ok()) return paths.status();
  if (paths->empty()) {
    return absl::InvalidArgumentError("nothing to change: give a field");
  }
  for (const std::string& path : *paths) mask->add_paths(path);
  return absl::OkStatus();
}

CLI::App* AddGroup(CLI::App* parent, const std::string& name,
                   const std::string& description, const std::string& example) {
  CLI::App* group = parent->add_subcommand(name, description);
  group->require_subcommand(1);
  group->footer("Example:\n  " + example);
  return group;
}

namespace {

std::string PrefixOf(const google::protobuf::EnumDescriptor* type) {
  const std::string& first = type->value(0)->name();
  return first.substr(0, first.rfind("UNSPECIFIED"));
}

}  // namespace

std::string ShortName(const google::protobuf::EnumDescriptor* type, int value) {
  const google::protobuf::EnumValueDescriptor* found =
      type->FindValueByNumber(value);
  if (found == nullptr) return "";
  return found->name().substr(PrefixOf(type).size());
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> names;
  std::string prefix = PrefixOf(type);
  for (int i = 1; i < type->value_count(); ++i) {
    names.push_back(
        absl::AsciiStrToLower(type->value(i)->name().substr(prefix.size())));
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type,
                                   const std::string& flag,
                                   const std::string& text) {
  std::string prefix = PrefixOf(type);
  std::string upper = absl::AsciiStrToUpper(text);
  absl::StrReplaceAll({{"-", "_"}}, &upper);
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByName(prefix + upper);
  if (value == nullptr && upper.rfind(prefix, 0) == 0) {
    value = type->FindValueByName(upper);
  }
  if (value == nullptr || value->number() == 0) {
    return absl::InvalidArgumentError(flag + ": \"" + text +
                                      "\" is not one of " + EnumChoices(type));
  }
  return value->number();
}

absl::StatusOr<v1::Date> ParseDate(const std::string& flag,
                                   const std::string& text) {
  // Exactly four, two and two ASCII digits: sscanf alone would also take
  // signs and leading spaces (" 2030-1-01", "2030-+1-01").
  bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i = 0; shaped && i < text.size(); ++i) {
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) shaped = false;
  }
  if (!shaped) {
    return absl::InvalidArgumentError(flag + ": \"" + text +
                                      "\" is not a date (YYYY-MM-DD)");
  }
  v1::Date date;
  date.set_year(std::stoi(text.substr(0, 4)));
  date.set_month(std::stoi(text.substr(5, 2)));
  date.set_day(std::stoi(text.substr(8, 2)));
  return date;
}

std::string Filter(
    const std::vector<std::pair<std::string, std::string>>& quoted,
    const std::vector<std::pair<std::string, std::string>>& unquoted) {
  std::vector<std::string> terms;
  for (const auto& [field, value] : quoted) {
    if (!value.empty()) terms.push_back(field + " = \"" + value + "\"");
  }
  for (const auto& [field, value] : unquoted) {
    if (!value.empty()) terms.push_back(field + " = " + value);
  }
  return absl::StrJoin(terms, " AND ");
}

}  // namespace brevis::cli
