#ifndef BREVIS_SERVER_APP_AUDIT_FLOWS_H_
#define BREVIS_SERVER_APP_AUDIT_FLOWS_H_

// The flows that the use cases of audits, sessions, the lifecycle and
// actions share, each written once: a create with its request_id replay,
// event and access-log row; the List of what hangs under one audit; the end
// of every List. Plain functions over borrowed dependencies; they are as
// thread-safe as those are.

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/functional/function_ref.h"
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
#include "server/store/access_log_repository.h"
#include "server/store/rows.h"

namespace brevis::app {

// The row id of recommendation `name`, of the audit of row id `audit_id`
// (the row of name.audit). NOT_FOUND when the audit has no such
// recommendation.
absl::StatusOr<int64_t> RecommendationRowId(
    store::Connection& db, const domain::name::Recommendation& name,
    int64_t audit_id);

// Work on audit `audit` (uid) and what hangs under it: in one write
// (WriteInAudit) or read (ReadInAudit) transaction, finds the audit for
// the caller about to do `permission` (LocateAudit) and runs `work` with
// it. LocateAudit's PERMISSION_DENIED or NOT_FOUND; else what `work` or
// the store return.
using AuditWork = absl::FunctionRef<absl::Status(
    store::Connection& db, const store::AuditLocation& audit)>;
absl::Status WriteInAudit(const Dependencies& deps, const Call& call,
                          std::string_view audit, domain::Action permission,
                          AuditWork work);
absl::Status ReadInAudit(const Dependencies& deps, const Call& call,
                         std::string_view audit, domain::Action permission,
                         AuditWork work);

// The end of every List: moves the rows of `page` into `items` and sets
// `next_page_token` (empty after the last page).
template <typename Item>
void TakePage(const auth::PageTokenCodec& codec, const ListWindow& window,
              store::Page<Item>& page,
              google::protobuf::RepeatedPtrField<Item>* items,
              std::string* next_page_token) {
  for (Item& item : page.items) *items->Add() = std::move(item);
  *next_page_token = NextPageToken(codec, window, page);
}

// Creates one resource once per request_id (CreateOnce, which says what
// `create` must check): `create` writes it, fills `response` and returns
// the audience of its CREATED event, which is recorded with it; a replay
// fills `response` by `reread` instead. Either way the call's access-log
// WRITE entry of `response` follows, in the same transaction, so no create
// goes without its event and its row. Call inside the write transaction.
// Returns what `create`, `reread` or CreateOnce return, or the store's
// failure.
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

// A create of a resource directly under audit `audit` (sessions,
// feedback), in its own write transaction: the caller must be allowed
// `permission` on the audit (LocateAudit), then CreateRecorded runs with
// `create` (which fills its resource and returns its event's audience) and
// `reread` (which reads the resource of id `id` again). Checks of the
// request alone come before, in the use case.
// NOT_FOUND or PERMISSION_DENIED from LocateAudit; whatever `create`,
// `reread` and CreateOnce return; the store's failure.
template <typename Resource>
absl::StatusOr<Resource> CreateInAudit(
    const Dependencies& deps, const Call& call, std::string_view method,
    const domain::name::Audit& audit, domain::Action permission,
    std::string_view request_id, const google::protobuf::Message& request,
    std::type_identity_t<absl::FunctionRef<absl::StatusOr<store::EventScope>(
        store::Connection&, const store::AuditLocation&, Resource*)>>
        create,
    std::type_identity_t<absl::FunctionRef<absl::StatusOr<Resource>(
        store::Connection&, const store::AuditLocation&, std::string_view id)>>
        reread) {
  Resource response;
  BREVIS_RETURN_IF_ERROR(
      deps.db->Write([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            store::AuditLocation location,
            LocateAudit(db, call.caller, audit.audit, permission));
        return CreateRecorded(
            db, call, method, request_id, request, &response,
            [&] { return create(db, location, &response); },
            [&](std::string_view name) {
              return Assign(reread(db, location, LastSegment(name)), &response);
            });
      }));
  return response;
}

// The List of the resources directly under one audit (sessions, feedback):
// `request.parent()` names the audit, the caller must be allowed
// `permission` on it (LocateAudit), `read` gives one page of them from the
// store, `items` picks the response's list; each resource returned gets
// its access-log READ entry before the answer goes out (AIP-132, AIP-158).
// INVALID_ARGUMENT for a malformed parent, page size or page token;
// NOT_FOUND or PERMISSION_DENIED from LocateAudit; UNAVAILABLE or
// RESOURCE_EXHAUSTED when the reads cannot be logged; the store's failure.
template <typename Response, typename Item, typename Request>
absl::StatusOr<Response> ListInAudit(
    const Dependencies& deps, const Call& call, const Request& request,
    domain::Action permission,
    absl::FunctionRef<absl::StatusOr<store::Page<Item>>(
        store::Connection&, const domain::name::Audit&, int64_t audit_id,
        const ListWindow&)>
        read,
    google::protobuf::RepeatedPtrField<Item>* (Response::*items)()) {
  BREVIS_ASSIGN_OR_RETURN(domain::name::Audit parent,
                          domain::ParseAuditName(request.parent(), "parent"));
  BREVIS_ASSIGN_OR_RETURN(
      ListWindow window,
      OpenListWindow(*deps.page_tokens, ListScope(call, request.parent()),
                     request.page_size(), request.page_token()));
  Response response;
  BREVIS_RETURN_IF_ERROR(ReadInAudit(
      deps, call, parent.audit, permission,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(store::Page<Item> page,
                                read(db, parent, location.id, window));
        TakePage(*deps.page_tokens, window, page, (response.*items)(),
                 response.mutable_next_page_token());
        return absl::OkStatus();
      }));
  BREVIS_RETURN_IF_ERROR(RecordReads(*deps.access, call, *(response.*items)()));
  return response;
}

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_AUDIT_FLOWS_H_
