#ifndef BREVIS_CLIENT_LIB_NOTIFY_LOG_H_
#define BREVIS_CLIENT_LIB_NOTIFY_LOG_H_

// brevis-notify's log: one line per record on stderr (journald adds the
// time). Lines name principals (principals/{p}) and resources, never an
// e-mail address or any audit text. Thread-safe.

#include <string_view>

namespace brevis::notify {

void LogLine(std::string_view line);

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_LOG_H_
