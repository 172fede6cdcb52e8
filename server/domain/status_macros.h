#ifndef BREVIS_SERVER_DOMAIN_STATUS_MACROS_H_
#define BREVIS_SERVER_DOMAIN_STATUS_MACROS_H_

#include "absl/status/status.h"

// Returns early from a function returning absl::Status or absl::StatusOr
// when `expr` (an absl::Status) is not OK. Abseil keeps its own copy of this
// macro internal.
#define BREVIS_RETURN_IF_ERROR(expr)                                    \
  do {                                                                  \
    if (::absl::Status brevis_status_ = (expr); !brevis_status_.ok()) { \
      return brevis_status_;                                            \
    }                                                                   \
  } while (false)

#endif  // BREVIS_SERVER_DOMAIN_STATUS_MACROS_H_
