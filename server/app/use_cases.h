#ifndef BREVIS_SERVER_APP_USE_CASES_H_
#define BREVIS_SERVER_APP_USE_CASES_H_

#include "server/app/access_log.h"
#include "server/app/actions.h"
#include "server/app/audits.h"
#include "server/app/dependencies.h"
#include "server/app/directory.h"
#include "server/app/events.h"
#include "server/app/findings.h"
#include "server/app/lifecycle.h"
#include "server/app/recommendations.h"
#include "server/app/reports.h"
#include "server/app/sessions.h"

namespace brevis::app {

// Every use case of brevisd, one member per resource family; each RPC of
// brevis.v1 is the method of the same name on one member (the table in
// server/api/rpcs.inc says which). Thread-safe; borrows the dependencies,
// which must outlive it.
struct UseCases {
  // `minimum_group_size`: informant groups smaller than this are
  // suppressed in reports (domain.md, "Sensitive data").
  UseCases(const Dependencies& deps, int minimum_group_size)
      : audits(deps),
        sessions(deps),
        findings(deps),
        recommendations(deps),
        lifecycle(deps),
        actions(deps),
        directory(deps),
        reports(deps, minimum_group_size),
        events(deps),
        access_log(deps) {}

  Audits audits;
  Sessions sessions;
  Findings findings;
  Recommendations recommendations;
  Lifecycle lifecycle;
  Actions actions;
  Directory directory;
  Reports reports;
  Events events;
  AccessLog access_log;
};

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_USE_CASES_H_
