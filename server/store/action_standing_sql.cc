#include "server/store/action_standing_sql.h"

#include "server/domain/action_standing.h"
#include "server/domain/str_cat.h"

namespace brevis::store {
namespace {

// "(1, 2)" from a set of enum values.
template <typename Values>
std::string InList(const Values& values) {
  std::vector<std::string> numbers;
  for (auto value : values) numbers.push_back(std::to_string(value));
  return brevis::StrCat("(", brevis::StrJoin(numbers, ", "), ")");
}

std::string OpenStatus(const std::string& action) {
  return brevis::StrCat(action, ".status IN ",
                        InList(domain::kOpenActionStatuses));
}

}  // namespace

std::string OpenWorkCondition(const std::string& action,
                              const std::string& audit) {
  return brevis::StrCat("(", OpenStatus(action), " AND ", audit,
                        ".state NOT IN ", InList(domain::kEndedAuditStates),
                        ")");
}

std::string OverdueCondition(const std::string& action,
                             const std::string& audit,
                             const std::string& today_param) {
  return brevis::StrCat("(", OpenWorkCondition(action, audit), " AND ", action,
                        ".due_date < ", today_param, ")");
}

std::string UnfinishedCondition(const std::string& action,
                                const std::string& audit) {
  return brevis::StrCat("(", OpenStatus(action), " AND ", audit, ".state IN ",
                        InList(domain::kEndedAuditStates), ")");
}

}  // namespace brevis::store
