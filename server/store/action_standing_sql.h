#ifndef BREVIS_SERVER_STORE_ACTION_STANDING_SQL_H_
#define BREVIS_SERVER_STORE_ACTION_STANDING_SQL_H_

// domain::StandingOf as SQL conditions, built from the domain's own sets of
// open statuses and ended audit states, so that the counts and filters the
// store computes agree with what each action shows. Each takes the aliases
// of the actions table (columns status, due_date) and of the audits table
// (column state); OverdueCondition also the parameter bound to today's
// date (domain::DateText). Fixed fragments only.

#include <string>

namespace brevis::store {

// Planned or in progress, in a running audit.
std::string OpenWorkCondition(const std::string& action,
                              const std::string& audit);
// Open work whose due date is before today.
std::string OverdueCondition(const std::string& action,
                             const std::string& audit,
                             const std::string& today_param);
// Planned or in progress, in an audit that has ended.
std::string UnfinishedCondition(const std::string& action,
                                const std::string& audit);

}  // namespace brevis::store

#endif  // BREVIS_SERVER_STORE_ACTION_STANDING_SQL_H_
