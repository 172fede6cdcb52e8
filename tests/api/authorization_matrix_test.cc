// The authorization matrix: every RPC of the API x every kind of caller x
// {own resource, another unit's resource, missing resource}, with drafts and
// with published audits, each cell with its expected status. The RPC list
// comes from the proto files' service descriptors, so an RPC without a row
// here fails the test. The expectations restate domain.md's rules
// independently of server/domain/policy.cc.

#include <gmock/gmock.h>

#include <filesystem>
#include <functional>
#include <map>

#include "brevis/v1/access_log_service.grpc.pb.h"
#include "brevis/v1/event_service.grpc.pb.h"
#include "brevis/v1/report_service.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "server/auth/token_secret.h"
#include "server/domain/digest.h"
#include "server/domain/resource_name.h"
#include "tests/api/service_fixture.h"

namespace brevis::api {
namespace {

using Code = grpc::StatusCode;

enum class Who {
  kNoToken,
  kAdmin,
  kAssignedAuditor,
  kUnassignedAuditor,
  kManagerOfUnit,
  kManagerOfOtherUnit,
  kViewer,
  kIntegrationWithScope,
  kIntegrationWithoutScope,
  kRevokedToken,
  kExpiredToken,
};
constexpr Who kEveryone[] = {Who::kNoToken,
                             Who::kAdmin,
                             Who::kAssignedAuditor,
                             Who::kUnassignedAuditor,
                             Who::kManagerOfUnit,
                             Who::kManagerOfOtherUnit,
                             Who::kViewer,
                             Who::kIntegrationWithScope,
                             Who::kIntegrationWithoutScope,
                             Who::kRevokedToken,
                             Who::kExpiredToken};

enum class Target { kOwn, kOther, kMissing };
constexpr Target kTargets[] = {Target::kOwn, Target::kOther, Target::kMissing};

enum class Phase { kDraft, kPublished };

std::string WhoName(Who who) {
  static const char* kNames[] = {"no token",
                                 "admin",
                                 "assigned auditor",
                                 "unassigned auditor",
                                 "manager of the unit",
                                 "manager of another unit",
                                 "viewer",
                                 "integration with scope",
                                 "integration without scope",
                                 "revoked token",
                                 "expired token"};
  return kNames[static_cast<int>(who)];
}

std::string TargetName(Target target) {
  static const char* kNames[] = {"own", "other", "missing"};
  return kNames[static_cast<int>(target)];
}

constexpr char kMissingUnit[] = "units/0000000000000000";
constexpr char kMissingAudit[] = "audits/0000000000000000";
constexpr char kMissingPrincipal[] = "principals/0000000000000000";

// What each caller may do, restated from domain.md ("Who uses it").
bool Unauthenticated(Who who) {
  return who == Who::kNoToken || who == Who::kRevokedToken ||
         who == Who::kExpiredToken;
}

// May `who` see the audit `target` in `phase`?
bool SeesAudit(Who who, Target target, Phase phase) {
  if (target == Target::kMissing) return false;
  bool own = target == Target::kOwn;
  bool published = phase == Phase::kPublished;
  switch (who) {
    case Who::kAdmin:
      return true;
    case Who::kAssignedAuditor:
      return own;  // drafts too: it is their audit
    case Who::kManagerOfUnit:
      return own && published;  // never drafts
    case Who::kManagerOfOtherUnit:
      return !own && published;
    case Who::kViewer:
    case Who::kIntegrationWithScope:
      return published;
    default:
      return false;
  }
}

Code AuditRead(Who who, Target target, Phase phase) {
  if (Unauthenticated(who)) return Code::UNAUTHENTICATED;
  if (who == Who::kIntegrationWithoutScope) return Code::PERMISSION_DENIED;
  return SeesAudit(who, target, phase) ? Code::OK : Code::NOT_FOUND;
}

// Writing an audit's plan or content: admins, and the audit's own auditors.
Code AuditWrite(Who who, Target target, Phase phase) {
  Code read = AuditRead(who, target, phase);
  if (read != Code::OK) return read;
  if (who == Who::kAdmin) return Code::OK;
  if (who == Who::kAssignedAuditor && target == Target::kOwn) return Code::OK;
  return Code::PERMISSION_DENIED;
}

// Interview sessions are counts small enough to point at people: only the
// audit's team (and admins) read them, even after publication.
Code TeamRead(Who who, Target target, Phase phase) {
  Code read = AuditRead(who, target, phase);
  if (read != Code::OK) return read;
  if (who == Who::kAdmin) return Code::OK;
  if (who == Who::kAssignedAuditor && target == Target::kOwn) return Code::OK;
  return Code::PERMISSION_DENIED;
}

// Admin-only actions that name an existing or missing resource.
Code AdminOnly(Who who, Target target, Phase) {
  if (Unauthenticated(who)) return Code::UNAUTHENTICATED;
  if (who != Who::kAdmin) return Code::PERMISSION_DENIED;
  return target == Target::kMissing ? Code::NOT_FOUND : Code::OK;
}

// Admin-only actions that create something: no target to miss.
Code AdminCreates(Who who, Target target, Phase) {
  if (Unauthenticated(who)) return Code::UNAUTHENTICATED;
  if (who != Who::kAdmin) return Code::PERMISSION_DENIED;
  // CreateAudit of a missing unit: the unit is the missing resource.
  return target == Target::kMissing ? Code::NOT_FOUND : Code::OK;
}

Code EveryoneSignedIn(Who who, Target, Phase) {
  return Unauthenticated(who) ? Code::UNAUTHENTICATED : Code::OK;
}

// "Own" is the caller itself; others' principals and tokens are admin
// business and look missing to everyone else.
Code SelfOrAdmin(Who who, Target target, Phase) {
  if (Unauthenticated(who)) return Code::UNAUTHENTICATED;
  if (target == Target::kMissing) return Code::NOT_FOUND;
  if (who == Who::kAdmin || target == Target::kOwn) return Code::OK;
  return Code::NOT_FOUND;
}

// Reading principals and their tokens: admins and the principal itself,
// and integrations with the read-contacts scope (a notifier addressing
// mail) any principal.
Code SelfAdminOrContacts(Who who, Target target, Phase phase) {
  if (who == Who::kIntegrationWithScope) {
    return target == Target::kMissing ? Code::NOT_FOUND : Code::OK;
  }
  return SelfOrAdmin(who, target, phase);
}

// Listing the directory: admins and integrations with read-contacts.
Code AdminOrContacts(Who who, Target target, Phase phase) {
  return AdminOnly(who == Who::kIntegrationWithScope ? Who::kAdmin : who,
                   target, phase);
}

Code UnitRead(Who who, Target target, Phase) {
  if (Unauthenticated(who)) return Code::UNAUTHENTICATED;
  if (who == Who::kIntegrationWithoutScope) return Code::PERMISSION_DENIED;
  if (target == Target::kMissing) return Code::NOT_FOUND;
  if (who == Who::kManagerOfUnit && target == Target::kOther) {
    return Code::NOT_FOUND;
  }
  if (who == Who::kManagerOfOtherUnit && target == Target::kOwn) {
    return Code::NOT_FOUND;
  }
  return Code::OK;
}

// A write that passes authorization but then fails a lifecycle rule: the
// matrix never changes an audit's state, so allowed callers see
// FAILED_PRECONDITION where they would otherwise see OK.
Code WriteRefusedByState(Who who, Target target, Phase phase) {
  Code code = AuditWrite(who, target, phase);
  return code == Code::OK ? Code::FAILED_PRECONDITION : code;
}

// Findings and recommendations are frozen from PUBLISHED on: allowed
// callers are refused by that rule (the matrix sends no revision_reason).
Code ContentWrite(Who who, Target target, Phase phase) {
  Code code = AuditWrite(who, target, phase);
  if (code == Code::OK && phase == Phase::kPublished) {
    return Code::FAILED_PRECONDITION;
  }
  return code;
}

// Feedback follows the published report.
Code FeedbackWrite(Who who, Target target, Phase phase) {
  Code code = AuditWrite(who, target, phase);
  if (code == Code::OK && phase == Phase::kDraft) {
    return Code::FAILED_PRECONDITION;
  }
  return code;
}

// The unit's response: admins and the managers of the audited unit, while
// the audit is published.
Code UnitResponds(Who who, Target target, Phase phase) {
  Code read = AuditRead(who, target, phase);
  if (read != Code::OK) return read;
  bool unit_voice =
      who == Who::kAdmin ||
      (who == Who::kManagerOfUnit && target == Target::kOwn) ||
      (who == Who::kManagerOfOtherUnit && target == Target::kOther);
  if (!unit_voice) return Code::PERMISSION_DENIED;
  return phase == Phase::kPublished ? Code::OK : Code::FAILED_PRECONDITION;
}

Code ListRead(Who who, Target, Phase) {
  if (Unauthenticated(who)) return Code::UNAUTHENTICATED;
  if (who == Who::kIntegrationWithoutScope) return Code::PERMISSION_DENIED;
  return Code::OK;
}

// The change feed: everyone signed in, integrations with the watch scope.
Code WatchRead(Who who, Target, Phase) {
  if (Unauthenticated(who)) return Code::UNAUTHENTICATED;
  if (who == Who::kIntegrationWithScope) return Code::PERMISSION_DENIED;
  return Code::OK;
}

class AuthorizationMatrixTest : public ServiceTest {
 protected:
  struct Stubs {
    std::unique_ptr<v1::DirectoryService::Stub> directory;
    std::unique_ptr<v1::AuditService::Stub> audits;
    std::unique_ptr<v1::AccessLogService::Stub> access_log;
    std::unique_ptr<v1::EventService::Stub> events;
    std::unique_ptr<v1::ReportService::Stub> reports;
  };
  struct Row {
    std::function<grpc::Status(Stubs&, Who, Target)> call;
    std::function<Code(Who, Target, Phase)> expect;
  };

  void SetUp() override {
    // The matrix fails to sign in hundreds of times on purpose.
    options_.auth_failures_per_minute = 1000000;
    ServiceTest::SetUp();
    unit_[0] = MustCreateUnit(ExampleUnit()).name();
    unit_[1] = MustCreateUnit(ExampleUnit()).name();
    principals_[Who::kAdmin] = admin_;
    principals_[Who::kAssignedAuditor] = NewPrincipal(v1::ROLE_AUDITOR);
    principals_[Who::kUnassignedAuditor] = NewPrincipal(v1::ROLE_AUDITOR);
    principals_[Who::kManagerOfUnit] =
        NewPrincipal(v1::ROLE_UNIT_MANAGER, {unit_[0]});
    principals_[Who::kManagerOfOtherUnit] =
        NewPrincipal(v1::ROLE_UNIT_MANAGER, {unit_[1]});
    principals_[Who::kViewer] = NewPrincipal(v1::ROLE_VIEWER);
    principals_[Who::kIntegrationWithScope] =
        NewPrincipal(v1::ROLE_INTEGRATION, {},
                     {v1::SCOPE_READ_UNITS, v1::SCOPE_READ_AUDITS,
                      v1::SCOPE_READ_CONTACTS, v1::SCOPE_SIGN_IN});
    principals_[Who::kIntegrationWithoutScope] =
        NewPrincipal(v1::ROLE_INTEGRATION, {}, {v1::SCOPE_WATCH_EVENTS});
    principals_[Who::kRevokedToken] = NewPrincipal(v1::ROLE_ADMIN);
    principals_[Who::kExpiredToken] = NewPrincipal(v1::ROLE_ADMIN);
    principals_[Who::kNoToken] = TestPrincipal{kMissingPrincipal, ""};
    SpoilTokens();

    for (int i = 0; i < 2; ++i) {
      v1::Audit audit = ExampleAudit(unit_[i]);
      if (i == 0) audit.add_auditors(principals_[Who::kAssignedAuditor].name);
      grpc::ClientContext context;
      v1::CreateAuditRequest request;
      *request.mutable_audit() = audit;
      v1::Audit created;
      ASSERT_TRUE(audits_->CreateAudit(&context, request, &created).ok());
      audit_[i] = created.name();
      finding_[i] = MustCreateFinding(audit_[i], ExampleFinding()).name();
    }
    for (Who who : kEveryone) {
      Stubs& stubs = stubs_[who];
      auto channel = ChannelFor(principals_[who].secret);
      stubs.directory = v1::DirectoryService::NewStub(channel);
      stubs.audits = v1::AuditService::NewStub(channel);
      stubs.access_log = v1::AccessLogService::NewStub(channel);
      stubs.events = v1::EventService::NewStub(channel);
      stubs.reports = v1::ReportService::NewStub(channel);
    }
    rows_ = MakeRows();
  }

  // Revokes one principal's token and makes another's expire, in the store.
  void SpoilTokens() {
    auto spoil = [&](Who who, const char* sql) {
      const std::string& name = principals_[who].name;
      ASSERT_TRUE(
          db_->Write([&](store::Connection& db) -> absl::Status {
               auto update = db.Prepare(sql);
               if (!update.ok()) return update.status();
               return (*update)->Bind(1, name.substr(name.find('/') + 1)).Run();
             })
              .ok());
    };
    spoil(Who::kRevokedToken,
          "UPDATE tokens SET revoke_time = 1 WHERE principal_id = "
          "(SELECT id FROM principals WHERE uid = ?)");
    spoil(Who::kExpiredToken,
          "UPDATE tokens SET expire_time = 1 WHERE principal_id = "
          "(SELECT id FROM principals WHERE uid = ?)");
  }

  void RunMatrix(Phase phase);

  std::string Own(const std::string* pair, Target target, const char* missing) {
    switch (target) {
      case Target::kOwn:
        return pair[0];
      case Target::kOther:
        return pair[1];
      default:
        return missing;
    }
  }
  std::string Unit(Target t) { return Own(unit_, t, kMissingUnit); }
  std::string Audit(Target t) { return Own(audit_, t, kMissingAudit); }

  // A principal "own" to the caller: itself; "other": someone else.
  std::string PrincipalFor(Who who, Target target) {
    if (target == Target::kMissing) return kMissingPrincipal;
    if (target == Target::kOwn && who != Who::kNoToken &&
        who != Who::kRevokedToken && who != Who::kExpiredToken) {
      return principals_[who].name;
    }
    return principals_[Who::kViewer].name == principals_[who].name
               ? principals_[Who::kAssignedAuditor].name
               : principals_[Who::kViewer].name;
  }

  // A fresh session or finding, so deleting one never disturbs the next
  // cell. Written in the store directly, as the admin's API would.
  std::string FreshChild(Target target, const char* collection) {
    if (target == Target::kMissing) {
      return std::string(kMissingAudit) + "/" + collection +
             "/0000000000000000";
    }
    std::string audit = Audit(target);
    std::string uid = domain::NewResourceId();
    std::string table = collection;
    EXPECT_TRUE(
        db_->Write([&](store::Connection& db) -> absl::Status {
             std::string sql =
                 table == "sessions"
                     ? "INSERT INTO sessions (uid, audit_id, "
                       "session_date, kind, informant_group, "
                       "participant_count, create_time) SELECT ?, id, "
                       "'2026-03-01', 1, 2, 1, 0 FROM audits WHERE "
                       "uid = ?"
                     : "INSERT INTO findings (uid, audit_id, "
                       "focus_area, kind, text, informant_groups, "
                       "child_rights_articles, sip, create_time, "
                       "update_time, revision) SELECT ?, id, 1, 1, "
                       "'x', 4, 0, 0, 0, 0, 1 FROM audits WHERE uid = ?";
             auto insert = db.Prepare(sql);
             if (!insert.ok()) return insert.status();
             return (*insert)
                 ->Bind(1, uid)
                 .Bind(2, audit.substr(audit.find('/') + 1))
                 .Run();
           })
            .ok());
    return audit + "/" + collection + "/" + uid;
  }

  v1::Recommendation ExampleRecommendation(Target target) {
    v1::Recommendation recommendation;
    recommendation.set_text(
        "Inför en rutin där den unge själv får ge sin syn innan beslut.");
    recommendation.set_priority(v1::PRIORITY_HIGH);
    recommendation.add_findings(target == Target::kMissing
                                    ? std::string(kMissingAudit) +
                                          "/findings/0000000000000000"
                                    : finding_[target == Target::kOwn ? 0 : 1]);
    return recommendation;
  }

  // A fresh recommendation answering the target audit's finding, written
  // in the store directly (the API refuses new ones once published).
  std::string FreshRecommendation(Target target) {
    if (target == Target::kMissing) {
      return std::string(kMissingAudit) + "/recommendations/0000000000000000";
    }
    std::string audit = Audit(target);
    std::string finding = finding_[target == Target::kOwn ? 0 : 1];
    std::string uid = domain::NewResourceId();
    EXPECT_TRUE(db_->Write([&](store::Connection& db) -> absl::Status {
                     auto insert = db.Prepare(
                         "INSERT INTO recommendations (uid, audit_id, text, "
                         "priority, create_time, update_time, revision) "
                         "SELECT ?, id, 'Inför en rutin.', 1, 0, 0, 1 FROM "
                         "audits WHERE uid = ?");
                     if (!insert.ok()) return insert.status();
                     if (auto s =
                             (*insert)
                                 ->Bind(1, uid)
                                 .Bind(2, audit.substr(audit.find('/') + 1))
                                 .Run();
                         !s.ok()) {
                       return s;
                     }
                     auto link = db.Prepare(
                         "INSERT INTO recommendation_findings "
                         "(recommendation_id, finding_id) SELECT r.id, f.id "
                         "FROM recommendations r, findings f WHERE r.uid = ? "
                         "AND f.uid = ?");
                     if (!link.ok()) return link.status();
                     return (*link)
                         ->Bind(1, uid)
                         .Bind(2, finding.substr(finding.rfind('/') + 1))
                         .Run();
                   })
                    .ok());
    return audit + "/recommendations/" + uid;
  }

  // A fresh action under a fresh recommendation, in the store directly.
  std::string FreshAction(Target target) {
    std::string recommendation = FreshRecommendation(target);
    if (target == Target::kMissing) return recommendation + "/actions/00000000";
    std::string uid = domain::NewResourceId();
    EXPECT_TRUE(db_->Write([&](store::Connection& db) -> absl::Status {
                     auto insert = db.Prepare(
                         "INSERT INTO actions (uid, recommendation_id, "
                         "audit_id, unit_id, description, responsible, "
                         "due_date, status, create_time, update_time, "
                         "revision) SELECT ?, r.id, r.audit_id, a.unit_id, "
                         "'Rutin', 'enhetschef', '2026-06-01', 1, 0, 0, 1 "
                         "FROM recommendations r JOIN audits a ON a.id = "
                         "r.audit_id WHERE r.uid = ?");
                     if (!insert.ok()) return insert.status();
                     return (*insert)
                         ->Bind(1, uid)
                         .Bind(2, std::string(LastId(recommendation)))
                         .Run();
                   })
                    .ok());
    return recommendation + "/actions/" + uid;
  }

  static std::string_view LastId(const std::string& name) {
    return std::string_view(name).substr(name.rfind('/') + 1);
  }

  std::string FreshToken(Who who, Target target) {
    if (target == Target::kMissing) {
      return std::string(kMissingPrincipal) + "/tokens/0000000000000000";
    }
    std::string principal = PrincipalFor(who, target);
    std::string uid = domain::NewResourceId();
    EXPECT_TRUE(db_->Write([&](store::Connection& db) -> absl::Status {
                     auto insert = db.Prepare(
                         "INSERT INTO tokens (uid, principal_id, secret_hash, "
                         "display_name, create_time, expire_time) SELECT ?, "
                         "id, ?, '', 0, 0 FROM principals WHERE uid = ?");
                     if (!insert.ok()) return insert.status();
                     return (*insert)
                         ->Bind(1, uid)
                         .BindBlob(
                             2, auth::HashTokenSecret(auth::NewTokenSecret()))
                         .Bind(3, principal.substr(principal.find('/') + 1))
                         .Run();
                   })
                    .ok());
    return principal + "/tokens/" + uid;
  }

  // The secret of a sign-in link of the viewer, written in the store
  // directly: "own" an unused link, "other" a used one, "missing" none.
  std::string FreshSignInLink(Target target) {
    std::string secret = "brv_matrix-" + domain::NewResourceId();
    if (target == Target::kMissing) return secret;
    std::string viewer = principals_[Who::kViewer].name;
    EXPECT_TRUE(
        db_->Write([&](store::Connection& db) -> absl::Status {
             auto insert = db.Prepare(
                 "INSERT INTO sign_in_links (uid, principal_id, "
                 "secret_hash, creator_id, create_time, expire_time, "
                 "redeem_time) SELECT ?, id, ?, id, 0, "
                 "4102444800000000, ? FROM principals WHERE uid = ?");
             if (!insert.ok()) return insert.status();
             (*insert)
                 ->Bind(1, domain::NewResourceId())
                 .BindBlob(2, domain::Sha256(secret));
             if (target == Target::kOther) {
               (*insert)->Bind(3, int64_t{1});
             } else {
               (*insert)->BindNull(3);
             }
             return (*insert)->Bind(4, std::string(LastId(viewer))).Run();
           })
            .ok());
    return secret;
  }

  // An identity no principal carries yet.
  static v1::ExternalIdentity FreshIdentity() {
    v1::ExternalIdentity identity;
    identity.set_issuer("https://idp.example.se");
    identity.set_subject("matrix-" + domain::NewResourceId());
    return identity;
  }

  // An identity principal `name` carries, added in the store directly (for
  // a missing principal: one nobody carries).
  v1::ExternalIdentity IdentityOf(const std::string& name, Target target) {
    v1::ExternalIdentity identity = FreshIdentity();
    if (target == Target::kMissing) return identity;
    EXPECT_TRUE(db_->Write([&](store::Connection& db) -> absl::Status {
                     auto insert = db.Prepare(
                         "INSERT INTO external_identities (principal_id, "
                         "issuer, subject, create_time) SELECT id, ?, ?, 0 "
                         "FROM principals WHERE uid = ?");
                     if (!insert.ok()) return insert.status();
                     return (*insert)
                         ->Bind(1, identity.issuer())
                         .Bind(2, identity.subject())
                         .Bind(3, std::string(LastId(name)))
                         .Run();
                   })
                    .ok());
    return identity;
  }

  std::map<std::string, Row> MakeRows();

  std::string unit_[2];
  std::string audit_[2];
  std::string finding_[2];
  std::map<Who, TestPrincipal> principals_;
  std::map<Who, Stubs> stubs_;
  std::map<std::string, Row> rows_;
};

// Runs one RPC with a fresh context.
template <typename Stub, typename Request, typename Response>
grpc::Status Invoke(Stub* stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Request&, Response*),
                    const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  Response response;
  return (stub->*method)(&context, request, &response);
}

// Opens a watch: OK once it delivers a message or is still open when a
// short deadline passes (a caller may see no event yet); a refusal comes
// at once as the stream's status.
grpc::Status OpenWatch(v1::EventService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(300));
  auto reader = stub.WatchEvents(&context, v1::WatchEventsRequest());
  v1::WatchEventsResponse response;
  if (reader->Read(&response)) {
    context.TryCancel();
    reader->Finish().IgnoreError();
    return grpc::Status::OK;
  }
  grpc::Status status = reader->Finish();
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return grpc::Status::OK;
  }
  return status;
}

std::map<std::string, AuthorizationMatrixTest::Row>
AuthorizationMatrixTest::MakeRows() {
  using D = v1::DirectoryService::Stub;
  using A = v1::AuditService::Stub;
  std::map<std::string, Row> rows;
  auto& self = *this;

  // DirectoryService: units.
  rows["brevis.v1.DirectoryService.CreateUnit"] = {
      [&](Stubs& s, Who, Target) {
        v1::CreateUnitRequest r;
        *r.mutable_unit() = ExampleUnit();
        return Invoke(s.directory.get(), &D::CreateUnit, r);
      },
      [](Who w, Target, Phase p) { return AdminCreates(w, Target::kOwn, p); }};
  rows["brevis.v1.DirectoryService.GetUnit"] = {
      [&](Stubs& s, Who, Target t) {
        v1::GetUnitRequest r;
        r.set_name(self.Unit(t));
        return Invoke(s.directory.get(), &D::GetUnit, r);
      },
      UnitRead};
  rows["brevis.v1.DirectoryService.ListUnits"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.directory.get(), &D::ListUnits, v1::ListUnitsRequest());
      },
      ListRead};
  rows["brevis.v1.DirectoryService.UpdateUnit"] = {
      [&](Stubs& s, Who, Target t) {
        v1::UpdateUnitRequest r;
        r.mutable_unit()->set_name(self.Unit(t));
        r.mutable_unit()->set_display_name("BUP Ny");
        r.mutable_update_mask()->add_paths("display_name");
        return Invoke(s.directory.get(), &D::UpdateUnit, r);
      },
      AdminOnly};

  // DirectoryService: principals and tokens.
  rows["brevis.v1.DirectoryService.CreatePrincipal"] = {
      [&](Stubs& s, Who, Target) {
        v1::CreatePrincipalRequest r;
        r.mutable_principal()->set_display_name("Ny granskare");
        r.mutable_principal()->set_role(v1::ROLE_AUDITOR);
        return Invoke(s.directory.get(), &D::CreatePrincipal, r);
      },
      [](Who w, Target, Phase p) { return AdminCreates(w, Target::kOwn, p); }};
  rows["brevis.v1.DirectoryService.GetPrincipal"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::GetPrincipalRequest r;
        r.set_name(self.PrincipalFor(w, t));
        return Invoke(s.directory.get(), &D::GetPrincipal, r);
      },
      SelfAdminOrContacts};
  rows["brevis.v1.DirectoryService.ListPrincipals"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.directory.get(), &D::ListPrincipals,
                      v1::ListPrincipalsRequest());
      },
      [](Who w, Target, Phase p) {
        return AdminOrContacts(w, Target::kOwn, p);
      }};
  rows["brevis.v1.DirectoryService.UpdatePrincipal"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::UpdatePrincipalRequest r;
        r.mutable_principal()->set_name(self.PrincipalFor(w, t));
        r.mutable_principal()->set_display_name("Nytt namn");
        r.mutable_update_mask()->add_paths("display_name");
        return Invoke(s.directory.get(), &D::UpdatePrincipal, r);
      },
      AdminOnly};
  rows["brevis.v1.DirectoryService.CreateToken"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::CreateTokenRequest r;
        r.set_parent(self.PrincipalFor(w, t));
        return Invoke(s.directory.get(), &D::CreateToken, r);
      },
      SelfOrAdmin};
  rows["brevis.v1.DirectoryService.ListTokens"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::ListTokensRequest r;
        r.set_parent(self.PrincipalFor(w, t));
        return Invoke(s.directory.get(), &D::ListTokens, r);
      },
      SelfAdminOrContacts};
  rows["brevis.v1.DirectoryService.RevokeToken"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::RevokeTokenRequest r;
        r.set_name(self.FreshToken(w, t));
        return Invoke(s.directory.get(), &D::RevokeToken, r);
      },
      SelfOrAdmin};
  rows["brevis.v1.DirectoryService.CreateSignInLink"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::CreateSignInLinkRequest r;
        r.set_parent(self.PrincipalFor(w, t));
        return Invoke(s.directory.get(), &D::CreateSignInLink, r);
      },
      AdminOnly};
  rows["brevis.v1.DirectoryService.ListSignInLinks"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::ListSignInLinksRequest r;
        r.set_parent(self.PrincipalFor(w, t));
        return Invoke(s.directory.get(), &D::ListSignInLinks, r);
      },
      AdminOrContacts};
  rows["brevis.v1.DirectoryService.AddExternalIdentity"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::AddExternalIdentityRequest r;
        r.set_name(self.PrincipalFor(w, t));
        *r.mutable_external_identity() = FreshIdentity();
        return Invoke(s.directory.get(), &D::AddExternalIdentity, r);
      },
      AdminOnly};
  rows["brevis.v1.DirectoryService.RemoveExternalIdentity"] = {
      [&](Stubs& s, Who w, Target t) {
        v1::RemoveExternalIdentityRequest r;
        r.set_name(self.PrincipalFor(w, t));
        *r.mutable_external_identity() = self.IdentityOf(r.name(), t);
        return Invoke(s.directory.get(), &D::RemoveExternalIdentity, r);
      },
      AdminOnly};
  // Only the sign-in scope, admins included: an unused link works, a used
  // one is refused by its state and an unknown one is not found.
  rows["brevis.v1.DirectoryService.ExchangeSignIn"] = {
      [&](Stubs& s, Who, Target t) {
        v1::ExchangeSignInRequest r;
        r.set_sign_in_link_secret(self.FreshSignInLink(t));
        return Invoke(s.directory.get(), &D::ExchangeSignIn, r);
      },
      [](Who w, Target t, Phase) {
        if (Unauthenticated(w)) return Code::UNAUTHENTICATED;
        if (w != Who::kIntegrationWithScope) return Code::PERMISSION_DENIED;
        if (t == Target::kMissing) return Code::NOT_FOUND;
        return t == Target::kOwn ? Code::OK : Code::FAILED_PRECONDITION;
      }};
  rows["brevis.v1.DirectoryService.WhoAmI"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.directory.get(), &D::WhoAmI, v1::WhoAmIRequest());
      },
      EveryoneSignedIn};

  // AuditService: audits.
  rows["brevis.v1.AuditService.CreateAudit"] = {
      [&](Stubs& s, Who, Target t) {
        v1::CreateAuditRequest r;
        *r.mutable_audit() = ExampleAudit(self.Unit(t));
        return Invoke(s.audits.get(), &A::CreateAudit, r);
      },
      AdminCreates};
  rows["brevis.v1.AuditService.GetAudit"] = {[&](Stubs& s, Who, Target t) {
                                               v1::GetAuditRequest r;
                                               r.set_name(self.Audit(t));
                                               return Invoke(s.audits.get(),
                                                             &A::GetAudit, r);
                                             },
                                             AuditRead};
  rows["brevis.v1.AuditService.ListAudits"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.audits.get(), &A::ListAudits, v1::ListAuditsRequest());
      },
      ListRead};
  rows["brevis.v1.AuditService.UpdateAudit"] = {
      [&](Stubs& s, Who, Target t) {
        v1::UpdateAuditRequest r;
        r.mutable_audit()->set_name(self.Audit(t));
        r.mutable_audit()->set_question_guide("Vad betyder delaktighet?");
        r.mutable_update_mask()->add_paths("question_guide");
        return Invoke(s.audits.get(), &A::UpdateAudit, r);
      },
      AuditWrite};

  // AuditService: sessions and findings.
  rows["brevis.v1.AuditService.CreateSession"] = {
      [&](Stubs& s, Who, Target t) {
        v1::CreateSessionRequest r;
        r.set_parent(self.Audit(t));
        *r.mutable_session() = ExampleSession();
        return Invoke(s.audits.get(), &A::CreateSession, r);
      },
      AuditWrite};
  rows["brevis.v1.AuditService.ListSessions"] = {
      [&](Stubs& s, Who, Target t) {
        v1::ListSessionsRequest r;
        r.set_parent(self.Audit(t));
        return Invoke(s.audits.get(), &A::ListSessions, r);
      },
      TeamRead};
  rows["brevis.v1.AuditService.DeleteSession"] = {
      [&](Stubs& s, Who, Target t) {
        v1::DeleteSessionRequest r;
        r.set_name(self.FreshChild(t, "sessions"));
        return Invoke(s.audits.get(), &A::DeleteSession, r);
      },
      AuditWrite};
  rows["brevis.v1.AuditService.CreateFinding"] = {
      [&](Stubs& s, Who, Target t) {
        v1::CreateFindingRequest r;
        r.set_parent(self.Audit(t));
        *r.mutable_finding() = ExampleFinding();
        return Invoke(s.audits.get(), &A::CreateFinding, r);
      },
      ContentWrite};
  rows["brevis.v1.AuditService.GetFinding"] = {
      [&](Stubs& s, Who, Target t) {
        v1::GetFindingRequest r;
        r.set_name(t == Target::kMissing
                       ? std::string(kMissingAudit) + "/findings/00000000"
                       : self.finding_[t == Target::kOwn ? 0 : 1]);
        return Invoke(s.audits.get(), &A::GetFinding, r);
      },
      AuditRead};
  rows["brevis.v1.AuditService.ListFindings"] = {
      [&](Stubs& s, Who, Target t) {
        v1::ListFindingsRequest r;
        r.set_parent(self.Audit(t));
        return Invoke(s.audits.get(), &A::ListFindings, r);
      },
      AuditRead};
  rows["brevis.v1.AuditService.UpdateFinding"] = {
      [&](Stubs& s, Who, Target t) {
        v1::UpdateFindingRequest r;
        r.mutable_finding()->set_name(self.FreshChild(t, "findings"));
        r.mutable_finding()->set_sip(true);
        r.mutable_update_mask()->add_paths("sip");
        return Invoke(s.audits.get(), &A::UpdateFinding, r);
      },
      ContentWrite};
  rows["brevis.v1.AuditService.DeleteFinding"] = {
      [&](Stubs& s, Who, Target t) {
        v1::DeleteFindingRequest r;
        r.set_name(self.FreshChild(t, "findings"));
        return Invoke(s.audits.get(), &A::DeleteFinding, r);
      },
      ContentWrite};

  // AuditService: recommendations.
  rows["brevis.v1.AuditService.CreateRecommendation"] = {
      [&](Stubs& s, Who, Target t) {
        v1::CreateRecommendationRequest r;
        r.set_parent(self.Audit(t));
        *r.mutable_recommendation() = self.ExampleRecommendation(t);
        return Invoke(s.audits.get(), &A::CreateRecommendation, r);
      },
      ContentWrite};
  rows["brevis.v1.AuditService.GetRecommendation"] = {
      [&](Stubs& s, Who, Target t) {
        v1::GetRecommendationRequest r;
        r.set_name(self.FreshRecommendation(t));
        return Invoke(s.audits.get(), &A::GetRecommendation, r);
      },
      AuditRead};
  rows["brevis.v1.AuditService.ListRecommendations"] = {
      [&](Stubs& s, Who, Target t) {
        v1::ListRecommendationsRequest r;
        r.set_parent(self.Audit(t));
        return Invoke(s.audits.get(), &A::ListRecommendations, r);
      },
      AuditRead};
  rows["brevis.v1.AuditService.UpdateRecommendation"] = {
      [&](Stubs& s, Who, Target t) {
        v1::UpdateRecommendationRequest r;
        r.mutable_recommendation()->set_name(self.FreshRecommendation(t));
        r.mutable_recommendation()->set_priority(v1::PRIORITY_LOW);
        r.mutable_update_mask()->add_paths("priority");
        return Invoke(s.audits.get(), &A::UpdateRecommendation, r);
      },
      ContentWrite};
  rows["brevis.v1.AuditService.DeleteRecommendation"] = {
      [&](Stubs& s, Who, Target t) {
        v1::DeleteRecommendationRequest r;
        r.set_name(self.FreshRecommendation(t));
        return Invoke(s.audits.get(), &A::DeleteRecommendation, r);
      },
      ContentWrite};

  // AuditService: the lifecycle.
  rows["brevis.v1.AuditService.TransitionAudit"] = {
      [&](Stubs& s, Who, Target t) {
        v1::TransitionAuditRequest r;
        r.set_name(self.Audit(t));
        r.set_state(v1::AUDIT_STATE_CLOSED);  // never a valid next step here
        return Invoke(s.audits.get(), &A::TransitionAudit, r);
      },
      WriteRefusedByState};
  rows["brevis.v1.AuditService.RespondToRecommendation"] = {
      [&](Stubs& s, Who, Target t) {
        v1::RespondToRecommendationRequest r;
        r.set_name(self.FreshRecommendation(t));
        r.mutable_response()->set_decision(v1::RESPONSE_DECISION_ACCEPTED);
        r.mutable_response()->set_rationale("Vi inför rutinen i vår.");
        return Invoke(s.audits.get(), &A::RespondToRecommendation, r);
      },
      UnitResponds};
  rows["brevis.v1.AuditService.RecordVerdict"] = {
      [&](Stubs& s, Who, Target t) {
        v1::RecordVerdictRequest r;
        r.set_name(self.FreshRecommendation(t));
        r.mutable_verdict()->set_verdict(v1::VERDICT_IMPLEMENTED);
        return Invoke(s.audits.get(), &A::RecordVerdict, r);
      },
      WriteRefusedByState};
  rows["brevis.v1.AuditService.CreateFeedback"] = {
      [&](Stubs& s, Who, Target t) {
        v1::CreateFeedbackRequest r;
        r.set_parent(self.Audit(t));
        r.mutable_feedback()->mutable_date()->set_year(2026);
        r.mutable_feedback()->mutable_date()->set_month(6);
        r.mutable_feedback()->mutable_date()->set_day(1);
        r.mutable_feedback()->add_audiences(v1::INFORMANT_GROUP_YOUNG_PERSON);
        r.mutable_feedback()->set_form(v1::FEEDBACK_FORM_MEETING);
        return Invoke(s.audits.get(), &A::CreateFeedback, r);
      },
      FeedbackWrite};
  rows["brevis.v1.AuditService.ListFeedback"] = {
      [&](Stubs& s, Who, Target t) {
        v1::ListFeedbackRequest r;
        r.set_parent(self.Audit(t));
        return Invoke(s.audits.get(), &A::ListFeedback, r);
      },
      AuditRead};

  // AuditService: revision history.
  rows["brevis.v1.AuditService.ListFindingRevisions"] = {
      [&](Stubs& s, Who, Target t) {
        v1::ListRevisionsRequest r;
        r.set_name(t == Target::kMissing
                       ? std::string(kMissingAudit) + "/findings/00000000"
                       : self.finding_[t == Target::kOwn ? 0 : 1]);
        return Invoke(s.audits.get(), &A::ListFindingRevisions, r);
      },
      AuditRead};
  rows["brevis.v1.AuditService.ListRecommendationRevisions"] = {
      [&](Stubs& s, Who, Target t) {
        v1::ListRevisionsRequest r;
        r.set_name(self.FreshRecommendation(t));
        return Invoke(s.audits.get(), &A::ListRecommendationRevisions, r);
      },
      AuditRead};

  // AuditService: the unit's actions.
  rows["brevis.v1.AuditService.CreateAction"] = {
      [&](Stubs& s, Who, Target t) {
        v1::CreateActionRequest r;
        r.set_parent(self.FreshRecommendation(t));
        r.mutable_action()->set_description("Inför rutinen i teamen.");
        r.mutable_action()->set_responsible("enhetschef");
        r.mutable_action()->mutable_due_date()->set_year(2026);
        r.mutable_action()->mutable_due_date()->set_month(9);
        r.mutable_action()->mutable_due_date()->set_day(1);
        return Invoke(s.audits.get(), &A::CreateAction, r);
      },
      UnitResponds};
  rows["brevis.v1.AuditService.GetAction"] = {[&](Stubs& s, Who, Target t) {
                                                v1::GetActionRequest r;
                                                r.set_name(self.FreshAction(t));
                                                return Invoke(s.audits.get(),
                                                              &A::GetAction, r);
                                              },
                                              AuditRead};
  rows["brevis.v1.AuditService.UpdateAction"] = {
      [&](Stubs& s, Who, Target t) {
        v1::UpdateActionRequest r;
        r.mutable_action()->set_name(self.FreshAction(t));
        r.mutable_action()->set_status(v1::ACTION_STATUS_IN_PROGRESS);
        r.mutable_update_mask()->add_paths("status");
        return Invoke(s.audits.get(), &A::UpdateAction, r);
      },
      UnitResponds};
  rows["brevis.v1.AuditService.AddProgressNote"] = {
      [&](Stubs& s, Who, Target t) {
        v1::AddProgressNoteRequest r;
        r.set_name(self.FreshAction(t));
        r.mutable_note()->set_text("Rutinen är beslutad i ledningsgruppen.");
        return Invoke(s.audits.get(), &A::AddProgressNote, r);
      },
      UnitResponds};
  rows["brevis.v1.AuditService.ListActions"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.audits.get(), &A::ListActions,
                      v1::ListActionsRequest());
      },
      ListRead};

  // AccessLogService.
  rows["brevis.v1.AccessLogService.ListAccessLog"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.access_log.get(),
                      &v1::AccessLogService::Stub::ListAccessLog,
                      v1::ListAccessLogRequest());
      },
      [](Who w, Target, Phase p) { return AdminOnly(w, Target::kOwn, p); }};

  // EventService.
  rows["brevis.v1.EventService.ListEvents"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.events.get(), &v1::EventService::Stub::ListEvents,
                      v1::ListEventsRequest());
      },
      WatchRead};
  rows["brevis.v1.EventService.WatchEvents"] = {
      [&](Stubs& s, Who, Target) { return OpenWatch(*s.events); }, WatchRead};

  // ReportService.
  using R = v1::ReportService::Stub;
  rows["brevis.v1.ReportService.GetAuditReport"] = {
      [&](Stubs& s, Who, Target t) {
        v1::GetAuditReportRequest r;
        r.set_name(self.Audit(t));
        return Invoke(s.reports.get(), &R::GetAuditReport, r);
      },
      AuditRead};
  rows["brevis.v1.ReportService.GetUnitSummary"] = {
      [&](Stubs& s, Who, Target t) {
        v1::GetUnitSummaryRequest r;
        r.set_name(self.Unit(t));
        return Invoke(s.reports.get(), &R::GetUnitSummary, r);
      },
      UnitRead};
  rows["brevis.v1.ReportService.ListOverdueActions"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.reports.get(), &R::ListOverdueActions,
                      v1::ListOverdueActionsRequest());
      },
      ListRead};
  rows["brevis.v1.ReportService.ExportAudits"] = {
      [&](Stubs& s, Who, Target) {
        return Invoke(s.reports.get(), &R::ExportAudits,
                      v1::ExportAuditsRequest());
      },
      ListRead};
  return rows;
}

// Every RPC of every service in proto/brevis/v1, by full name.
std::vector<std::string> EveryRpc() {
  std::vector<std::string> rpcs;
  for (const auto& entry :
       std::filesystem::directory_iterator(BREVIS_PROTO_DIR)) {
    std::string file = "brevis/v1/" + entry.path().filename().string();
    const google::protobuf::FileDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(
            file);
    EXPECT_NE(descriptor, nullptr) << file << " is not linked into the test";
    if (descriptor == nullptr) continue;
    for (int s = 0; s < descriptor->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service =
          descriptor->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        rpcs.push_back(service->method(m)->full_name());
      }
    }
  }
  return rpcs;
}

TEST_F(AuthorizationMatrixTest, EveryRpcHasARow) {
  std::vector<std::string> rpcs = EveryRpc();
  EXPECT_GE(rpcs.size(), 48u);
  for (const std::string& rpc : rpcs) {
    EXPECT_TRUE(rows_.contains(rpc)) << rpc << " has no row in the matrix";
  }
}

void AuthorizationMatrixTest::RunMatrix(Phase phase) {
  auto& rows = rows_;
  auto& stubs = stubs_;
  int cells = 0;
  std::vector<std::string> mismatches;
  for (const std::string& rpc : EveryRpc()) {
    auto row = rows.find(rpc);
    if (row == rows.end()) continue;  // EveryRpcHasARow reports it
    for (Who who : kEveryone) {
      for (Target target : kTargets) {
        grpc::Status status = row->second.call(stubs[who], who, target);
        Code expected = row->second.expect(who, target, phase);
        ++cells;
        if (status.error_code() != expected) {
          mismatches.push_back(rpc + " as " + WhoName(who) + " on " +
                               TargetName(target) + ": expected " +
                               std::to_string(expected) + ", got " +
                               std::to_string(status.error_code()) + " (" +
                               status.error_message() + ")");
        }
      }
    }
  }
  EXPECT_GE(cells, 48 * 11 * 3);
  EXPECT_EQ(mismatches.size(), 0u) << "mismatches, the first of them:";
  for (size_t i = 0; i < mismatches.size() && i < 40; ++i) {
    ADD_FAILURE() << mismatches[i];
  }
}

TEST_F(AuthorizationMatrixTest, DraftAudits) { RunMatrix(Phase::kDraft); }

TEST_F(AuthorizationMatrixTest, PublishedAudits) {
  // Transitions come with the lifecycle; the visibility rule is on the
  // state column already, so set it there.
  ASSERT_TRUE(db_->Write([](store::Connection& db) {
                   return db.Exec("UPDATE audits SET state = 4");
                 })
                  .ok());
  RunMatrix(Phase::kPublished);
}

}  // namespace
}  // namespace brevis::api
