#ifndef BREVIS_SERVER_LIBRARY_LOGS_H_
#define BREVIS_SERVER_LIBRARY_LOGS_H_

#include "server/json_log.h"

namespace brevis {

// Sends what gRPC, protobuf and abseil log to `log` instead of their own
// plain-text lines on stderr, so that every line brevisd writes there is
// one JSON object. Each line keeps the library's level (gRPC: debug, info,
// error; protobuf and abseil: info, warning, error, fatal as error) and
// names its source, file and line. gRPC logs what GRPC_VERBOSITY allows
// (error and above unless it is set).
//
// abseil's raw log (ABSL_RAW_LOG, used by low-level code that may not
// allocate or lock) cannot be captured as text: its non-fatal lines are
// suppressed and counted as dropped lines (see JsonLog::CountDropped); a
// fatal one is still written as abseil writes it, just before the process
// aborts.
//
// Call once, before gRPC starts; `log` must live as long as the process.
// Library lines that are fatal flush the log (for at most a second) before
// the library aborts.
void RouteLibraryLogs(JsonLog* log);

}  // namespace brevis

#endif  // BREVIS_SERVER_LIBRARY_LOGS_H_
