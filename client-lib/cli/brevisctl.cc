// brevisctl: brevis from the shell, built on the brevis_client library.

#include <CLI/CLI.hpp>
#include <iostream>

#include "client-lib/cli/cli.h"

namespace {

constexpr char kDescription[] =
    "brevisctl: the brevis user-audit server from the shell.\n"
    "Connects to BREVIS_ADDR (default 127.0.0.1:50051, where `make run` "
    "serves)\n"
    "with the token in BREVIS_TOKEN_FILE (default var/admin.token, the one "
    "`make run`\n"
    "creates). Tables for people, --json for scripts, --quiet for names "
    "only.";

}  // namespace

int main(int argc, char** argv) {
  using namespace brevis::cli;  // NOLINT(build/namespaces)
  Context context;
  CLI::App app(kDescription, "brevisctl");
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(std::string("Example:\n  brevisctl --addr 127.0.0.1:50051 "
                         "--token-file var/admin.token audits list\n\n") +
             kExitCodeHelp);

  Connection& connection = context.connection;
  app.add_option("--addr", connection.address, "Server HOST:PORT")
      ->envname("BREVIS_ADDR")
      ->capture_default_str();
  app.add_option("--token-file", connection.token_file,
                 "File with the bearer token")
      ->envname("BREVIS_TOKEN_FILE")
      ->capture_default_str();
  app.add_option("--ca", connection.ca_file,
                 "CA certificate (PEM) of the server; turns TLS on")
      ->envname("BREVIS_CA");
  app.add_option("--cert", connection.cert_file,
                 "Client certificate (PEM) for mutual TLS")
      ->envname("BREVIS_CERT");
  app.add_option("--key", connection.key_file,
                 "Client key (PEM) for mutual TLS")
      ->envname("BREVIS_KEY");
  app.add_option("--server-name", connection.server_name,
                 "Name to check the server certificate against")
      ->envname("BREVIS_SERVER_NAME");
  app.add_flag("--tls", connection.tls, "TLS with the system's CAs")
      ->envname("BREVIS_TLS");
  app.add_option("--timeout", connection.timeout_seconds,
                 "Seconds per call, retries included")
      ->envname("BREVIS_TIMEOUT")
      ->capture_default_str();
  app.add_flag("--json", context.json, "Protobuf JSON instead of tables");
  app.add_flag("--quiet,-q", context.quiet, "Names only, one a line");
  app.add_option("--limit", context.limit,
                 "At most this many items from a list")
      ->capture_default_str();

  AddDirectoryCommands(&app, &context);
  AddAuditCommands(&app, &context);
  AddFollowUpCommands(&app, &context);
  AddReportCommands(&app, &context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    std::cerr << "brevisctl: " << error.what()
              << " (brevisctl --help tells more)\n";
    return kExitUsage;
  }
  if (!context.action) {
    std::cerr << "brevisctl: no command given (brevisctl --help)\n";
    return kExitUsage;
  }
  return context.action();
}
