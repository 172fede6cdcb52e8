#include "server/app/unit_access.h"

#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/unit_repository.h"

namespace brevis::app {

absl::StatusOr<v1::Unit> GetVisibleUnit(store::Connection& db,
                                        const domain::Caller& caller,
                                        std::string_view uid) {
  store::UnitRepository units(db);
  BREVIS_ASSIGN_OR_RETURN(v1::Unit unit, units.Get(uid));
  domain::UnitVisibility visible = domain::VisibleUnits(caller);
  if (visible.has_value()) {
    BREVIS_ASSIGN_OR_RETURN(int64_t id, units.RowId(uid));
    if (!visible->contains(id)) {
      return absl::NotFoundError(
          brevis::StrCat("unit ", domain::UnitName(uid), " not found"));
    }
  }
  return unit;
}

}  // namespace brevis::app
