// brevisctl report, export, events, access-log.

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>

#include "client-lib/cli/cli.h"

namespace brevis::cli {
namespace {

// Writes `text` to `path` ("" or "-": stdout).
absl::Status WriteOut(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    if (!text.empty() && text.back() != '\n') std::cout << "\n";
    return absl::OkStatus();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file.good()) return absl::InternalError("cannot write " + path);
  return absl::OkStatus();
}

absl::StatusOr<v1::ReportLanguage> ParseLanguage(const std::string& text) {
  if (text == "sv") return v1::REPORT_LANGUAGE_SWEDISH;
  if (text == "en") return v1::REPORT_LANGUAGE_ENGLISH;
  return absl::InvalidArgumentError("--language: sv or en");
}

struct ReportFlags {
  std::string name, format = "md", out, language = "sv", unit, state;
};

void AddReportAndExport(CLI::App* app, Context* context) {
  auto flags = std::make_shared<ReportFlags>();

  CLI::App* report = AddCommand(
      app, context, "report",
      "The audit's report as Markdown, HTML or JSON (small groups "
      "suppressed)",
      "brevisctl report audits/0123456789abcdef --format html --out "
      "rapport.html",
      [context, flags](const Client& client) {
        v1::GetAuditReportRequest request;
        request.set_name(flags->name);
        absl::StatusOr<v1::ReportLanguage> language =
            ParseLanguage(flags->language);
        if (!language.ok()) return context->Fail(language.status());
        request.set_language(*language);
        absl::StatusOr<v1::AuditReport> report = client.GetAuditReport(request);
        if (!report.ok()) return context->Fail(report.status());
        std::string text;
        if (flags->format == "md") {
          text = report->markdown();
        } else if (flags->format == "html") {
          text = report->html();
        } else {
          google::protobuf::util::JsonPrintOptions options;
          options.preserve_proto_field_names = true;
          options.add_whitespace = true;
          if (!google::protobuf::util::MessageToJsonString(*report, &text,
                                                           options)
                   .ok()) {
            return context->Fail(absl::InternalError("cannot print JSON"));
          }
        }
        absl::Status written = WriteOut(flags->out, text);
        if (!written.ok()) return context->Fail(written);
        if (!flags->out.empty() && flags->out != "-" && !context->quiet) {
          std::cerr << "brevisctl: wrote " << flags->out << "\n";
        }
        return kExitOk;
      });
  report->add_option("audit", flags->name, "audits/{audit}")->required();
  report->add_option("--format", flags->format, "md (default), html or json")
      ->check(CLI::IsMember({"md", "html", "json"}));
  report->add_option("--out", flags->out, "File to write (default: stdout)");
  report->add_option("--language", flags->language, "sv (default) or en");

  CLI::App* export_csv =
      AddCommand(app, context, "export",
                 "Recommendations with responses, actions and verdicts as CSV",
                 "brevisctl export --state closed --out brukarrevisioner.csv",
                 [context, flags](const Client& client) {
                   v1::ExportAuditsRequest request;
                   absl::StatusOr<v1::ReportLanguage> language =
                       ParseLanguage(flags->language);
                   if (!language.ok()) return context->Fail(language.status());
                   request.set_language(*language);
                   absl::StatusOr<std::string> state =
                       FilterEnum<v1::AuditState>("--state", flags->state);
                   if (!state.ok()) return context->Fail(state.status());
                   request.set_filter(
                       Filter({{"unit", flags->unit}}, {{"state", *state}}));
                   Paged<std::string> pages = client.WalkExportCsv(request);
                   std::string csv, page;
                   while (pages.Next(&page)) csv += page;
                   if (!pages.status().ok())
                     return context->Fail(pages.status());
                   absl::Status written = WriteOut(flags->out, csv);
                   if (!written.ok()) return context->Fail(written);
                   return kExitOk;
                 });
  export_csv->add_option("--unit", flags->unit, "Only this unit's audits");
  export_csv->add_option(
      "--state", flags->state,
      "Only audits in this state: " + Choices<v1::AuditState>());
  export_csv->add_option("--out", flags->out,
                         "File to write (default: stdout)");
  export_csv->add_option("--language", flags->language,
                         "Headers in sv (default) or en");
}

struct EventFlags {
  std::string audit, unit, kind;
  int64_t after = 0;
  int count = 0;
  double seconds = 0;
};

absl::StatusOr<std::string> EventFilter(const EventFlags& flags) {
  absl::StatusOr<std::string> kind =
      FilterEnum<v1::EventKind>("--kind", flags.kind);
  if (!kind.ok()) return kind.status();
  return Filter({{"audit", flags.audit}, {"unit", flags.unit}},
                {{"kind", *kind}});
}

void AddFilterOptions(CLI::App* command, EventFlags* flags) {
  command->add_option("--after", flags->after,
                      "Only events with a higher sequence number");
  command->add_option("--audit", flags->audit, "Only this audit's events");
  command->add_option("--unit", flags->unit, "Only this unit's events");
  command->add_option("--kind", flags->kind, Choices<v1::EventKind>());
}

void AddEventCommands(CLI::App* app, Context* context) {
  CLI::App* events = AddGroup(app, "events", "The change feed: list, watch",
                              "brevisctl events watch --after 120");
  auto flags = std::make_shared<EventFlags>();

  CLI::App* list =
      AddCommand(events, context, "list", "List events oldest first",
                 "brevisctl events list --audit audits/0123456789abcdef",
                 [context, flags](const Client& client) {
                   v1::ListEventsRequest request;
                   absl::StatusOr<std::string> filter = EventFilter(*flags);
                   if (!filter.ok()) return context->Fail(filter.status());
                   request.set_filter(*filter);
                   request.set_after_sequence(flags->after);
                   return context->ShowAll(client.WalkEvents(request));
                 });
  AddFilterOptions(list, flags.get());

  CLI::App* watch = AddCommand(
      events, context, "watch",
      "Print events as they happen; resumes by itself after a disconnect",
      "brevisctl events watch --after 120 --count 10 --for 60",
      [context, flags](const Client& client) {
        v1::WatchEventsRequest request;
        absl::StatusOr<std::string> filter = EventFilter(*flags);
        if (!filter.ok()) return context->Fail(filter.status());
        request.set_filter(*filter);
        request.set_after_sequence(flags->after);
        client::CallOptions call;
        if (flags->seconds > 0) call.deadline = absl::Seconds(flags->seconds);
        client::EventWatcher watcher = client.NewEventWatcher(request, call);
        int seen = 0;
        absl::Status status = watcher.Run([&](const v1::Event& event) {
          if (context->json) {
            std::cout << JsonLine(event) << "\n";
          } else if (context->quiet) {
            std::cout << event.sequence() << "\n";
          } else {
            std::cout << event.sequence() << "  " << FieldText(event, "time")
                      << "  " << FieldText(event, "kind") << "  "
                      << event.resource() << "  by " << event.actor() << "\n";
          }
          std::cout.flush();
          return flags->count <= 0 || ++seen < flags->count;
        });
        if (status.code() == absl::StatusCode::kDeadlineExceeded &&
            flags->seconds > 0) {
          return kExitOk;  // --for ran out, as asked.
        }
        if (!status.ok()) return context->Fail(status);
        return kExitOk;
      });
  AddFilterOptions(watch, flags.get());
  watch->add_option("--count", flags->count, "Stop after this many events");
  watch->add_option("--for", flags->seconds, "Stop after this many seconds");
}

struct AccessLogFlags {
  std::string principal, resource_prefix;
};

void AddAccessLogCommand(CLI::App* app, Context* context) {
  auto flags = std::make_shared<AccessLogFlags>();
  CLI::App* log = AddCommand(
      app, context, "access-log", "Who read and changed audit content (admins)",
      "brevisctl access-log --resource-prefix audits/0123456789abcdef",
      [context, flags](const Client& client) {
        v1::ListAccessLogRequest request;
        request.set_principal(flags->principal);
        request.set_resource_prefix(flags->resource_prefix);
        return context->ShowAll(client.WalkAccessLog(request));
      });
  log->add_option("--principal", flags->principal, "Only this principal");
  log->add_option("--resource-prefix", flags->resource_prefix,
                  "Only resources whose name starts with this");
}

}  // namespace

void AddReportCommands(CLI::App* app, Context* context) {
  AddReportAndExport(app, context);
  AddEventCommands(app, context);
  AddAccessLogCommand(app, context);
}

}  // namespace brevis::cli
