#include "server/library_logs.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "absl/base/internal/raw_logging.h"
#include "absl/base/log_severity.h"

namespace brevis {
namespace {

// How long a fatal library line may wait to be written before the abort.
constexpr absl::Duration kFatalFlush = absl::Seconds(1);

std::atomic<JsonLog*> routed_log{nullptr};

std::string_view Basename(const char* file) {
  std::string_view path = file != nullptr ? file : "";
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void WriteLibraryLine(JsonLog::Level level, std::string_view source,
                      const char* file, int line, std::string_view message) {
  JsonLog* log = routed_log.load();
  if (log == nullptr) return;
  log->Write(level, message,
             {{"source", source},
              {"file", Basename(file)},
              {"line", static_cast<int64_t>(line)}});
}

void GrpcLog(gpr_log_func_args* args) {
  JsonLog::Level level = JsonLog::Level::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = JsonLog::Level::kInfo;
  if (args->severity == GPR_LOG_SEVERITY_ERROR) level = JsonLog::Level::kError;
  WriteLibraryLine(level, "grpc", args->file, args->line,
                   args->message != nullptr ? args->message : "");
}

JsonLog::Level LevelOf(absl::LogSeverity severity) {
  switch (severity) {
    case absl::LogSeverity::kInfo:
      return JsonLog::Level::kInfo;
    case absl::LogSeverity::kWarning:
      return JsonLog::Level::kWarning;
    default:
      return JsonLog::Level::kError;
  }
}

void FlushBeforeAbort() {
  if (JsonLog* log = routed_log.load()) log->Flush(kFatalFlush);
}

void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line,
                 const std::string& message) {
  JsonLog::Level json_level = JsonLog::Level::kError;
  if (level == google::protobuf::LOGLEVEL_INFO) {
    json_level = JsonLog::Level::kInfo;
  } else if (level == google::protobuf::LOGLEVEL_WARNING) {
    json_level = JsonLog::Level::kWarning;
  }
  WriteLibraryLine(json_level, "protobuf", file, line, message);
  // protobuf aborts (or throws) after a fatal line.
  if (level == google::protobuf::LOGLEVEL_FATAL) FlushBeforeAbort();
}

// ABSL_INTERNAL_LOG: abseil expects a fatal one never to return.
void AbseilLog(absl::LogSeverity severity, const char* file, int line,
               const std::string& message) {
  WriteLibraryLine(LevelOf(severity), "abseil", file, line, message);
  if (severity == absl::LogSeverity::kFatal) {
    FlushBeforeAbort();
    std::abort();
  }
}

// ABSL_RAW_LOG, called before the message is formatted, where no lock may
// be taken and nothing allocated: counting is all that is possible.
bool AbseilRawLogFilter(absl::LogSeverity severity, const char*, int, char**,
                        int*) {
  if (severity == absl::LogSeverity::kFatal) return true;
  if (JsonLog* log = routed_log.load()) log->CountDropped();
  return false;
}

}  // namespace

void RouteLibraryLogs(JsonLog* log) {
  routed_log.store(log);
  gpr_set_log_function(&GrpcLog);
  google::protobuf::SetLogHandler(&ProtobufLog);
  absl::raw_logging_internal::RegisterInternalLogFunction(&AbseilLog);
  absl::raw_logging_internal::RegisterLogFilterAndPrefixHook(
      &AbseilRawLogFilter);
}

}  // namespace brevis
