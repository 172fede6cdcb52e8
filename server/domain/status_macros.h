#ifndef BREVIS_SERVER_DOMAIN_STATUS_MACROS_H_
#define BREVIS_SERVER_DOMAIN_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Early returns on error for functions returning absl::Status or
// absl::StatusOr<T>. Abseil keeps its own copies of these macros internal.

// Returns `expr` (an absl::Status) when it is not OK.
#define BREVIS_RETURN_IF_ERROR(expr)                                    \
  do {                                                                  \
    if (::absl::Status brevis_status_ = (expr); !brevis_status_.ok()) { \
      return brevis_status_;                                            \
    }                                                                   \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status when it is
// not OK, else moves its value into `lhs`, which may declare a variable:
//   BREVIS_ASSIGN_OR_RETURN(v1::Audit audit, repository.Get(uid));
#define BREVIS_ASSIGN_OR_RETURN(lhs, rexpr) \
  BREVIS_ASSIGN_OR_RETURN_IMPL_(            \
      BREVIS_STATUS_MACROS_CONCAT_(brevis_statusor_, __LINE__), lhs, rexpr)

#define BREVIS_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#define BREVIS_STATUS_MACROS_CONCAT_(x, y) \
  BREVIS_STATUS_MACROS_CONCAT_IMPL_(x, y)
#define BREVIS_STATUS_MACROS_CONCAT_IMPL_(x, y) x##y

#endif  // BREVIS_SERVER_DOMAIN_STATUS_MACROS_H_
