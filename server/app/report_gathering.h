#ifndef BREVIS_SERVER_APP_REPORT_GATHERING_H_
#define BREVIS_SERVER_APP_REPORT_GATHERING_H_

#include <string>

#include "absl/status/statusor.h"
#include "brevis/v1/report.pb.h"
#include "server/app/call.h"
#include "server/report/labels.h"
#include "server/store/audit_repository.h"

namespace brevis::app {

// Everything of audit `where` (row id and facts of audit `audit_uid`) that
// `call`'s caller may read, as a report without its renderings: the audit,
// its unit's name, participants with groups below `minimum_group`
// suppressed, findings, recommendations with their actions, feedback and
// the chart. Inside a read transaction.
absl::StatusOr<v1::AuditReport> GatherAuditReport(
    store::Connection& db, const Call& call, const std::string& audit_uid,
    const store::AuditLocation& where, int minimum_group,
    report::Language language);

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_REPORT_GATHERING_H_
