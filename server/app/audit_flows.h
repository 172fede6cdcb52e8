#ifndef BREVIS_SERVER_APP_AUDIT_FLOWS_H_
#define BREVIS_SERVER_APP_AUDIT_FLOWS_H_

// The flows every family of audit content shares, each written once: read
// under an audit, write under an audit, create a child of an audit (with
// its request_id replay), list an audit's children. A use case adds only
// what is its own: the checks of its request, its repository calls, its
// rules.
//
// Every flow that writes records the write's event and its access-log
// WRITE row in the write's own transaction (change_feed.h; domain.md,
// "Sensitive data": who changed which audit content is logged), so no use
// case can forget either. Every flow that reads records the access-log READ
// rows before it answers, except ReadInAudit, whose caller does.
//
// Free functions over borrowed Dependencies; thread-safe as those are.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/app/audit_access.h"
#include "server/app/call.h"
#include "server/app/change_feed.h"
#include "server/app/create_once.h"
#include "server/app/dependencies.h"
#include "server/app/list_window.h"
#include "server/domain/policy.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/access_log_repository.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::app {

// The row id of recommendation `name`, of the audit of row id `audit_id`
// (the row of name.audit). NOT_FOUND when the audit has no such
// recommendation.
absl::StatusOr<int64_t> RecommendationRowId(
    store::Connection& db, const domain::name::Recommendation& name,
    int64_t audit_id);

// A read under an audit, from the audit it found.
using AuditReadFn = absl::FunctionRef<absl::Status(
    store::Connection&, const store::AuditLocation&)>;

// In one read transaction, locates audit `audit` for the caller about to
// do `permission` (LocateAudit's PERMISSION_DENIED and NOT_FOUND) and runs
// `read`. The caller records the access-log READ rows of what it read,
// before it answers.
absl::Status ReadInAudit(const Dependencies& deps, const Call& call,
                         const domain::name::Audit& audit,
                         domain::Permission permission, AuditReadFn read);

// What a write under an audit did, and who sees its event: by default
// (no scope) the audit's readers, AuditScope of the audit as found.
struct AuditChange {
  AuditChange(Change change) : change(std::move(change)) {}
  AuditChange(Change change, store::EventScope scope)
      : change(std::move(change)), scope(std::move(scope)) {}
  Change change;
  std::optional<store::EventScope> scope;
};

// A write under an audit, from the audit it found.
using AuditWriteFn = absl::FunctionRef<absl::StatusOr<AuditChange>(
    store::Connection&, const store::AuditLocation&)>;

// The one way existing audit content is changed: in one write transaction,
// locates audit `audit` for the caller doing `permission` (LocateAudit's
// PERMISSION_DENIED and NOT_FOUND), runs `write`, and records the change it
// returns: its event and its access-log WRITE row (RecordAuditWrite). When
// `write` fails, its status is returned and nothing is written.
absl::Status WriteInAudit(const Dependencies& deps, const Call& call,
                          const domain::name::Audit& audit,
                          domain::Permission permission, AuditWriteFn write);

// Creates one resource once per request_id (CreateOnce, which says what
// `create` must check), keyed by `method`: `create` writes it, fills
// `response` and returns the audience of its CREATED event, which is
// recorded with it; a replay fills `response` by `reread` instead. Either
// way the call's access-log WRITE entry of `response` follows, in the same
// transaction, so no create goes without its event and its row. Call
// inside the write transaction. Returns what `create`, `reread` or
// CreateOnce return, or the store's failure.
template <typename Resource>
absl::Status CreateRecorded(
    store::Connection& db, const Call& call, std::string_view method,
    std::string_view request_id, const google::protobuf::Message& request,
    Resource* response,
    absl::FunctionRef<absl::StatusOr<store::EventScope>()> create,
    absl::FunctionRef<absl::Status(std::string_view)> reread) {
  BREVIS_RETURN_IF_ERROR(CreateOnce(
      db, call, method, request_id, request, response,
      [&]() -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(store::EventScope scope, create());
        return RecordEvent(db, call, scope,
                           {v1::EVENT_KIND_CREATED, response->name()});
      },
      reread));
  return store::AccessLogRepository(db).Append(
      call.Entry(v1::ACCESS_KIND_WRITE, response->name()));
}

// Nothing to find under the audit before a create: the audit is the
// parent.
inline absl::Status AuditIsParent(store::Connection&,
                                  const store::AuditLocation&) {
  return absl::OkStatus();
}

// A create of a child in an audit, as the request asks it.
struct NewChild {
  domain::name::Audit audit;  // the audit it is created in
  // The RPC and the parent's name as requested (the audit's, or for an
  // action its recommendation's): a request_id is unique per parent, not
  // across parents, and the create-request log keys on "method parent".
  std::string_view method;
  std::string_view parent;
  std::string_view request_id;               // AIP-155; may be empty
  const google::protobuf::Message& request;  // what a retry must repeat
  domain::Permission permission = domain::Permission::kWriteContent;
  // Its CREATED event is seen by the audit's team and admins alone
  // (interview sessions); else by the audit's readers.
  bool team_only = false;
  // Finds what the child hangs on under the audit, before any replay (an
  // action's recommendation: NOT_FOUND once it is gone).
  AuditReadFn find_parent = AuditIsParent;
};

// Creates a child in audit `child.audit` (AIP-133) at most once per
// request_id (AIP-155; see CreateOnce): in one write transaction, locates
// the audit for `child.permission` (LocateAudit's PERMISSION_DENIED and
// NOT_FOUND) and runs `child.find_parent`; then, through CreateRecorded,
// either runs `create`, which checks the request against the audit as it
// is now, writes, and fills in the new resource, and records its CREATED
// event (AuditScope(audit, child.team_only)); or, for a retry, `reread`s
// the first result by its id (NOT_FOUND once deleted; a request_id reused
// for another request is INVALID_ARGUMENT). Either way it records the
// access-log WRITE row. Returns the resource.
template <typename Resource>
absl::StatusOr<Resource> CreateInAudit(
    const Dependencies& deps, const Call& call, const NewChild& child,
    std::type_identity_t<absl::FunctionRef<absl::Status(
        store::Connection&, const store::AuditLocation&, Resource*)>>
        create,
    std::type_identity_t<absl::FunctionRef<absl::StatusOr<Resource>(
        store::Connection&, const store::AuditLocation&, std::string_view id)>>
        reread) {
  std::string method = brevis::StrCat(child.method, " ", child.parent);
  Resource resource;
  BREVIS_RETURN_IF_ERROR(
      deps.db->Write([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            store::AuditLocation location,
            LocateAudit(db, call.caller, child.audit.audit, child.permission));
        BREVIS_RETURN_IF_ERROR(child.find_parent(db, location));
        return CreateRecorded(
            db, call, method, child.request_id, child.request, &resource,
            [&]() -> absl::StatusOr<store::EventScope> {
              BREVIS_RETURN_IF_ERROR(create(db, location, &resource));
              return AuditScope(location, child.team_only);
            },
            [&](std::string_view name) {
              return Assign(reread(db, location, LastSegment(name)), &resource);
            });
      }));
  return resource;
}

// Lists a page of audit `parent`'s children (AIP-132, AIP-158) into
// `items` and sets `next_page_token`, by ReadListPage with the page-token
// scope `scope` (the parent's name, and the filter's canonical form if
// there is one): INVALID_ARGUMENT for a bad page size or token; then, in
// the read transaction, locates the audit for `permission` (LocateAudit's
// codes) and `read`s the page; then records a READ row for every item
// (UNAVAILABLE or RESOURCE_EXHAUSTED when it cannot: then the page must not
// be served).
template <typename Request, typename Resource>
absl::Status ListInAudit(
    const Dependencies& deps, const Call& call,
    const domain::name::Audit& parent, domain::Permission permission,
    std::string_view scope, const Request& request,
    std::type_identity_t<absl::FunctionRef<absl::StatusOr<
        store::Page<Resource>>(store::Connection&, const store::AuditLocation&,
                               const ListWindow&)>>
        read,
    google::protobuf::RepeatedPtrField<Resource>* items,
    std::string* next_page_token) {
  BREVIS_RETURN_IF_ERROR(ReadListPage(
      deps, call, scope, request,
      [&](store::Connection& db,
          const ListWindow& window) -> absl::StatusOr<store::Page<Resource>> {
        BREVIS_ASSIGN_OR_RETURN(
            store::AuditLocation location,
            LocateAudit(db, call.caller, parent.audit, permission));
        return read(db, location, window);
      },
      items, next_page_token));
  return RecordReads(*deps.access, call, *items);
}

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_AUDIT_FLOWS_H_
