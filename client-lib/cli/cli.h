#ifndef BREVIS_CLIENT_LIB_CLI_CLI_H_
#define BREVIS_CLIENT_LIB_CLI_CLI_H_

// What brevisctl's subcommands share: the connection flags, the output
// format, exit codes, and small parsers for enum and date flags.

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/generated_enum_reflection.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "brevis/client/client.h"
#include "brevis/v1/types.pb.h"
#include "client-lib/cli/output.h"

namespace brevis::cli {

namespace v1 = ::brevis::v1;
using client::Client;
using client::Paged;

// Exit codes, one per class of failure, so scripts can tell them apart.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // anything else
inline constexpr int kExitUsage = 2;         // bad flags or input
inline constexpr int kExitNotFound = 3;      // no such resource (or not yours)
inline constexpr int kExitPermission = 4;    // not signed in, or not allowed
inline constexpr int kExitPrecondition = 5;  // refused by the resource's state
inline constexpr int kExitUnavailable = 6;   // server unreachable or too slow

// The text `brevisctl --help` ends with.
extern const char kExitCodeHelp[];

// The exit code for a failed call.
int ExitCodeFor(const absl::Status& status);

struct Connection {
  std::string address = "127.0.0.1:50051";
  std::string token_file = "var/admin.token";
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool tls = false;
  double timeout_seconds = 10;
};

class Context {
 public:
  Connection connection;
  bool json = false;
  bool quiet = false;
  // At most this many items from a list (all its pages together).
  size_t limit = 1000;
  // The subcommand chosen on the command line.
  std::function<int()> action;

  Format format() const;

  // Prints "brevisctl: CODE: message" on stderr and returns the exit code.
  int Fail(const absl::Status& status) const;

  // Prints a resource returned by a call, or fails with its error.
  template <typename Message>
  int Show(const absl::StatusOr<Message>& result) const {
    if (!result.ok()) return Fail(result.status());
    PrintOne(*result, format(), std::cout);
    return kExitOk;
  }

  // Prints up to `limit` items of a walk; says on stderr when there were
  // more.
  template <typename Item>
  int ShowAll(Paged<Item> items) const {
    std::vector<Item> collected;
    Item item;
    bool more = false;
    while (items.Next(&item)) {
      if (collected.size() == limit) {
        more = true;
        break;
      }
      collected.push_back(std::move(item));
    }
    if (!items.status().ok()) return Fail(items.status());
    std::vector<const google::protobuf::Message*> messages;
    for (const Item& each : collected) messages.push_back(&each);
    PrintMany(messages, Item::descriptor()->full_name(), format(), std::cout);
    if (more && !quiet && !json) {
      std::cerr << "brevisctl: showing the first " << limit
                << "; use --limit for more\n";
    }
    return kExitOk;
  }
};

// Adds a subcommand that connects and runs `run` when chosen. Its --help
// ends with `example`.
CLI::App* AddCommand(CLI::App* parent, Context* context,
                     const std::string& name, const std::string& description,
                     const std::string& example,
                     std::function<int(const Client&)> run);

// Sets `mask` to the paths of the fields an update command was given;
// INVALID_ARGUMENT when a flag did not parse or none was given.
absl::Status SetUpdateMask(
    const absl::StatusOr<std::vector<std::string>>& paths,
    google::protobuf::FieldMask* mask);

// Adds `NAME_ARG` commands that fetch one resource by name (show) and
// commands that list the children of a parent (list), the two shapes most
// subcommands share.
template <typename Request, typename Response>
CLI::App* AddGetCommand(CLI::App* group, Context* context,
                        const std::string& name, const std::string& description,
                        const std::string& example,
                        const std::string& argument_help,
                        absl::StatusOr<Response> (Client::*get)(
                            const Request&, const client::CallOptions&) const) {
  auto argument = std::make_shared<std::string>();
  CLI::App* command =
      AddCommand(group, context, name, description, example,
                 [context, argument, get](const Client& client) {
                   Request request;
                   request.set_name(*argument);
                   return context->Show((client.*get)(request, {}));
                 });
  command->add_option("name", *argument, argument_help)->required();
  return command;
}

template <typename Request, typename Item>
CLI::App* AddListChildrenCommand(
    CLI::App* group, Context* context, const std::string& description,
    const std::string& example, const std::string& parent_help,
    Paged<Item> (Client::*walk)(const Request&, const client::CallOptions&)
        const) {
  auto parent = std::make_shared<std::string>();
  CLI::App* command =
      AddCommand(group, context, "list", description, example,
                 [context, parent, walk](const Client& client) {
                   Request request;
                   request.set_parent(*parent);
                   return context->ShowAll((client.*walk)(request, {}));
                 });
  command->add_option("parent", *parent, parent_help)->required();
  return command;
}

// A group of subcommands ("units list", "units create", ...); its --help
// ends with `example`.
CLI::App* AddGroup(CLI::App* parent, const std::string& name,
                   const std::string& description, const std::string& example);

// The value names of enum E as typed on the command line: lowercase
// without the prefix ("outpatient, inpatient, ...").
std::string EnumChoices(const google::protobuf::EnumDescriptor* type);

// Parses `text` ("outpatient", "OUTPATIENT" or "UNIT_KIND_OUTPATIENT") as a
// value of `type`. INVALID_ARGUMENT naming `flag` and the choices.
absl::StatusOr<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type,
                                   const std::string& flag,
                                   const std::string& text);

template <typename E>
absl::StatusOr<E> ParseEnum(const std::string& flag, const std::string& text) {
  absl::StatusOr<int> value =
      ParseEnumValue(google::protobuf::GetEnumDescriptor<E>(), flag, text);
  if (!value.ok()) return value.status();
  return static_cast<E>(*value);
}

// The value's name without its enum's prefix, as filters take it
// (PUBLISHED for AUDIT_STATE_PUBLISHED).
std::string ShortName(const google::protobuf::EnumDescriptor* type, int value);

template <typename E>
std::string ShortName(E value) {
  return ShortName(google::protobuf::GetEnumDescriptor<E>(),
                   static_cast<int>(value));
}

// Parses `text` as an E for a filter; empty text gives an empty string.
template <typename E>
absl::StatusOr<std::string> FilterEnum(const std::string& flag,
                                       const std::string& text) {
  if (text.empty()) return std::string();
  absl::StatusOr<E> value = ParseEnum<E>(flag, text);
  if (!value.ok()) return value.status();
  return ShortName(*value);
}

template <typename E>
std::string Choices() {
  return EnumChoices(google::protobuf::GetEnumDescriptor<E>());
}

// Parses YYYY-MM-DD. INVALID_ARGUMENT naming `flag`.
absl::StatusOr<v1::Date> ParseDate(const std::string& flag,
                                   const std::string& text);

// `field = "value"` joined with AND, for the non-empty values; values of
// fields in `unquoted` (states, kinds, booleans) go in as they are.
std::string Filter(
    const std::vector<std::pair<std::string, std::string>>& quoted,
    const std::vector<std::pair<std::string, std::string>>& unquoted = {});

// The subcommands, by area.
void AddDirectoryCommands(CLI::App* app, Context* context);
void AddAuditCommands(CLI::App* app, Context* context);
void AddFollowUpCommands(CLI::App* app, Context* context);
void AddReportCommands(CLI::App* app, Context* context);
// `principals sign-in-link` and `principals sign-in-links`, under the
// principals group.
void AddSignInLinkCommands(CLI::App* principals, Context* context);
// `principals identities add|remove`, under the principals group.
void AddIdentityCommands(CLI::App* principals, Context* context);

}  // namespace brevis::cli

#endif  // BREVIS_CLIENT_LIB_CLI_CLI_H_
