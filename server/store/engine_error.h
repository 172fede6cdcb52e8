#ifndef BREVIS_SERVER_STORE_ENGINE_ERROR_H_
#define BREVIS_SERVER_STORE_ENGINE_ERROR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace brevis::store {

// What both storage engines' error boundaries (SqliteError, PostgresError)
// share: the engine's own text travels on a status as a payload for the
// server log, never in its message, which is brevis's own words.

// A status with `code` and `message` (brevis's words for the caller)
// carrying `detail` (the engine's text) as its EngineDetail.
absl::Status EngineStatus(absl::StatusCode code, std::string_view message,
                          std::string_view detail);

// The engine's own text carried by a status SqliteError or PostgresError
// made, or empty.
std::string EngineDetail(const absl::Status& status);

// The status's message and, after it, the engine's text when it carries
// one: for the server log and for operators' tools, never for a caller.
std::string DescribeForLog(const absl::Status& status);

// `status` with another message and the same code and engine text.
absl::Status Rephrase(const absl::Status& status, std::string_view message);

// `status` marked as the failure of a COMMIT whose outcome is unknown (the
// server's answer was lost: PostgreSQL may have committed). A write so
// failed must not be repeated as it is: it may be there already.
absl::Status MarkCommitOutcomeUnknown(absl::Status status);
// True for a status MarkCommitOutcomeUnknown marked.
bool CommitOutcomeUnknown(const absl::Status& status);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_ENGINE_ERROR_H_
