#ifndef BREVIS_CLIENT_LIB_NOTIFY_LOG_H_
#define BREVIS_CLIENT_LIB_NOTIFY_LOG_H_

// brevis-notify's log: one line per record on stderr (journald adds the
// time). Lines name principals (principals/{p}) and resources, never an
// e-mail address or any audit text. Thread-safe.

#include "absl/strings/string_view.h"

namespace brevis::notify {

void LogLine(absl::string_view line);

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_LOG_H_
