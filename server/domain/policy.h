#ifndef BREVIS_SERVER_DOMAIN_POLICY_H_
#define BREVIS_SERVER_DOMAIN_POLICY_H_

// The one authorization policy of brevis: permission x role x scope. Every RPC
// asks it before touching data, and lists filter by what it returns, so a
// caller never sees, counts or pages through what it may not read.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/principal.pb.h"

namespace brevis::domain {

// Who is calling, as authentication established it.
struct Caller {
  int64_t principal_id = 0;
  std::string name;  // principals/{principal}
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::set<int64_t> unit_ids;  // unit scopes; empty = none given
  uint64_t scopes = 0;         // bit n set = v1::Scope n granted
  std::string token;           // principals/{p}/tokens/{t}; empty for mTLS
  absl::Time token_expire = absl::InfiniteFuture();  // of `token`

  bool HasScope(v1::Scope scope) const {
    return (scopes >> static_cast<int>(scope)) & 1;
  }
};

// One kind of access the API offers.
enum class Permission {
  kReadUnits,         // GetUnit, ListUnits
  kWriteUnits,        // CreateUnit, UpdateUnit
  kManagePrincipals,  // principals, and other principals' tokens
  kCommissionAudit,   // CreateAudit, the audit's team
  kReadAudit,         // audits, sessions and findings: read
  kPlanAudit,         // UpdateAudit's planning fields
  kWriteContent,      // sessions and findings: create, update, delete
  kReadAccessLog,     // ListAccessLog
  kRespond,           // the unit's responses (and moving to IN_PROGRESS)
  kReadSessions,      // interview sessions: small counts, the team only
  kWatchEvents,       // the change feed: ListEvents, WatchEvents
  kReadPrincipals,    // every principal with contact details, and the
                      // names and expiry of tokens and sign-in links
  kExchangeSignIn,    // ExchangeSignIn: integrations with SCOPE_SIGN_IN
                      // alone, not even admins (issue 14)
};

// The facts about one audit that decide access to it.
struct AuditFacts {
  int64_t unit_id = 0;
  v1::AuditState state = v1::AUDIT_STATE_UNSPECIFIED;
  bool caller_on_team = false;
};

// The audits a caller may see, as a filter the store applies to lists. All
// set conditions hold together.
struct AuditVisibility {
  bool nothing = false;                       // sees no audit at all
  std::optional<std::set<int64_t>> unit_ids;  // only these units' audits
  bool published_only =
      false;  // only PUBLISHED, IN_PROGRESS, FOLLOW_UP, CLOSED
  std::optional<int64_t> team_member;  // only audits with this auditor
};

// The units a caller may see: every unit (nullopt) or only these.
using UnitVisibility = std::optional<std::set<int64_t>>;

// Which events of the change feed a caller may see (kWatchEvents must be
// allowed). An event is visible when its resource is: audit events follow
// the audit's visibility now, but events of interview sessions and from
// before publication reach only the audit's team (and admins).
struct EventVisibility {
  bool everything = false;  // admins: principals and tokens too
  AuditVisibility audits;   // audit events of these audits
  bool units = false;       // unit events at all
  UnitVisibility unit_ids;  // and then of these units
};

// True from PUBLISHED on, except CANCELLED: what is no longer a draft
// (audit_lifecycle.h PublishedStates).
bool IsPublished(v1::AuditState state);

// A permission that concerns no single audit or unit. OK, or
// PERMISSION_DENIED naming the permission and the caller's role. Admins
// have every permission but kExchangeSignIn, which only integrations with
// SCOPE_SIGN_IN have: minting tokens for others from an identity someone
// else verified is brevis-web's job alone.
absl::Status CheckPermission(const Caller& caller, Permission permission);

// Which units the caller may see (kReadUnits must be allowed).
UnitVisibility VisibleUnits(const Caller& caller);

// Which audits the caller may see.
AuditVisibility VisibleAudits(const Caller& caller);

// Which events the caller may see.
EventVisibility VisibleEvents(const Caller& caller);

// Whether the caller may see this audit at all. When false, the audit and
// everything under it must look exactly as if it did not exist.
bool CanSeeAudit(const Caller& caller, const AuditFacts& audit);

// A permission on an audit the caller can see: OK or PERMISSION_DENIED.
absl::Status CheckAuditPermission(const Caller& caller, Permission permission,
                                  const AuditFacts& audit);

// Whether the caller may see a principal's contact e-mail, language and
// notification opt-outs: admins, the principal itself (`principal` is its
// name, principals/{p}), and integrations with SCOPE_READ_CONTACTS. The
// e-mail is personal data (issue 16: only admins and the person see it;
// the notifier is the one exception, by its own scope).
bool MaySeeContact(const Caller& caller, std::string_view principal);

// Whether the caller may see a principal's external identities: admins and
// the principal itself, nobody else (issue 14: a subject may be a personal
// identity number; not even SCOPE_READ_CONTACTS or SCOPE_SIGN_IN).
bool MaySeeIdentities(const Caller& caller, std::string_view principal);

// Clears contact_email, language and notification_opt_outs unless
// MaySeeContact, and external_identities unless MaySeeIdentities; every
// Principal a response carries goes through it.
void HideContactUnlessAllowed(const Caller& caller, v1::Principal* principal);

// The role's name as people read it, for messages.
std::string RoleName(v1::Role role);

}  // namespace brevis::domain

#endif  // BREVIS_SERVER_DOMAIN_POLICY_H_
