#ifndef BREVIS_SERVER_APP_AUDIT_CONTENT_H_
#define BREVIS_SERVER_APP_AUDIT_CONTENT_H_

// The flows that the content of an audit shares, one function each: write
// under an audit, create a child of an audit, list an audit's children,
// and, for the content whose published versions are kept (findings and
// recommendations), read one, update it with revision, list its versions
// and delete it while it was never published. A use case adds only what is
// its own: the checks of its request, its repository calls, its rules.
//
// Every flow that writes records the write's event and its access-log WRITE
// row in the write's own transaction (change_feed.h; domain.md, "Sensitive
// data": who changed which audit content is logged), so no use case can
// forget either. Every flow that reads records the access-log READ rows
// before it answers.
//
// Free functions over borrowed Dependencies; thread-safe as those are.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/access_log_repository.h"
#include "server/store/audit_repository.h"
#include "server/store/revision_repository.h"
#include "server/store/rows.h"
#include "server/store/sqlite.h"

namespace brevis::app {

// A read under an audit, from the audit it found.
using AuditReadFn = absl::FunctionRef<absl::Status(
    store::Connection&, const store::AuditLocation&)>;

// In one read transaction, locates audit `audit` for the caller reading
// it (LocateAudit's PERMISSION_DENIED and NOT_FOUND) and runs `read`. The
// caller records the access-log READ rows of what it read, before it
// answers.
absl::Status ReadInAudit(const Dependencies& deps, const Call& call,
                         const domain::name::Audit& audit, AuditReadFn read);

// What a write under an audit did, from the audit it found.
using AuditWriteFn = absl::FunctionRef<absl::StatusOr<Change>(
    store::Connection&, const store::AuditLocation&)>;

// The one way existing audit content is changed: in one write transaction,
// locates audit `audit` for the caller doing `right` (LocateAudit's
// PERMISSION_DENIED and NOT_FOUND), runs `write`, and records the Change it
// returns: its event, seen by the audit's readers, and its access-log WRITE
// row. When `write` fails, its status is returned and nothing is written.
absl::Status WriteInAudit(const Dependencies& deps, const Call& call,
                          const domain::name::Audit& audit,
                          domain::Action right, AuditWriteFn write);

// A create of a child of an audit, as the request asks it.
struct NewChild {
  domain::name::Audit parent;
  std::string_view request_id;               // AIP-155; may be empty
  const google::protobuf::Message& request;  // what a retry must repeat
};

// Creates a child of audit `child.parent` (AIP-133) at most once per
// request_id (AIP-155; see CreateOnce): in one write transaction, locates
// the audit for kWriteContent (LocateAudit's PERMISSION_DENIED and
// NOT_FOUND); then either runs `create`, which checks the request against
// the audit as it is now, writes, and fills in the new resource, and
// records its CREATED event, seen by the audit's readers; or, for a retry,
// `reread`s the first result by its id (NOT_FOUND once deleted; a
// request_id reused for another request is INVALID_ARGUMENT). Either way
// it records the access-log WRITE row. Returns the resource.
template <typename Resource>
absl::StatusOr<Resource> CreateInAudit(
    const Dependencies& deps, const Call& call, const NewChild& child,
    absl::FunctionRef<absl::Status(store::Connection&,
                                   const store::AuditLocation&, Resource*)>
        create,
    absl::FunctionRef<absl::StatusOr<Resource>(
        store::Connection&, const store::AuditLocation&, std::string_view id)>
        reread) {
  // A request_id is unique per audit, not across audits.
  std::string method =
      brevis::StrCat(call.method, " ", domain::Format(child.parent));
  Resource resource;
  BREVIS_RETURN_IF_ERROR(
      deps.db->Write([&](store::Connection& db) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(store::AuditLocation location,
                                LocateAudit(db, call.caller, child.parent.audit,
                                            domain::Action::kWriteContent));
        BREVIS_RETURN_IF_ERROR(CreateOnce(
            db, call, method, child.request_id, child.request, &resource,
            [&]() -> absl::Status {
              BREVIS_RETURN_IF_ERROR(create(db, location, &resource));
              return RecordEvent(db, call, AuditScope(location),
                                 {v1::EVENT_KIND_CREATED, resource.name()});
            },
            [&](std::string_view name) {
              return Assign(reread(db, location, LastSegment(name)), &resource);
            }));
        return store::AccessLogRepository(db).Append(
            call.Entry(v1::ACCESS_KIND_WRITE, resource.name()));
      }));
  return resource;
}

// Which page of an audit's children a List call asks for (AIP-132,
// AIP-158).
struct ChildList {
  domain::name::Audit parent;
  // What defines the list besides method and caller, for the page token:
  // the parent's name, and the filter's canonical form if there is one.
  std::string scope;
  int32_t page_size = 0;
  std::string_view page_token;
};

// Lists a page of audit `list.parent`'s children into `items` and sets
// `next_page_token`: opens the list window (INVALID_ARGUMENT for a negative
// page size or a token not issued for this list), then in one read
// transaction locates the audit for kReadAudit (LocateAudit's codes) and
// `read`s the page after row id `after_id`, at most `limit` rows; then
// records a READ row for every item (UNAVAILABLE or RESOURCE_EXHAUSTED when
// it cannot: then the page must not be served).
template <typename Resource>
absl::Status ListInAudit(
    const Dependencies& deps, const Call& call, const ChildList& list,
    absl::FunctionRef<absl::StatusOr<store::Page<Resource>>(
        store::Connection&, const store::AuditLocation&, int64_t after_id,
        int limit)>
        read,
    google::protobuf::RepeatedPtrField<Resource>* items,
    std::string* next_page_token) {
  BREVIS_ASSIGN_OR_RETURN(
      ListWindow window,
      OpenListWindow(*deps.page_tokens, ListScope(call, list.scope),
                     list.page_size, list.page_token));
  BREVIS_RETURN_IF_ERROR(ReadInAudit(
      deps, call, list.parent,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(
            store::Page<Resource> page,
            read(db, location, window.after_id, window.limit));
        for (Resource& item : page.items) *items->Add() = std::move(item);
        *next_page_token = NextPageToken(*deps.page_tokens, window, page);
        return absl::OkStatus();
      }));
  return RecordReads(*deps.access, call, *items);
}

// A kind of audit content whose published versions are kept (domain.md,
// step 6: from publication on, a correction is a new version with a reason
// and the old text stays readable). The flows below take one as their
// template argument, e.g.
//   struct FindingContent {
//     using Resource = v1::Finding;
//     using Name = domain::name::Finding;
//     static constexpr std::string_view kNoun = "finding";
//     static constexpr std::string_view kPlural = "findings";
//     static absl::StatusOr<v1::Finding> Get(store::Connection& db,
//                                            const Name& name,
//                                            int64_t audit_id);
//   };
// Get is NOT_FOUND, naming the resource, when the audit has no such one.
template <typename Kind>
concept RevisedContent = requires(store::Connection& db,
                                  const typename Kind::Name& name) {
  requires std::derived_from<typename Kind::Resource,
                             google::protobuf::Message>;
  { Kind::kNoun } -> std::convertible_to<std::string_view>;
  { Kind::kPlural } -> std::convertible_to<std::string_view>;
  {
    Kind::Get(db, name, int64_t{0})
    } -> std::same_as<absl::StatusOr<typename Kind::Resource>>;
  { domain::Format(name) } -> std::same_as<std::string>;
  {
    store::RevisionRepository(db).RowOf(name, int64_t{0})
    } -> std::same_as<absl::StatusOr<store::RevisionRepository::Row>>;
};

// Reads `name` (AIP-131): in one read transaction, locates its audit for
// kReadAudit (LocateAudit's codes) and gets it (NOT_FOUND); then records
// the READ row (UNAVAILABLE, RESOURCE_EXHAUSTED: not served).
template <RevisedContent Kind>
absl::StatusOr<typename Kind::Resource> GetContent(
    const Dependencies& deps, const Call& call,
    const typename Kind::Name& name) {
  typename Kind::Resource resource;
  BREVIS_RETURN_IF_ERROR(ReadInAudit(
      deps, call, domain::name::Audit{name.audit},
      [&](store::Connection& db, const store::AuditLocation& location) {
        return Assign(Kind::Get(db, name, location.id), &resource);
      }));
  BREVIS_RETURN_IF_ERROR(
      deps.access->Record({call.Entry(v1::ACCESS_KIND_READ, resource.name())}));
  return resource;
}

// Every version of `name`, oldest first: the kept earlier versions, then
// the current one, into `versions`. Codes as GetContent; DATA_LOSS for a
// kept version that cannot be read. One READ row, for `name`.
template <RevisedContent Kind>
absl::Status ListContentRevisions(
    const Dependencies& deps, const Call& call, const typename Kind::Name& name,
    google::protobuf::RepeatedPtrField<typename Kind::Resource>* versions) {
  BREVIS_RETURN_IF_ERROR(ReadInAudit(
      deps, call, domain::name::Audit{name.audit},
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::Status {
        BREVIS_ASSIGN_OR_RETURN(typename Kind::Resource current,
                                Kind::Get(db, name, location.id));
        store::RevisionRepository revisions(db);
        BREVIS_ASSIGN_OR_RETURN(store::RevisionRepository::Row row,
                                revisions.RowOf(name, location.id));
        BREVIS_ASSIGN_OR_RETURN(std::vector<std::string> earlier,
                                revisions.Earlier(row));
        for (const std::string& snapshot : earlier) {
          if (!versions->Add()->ParseFromString(snapshot)) {
            return absl::DataLossError("a kept revision is unreadable");
          }
        }
        *versions->Add() = std::move(current);
        return absl::OkStatus();
      }));
  return deps.access->Record(
      {call.Entry(v1::ACCESS_KIND_READ, domain::Format(name))});
}

// An update of one finding or recommendation, as the request asks it.
template <RevisedContent Kind>
struct ContentUpdate {
  typename Kind::Name name;
  const typename Kind::Resource& patch;  // the fields to set, and the etag
  std::vector<std::string> paths;        // the resolved update mask
  std::string_view revision_reason;
};

// Updates `update.name` with revision (AIP-134), in WriteInAudit for
// kWriteContent: gets it (NOT_FOUND); checks the revision reason against
// the audit's state and whether it was ever published (CheckRevisionReason:
// FAILED_PRECONDITION without a needed reason, INVALID_ARGUMENT with one
// on a draft), then the etag (ABORTED, AIP-154); applies the mask's paths
// of the patch and `write`s the result (which validates it, with
// INVALID_ARGUMENT or NOT_FOUND for what it names, and stores it). With a
// reason, keeps the version it replaced. Its UPDATED event names the
// changed fields. Returns the resource as stored.
template <RevisedContent Kind>
absl::StatusOr<typename Kind::Resource> UpdateContent(
    const Dependencies& deps, const Call& call,
    const ContentUpdate<Kind>& update,
    absl::FunctionRef<absl::Status(store::Connection&,
                                   const store::AuditLocation&,
                                   typename Kind::Resource*)>
        write) {
  const typename Kind::Name& name = update.name;
  typename Kind::Resource resource;
  BREVIS_RETURN_IF_ERROR(WriteInAudit(
      deps, call, domain::name::Audit{name.audit},
      domain::Action::kWriteContent,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<Change> {
        BREVIS_ASSIGN_OR_RETURN(typename Kind::Resource current,
                                Kind::Get(db, name, location.id));
        store::RevisionRepository revisions(db);
        BREVIS_ASSIGN_OR_RETURN(bool was_published,
                                revisions.WasPublished(name, location.id));
        BREVIS_RETURN_IF_ERROR(CheckRevisionReason(
            location.facts, was_published, update.revision_reason));
        BREVIS_RETURN_IF_ERROR(domain::CheckEtag(
            Kind::kNoun, update.patch.etag(), current.etag()));
        typename Kind::Resource before = current;
        domain::ApplyUpdateMask(update.patch, update.paths, &current);
        BREVIS_RETURN_IF_ERROR(write(db, location, &current));
        if (!update.revision_reason.empty()) {
          // A correction of published text: the version it replaces is
          // kept.
          BREVIS_ASSIGN_OR_RETURN(store::RevisionRepository::Row row,
                                  revisions.RowOf(name, location.id));
          BREVIS_RETURN_IF_ERROR(revisions.Correct(
              row, before, before.revision(), update.revision_reason));
        }
        BREVIS_ASSIGN_OR_RETURN(resource, Kind::Get(db, name, location.id));
        return Change{v1::EVENT_KIND_UPDATED, resource.name(),
                      UpdatedFields(update.paths, update.revision_reason)};
      }));
  return resource;
}

// Deletes `name` (AIP-135), in WriteInAudit for kWriteContent, only while
// its text was never published and nothing hangs on it: FAILED_PRECONDITION
// when the audit is frozen (CheckNotFrozen); NOT_FOUND; ABORTED for a stale
// `etag`; FAILED_PRECONDITION naming the rule when it was ever published or
// has `actions` (the unit's actions under it, by name; CheckNeverPublished).
// Then `remove` deletes it (and may refuse first, for what else is in the
// way). Its DELETED event names it.
template <RevisedContent Kind>
absl::Status DeleteUnpublished(
    const Dependencies& deps, const Call& call, const typename Kind::Name& name,
    std::string_view etag,
    absl::FunctionRef<absl::StatusOr<std::vector<std::string>>(
        store::Connection&, const store::AuditLocation&)>
        actions,
    absl::FunctionRef<absl::Status(store::Connection&,
                                   const store::AuditLocation&)>
        remove) {
  return WriteInAudit(
      deps, call, domain::name::Audit{name.audit},
      domain::Action::kWriteContent,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<Change> {
        BREVIS_RETURN_IF_ERROR(CheckNotFrozen(
            location.facts, brevis::StrCat("delete ", Kind::kPlural)));
        BREVIS_ASSIGN_OR_RETURN(typename Kind::Resource current,
                                Kind::Get(db, name, location.id));
        BREVIS_RETURN_IF_ERROR(
            domain::CheckEtag(Kind::kNoun, etag, current.etag()));
        // Refused with the rule and what is in the way, by name, before the
        // store's own links could refuse it.
        BREVIS_ASSIGN_OR_RETURN(
            bool was_published,
            store::RevisionRepository(db).WasPublished(name, location.id));
        BREVIS_ASSIGN_OR_RETURN(std::vector<std::string> hanging,
                                actions(db, location));
        std::string formatted = domain::Format(name);
        BREVIS_RETURN_IF_ERROR(
            CheckNeverPublished(formatted, was_published, hanging));
        BREVIS_RETURN_IF_ERROR(remove(db, location));
        return Change{v1::EVENT_KIND_DELETED, std::move(formatted)};
      });
}

}  // namespace brevis::app

#endif  // BREVIS_SERVER_APP_AUDIT_CONTENT_H_
