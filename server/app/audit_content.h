#ifndef BREVIS_SERVER_APP_AUDIT_CONTENT_H_
#define BREVIS_SERVER_APP_AUDIT_CONTENT_H_

// The flows of the audit content whose published versions are kept
// (findings and recommendations), one function each, built on the shared
// audit flows (audit_flows.h): read one, update it with revision, list its
// versions, and delete it while it was never published. Like those, every
// write records its event and access-log WRITE row in its own transaction,
// and every read its access-log READ rows before it answers.
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
#include "server/app/audit_flows.h"
#include "server/app/call.h"
#include "server/app/change_feed.h"
#include "server/app/create_once.h"
#include "server/app/dependencies.h"
#include "server/domain/policy.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/update_mask.h"
#include "server/domain/validation.h"
#include "server/store/audit_repository.h"
#include "server/store/revision_repository.h"
#include "server/store/sqlite.h"

namespace brevis::app {

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
      domain::Permission::kReadAudit,
      [&](store::Connection& db, const store::AuditLocation& location) {
        return Assign(Kind::Get(db, name, location.id), &resource);
      }));
  BREVIS_RETURN_IF_ERROR(deps.access->Record(
      call, {call.Entry(v1::ACCESS_KIND_READ, resource.name())}));
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
      domain::Permission::kReadAudit,
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
      call, {call.Entry(v1::ACCESS_KIND_READ, domain::Format(name))});
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
      domain::Permission::kWriteContent,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<AuditChange> {
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
      domain::Permission::kWriteContent,
      [&](store::Connection& db,
          const store::AuditLocation& location) -> absl::StatusOr<AuditChange> {
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
