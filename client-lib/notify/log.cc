#include "client-lib/notify/log.h"

#include <cstdio>
#include <string>

#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"

namespace brevis::notify {

ABSL_CONST_INIT absl::Mutex log_mu(absl::kConstInit);

void LogLine(absl::string_view line) {
  std::string out = "brevis-notify: ";
  out.append(line.data(), line.size());
  out.push_back('\n');
  absl::MutexLock lock(&log_mu);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

}  // namespace brevis::notify
