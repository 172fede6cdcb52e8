#ifndef BREVIS_SERVER_APP_UNIT_ACCESS_H_
#define BREVIS_SERVER_APP_UNIT_ACCESS_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "brevis/v1/unit.pb.h"
#include "server/domain/policy.h"
#include "server/store/sqlite.h"

namespace brevis::app {

// Unit `uid` as `caller` may see it: NOT_FOUND, the same as for a missing
// unit, when it lies outside the caller's unit scopes.
absl::StatusOr<v1::Unit> GetVisibleUnit(store::Connection& db,
                                        const domain::Caller& caller,
                                        std::string_view uid);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_UNIT_ACCESS_H_
