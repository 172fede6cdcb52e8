// Every repository of server/store driven directly on both engines with the
// same expectations: PostgreSQL (a database migrated with
// migrations/postgresql) and SQLite (migrations/), each inside one
// BEGIN/COMMIT as the writer runs them. Every repository function is called
// at least once, each list with and without its optional filters, and what
// was written is read back: the SQL means the same on both engines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/store/access_log_repository.h"
#include "server/store/action_repository.h"
#include "server/store/audit_repository.h"
#include "server/store/create_request_log.h"
#include "server/store/embedded_migrations.h"
#include "server/store/event_repository.h"
#include "server/store/finding_repository.h"
#include "server/store/id_list.h"
#include "server/store/lifecycle_repository.h"
#include "server/store/migrator.h"
#include "server/store/postgres_migrator.h"
#include "server/store/principal_repository.h"
#include "server/store/recommendation_repository.h"
#include "server/store/report_repository.h"
#include "server/store/revision_repository.h"
#include "server/store/server_key_repository.h"
#include "server/store/session_repository.h"
#include "server/store/sign_in_link_repository.h"
#include "server/store/sqlite.h"
#include "server/store/token_repository.h"
#include "server/store/unit_repository.h"
#include "tests/pg/pg_environment.h"
#include "tests/testing/temp_dir.h"

// Filters and scopes are written as designated initializers naming only
// the fields a case sets; the rest keep their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace brevis::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr char kToday[] = "2026-06-15";
const absl::Time kNow = absl::FromUnixSeconds(1'780'000'000);
// Bytes no text column could hold: a NUL, a byte that is no UTF-8, a quote.
const std::string kBinary("\x00\xff\x27\x5c\x01secret", 11);

// The value of `result`, or a default one after a failure that names the
// line; the test goes on so that one run shows every statement that fails.
template <typename T>
T Value(absl::StatusOr<T> result, int line) {
  EXPECT_TRUE(result.ok()) << "line " << line << ": "
                           << DescribeForLog(result.status());
  return result.ok() ? *std::move(result) : T{};
}
#define VALUE(expr) Value((expr), __LINE__)
#define EXPECT_DONE(expr)                                                  \
  do {                                                                     \
    absl::Status status_ = (expr);                                         \
    EXPECT_TRUE(status_.ok()) << #expr << ": " << DescribeForLog(status_); \
  } while (false)

std::vector<std::string> Names(const auto& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.push_back(item.name());
  return names;
}

class RepositoriesTest : public testing::PgTest,
                         public ::testing::WithParamInterface<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres) {
      PgTest::SetUp();
      if (HasFatalFailure()) return;
      auto pg = Connect();
      ASSERT_NE(pg, nullptr);
      ASSERT_TRUE(ApplyMigrations(*pg, EmbeddedPostgresMigrations()).ok());
      db_ = std::move(pg);
    } else {
      auto sqlite = SqliteConnection::Open(dir_.File("brevis.db"),
                                           /*create=*/true,
                                           /*read_only=*/false);
      ASSERT_TRUE(sqlite.ok()) << DescribeForLog(sqlite.status());
      ASSERT_TRUE(ApplyMigrations(**sqlite, EmbeddedMigrations()).ok());
      db_ = std::move(*sqlite);
    }
    ASSERT_TRUE(db_->Exec("BEGIN").ok());
  }
  void TearDown() override {
    if (db_ != nullptr && db_->InTransaction()) {
      EXPECT_DONE(db_->Exec("COMMIT"));
    }
  }

  // Runs `write`, which is to fail, under a savepoint rolled back after it,
  // as the writer runs each member of a batch: on PostgreSQL a failed
  // statement spoils the transaction until then. Returns its status.
  template <typename Write>
  absl::Status Refused(Write write) {
    EXPECT_DONE(db_->Exec("SAVEPOINT refused"));
    absl::Status status = write();
    EXPECT_DONE(db_->Exec("ROLLBACK TO SAVEPOINT refused"));
    return status;
  }

  // A unit, two principals scoped to it (an auditor and a unit manager) and
  // an audit of the unit with the auditor on its team.
  void Seed() {
    UnitRepository units(*db_);
    v1::Unit unit;
    unit.set_display_name("Ward 1");
    unit.set_region("north");
    unit.set_kind(v1::UNIT_KIND_INPATIENT);
    unit.set_hsa_id("SE123-W1");
    EXPECT_DONE(units.Create("ward-1", kNow, &unit));
    v1::Unit other;
    other.set_display_name("Clinic");
    other.set_region("south");
    other.set_kind(v1::UNIT_KIND_OUTPATIENT);
    other.set_active(false);
    EXPECT_DONE(units.Create("clinic", kNow, &other));
    unit_id_ = VALUE(units.RowId("ward-1"));
    other_unit_id_ = VALUE(units.RowId("clinic"));

    PrincipalRepository principals(*db_);
    v1::Principal auditor;
    auditor.set_display_name("Ann Auditor");
    auditor.set_role(v1::ROLE_AUDITOR);
    auditor.set_certificate_subject("CN=ann");
    auditor.set_contact_email("ann@example.org");
    EXPECT_DONE(principals.Create("ann", {unit_id_}, kNow, &auditor));
    v1::Principal manager;
    manager.set_display_name("Max Manager");
    manager.set_role(v1::ROLE_UNIT_MANAGER);
    manager.set_active(false);
    EXPECT_DONE(principals.Create("max", {unit_id_, unit_id_}, kNow, &manager));
    auditor_id_ = VALUE(principals.Get("ann")).id;
    manager_id_ = VALUE(principals.Get("max")).id;

    AuditRepository audits(*db_);
    v1::Audit audit;
    audit.set_title("Children's rights");
    audit.set_commissioned_by("Region North");
    EXPECT_DONE(audits.Create("a1", unit_id_, kNow, &audit));
    audit_id_ = VALUE(audits.RowId("a1"));
    EXPECT_THAT(VALUE(audits.SetTeam(audit_id_, {auditor_id_, auditor_id_})),
                IsEmpty());
  }

  // Seed() and a recommendation r1 of audit a1; returns its row id.
  int64_t SeedRecommendation() {
    Seed();
    RecommendationRepository recommendations(*db_);
    v1::Recommendation recommendation;
    EXPECT_DONE(recommendations.Create({"a1", "r1"}, audit_id_, {}, kNow,
                                       &recommendation));
    return VALUE(recommendations.RowId({"a1", "r1"}, audit_id_));
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> db_;
  int64_t unit_id_ = 0, other_unit_id_ = 0, auditor_id_ = 0, manager_id_ = 0,
          audit_id_ = 0;
};

TEST_P(RepositoriesTest, Units) {
  Seed();
  UnitRepository units(*db_);
  v1::Unit unit = VALUE(units.Get("ward-1"));
  EXPECT_EQ(unit.name(), "units/ward-1");
  EXPECT_EQ(unit.hsa_id(), "SE123-W1");
  EXPECT_TRUE(unit.active());
  EXPECT_EQ(unit.etag(), "1");
  v1::Unit taken;
  taken.set_display_name("Copy");
  taken.set_hsa_id("SE123-W1");
  EXPECT_TRUE(absl::IsAlreadyExists(
      Refused([&] { return units.Create("copy", kNow, &taken); })));
  EXPECT_TRUE(absl::IsNotFound(units.Get("none").status()));

  auto list = [&](UnitFilter filter) {
    return Names(VALUE(units.List(filter, 0, 10)).items);
  };
  EXPECT_THAT(list({}), ElementsAre("units/ward-1", "units/clinic"));
  EXPECT_THAT(list({.active = true}), ElementsAre("units/ward-1"));
  EXPECT_THAT(list({.active = false}), ElementsAre("units/clinic"));
  EXPECT_THAT(list({.kind = v1::UNIT_KIND_OUTPATIENT}),
              ElementsAre("units/clinic"));
  EXPECT_THAT(list({.region = "north"}), ElementsAre("units/ward-1"));
  EXPECT_THAT(list({.region = "North"}), IsEmpty());
  EXPECT_THAT(list({.scoped_to_principal = auditor_id_}),
              ElementsAre("units/ward-1"));
  Page<v1::Unit> first = VALUE(units.List({}, 0, 1));
  EXPECT_TRUE(first.more);
  EXPECT_THAT(Names(VALUE(units.List({}, first.last_id, 1)).items),
              ElementsAre("units/clinic"));

  unit.set_display_name("Ward One");
  unit.clear_hsa_id();
  EXPECT_DONE(units.Update("ward-1", kNow + absl::Seconds(1), &unit));
  EXPECT_EQ(unit.etag(), "2");
  v1::Unit read = VALUE(units.Get("ward-1"));
  EXPECT_EQ(read.display_name(), "Ward One");
  EXPECT_EQ(read.hsa_id(), "");
  EXPECT_EQ(read.etag(), "2");
}

TEST_P(RepositoriesTest, Principals) {
  PrincipalRepository principals(*db_);
  EXPECT_FALSE(VALUE(principals.Any()));
  Seed();
  EXPECT_TRUE(VALUE(principals.Any()));
  PrincipalRecord ann = VALUE(principals.Get("ann"));
  EXPECT_EQ(ann.principal.name(), "principals/ann");
  EXPECT_EQ(ann.principal.contact_email(), "ann@example.org");
  EXPECT_THAT(ann.unit_ids, ElementsAre(unit_id_));
  EXPECT_EQ(VALUE(principals.GetById(manager_id_)).principal.name(),
            "principals/max");
  EXPECT_THAT(VALUE(principals.GetById(manager_id_)).unit_ids,
              ElementsAre(unit_id_));
  EXPECT_EQ(VALUE(principals.FindByCertificateSubject("CN=ann")),
            std::optional<int64_t>(auditor_id_));
  EXPECT_EQ(VALUE(principals.FindByCertificateSubject("cn=ann")), std::nullopt);

  auto list = [&](PrincipalFilter filter) {
    return Names(VALUE(principals.List(filter, 0, 10)).items);
  };
  EXPECT_THAT(list({}), ElementsAre("principals/ann", "principals/max"));
  EXPECT_THAT(list({.role = v1::ROLE_AUDITOR}), ElementsAre("principals/ann"));
  EXPECT_THAT(list({.active = false}), ElementsAre("principals/max"));
  EXPECT_THAT(list({.role = v1::ROLE_AUDITOR, .active = false}), IsEmpty());

  v1::ExternalIdentity identity;
  identity.set_issuer("https://idp.example.org");
  identity.set_subject("ann-1");
  EXPECT_DONE(principals.AddIdentity(auditor_id_, identity, kNow));
  EXPECT_TRUE(absl::IsAlreadyExists(Refused(
      [&] { return principals.AddIdentity(manager_id_, identity, kNow); })));
  EXPECT_EQ(VALUE(principals.FindByIdentity(identity)),
            std::optional<int64_t>(auditor_id_));
  EXPECT_EQ(
      VALUE(principals.Get("ann")).principal.external_identities(0).subject(),
      "ann-1");
  EXPECT_TRUE(VALUE(principals.RemoveIdentity(auditor_id_, identity)));
  EXPECT_FALSE(VALUE(principals.RemoveIdentity(auditor_id_, identity)));
  EXPECT_EQ(VALUE(principals.FindByIdentity(identity)), std::nullopt);

  v1::Principal max = VALUE(principals.Get("max")).principal;
  max.set_active(true);
  max.set_certificate_subject("CN=ann");
  EXPECT_TRUE(absl::IsAlreadyExists(Refused([&] {
    return principals.Update(manager_id_, {other_unit_id_}, kNow, &max);
  })));
}

TEST_P(RepositoriesTest, PrincipalUpdate) {
  Seed();
  PrincipalRepository principals(*db_);
  v1::Principal max = VALUE(principals.Get("max")).principal;
  max.set_active(true);
  EXPECT_DONE(principals.Update(manager_id_, {other_unit_id_, other_unit_id_},
                                kNow, &max));
  PrincipalRecord read = VALUE(principals.Get("max"));
  EXPECT_TRUE(read.principal.active());
  EXPECT_EQ(read.principal.etag(), "2");
  EXPECT_THAT(read.unit_ids, ElementsAre(other_unit_id_));
}

TEST_P(RepositoriesTest, Audits) {
  Seed();
  AuditRepository audits(*db_);
  v1::Audit audit = VALUE(audits.Get("a1"));
  EXPECT_EQ(audit.unit(), "units/ward-1");
  EXPECT_THAT(audit.auditors(), ElementsAre("principals/ann"));
  v1::Audit second;
  second.set_title("Second");
  EXPECT_DONE(audits.Create("a2", other_unit_id_, kNow, &second));
  int64_t second_id = VALUE(audits.RowId("a2"));

  AuditLocation located = VALUE(audits.Locate("a1", auditor_id_));
  EXPECT_EQ(located.id, audit_id_);
  EXPECT_EQ(located.facts.unit_id, unit_id_);
  EXPECT_TRUE(located.facts.caller_on_team);
  EXPECT_FALSE(VALUE(audits.Locate("a1", manager_id_)).facts.caller_on_team);
  EXPECT_TRUE(absl::IsNotFound(audits.Locate("none", 1).status()));

  auto list = [&](AuditFilter filter, domain::AuditVisibility seen,
                  int64_t caller) {
    return Names(VALUE(audits.List(filter, seen, caller, 0, 10)).items);
  };
  EXPECT_THAT(list({}, {}, 0), ElementsAre("audits/a1", "audits/a2"));
  EXPECT_THAT(list({.unit_id = other_unit_id_}, {}, 0),
              ElementsAre("audits/a2"));
  EXPECT_THAT(list({.state = v1::AUDIT_STATE_PLANNED}, {}, 0),
              ElementsAre("audits/a1", "audits/a2"));
  EXPECT_THAT(list({.state = v1::AUDIT_STATE_CLOSED}, {}, 0), IsEmpty());
  EXPECT_THAT(list({}, {.unit_ids = std::set<int64_t>{unit_id_}}, manager_id_),
              ElementsAre("audits/a1"));
  EXPECT_THAT(list({}, {.published_only = true}, 0), IsEmpty());
  EXPECT_THAT(list({}, {.team_member = auditor_id_}, auditor_id_),
              ElementsAre("audits/a1"));
  EXPECT_THAT(list({}, {.nothing = true}, 0), IsEmpty());

  // Max is no active auditor: on the team, but not counted as one.
  EXPECT_THAT(VALUE(audits.SetTeam(audit_id_, {manager_id_, manager_id_})),
              ElementsAre(auditor_id_));
  EXPECT_THAT(VALUE(audits.Get("a1")).auditors(), IsEmpty());
  EXPECT_DONE(audits.SetTeam(second_id, {auditor_id_}).status());
  EXPECT_DONE(audits.SetTeam(audit_id_, {auditor_id_}).status());
  std::vector<TeamAudit> team = VALUE(audits.TeamAudits(auditor_id_));
  ASSERT_EQ(team.size(), 2u);
  EXPECT_EQ(team[0].uid, "a1");
  EXPECT_EQ(team[1].location.facts.unit_id, other_unit_id_);

  EXPECT_DONE(audits.Touch(audit_id_, kNow));
  EXPECT_TRUE(absl::IsNotFound(audits.Touch(-1, kNow)));
  audit.set_title("Renamed");
  EXPECT_DONE(audits.Update("a1", kNow, &audit));
  EXPECT_EQ(audit.etag(), "3");
  EXPECT_EQ(VALUE(audits.Get("a1")).title(), "Renamed");
}

TEST_P(RepositoriesTest, SessionsFindingsAndFeedback) {
  Seed();
  domain::name::Audit a1{"a1"};
  SessionRepository sessions(*db_);
  for (int count : {3, 4}) {
    v1::Session session;
    session.set_kind(v1::SESSION_KIND_INTERVIEW);
    session.set_informant_group(v1::INFORMANT_GROUP_CHILD);
    session.set_participant_count(count);
    session.mutable_date()->set_year(2026);
    session.mutable_date()->set_month(5);
    session.mutable_date()->set_day(count);
    EXPECT_DONE(sessions.Create({"a1", absl::StrCat("s", count)}, audit_id_,
                                kNow, &session));
  }
  EXPECT_EQ(VALUE(sessions.Get({"a1", "s3"}, audit_id_)).date().day(), 3);
  EXPECT_THAT(Names(VALUE(sessions.List(a1, audit_id_, 0, 10)).items),
              ElementsAre("audits/a1/sessions/s3", "audits/a1/sessions/s4"));
  ReportRepository reports(*db_, kToday);
  EXPECT_THAT(VALUE(reports.Participants(audit_id_)),
              ElementsAre(Pair(v1::INFORMANT_GROUP_CHILD, 7)));
  EXPECT_DONE(sessions.Delete({"a1", "s4"}, audit_id_));
  EXPECT_TRUE(absl::IsNotFound(sessions.Delete({"a1", "s4"}, audit_id_)));

  FindingRepository findings(*db_);
  for (auto [uid, kind] :
       {std::pair{"f1", v1::FINDING_KIND_STRENGTH},
        std::pair{"f2", v1::FINDING_KIND_IMPROVEMENT_AREA}}) {
    v1::Finding finding;
    finding.set_kind(kind);
    finding.set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
    finding.set_text(absl::StrCat("text of ", uid));
    finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
    finding.add_informant_groups(v1::INFORMANT_GROUP_CHILD);
    EXPECT_DONE(findings.Create({"a1", uid}, audit_id_, kNow, &finding));
  }
  v1::Finding f1 = VALUE(findings.Get({"a1", "f1"}, audit_id_));
  EXPECT_EQ(f1.text(), "text of f1");
  EXPECT_THAT(
      f1.informant_groups(),
      ElementsAre(v1::INFORMANT_GROUP_CHILD, v1::INFORMANT_GROUP_YOUNG_PERSON));
  auto list = [&](FindingFilter filter) {
    return Names(VALUE(findings.List(a1, audit_id_, filter, 0, 10)).items);
  };
  EXPECT_THAT(list({}),
              ElementsAre("audits/a1/findings/f1", "audits/a1/findings/f2"));
  EXPECT_THAT(list({.focus_area = v1::FOCUS_AREA_PARTICIPATION}),
              ElementsAre("audits/a1/findings/f1", "audits/a1/findings/f2"));
  EXPECT_THAT(list({.kind = v1::FINDING_KIND_IMPROVEMENT_AREA}),
              ElementsAre("audits/a1/findings/f2"));
  EXPECT_THAT(list({.focus_area = v1::FOCUS_AREA_PARTICIPATION,
                    .kind = v1::FINDING_KIND_STRENGTH}),
              ElementsAre("audits/a1/findings/f1"));
  f1.set_sip(true);
  EXPECT_DONE(findings.Update({"a1", "f1"}, audit_id_, kNow, &f1));
  EXPECT_TRUE(VALUE(findings.Get({"a1", "f1"}, audit_id_)).sip());

  LifecycleRepository lifecycle(*db_);
  domain::LifecycleFacts facts = VALUE(lifecycle.Facts(a1, audit_id_));
  EXPECT_EQ(facts.auditors, 1);
  EXPECT_EQ(facts.findings, 2);
  EXPECT_FALSE(facts.feedback_recorded);
  EXPECT_THAT(facts.unanswered_improvement_areas,
              ElementsAre("audits/a1/findings/f2"));
  EXPECT_DONE(findings.Delete({"a1", "f2"}, audit_id_));
  EXPECT_TRUE(absl::IsNotFound(findings.Delete({"a1", "f2"}, audit_id_)));

  v1::Feedback feedback;
  feedback.set_form(v1::FEEDBACK_FORM_MEETING);
  feedback.set_note("went well");
  feedback.mutable_date()->set_year(2026);
  feedback.mutable_date()->set_month(6);
  feedback.mutable_date()->set_day(1);
  EXPECT_DONE(lifecycle.CreateFeedback(a1, audit_id_, "fb1", kNow, &feedback));
  EXPECT_EQ(VALUE(lifecycle.GetFeedback(a1, audit_id_, "fb1")).note(),
            "went well");
  EXPECT_THAT(Names(VALUE(lifecycle.ListFeedback(a1, audit_id_, 0, 10)).items),
              ElementsAre("audits/a1/feedback/fb1"));
  EXPECT_TRUE(VALUE(lifecycle.Facts(a1, audit_id_)).feedback_recorded);
}

TEST_P(RepositoriesTest, RecommendationsActionsReportsAndRevisions) {
  Seed();
  domain::name::Audit a1{"a1"};
  FindingRepository findings(*db_);
  v1::Finding finding;
  finding.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  finding.set_text("needs work");
  EXPECT_DONE(findings.Create({"a1", "f1"}, audit_id_, kNow, &finding));

  RecommendationRepository recommendations(*db_);
  v1::Recommendation recommendation;
  recommendation.set_text("do better");
  recommendation.set_priority(v1::PRIORITY_HIGH);
  recommendation.add_findings("audits/a1/findings/f1");
  std::vector<int64_t> finding_ids =
      VALUE(recommendations.FindingIds(a1, audit_id_, recommendation));
  ASSERT_EQ(finding_ids.size(), 1u);
  EXPECT_DONE(recommendations.Create({"a1", "r1"}, audit_id_, finding_ids, kNow,
                                     &recommendation));
  EXPECT_DONE(recommendations.Create({"a1", "r2"}, audit_id_, {}, kNow,
                                     &recommendation));
  int64_t r1 = VALUE(recommendations.RowId({"a1", "r1"}, audit_id_));
  v1::UnitResponse response;
  response.set_decision(v1::RESPONSE_DECISION_ACCEPTED);
  response.set_rationale("first");
  EXPECT_DONE(
      recommendations.SetResponse(r1, response, "principals/max", kNow));
  response.set_rationale("second");
  EXPECT_DONE(
      recommendations.SetResponse(r1, response, "principals/max", kNow));
  v1::FollowUpVerdict verdict;
  verdict.set_verdict(v1::VERDICT_IMPLEMENTED);
  EXPECT_DONE(recommendations.SetVerdict(r1, verdict, "principals/ann", kNow));
  v1::Recommendation read = VALUE(recommendations.Get({"a1", "r1"}, audit_id_));
  EXPECT_EQ(read.response().rationale(), "second");
  EXPECT_EQ(read.verdict().verdict(), v1::VERDICT_IMPLEMENTED);
  EXPECT_THAT(read.findings(), ElementsAre("audits/a1/findings/f1"));
  EXPECT_EQ(read.etag(), "4");
  EXPECT_THAT(Names(VALUE(recommendations.List(a1, audit_id_, 0, 10)).items),
              ElementsAre("audits/a1/recommendations/r1",
                          "audits/a1/recommendations/r2"));
  EXPECT_THAT(VALUE(recommendations.Answering({"a1", "f1"}, audit_id_)),
              ElementsAre("audits/a1/recommendations/r1"));
  read.set_text("do much better");
  EXPECT_DONE(recommendations.Update({"a1", "r2"}, audit_id_, finding_ids, kNow,
                                     &read));
  EXPECT_THAT(VALUE(recommendations.Answering({"a1", "f1"}, audit_id_)),
              ElementsAre("audits/a1/recommendations/r1",
                          "audits/a1/recommendations/r2"));
  EXPECT_DONE(recommendations.Delete({"a1", "r2"}, audit_id_));
  EXPECT_TRUE(
      absl::IsNotFound(recommendations.Get({"a1", "r2"}, audit_id_).status()));

  ActionRepository actions(*db_, kToday);
  ActionParent parent{r1, audit_id_, unit_id_};
  for (auto [uid, day] : {std::pair{"x1", 1}, std::pair{"x2", 28}}) {
    v1::Action action;
    action.set_description(absl::StrCat("action ", uid));
    action.mutable_due_date()->set_year(2026);
    action.mutable_due_date()->set_month(6);
    action.mutable_due_date()->set_day(day);
    EXPECT_DONE(actions.Create(parent, uid, kNow, &action));
  }
  EXPECT_THAT(VALUE(recommendations.ActionNames({"a1", "r1"}, audit_id_)),
              ElementsAre("audits/a1/recommendations/r1/actions/x1",
                          "audits/a1/recommendations/r1/actions/x2"));
  int64_t x2 = VALUE(actions.RowId(r1, "x2"));
  EXPECT_DONE(actions.AddNote(x2, "started", "principals/max", kNow));
  v1::Action action = VALUE(actions.Get(r1, "x2"));
  ASSERT_EQ(action.notes_size(), 1);
  EXPECT_EQ(action.notes(0).text(), "started");
  action.set_status(v1::ACTION_STATUS_DONE);
  EXPECT_DONE(actions.Update(x2, kNow, action));
  EXPECT_EQ(VALUE(actions.Get(r1, "x2")).status(), v1::ACTION_STATUS_DONE);

  auto list = [&](ActionFilter filter, domain::AuditVisibility seen = {}) {
    std::vector<std::string> uids;
    for (const v1::Action& a :
         VALUE(actions.List(filter, seen, manager_id_, 0, 10)).items) {
      uids.push_back(a.name().substr(a.name().rfind('/') + 1));
    }
    return uids;
  };
  v1::Date june_10;
  june_10.set_year(2026);
  june_10.set_month(6);
  june_10.set_day(10);
  EXPECT_THAT(list({}), ElementsAre("x1", "x2"));
  EXPECT_THAT(list({.unit_id = unit_id_, .audit_id = audit_id_}),
              ElementsAre("x1", "x2"));
  EXPECT_THAT(list({.unit_id = other_unit_id_}), IsEmpty());
  EXPECT_THAT(list({.status = v1::ACTION_STATUS_DONE}), ElementsAre("x2"));
  EXPECT_THAT(list({.overdue = true}), ElementsAre("x1"));
  EXPECT_THAT(list({.overdue = false}), ElementsAre("x2"));
  EXPECT_THAT(list({.unfinished = true}), IsEmpty());
  EXPECT_THAT(list({.unfinished = false}), ElementsAre("x1", "x2"));
  EXPECT_THAT(list({.due_before = june_10}), ElementsAre("x1"));
  EXPECT_THAT(list({}, {.unit_ids = std::set<int64_t>{unit_id_}}),
              ElementsAre("x1", "x2"));
  EXPECT_THAT(list({}, {.published_only = true}), IsEmpty());

  ReportRepository reports(*db_, kToday);
  UnitCounts counts = VALUE(reports.CountUnit(
      unit_id_, {.unit_ids = std::set<int64_t>{unit_id_}}, manager_id_));
  EXPECT_THAT(counts.audits_by_state, ElementsAre(Pair(1, 1)));
  EXPECT_EQ(counts.open_actions, 1);
  EXPECT_EQ(counts.overdue_actions, 1);
  EXPECT_EQ(counts.unfinished_actions, 0);
  EXPECT_EQ(counts.assessed_recommendations, 1);
  EXPECT_EQ(counts.implemented_recommendations, 1);
  EXPECT_EQ(VALUE(reports.CountUnit(unit_id_, {}, 0)).open_actions, 1);
  for (std::optional<int64_t> only :
       {std::optional<int64_t>(), std::optional<int64_t>(unit_id_)}) {
    Page<OverdueUnit> overdue =
        VALUE(reports.OverdueUnits(only, {}, 0, 0, 10, 5));
    ASSERT_EQ(overdue.items.size(), 1u);
    EXPECT_EQ(overdue.items[0].unit_uid, "ward-1");
    EXPECT_EQ(overdue.items[0].display_name, "Ward 1");
    EXPECT_EQ(overdue.items[0].overdue_actions, 1);
    EXPECT_EQ(overdue.items[0].oldest_due_date, "2026-06-01");
    EXPECT_THAT(overdue.items[0].audit_uids, ElementsAre("a1"));
    EXPECT_THAT(overdue.items[0].most_overdue,
                ElementsAre(VALUE(actions.RowId(r1, "x1"))));
  }
  EXPECT_THAT(
      VALUE(reports.OverdueUnits(other_unit_id_, {}, 0, 0, 10, 5)).items,
      IsEmpty());

  LifecycleRepository lifecycle(*db_);
  EXPECT_THAT(
      VALUE(lifecycle.Facts(a1, audit_id_)).recommendations_without_response,
      IsEmpty());
  EXPECT_DONE(lifecycle.Transition(audit_id_, v1::AUDIT_STATE_PLANNED,
                                   v1::AUDIT_STATE_PUBLISHED, "done",
                                   "principals/ann", kNow));
  EXPECT_TRUE(absl::IsAborted(lifecycle.Transition(
      audit_id_, v1::AUDIT_STATE_PLANNED, v1::AUDIT_STATE_PUBLISHED, "again",
      "principals/ann", kNow)));

  RevisionRepository revisions(*db_);
  EXPECT_TRUE(VALUE(
      revisions.WasPublished(domain::name::Finding{"a1", "f1"}, audit_id_)));
  EXPECT_TRUE(VALUE(revisions.WasPublished(
      domain::name::Recommendation{"a1", "r1"}, audit_id_)));
  RevisionRepository::Row finding_row =
      VALUE(revisions.RowOf(domain::name::Finding{"a1", "f1"}, audit_id_));
  RevisionRepository::Row recommendation_row = VALUE(
      revisions.RowOf(domain::name::Recommendation{"a1", "r1"}, audit_id_));
  v1::Finding snapshot = VALUE(findings.Get({"a1", "f1"}, audit_id_));
  // A serialized message is bytes: a negative varint is ten of them, with
  // 0xff, which is no UTF-8.
  snapshot.set_revision(-1);
  EXPECT_DONE(revisions.Correct(finding_row, snapshot, 0, "typo"));
  EXPECT_DONE(revisions.Correct(recommendation_row, read, 0, "typo"));
  std::vector<std::string> earlier = VALUE(revisions.Earlier(finding_row));
  ASSERT_EQ(earlier.size(), 1u);
  EXPECT_EQ(earlier[0], snapshot.SerializeAsString());
  EXPECT_EQ(VALUE(revisions.Earlier(recommendation_row)).size(), 1u);
  EXPECT_EQ(VALUE(findings.Get({"a1", "f1"}, audit_id_)).revision_reason(),
            "typo");
}

// A page's child rows are read in one query for the whole page (an IN list
// of the page's ids): every action gets exactly its own notes, oldest
// first, whatever the page size and however the notes interleave.
TEST_P(RepositoriesTest, ListedActionsCarryTheirOwnNotesInOrder) {
  int64_t r1 = SeedRecommendation();
  ActionRepository actions(*db_, kToday);
  // Notes per action; several have none, between ones that have some.
  const std::vector<int> kNotes = {3, 0, 2, 0, 1, 4, 0, 0, 2};
  std::vector<int64_t> ids;
  for (size_t i = 0; i < kNotes.size(); ++i) {
    v1::Action action;
    action.mutable_due_date()->set_year(2026);
    action.mutable_due_date()->set_month(6);
    action.mutable_due_date()->set_day(1);
    EXPECT_DONE(actions.Create({r1, audit_id_, unit_id_}, absl::StrCat("x", i),
                               kNow, &action));
    ids.push_back(VALUE(actions.RowId(r1, absl::StrCat("x", i))));
  }
  // Round by round, so that the note ids of one action interleave with
  // the others' and only the query's order keeps each action's in order.
  std::vector<std::vector<std::string>> expected(kNotes.size());
  for (int round = 0; round < 4; ++round) {
    for (size_t i = 0; i < kNotes.size(); ++i) {
      if (round >= kNotes[i]) continue;
      std::string text = absl::StrCat("x", i, " note ", round);
      EXPECT_DONE(actions.AddNote(ids[i], text, absl::StrCat("principals/p", i),
                                  kNow + absl::Seconds(round)));
      expected[i].push_back(text);
    }
  }
  // Pages of 1 to all (the IN list padded to 1, 4 or 16), as the overdue
  // actions of the unit, the list that ListActions serves.
  for (int limit : {1, 2, 3, 4, 5, 1000}) {
    SCOPED_TRACE(absl::StrCat("pages of ", limit));
    std::vector<v1::Action> listed;
    int64_t after = 0;
    for (int pages = 0; pages < 20; ++pages) {
      Page<v1::Action> page = VALUE(actions.List(
          {.unit_id = unit_id_, .overdue = true}, {}, 0, after, limit));
      for (v1::Action& action : page.items) listed.push_back(action);
      if (!page.more) break;
      after = page.last_id;
    }
    ASSERT_EQ(listed.size(), kNotes.size());
    for (size_t i = 0; i < listed.size(); ++i) {
      SCOPED_TRACE(listed[i].name());
      std::vector<std::string> texts;
      for (const v1::ProgressNote& note : listed[i].notes()) {
        texts.push_back(note.text());
        EXPECT_EQ(note.author(), absl::StrCat("principals/p", i));
      }
      EXPECT_EQ(texts, expected[i]);
      for (int n = 0; n < listed[i].notes_size(); ++n) {
        EXPECT_EQ(listed[i].notes(n).time().seconds(),
                  absl::ToUnixSeconds(kNow) + n);
      }
      // The same as a Get of the one action says.
      EXPECT_EQ(listed[i].DebugString(),
                VALUE(actions.Get(r1, absl::StrCat("x", i))).DebugString());
    }
  }
}

// Notes of actions the filter leaves off a page never reach it, nor do an
// action's notes reach its neighbours on the page.
TEST_P(RepositoriesTest, ActionNotesDoNotLeakAcrossActions) {
  int64_t r1 = SeedRecommendation();
  ActionRepository actions(*db_, kToday);
  // Odd ones planned, each with two notes; even ones done, y0 and y4 with
  // two notes, y2 and y6 with none: the planned ones' notes lie between
  // the done ones' by id, and the done ones without notes sit between
  // done ones with.
  for (int i = 0; i < 8; ++i) {
    std::string uid = absl::StrCat("y", i);
    v1::Action action;
    action.mutable_due_date()->set_year(2026);
    action.mutable_due_date()->set_month(9);
    action.mutable_due_date()->set_day(1);
    if (i % 2 == 0) action.set_status(v1::ACTION_STATUS_DONE);
    EXPECT_DONE(actions.Create({r1, audit_id_, unit_id_}, uid, kNow, &action));
  }
  for (const char* order : {" first", " second"}) {
    for (int i : {0, 1, 3, 4, 5, 7}) {
      std::string uid = absl::StrCat("y", i);
      EXPECT_DONE(actions.AddNote(VALUE(actions.RowId(r1, uid)), uid + order,
                                  "principals/ann", kNow));
    }
  }
  auto expect_own_notes = [&](const Page<v1::Action>& page) {
    for (const v1::Action& action : page.items) {
      std::string uid = action.name().substr(action.name().rfind('/') + 1);
      if (uid == "y2" || uid == "y6") {
        EXPECT_EQ(action.notes_size(), 0) << action.name();
        continue;
      }
      ASSERT_EQ(action.notes_size(), 2) << action.name();
      EXPECT_EQ(action.notes(0).text(), uid + " first");
      EXPECT_EQ(action.notes(1).text(), uid + " second");
    }
  };
  for (int status : {v1::ACTION_STATUS_DONE, v1::ACTION_STATUS_PLANNED}) {
    Page<v1::Action> page =
        VALUE(actions.List({.status = status}, {}, 0, 0, 50));
    ASSERT_EQ(page.items.size(), 4u);
    expect_own_notes(page);
  }
}

// A page of recommendations: each its own findings (in finding order),
// response and verdict, and none of its neighbours'.
TEST_P(RepositoriesTest, ListedRecommendationsCarryTheirOwnAnswers) {
  Seed();
  domain::name::Audit a1{"a1"};
  FindingRepository findings(*db_);
  v1::Recommendation all;
  for (const char* uid : {"f1", "f2", "f3"}) {
    v1::Finding finding;
    finding.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
    EXPECT_DONE(findings.Create({"a1", uid}, audit_id_, kNow, &finding));
    all.add_findings(absl::StrCat("audits/a1/findings/", uid));
  }
  RecommendationRepository recommendations(*db_);
  std::vector<int64_t> finding_ids =
      VALUE(recommendations.FindingIds(a1, audit_id_, all));
  ASSERT_EQ(finding_ids.size(), 3u);
  const std::vector<std::vector<int64_t>> kFindings = {
      {finding_ids[2], finding_ids[0]}, {}, {finding_ids[1]}, {}};
  for (size_t i = 0; i < kFindings.size(); ++i) {
    v1::Recommendation recommendation;
    recommendation.set_text(absl::StrCat("r", i));
    EXPECT_DONE(recommendations.Create({"a1", absl::StrCat("r", i)}, audit_id_,
                                       kFindings[i], kNow, &recommendation));
    int64_t id =
        VALUE(recommendations.RowId({"a1", absl::StrCat("r", i)}, audit_id_));
    v1::UnitResponse response;
    response.set_decision(v1::RESPONSE_DECISION_ACCEPTED);
    response.set_rationale(absl::StrCat("because ", i));
    if (i != 1) {
      EXPECT_DONE(
          recommendations.SetResponse(id, response, "principals/max", kNow));
    }
    v1::FollowUpVerdict verdict;
    verdict.set_verdict(v1::VERDICT_IMPLEMENTED);
    verdict.set_comment(absl::StrCat("seen ", i));
    if (i % 2 == 0) {
      EXPECT_DONE(
          recommendations.SetVerdict(id, verdict, "principals/ann", kNow));
    }
  }
  for (int limit : {1, 3, 10}) {
    SCOPED_TRACE(absl::StrCat("pages of ", limit));
    std::vector<v1::Recommendation> listed;
    int64_t after = 0;
    for (int pages = 0; pages < 10; ++pages) {
      Page<v1::Recommendation> page =
          VALUE(recommendations.List(a1, audit_id_, after, limit));
      for (auto& item : page.items) listed.push_back(item);
      if (!page.more) break;
      after = page.last_id;
    }
    ASSERT_EQ(listed.size(), kFindings.size());
    EXPECT_THAT(listed[0].findings(),
                ElementsAre("audits/a1/findings/f1", "audits/a1/findings/f3"));
    EXPECT_THAT(listed[1].findings(), IsEmpty());
    EXPECT_FALSE(listed[1].has_response());
    EXPECT_EQ(listed[2].response().rationale(), "because 2");
    EXPECT_EQ(listed[2].verdict().comment(), "seen 2");
    EXPECT_FALSE(listed[3].has_verdict());
    for (size_t i = 0; i < listed.size(); ++i) {
      EXPECT_EQ(
          listed[i].DebugString(),
          VALUE(recommendations.Get({"a1", absl::StrCat("r", i)}, audit_id_))
              .DebugString());
    }
  }
}

// A page of principals: each its own units and external identities.
TEST_P(RepositoriesTest, ListedPrincipalsCarryTheirOwnScopes) {
  Seed();
  PrincipalRepository principals(*db_);
  v1::ExternalIdentity identity;
  identity.set_issuer("https://idp.example.org");
  for (const char* subject : {"ann-2", "ann-1"}) {
    identity.set_subject(subject);
    EXPECT_DONE(principals.AddIdentity(auditor_id_, identity, kNow));
  }
  v1::Principal max = VALUE(principals.Get("max")).principal;
  EXPECT_DONE(
      principals.Update(manager_id_, {other_unit_id_, unit_id_}, kNow, &max));
  for (int limit : {1, 10}) {
    std::vector<v1::Principal> listed;
    int64_t after = 0;
    for (int pages = 0; pages < 5; ++pages) {
      Page<v1::Principal> page = VALUE(principals.List({}, after, limit));
      for (auto& item : page.items) listed.push_back(item);
      if (!page.more) break;
      after = page.last_id;
    }
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_THAT(listed[0].units(), ElementsAre("units/ward-1"));
    ASSERT_EQ(listed[0].external_identities_size(), 2);
    EXPECT_EQ(listed[0].external_identities(0).subject(), "ann-2");
    EXPECT_THAT(listed[1].units(), ElementsAre("units/ward-1", "units/clinic"));
    EXPECT_EQ(listed[1].external_identities_size(), 0);
    EXPECT_EQ(listed[0].DebugString(),
              VALUE(principals.Get("ann")).principal.DebugString());
    EXPECT_EQ(listed[1].DebugString(),
              VALUE(principals.Get("max")).principal.DebugString());
  }
}

// The IN list of ForEachRowWithIdIn: every id matched once, in the order
// asked, for lists padded to a few sizes and split above the largest.
TEST_P(RepositoriesTest, IdListsMatchEveryIdOnce) {
  EXPECT_DONE(db_->Exec("CREATE TEMP TABLE numbers (id BIGINT PRIMARY KEY)"));
  for (int i = 1; i <= 2200; ++i) {
    EXPECT_DONE(
        db_->Exec(absl::StrCat("INSERT INTO numbers VALUES (", i, ")")));
  }
  EXPECT_EQ(IdListSlots(1), 1u);
  EXPECT_EQ(IdListSlots(2), 4u);
  EXPECT_EQ(IdListSlots(50), 64u);
  EXPECT_EQ(IdListSlots(1000), 1024u);
  for (size_t count : {0, 1, 2, 5, 17, 1024, 1025, 2100}) {
    std::vector<int64_t> ids;
    // Every other number, and one past the table that matches nothing.
    for (size_t i = 0; i < count; ++i) ids.push_back(2 * i + 1);
    std::vector<int64_t> seen;
    EXPECT_DONE(ForEachRowWithIdIn(*db_, "SELECT id FROM numbers WHERE id IN ",
                                   " ORDER BY id", ids,
                                   [&](const Statement& row) {
                                     seen.push_back(row.Int(0));
                                     return absl::OkStatus();
                                   }));
    std::vector<int64_t> present;
    for (int64_t id : ids) {
      if (id <= 2200) present.push_back(id);
    }
    EXPECT_EQ(seen, present) << count << " ids";
  }
  // Child rows go to the item of their id; an id given twice, or ids and
  // items apart, would give some item none of its rows, so they are refused.
  std::vector<std::vector<int64_t>> children(3);
  auto fill = [](std::vector<int64_t>& item, const Statement& row) {
    item.push_back(row.Int(0));
  };
  const char kHead[] = "SELECT id FROM numbers WHERE id IN ";
  std::vector<int64_t> three = {5, 3, 9};
  EXPECT_DONE(ForEachChildRow(*db_, kHead, "", std::span<const int64_t>(three),
                              std::span(children), fill));
  EXPECT_EQ(children, (std::vector<std::vector<int64_t>>{{5}, {3}, {9}}));
  std::vector<int64_t> twice = {5, 3, 5};
  EXPECT_EQ(ForEachChildRow(*db_, kHead, "", std::span<const int64_t>(twice),
                            std::span(children), fill)
                .code(),
            absl::StatusCode::kInternal);
  std::vector<int64_t> two = {5, 3};
  EXPECT_EQ(ForEachChildRow(*db_, kHead, "", std::span<const int64_t>(two),
                            std::span(children), fill)
                .code(),
            absl::StatusCode::kInternal);
}

TEST_P(RepositoriesTest, Events) {
  Seed();
  EventRepository events(*db_);
  EXPECT_EQ(VALUE(events.LastSequence()), 0);
  v1::Event event;
  event.set_actor("principals/ann");
  event.set_resource("audits/a1");
  event.set_kind(v1::EVENT_KIND_UPDATED);
  event.add_changed_fields("title");
  event.add_changed_fields("team");
  *event.mutable_time() = google::protobuf::Timestamp();
  EXPECT_EQ(VALUE(events.Append(
                event, {.audience = EventAudience::kAuditReaders,
                        .audit_id = audit_id_,
                        .unit_id = unit_id_,
                        .former_readers = {manager_id_, manager_id_}})),
            1);
  event.set_actor("system");
  event.set_resource("units/ward-1");
  event.set_kind(v1::EVENT_KIND_CREATED);
  EXPECT_EQ(VALUE(events.Append(event, {.audience = EventAudience::kUnitReaders,
                                        .unit_id = unit_id_})),
            2);
  EXPECT_EQ(VALUE(events.LastSequence()), 2);

  auto list = [&](EventFilter filter, domain::EventVisibility seen,
                  int64_t caller, int64_t after = 0) {
    std::vector<int64_t> sequences;
    for (const v1::Event& e :
         VALUE(events.List(filter, seen, caller, after, 10)).items) {
      sequences.push_back(e.sequence());
    }
    return sequences;
  };
  Page<v1::Event> all = VALUE(events.List({}, {.everything = true}, 0, 0, 10));
  ASSERT_EQ(all.items.size(), 2u);
  EXPECT_EQ(all.items[0].actor_role(), v1::ROLE_AUDITOR);
  EXPECT_EQ(all.items[0].audit(), "audits/a1");
  EXPECT_THAT(all.items[0].changed_fields(), ElementsAre("title", "team"));
  EXPECT_EQ(all.items[1].actor_role(), v1::ROLE_UNSPECIFIED);
  EXPECT_THAT(list({}, {.everything = true}, 0, 1), ElementsAre(2));
  EXPECT_THAT(list({.until = 1}, {.everything = true}, 0), ElementsAre(1));
  EXPECT_THAT(list({.audit_id = audit_id_}, {.everything = true}, 0),
              ElementsAre(1));
  EXPECT_THAT(list({.unit_id = unit_id_, .kind = v1::EVENT_KIND_CREATED},
                   {.everything = true}, 0),
              ElementsAre(2));
  // A unit manager of the unit: the unit's events, and no draft audit's.
  domain::EventVisibility manager;
  manager.audits.unit_ids = std::set<int64_t>{unit_id_};
  manager.audits.published_only = true;
  manager.units = true;
  manager.unit_ids = std::set<int64_t>{unit_id_};
  EXPECT_THAT(list({}, manager, manager_id_), ElementsAre(2));
  // The auditor on the team sees the audit's event; the former reader too.
  EXPECT_THAT(list({}, {.audits = {.team_member = auditor_id_}}, auditor_id_),
              ElementsAre(1));
  EXPECT_THAT(list({}, {.audits = {.team_member = manager_id_}}, manager_id_),
              ElementsAre(1));
  EXPECT_THAT(list({}, {.audits = {.nothing = true}}, 0), IsEmpty());
}

TEST_P(RepositoriesTest, TokensLinksKeysAndCreateRequests) {
  Seed();
  TokenRepository tokens(*db_);
  int64_t generation = VALUE(tokens.AuthGeneration());
  v1::Token token;
  token.set_display_name("ci");
  token.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(kNow) + 3600);
  EXPECT_DONE(tokens.Create({"ann", "t1"}, auditor_id_, kBinary, kNow, &token));
  EXPECT_THAT(Names(VALUE(tokens.List("ann", auditor_id_, 0, 10)).items),
              ElementsAre("principals/ann/tokens/t1"));
  std::optional<TokenRecord> found = VALUE(tokens.FindBySecretHash(kBinary));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->secret_hash, kBinary);
  EXPECT_EQ(found->principal_id, auditor_id_);
  EXPECT_EQ(VALUE(tokens.FindBySecretHash("other")), std::nullopt);
  EXPECT_DONE(tokens.RecordUse(found->id, kNow));
  v1::Token revoked = VALUE(tokens.Revoke({"ann", "t1"}, auditor_id_, kNow));
  EXPECT_TRUE(revoked.has_revoke_time());
  EXPECT_TRUE(revoked.has_last_use_time());
  EXPECT_TRUE(absl::IsNotFound(
      tokens.Revoke({"ann", "none"}, auditor_id_, kNow).status()));
  EXPECT_GT(VALUE(tokens.AuthGeneration()), generation);

  SignInLinkRepository links(*db_);
  EXPECT_DONE(links
                  .Create({"max", "l1"}, manager_id_, {"ann"}, auditor_id_,
                          kBinary, kNow, kNow + absl::Hours(1))
                  .status());
  EXPECT_THAT(Names(VALUE(links.List(std::nullopt, 0, 10)).items),
              ElementsAre("principals/max/signInLinks/l1"));
  EXPECT_EQ(VALUE(links.List(manager_id_, 0, 10)).items.size(), 1u);
  EXPECT_THAT(VALUE(links.List(auditor_id_, 0, 10)).items, IsEmpty());
  std::optional<SignInLinkRecord> link = VALUE(links.FindBySecretHash(kBinary));
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->secret_hash, kBinary);
  EXPECT_FALSE(link->redeem_time.has_value());
  EXPECT_TRUE(VALUE(links.MarkRedeemed(link->id, kNow)));
  EXPECT_FALSE(VALUE(links.MarkRedeemed(link->id, kNow)));

  ServerKeyRepository keys(*db_);
  EXPECT_EQ(VALUE(keys.GetOrCreate("cookie", kBinary)), kBinary);
  EXPECT_EQ(VALUE(keys.GetOrCreate("cookie", "another")), kBinary);

  CreateRequestLog requests(*db_);
  EXPECT_EQ(VALUE(requests.Find("CreateAudit", "principals/ann", "r-1")),
            std::nullopt);
  EXPECT_DONE(requests.Record("CreateAudit", "principals/ann", "r-1",
                              {kBinary, "audits/a1"}, kNow));
  std::optional<CreateRecord> record =
      VALUE(requests.Find("CreateAudit", "principals/ann", "r-1"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->request_hash, kBinary);
  EXPECT_EQ(record->resource, "audits/a1");
  EXPECT_EQ(VALUE(requests.PurgeBefore(kNow)), 0);
  EXPECT_EQ(VALUE(requests.PurgeBefore(kNow + absl::Seconds(1))), 1);
}

TEST_P(RepositoriesTest, AccessLog) {
  AccessLogRepository log(*db_);
  auto append = [&](int64_t seconds, std::string principal,
                    std::string resource, std::vector<std::string> covered) {
    v1::AccessLogEntry entry;
    entry.mutable_time()->set_seconds(seconds);
    entry.set_principal(principal);
    entry.set_method("/brevis.v1.Audits/ListFindings");
    entry.set_kind(v1::ACCESS_KIND_READ);
    entry.set_resource(resource);
    for (std::string& name : covered) entry.add_covered(std::move(name));
    EXPECT_DONE(log.Append(entry));
  };
  append(100, "principals/ann", "audits/a1",
         {"audits/a1/findings/f1", "audits/a1/findings/f2"});
  append(200, "principals/max", "audits/a1/findings/f3", {});
  append(300, "principals/ann", "audits/a2",
         {"audits/a2/recommendations/r1/actions/x1"});
  append(400, "principals/ann", "audits/a10", {});

  auto list = [&](AccessLogFilter filter) {
    std::vector<int64_t> sequences;
    for (const v1::AccessLogEntry& e : VALUE(log.List(filter, 0, 10)).items) {
      sequences.push_back(e.sequence());
    }
    return sequences;
  };
  Page<v1::AccessLogEntry> all = VALUE(log.List({}, 0, 10));
  ASSERT_EQ(all.items.size(), 4u);
  EXPECT_THAT(all.items[0].covered(),
              ElementsAre("audits/a1/findings/f1", "audits/a1/findings/f2"));
  EXPECT_THAT(list({.principal = "principals/max"}), ElementsAre(2));
  EXPECT_THAT(list({.principal = "Principals/max"}), IsEmpty());
  EXPECT_THAT(list({.resource_prefix = "audits/a1"}), ElementsAre(1, 2, 4));
  EXPECT_THAT(list({.resource_prefix = "audits/a1/"}), ElementsAre(1, 2));
  EXPECT_THAT(list({.resource_prefix = "audits/a1/findings/f2"}),
              ElementsAre(1));
  EXPECT_THAT(list({.resource_prefix = "audits/a1/findings/f"}),
              ElementsAre(1, 2));
  EXPECT_THAT(list({.resource_prefix = "audits/a1/Findings"}), IsEmpty());
  EXPECT_THAT(list({.resource_prefix = "audits/a2/recommendations/r1/act"}),
              ElementsAre(3));
  EXPECT_THAT(list({.resource_prefix = "audits/a2/recommendations/r1/"
                                       "actions/x1"}),
              ElementsAre(3));
  EXPECT_THAT(list({.resource_prefix = "audits/a2/recommendations/r2"}),
              IsEmpty());
  EXPECT_THAT(list({.start_time = absl::FromUnixSeconds(200),
                    .end_time = absl::FromUnixSeconds(400)}),
              ElementsAre(2, 3));
  EXPECT_THAT(list({.principal = "principals/ann",
                    .resource_prefix = "audits/a1/findings/f1",
                    .start_time = absl::FromUnixSeconds(50)}),
              ElementsAre(1));
  EXPECT_EQ(VALUE(log.PurgeBefore(absl::FromUnixSeconds(250))), 2);
  EXPECT_THAT(list({}), ElementsAre(3, 4));

  // A prefix ends in any character: the range's end is the next character
  // (text must stay UTF-8 on PostgreSQL), after U+10FFFF there is none.
  append(500, "principals/ann", "units/u\u00bf", {});  // ends in byte 0xbf
  append(600, "principals/ann", "units/u\u00c0", {});  // the next character
  append(700, "principals/ann", "units/u\U0010ffff", {});
  EXPECT_THAT(list({.resource_prefix = "units/u\u00bf"}), ElementsAre(5));
  EXPECT_THAT(list({.resource_prefix = "units/u\x7f"}), IsEmpty());
  EXPECT_THAT(list({.resource_prefix = "units/u\U0010ffff"}), ElementsAre(7));
  EXPECT_THAT(list({.resource_prefix = "\U0010ffff"}), IsEmpty());
  EXPECT_THAT(list({.resource_prefix = "units/"}), ElementsAre(5, 6, 7));
}

// Counts the statements prepared through it (each one a statement run by
// the repositories under test); everything else goes to `inner`.
class CountingConnection final : public Connection {
 public:
  explicit CountingConnection(Connection& inner) : inner_(inner) {}
  Engine engine() const override { return inner_.engine(); }
  absl::StatusOr<std::unique_ptr<Statement>> Prepare(
      std::string_view sql) override {
    ++prepared;
    return inner_.Prepare(sql);
  }
  absl::Status Exec(std::string_view sql) override { return inner_.Exec(sql); }
  int64_t Changes() const override { return inner_.Changes(); }
  bool InTransaction() const override { return inner_.InTransaction(); }
  bool Healthy() const override { return inner_.Healthy(); }

  int prepared = 0;

 private:
  Connection& inner_;
};

// The overdue report's page: per unit its count, oldest due date, audits
// and first actions by due date (ties by row id), over the audits the
// caller may see, as the statements per unit it replaced gave them; the
// actions read for the page equal what Get reads of each.
TEST_P(RepositoriesTest, OverdueUnitsOfAPage) {
  Seed();  // ward-1 with audit a1; clinic
  UnitRepository units(*db_);
  AuditRepository audits(*db_);
  RecommendationRepository recommendations(*db_);
  ActionRepository actions(*db_, kToday);
  for (const char* uid : {"u2", "u3", "u4"}) {
    v1::Unit unit;
    unit.set_display_name(absl::StrCat("Unit ", uid));
    EXPECT_DONE(units.Create(uid, kNow, &unit));
  }
  const int64_t u2 = VALUE(units.RowId("u2"));
  const int64_t u3 = VALUE(units.RowId("u3"));
  const int64_t u4 = VALUE(units.RowId("u4"));
  // The recommendation row id of each audit uid.
  std::map<std::string, int64_t> rec_of;
  auto audit = [&](const std::string& uid, int64_t unit_id) {
    v1::Audit created;
    created.set_title(uid);
    EXPECT_DONE(audits.Create(uid, unit_id, kNow, &created));
    int64_t id = VALUE(audits.RowId(uid));
    v1::Recommendation recommendation;
    // Recommendation uids are unique across audits.
    std::string rec = absl::StrCat("r-", uid);
    EXPECT_DONE(
        recommendations.Create({uid, rec}, id, {}, kNow, &recommendation));
    rec_of[uid] = VALUE(recommendations.RowId({uid, rec}, id));
    return id;
  };
  // An action of audit `audit_uid` (unit `unit_id`) due 2026-`month`-`day`.
  auto action = [&](const std::string& audit_uid, int64_t audit_id,
                    int64_t unit_id, const std::string& uid, int month, int day,
                    v1::ActionStatus status) {
    v1::Action created;
    created.set_description(uid);
    created.set_status(status);
    created.mutable_due_date()->set_year(2026);
    created.mutable_due_date()->set_month(month);
    created.mutable_due_date()->set_day(day);
    EXPECT_DONE(actions.Create({rec_of[audit_uid], audit_id, unit_id}, uid,
                               kNow, &created));
  };
  constexpr v1::ActionStatus kPlanned = v1::ACTION_STATUS_PLANNED;
  constexpr v1::ActionStatus kStarted = v1::ACTION_STATUS_IN_PROGRESS;
  constexpr v1::ActionStatus kDone = v1::ACTION_STATUS_DONE;
  // ward-1: five overdue, three of them due the same day, created in an
  // order other than their uids'; one done and one due today, not overdue.
  int64_t a1 = audit("a1w", unit_id_);
  action("a1w", a1, unit_id_, "w-late", 6, 10, kPlanned);
  action("a1w", a1, unit_id_, "w-tie-c", 6, 3, kPlanned);
  action("a1w", a1, unit_id_, "w-done", 5, 1, kDone);
  action("a1w", a1, unit_id_, "w-tie-a", 6, 3, kStarted);
  action("a1w", a1, unit_id_, "w-today", 6, 15, kPlanned);
  action("a1w", a1, unit_id_, "w-tie-b", 6, 3, kPlanned);
  action("a1w", a1, unit_id_, "w-first", 6, 1, kPlanned);
  // u2: two audits, the later one holding the older action, and a closed
  // audit whose past-due action is unfinished, not overdue.
  int64_t a2 = audit("a2", u2);
  int64_t a3 = audit("a3", u2);
  int64_t closed = audit("a2closed", u2);
  action("a2", a2, u2, "v-later", 6, 2, kPlanned);
  action("a3", a3, u2, "v-older", 5, 20, kStarted);
  action("a2closed", closed, u2, "v-closed", 1, 1, kPlanned);
  EXPECT_DONE(LifecycleRepository(*db_).Transition(
      closed, v1::AUDIT_STATE_PLANNED, v1::AUDIT_STATE_CLOSED, "done",
      "principals/ann", kNow));
  // u3: nothing overdue.
  int64_t a4 = audit("a4", u3);
  action("a4", a4, u3, "n-future", 7, 1, kPlanned);
  action("a4", a4, u3, "n-done", 1, 1, kDone);
  // u4: four overdue, all due the same day.
  int64_t a5 = audit("a5", u4);
  for (const char* uid : {"z-d", "z-b", "z-c", "z-a"}) {
    action("a5", a5, u4, uid, 6, 5, kPlanned);
  }
  EXPECT_DONE(actions.AddNote(VALUE(actions.RowId(rec_of["a5"], "z-d")),
                              "chased", "principals/ann", kNow));
  // A caller who sees ward-1 and u4 only.
  v1::Principal scoped;
  scoped.set_display_name("Sam Scoped");
  scoped.set_role(v1::ROLE_UNIT_MANAGER);
  EXPECT_DONE(
      PrincipalRepository(*db_).Create("sam", {unit_id_, u4}, kNow, &scoped));
  const int64_t sam = VALUE(PrincipalRepository(*db_).Get("sam")).id;

  // The expectations, written out: (unit uid, count, oldest due date,
  // audits, most overdue action uids with their audit) with 3 at most.
  struct Expected {
    std::string unit;
    int count;
    std::string oldest;
    std::vector<std::string> audits;
    std::vector<std::pair<std::string, std::string>> most;  // audit, action
  };
  const Expected ward{
      "ward-1",
      5,
      "2026-06-01",
      {"a1w"},
      {{"a1w", "w-first"}, {"a1w", "w-tie-c"}, {"a1w", "w-tie-a"}}};
  const Expected second{"u2",
                        2,
                        "2026-05-20",
                        {"a2", "a3"},
                        {{"a3", "v-older"}, {"a2", "v-later"}}};
  const Expected fourth{"u4",
                        4,
                        "2026-06-05",
                        {"a5"},
                        {{"a5", "z-d"}, {"a5", "z-b"}, {"a5", "z-c"}}};
  ReportRepository reports(*db_, kToday);
  auto check = [&](const Page<OverdueUnit>& page,
                   const std::vector<Expected>& expected) {
    ASSERT_EQ(page.items.size(), expected.size());
    std::vector<int64_t> all_ids;
    std::vector<std::pair<std::string, std::string>> all_keys;
    for (size_t i = 0; i < expected.size(); ++i) {
      const OverdueUnit& unit = page.items[i];
      SCOPED_TRACE(expected[i].unit);
      EXPECT_EQ(unit.unit_uid, expected[i].unit);
      EXPECT_EQ(unit.unit_id, VALUE(units.RowId(expected[i].unit)));
      EXPECT_EQ(unit.display_name,
                VALUE(units.Get(expected[i].unit)).display_name());
      EXPECT_EQ(unit.overdue_actions, expected[i].count);
      EXPECT_EQ(unit.oldest_due_date, expected[i].oldest);
      EXPECT_EQ(unit.audit_uids, expected[i].audits);
      std::vector<int64_t> ids;
      for (const auto& [audit_uid, uid] : expected[i].most) {
        ids.push_back(VALUE(actions.RowId(rec_of[audit_uid], uid)));
        all_keys.emplace_back(audit_uid, uid);
      }
      EXPECT_EQ(unit.most_overdue, ids);
      all_ids.insert(all_ids.end(), unit.most_overdue.begin(),
                     unit.most_overdue.end());
    }
    std::vector<v1::Action> read = VALUE(actions.GetByRowIds(all_ids));
    ASSERT_EQ(read.size(), all_keys.size());
    for (size_t i = 0; i < read.size(); ++i) {
      EXPECT_EQ(
          read[i].DebugString(),
          VALUE(actions.Get(rec_of[all_keys[i].first], all_keys[i].second))
              .DebugString());
    }
  };
  check(VALUE(reports.OverdueUnits({}, {}, 0, 0, 10, 3)),
        {ward, second, fourth});
  // Pages of two: the cursor is the last unit's row id.
  Page<OverdueUnit> first = VALUE(reports.OverdueUnits({}, {}, 0, 0, 2, 3));
  EXPECT_TRUE(first.more);
  check(first, {ward, second});
  Page<OverdueUnit> rest =
      VALUE(reports.OverdueUnits({}, {}, 0, first.last_id, 2, 3));
  EXPECT_FALSE(rest.more);
  check(rest, {fourth});
  check(VALUE(reports.OverdueUnits(u2, {}, 0, 0, 10, 3)), {second});
  check(VALUE(reports.OverdueUnits(u3, {}, 0, 0, 10, 3)), {});
  // Sam's units only; u2's audits are hidden from Sam.
  check(VALUE(reports.OverdueUnits(
            {}, {.unit_ids = std::set<int64_t>{unit_id_, u4}}, sam, 0, 10, 3)),
        {ward, fourth});
  check(VALUE(reports.OverdueUnits(
            u2, {.unit_ids = std::set<int64_t>{unit_id_, u4}}, sam, 0, 10, 3)),
        {});
  // Only the audits with Sam on the team (none), only published ones
  // (none), nothing.
  check(VALUE(reports.OverdueUnits({}, {.team_member = sam}, sam, 0, 10, 3)),
        {});
  check(VALUE(reports.OverdueUnits({}, {.published_only = true}, 0, 0, 10, 3)),
        {});
  check(VALUE(reports.OverdueUnits({}, {.nothing = true}, 0, 0, 10, 3)), {});
  // Ann is on a1's team (Seed); the audit a1w is hers too once she is.
  EXPECT_DONE(audits.SetTeam(a1, {auditor_id_}).status());
  check(VALUE(reports.OverdueUnits({}, {.team_member = auditor_id_},
                                   auditor_id_, 0, 10, 3)),
        {ward});
  EXPECT_TRUE(absl::IsNotFound(
      actions.GetByRowIds(std::vector<int64_t>{1'000'000}).status()));
}

// A page of the overdue report runs the same few statements whatever its
// size: its units, their audits, their most overdue actions, and those
// actions with their notes; not some per unit or per action.
TEST_P(RepositoriesTest, OverdueUnitsRunFewStatementsPerPage) {
  Seed();
  UnitRepository units(*db_);
  AuditRepository audits(*db_);
  RecommendationRepository recommendations(*db_);
  ActionRepository actions(*db_, kToday);
  constexpr int kUnits = 50;
  for (int u = 0; u < kUnits; ++u) {
    std::string uid = absl::StrCat("unit-", u);
    v1::Unit unit;
    unit.set_display_name(uid);
    EXPECT_DONE(units.Create(uid, kNow, &unit));
    int64_t unit_id = VALUE(units.RowId(uid));
    v1::Audit audit;
    EXPECT_DONE(audits.Create(uid, unit_id, kNow, &audit));
    int64_t audit_id = VALUE(audits.RowId(uid));
    v1::Recommendation recommendation;
    EXPECT_DONE(recommendations.Create({uid, absl::StrCat("r-", uid)}, audit_id,
                                       {}, kNow, &recommendation));
    int64_t rec =
        VALUE(recommendations.RowId({uid, absl::StrCat("r-", uid)}, audit_id));
    for (int a = 0; a < 6; ++a) {
      v1::Action action;
      action.mutable_due_date()->set_year(2026);
      action.mutable_due_date()->set_month(5);
      action.mutable_due_date()->set_day(1 + a);
      EXPECT_DONE(actions.Create({rec, audit_id, unit_id},
                                 absl::StrCat(uid, "-x", a), kNow, &action));
    }
  }
  for (int page_size : {1, 10, kUnits}) {
    CountingConnection counting(*db_);
    Page<OverdueUnit> page =
        VALUE(ReportRepository(counting, kToday)
                  .OverdueUnits({}, {}, 0, 0, page_size, 5));
    EXPECT_EQ(page.items.size(), static_cast<size_t>(page_size));
    std::vector<int64_t> ids;
    for (const OverdueUnit& unit : page.items) {
      EXPECT_EQ(unit.most_overdue.size(), 5u);
      ids.insert(ids.end(), unit.most_overdue.begin(), unit.most_overdue.end());
    }
    EXPECT_EQ(VALUE(ActionRepository(counting, kToday).GetByRowIds(ids)).size(),
              ids.size());
    EXPECT_EQ(counting.prepared, 5) << page_size << " units";
  }
}

// A keyset page filtered by an index's columns is one walk of an index
// that serves the filter and the cursor, without sorting every match
// (migration 0017 ends those indexes in id for PostgreSQL; SQLite appends
// the rowid by itself).
TEST_P(RepositoriesTest, KeysetListsWalkAnIndexInIdOrder) {
  const bool postgres = GetParam() == Engine::kPostgres;
  if (postgres) EXPECT_DONE(db_->Exec("SET LOCAL enable_seqscan = off"));
  // A table and a list's filter on it.
  constexpr const char* kLists[][2] = {
      {"audits", "unit_id = 1"},
      {"audits", "unit_id = 1 AND state = 1"},
      {"audits", "state = 1"},
      {"sessions", "audit_id = 1"},
      {"findings", "audit_id = 1"},
      {"findings", "audit_id = 1 AND focus_area = 1"},
      {"findings", "audit_id = 1 AND kind = 1"},
      {"recommendations", "audit_id = 1"},
      {"feedback", "audit_id = 1"},
      {"actions", "status = 1"},
      {"action_notes", "action_id = 1"},
      {"tokens", "principal_id = 1"},
      {"sign_in_links", "principal_id = 1"},
      {"external_identities", "principal_id = 1"},
      {"access_log", "principal = 'principals/a'"},
  };
  for (const auto& [table, filter] : kLists) {
    auto explain = db_->Prepare(absl::StrCat(
        postgres ? "EXPLAIN" : "EXPLAIN QUERY PLAN", " SELECT * FROM ", table,
        " WHERE ", filter, " AND id > 0 ORDER BY id LIMIT 5"));
    ASSERT_TRUE(explain.ok()) << DescribeForLog(explain.status());
    std::string plan;
    while (VALUE((*explain)->Step())) {
      plan += (*explain)->Text(postgres ? 0 : 3) + "\n";
    }
    SCOPED_TRACE(absl::StrCat(table, " WHERE ", filter, ":\n", plan));
    // A sort of every match (PostgreSQL's Sort, SQLite's temporary B-tree).
    EXPECT_THAT(plan, ::testing::Not(::testing::HasSubstr("Sort")));
    EXPECT_THAT(plan, ::testing::Not(::testing::HasSubstr("TEMP B-TREE")));
    // The cursor is part of the index condition, on a filter's index: a
    // walk of the primary key would test the filter on every row instead.
    bool cursor_in_index = false;
    std::istringstream lines(plan);
    for (std::string line; std::getline(lines, line);) {
      cursor_in_index |= postgres
                             ? line.find("Index Cond:") != std::string::npos &&
                                   line.find("(id > 0)") != std::string::npos
                             : line.find(" INDEX ") != std::string::npos &&
                                   line.find("id>?") != std::string::npos;
    }
    EXPECT_TRUE(cursor_in_index);
    EXPECT_THAT(plan, ::testing::Not(::testing::HasSubstr("_pkey")));
    EXPECT_THAT(plan, ::testing::Not(::testing::HasSubstr("PRIMARY KEY")));
  }
}

INSTANTIATE_TEST_SUITE_P(BothEngines, RepositoriesTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& info) {
                           return info.param == Engine::kSqlite
                                      ? std::string("Sqlite")
                                      : std::string("Postgres");
                         });

}  // namespace
}  // namespace brevis::store
