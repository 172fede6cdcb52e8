#ifndef BREVIS_SERVER_STORE_VISIBILITY_SQL_H_
#define BREVIS_SERVER_STORE_VISIBILITY_SQL_H_

#include <string>

#include "server/domain/policy.h"

namespace brevis::store {

// The SQL condition that audit alias `audit` (for example "au") is one
// `visibility` shows to the principal bound as parameter `caller_param`.
// Fixed fragments only; "1" when it shows every audit.
std::string VisibleAuditCondition(const domain::AuditVisibility& visibility,
                                  const std::string& audit,
                                  const std::string& caller_param);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_VISIBILITY_SQL_H_
