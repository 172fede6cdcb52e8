#include "server/domain/validation.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/finding.pb.h"
#include "brevis/v1/session.pb.h"
#include "brevis/v1/types.pb.h"
#include "brevis/v1/unit.pb.h"

namespace brevis::domain {
namespace {

// OK when `status` is INVALID_ARGUMENT, its message starts with "`field`: "
// and contains `rule` (when given).
::testing::AssertionResult IsInvalid(const absl::Status& status,
                                     std::string_view field,
                                     std::string_view rule = "") {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure()
           << "expected INVALID_ARGUMENT, got " << status.ToString();
  }
  const std::string message(status.message());
  const std::string prefix = std::string(field) + ": ";
  if (!message.starts_with(prefix)) {
    return ::testing::AssertionFailure()
           << "message \"" << message << "\" does not start with \"" << prefix
           << "\"";
  }
  if (message.find(rule) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message \"" << message << "\" does not mention \"" << rule
           << "\"";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.ToString();
}

// `count` copies of a UTF-8 character or string.
std::string Repeat(std::string_view piece, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out.append(piece);
  return out;
}

v1::Date MakeDate(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// The example unit of domain.md.
v1::Unit ValidUnit() {
  v1::Unit unit;
  unit.set_display_name("BUP Prima Handen");
  unit.set_region("Region Stockholm");
  unit.set_kind(v1::UNIT_KIND_OUTPATIENT);
  unit.set_hsa_id("SE2321000016-15HX");
  return unit;
}

// The example audit of domain.md.
v1::Audit ValidAudit() {
  v1::Audit audit;
  audit.set_title("Brukarrevision BUP Prima Handen 2026");
  audit.set_commissioned_by("Regionalt programområde psykisk hälsa");
  audit.add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  audit.add_focus_areas(v1::FOCUS_AREA_RESPECT);
  audit.add_focus_areas(v1::FOCUS_AREA_INFORMATION);
  audit.add_focus_areas(v1::FOCUS_AREA_CHILD_RIGHTS);
  *audit.mutable_planned_start_date() = MakeDate(2026, 2, 1);
  *audit.mutable_planned_report_date() = MakeDate(2026, 5, 15);
  *audit.mutable_planned_follow_up_date() = MakeDate(2026, 11, 15);
  return audit;
}

v1::Session ValidSession() {
  v1::Session session;
  *session.mutable_date() = MakeDate(2026, 3, 10);
  session.set_kind(v1::SESSION_KIND_FOCUS_GROUP);
  session.set_informant_group(v1::INFORMANT_GROUP_GUARDIAN);
  session.set_participant_count(5);
  return session;
}

v1::Finding ValidFinding() {
  v1::Finding finding;
  finding.set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
  finding.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  finding.set_text(
      "Flera unga säger att de inte får vara med när beslut om deras "
      "behandling fattas.");
  finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  finding.add_child_rights_articles(12);
  return finding;
}

// ---------------------------------------------------------------- CheckText

TEST(CheckTextTest, AcceptsSwedishText) {
  EXPECT_TRUE(IsOk(CheckText("finding.text", "Bemötandet är bra, säger de.",
                             100, true, true)));
}

TEST(CheckTextTest, RefusesInvalidUtf8) {
  EXPECT_TRUE(
      IsInvalid(CheckText("finding.text", "bra \xC3\x28 svar", 100, true, true),
                "finding.text", "not valid UTF-8"));
  EXPECT_TRUE(
      IsInvalid(CheckText("finding.text", "trunkerad \xC3", 100, false, false),
                "finding.text", "not valid UTF-8"));
  // Latin-1 "å" instead of UTF-8.
  EXPECT_TRUE(IsInvalid(CheckText("unit.region", "V\xE5rd", 100, true, false),
                        "unit.region", "not valid UTF-8"));
}

TEST(CheckTextTest, RequiredRefusesEmpty) {
  EXPECT_TRUE(IsInvalid(CheckText("audit.title", "", 200, true, true),
                        "audit.title", "required"));
}

TEST(CheckTextTest, OptionalAcceptsEmpty) {
  EXPECT_TRUE(IsOk(CheckText("audit.question_guide", "", 200, false, true)));
}

TEST(CheckTextTest, CountsCharactersNotBytes) {
  // 200 'å' are 400 bytes but 200 characters.
  EXPECT_TRUE(
      IsOk(CheckText("unit.display_name", Repeat("å", 200), 200, true, false)));
  EXPECT_TRUE(IsInvalid(
      CheckText("unit.display_name", Repeat("å", 201), 200, true, false),
      "unit.display_name", "at most 200 characters"));
}

TEST(CheckTextTest, LooksForPersonalDataOnlyWhenAsked) {
  const std::string text = "Ring 070-123 45 67";
  EXPECT_TRUE(IsOk(CheckText("note", text, 100, true, false)));
  EXPECT_TRUE(IsInvalid(CheckText("note", text, 100, true, true), "note",
                        "phone number at character 5"));
}

// ---------------------------------------------------------------- CheckDate

TEST(CheckDateTest, UnsetDateIsOkUnlessRequired) {
  EXPECT_TRUE(IsOk(CheckDate("audit.planned_start_date", v1::Date(), false)));
  EXPECT_TRUE(IsInvalid(CheckDate("session.date", v1::Date(), true),
                        "session.date", "required"));
}

TEST(CheckDateTest, AcceptsLeapDayInLeapYears) {
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(2024, 2, 29), true)));
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(2028, 2, 29), true)));
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(2000, 2, 29), true)));
}

TEST(CheckDateTest, RefusesLeapDayInCommonYears) {
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(2026, 2, 29), true), "d",
                        "day must be 1-28"));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(1900, 2, 29), true), "d",
                        "day must be 1-28"));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(2100, 2, 29), true), "d"));
}

TEST(CheckDateTest, RefusesDaysPastTheEndOfTheMonth) {
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(2026, 1, 31), true)));
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(2026, 12, 31), true)));
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(2026, 4, 30), true)));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(2026, 4, 31), true), "d",
                        "day must be 1-30"));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(2026, 1, 32), true), "d",
                        "day must be 1-31"));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(2026, 1, -1), true), "d"));
}

TEST(CheckDateTest, RefusesMonthOutOfRange) {
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(2026, 13, 1), true), "d",
                        "month must be 1-12"));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(2026, -1, 1), true), "d",
                        "month must be 1-12"));
}

TEST(CheckDateTest, RefusesPartialDates) {
  EXPECT_TRUE(
      IsInvalid(CheckDate("d", MakeDate(2026, 0, 0), false), "d", "month"));
  EXPECT_TRUE(
      IsInvalid(CheckDate("d", MakeDate(2026, 5, 0), false), "d", "day"));
  EXPECT_TRUE(
      IsInvalid(CheckDate("d", MakeDate(0, 5, 15), false), "d", "year"));
  EXPECT_TRUE(
      IsInvalid(CheckDate("d", MakeDate(0, 0, 15), false), "d", "year"));
}

TEST(CheckDateTest, RefusesYearsOutside1900To9999) {
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(1900, 1, 1), true)));
  EXPECT_TRUE(IsOk(CheckDate("d", MakeDate(9999, 12, 31), true)));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(1899, 12, 31), true), "d",
                        "year must be 1900-9999"));
  EXPECT_TRUE(IsInvalid(CheckDate("d", MakeDate(10000, 1, 1), true), "d",
                        "year must be 1900-9999"));
}

TEST(CheckDateTest, IsSetWhenAnyPartIsSet) {
  EXPECT_FALSE(IsSet(v1::Date()));
  EXPECT_TRUE(IsSet(MakeDate(2026, 0, 0)));
  EXPECT_TRUE(IsSet(MakeDate(0, 1, 0)));
  EXPECT_TRUE(IsSet(MakeDate(0, 0, 1)));
}

TEST(CheckDateTest, LessThanOrdersLikeTheCalendar) {
  EXPECT_TRUE(MakeDate(2025, 12, 31) < MakeDate(2026, 1, 1));
  EXPECT_TRUE(MakeDate(2026, 1, 31) < MakeDate(2026, 2, 1));
  EXPECT_TRUE(MakeDate(2026, 2, 1) < MakeDate(2026, 2, 2));
  EXPECT_FALSE(MakeDate(2026, 2, 2) < MakeDate(2026, 2, 2));
  EXPECT_FALSE(MakeDate(2026, 2, 1) < MakeDate(2025, 12, 31));
}

// --------------------------------------------------------------------- Unit

TEST(ValidateUnitTest, AcceptsExampleUnit) {
  EXPECT_TRUE(IsOk(ValidateUnit(ValidUnit())));
}

TEST(ValidateUnitTest, RequiresDisplayName) {
  v1::Unit unit = ValidUnit();
  unit.clear_display_name();
  EXPECT_TRUE(IsInvalid(ValidateUnit(unit), "unit.display_name", "required"));
}

TEST(ValidateUnitTest, BlankDisplayNameIsRefused) {
  v1::Unit unit = ValidUnit();
  unit.set_display_name("   ");
  EXPECT_TRUE(IsInvalid(ValidateUnit(unit), "unit.display_name", "required"));
}

TEST(ValidateUnitTest, RequiresRegion) {
  v1::Unit unit = ValidUnit();
  unit.clear_region();
  EXPECT_TRUE(IsInvalid(ValidateUnit(unit), "unit.region", "required"));
}

TEST(ValidateUnitTest, RequiresKind) {
  v1::Unit unit = ValidUnit();
  unit.set_kind(v1::UNIT_KIND_UNSPECIFIED);
  EXPECT_TRUE(IsInvalid(ValidateUnit(unit), "unit.kind", "required"));
}

TEST(ValidateUnitTest, RefusesUnknownKind) {
  v1::Unit unit = ValidUnit();
  unit.set_kind(static_cast<v1::UnitKind>(99));
  EXPECT_TRUE(IsInvalid(ValidateUnit(unit), "unit.kind", "unknown value 99"));
}

TEST(ValidateUnitTest, DisplayNameAtMost200Characters) {
  v1::Unit unit = ValidUnit();
  unit.set_display_name(Repeat("å", 200));
  EXPECT_TRUE(IsOk(ValidateUnit(unit)));
  unit.set_display_name(Repeat("å", 201));
  EXPECT_TRUE(IsInvalid(ValidateUnit(unit), "unit.display_name",
                        "at most 200 characters"));
}

TEST(ValidateUnitTest, RegionAtMost200Characters) {
  v1::Unit unit = ValidUnit();
  unit.set_region(Repeat("ö", 200));
  EXPECT_TRUE(IsOk(ValidateUnit(unit)));
  unit.set_region(Repeat("ö", 201));
  EXPECT_TRUE(
      IsInvalid(ValidateUnit(unit), "unit.region", "at most 200 characters"));
}

TEST(ValidateUnitTest, RefusesInvalidUtf8InDisplayName) {
  v1::Unit unit = ValidUnit();
  unit.set_display_name("BUP \xFF");
  EXPECT_TRUE(
      IsInvalid(ValidateUnit(unit), "unit.display_name", "not valid UTF-8"));
}

TEST(ValidateUnitTest, HsaIdIsOptional) {
  v1::Unit unit = ValidUnit();
  unit.clear_hsa_id();
  EXPECT_TRUE(IsOk(ValidateUnit(unit)));
}

TEST(ValidateUnitTest, AcceptsWellFormedHsaIds) {
  v1::Unit unit = ValidUnit();
  for (const char* id : {"SE2321000016-15HX", "SE2321000016-1",
                         "SE2321000016-abcdefghij0123456789"}) {
    unit.set_hsa_id(id);
    EXPECT_TRUE(IsOk(ValidateUnit(unit))) << id;
  }
}

TEST(ValidateUnitTest, RefusesMalformedHsaIds) {
  v1::Unit unit = ValidUnit();
  for (const char* id : {
           "2321000016-15HX",                     // no SE
           "se2321000016-15HX",                   // lowercase se
           "SE232100001-15HX",                    // nine digits
           "SE23210000166-15HX",                  // eleven digits
           "SE2321000016",                        // no '-' and suffix
           "SE2321000016-",                       // empty suffix
           "SE2321000016_15HX",                   // '_' for '-'
           "SE23210O0016-15HX",                   // letter O among digits
           "SE2321000016-15_HX",                  // '_' in suffix
           "SE2321000016-15 HX",                  // space in suffix
           "SE2321000016-15HÅ",                   // non-ASCII letter
           "SE2321000016-abcdefghij0123456789X",  // 21-character suffix
       }) {
    unit.set_hsa_id(id);
    EXPECT_TRUE(IsInvalid(ValidateUnit(unit), "unit.hsa_id", "SE")) << id;
  }
}

// -------------------------------------------------------------------- Audit

TEST(ValidateAuditTest, AcceptsExampleAudit) {
  EXPECT_TRUE(IsOk(ValidateAudit(ValidAudit())));
}

TEST(ValidateAuditTest, RequiresTitle) {
  v1::Audit audit = ValidAudit();
  audit.clear_title();
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.title", "required"));
}

TEST(ValidateAuditTest, TitleAtMost200Characters) {
  v1::Audit audit = ValidAudit();
  audit.set_title(Repeat("ä", 200));
  EXPECT_TRUE(IsOk(ValidateAudit(audit)));
  audit.set_title(Repeat("ä", 201));
  EXPECT_TRUE(
      IsInvalid(ValidateAudit(audit), "audit.title", "at most 200 characters"));
}

TEST(ValidateAuditTest, TitleMustNotHoldPersonalData) {
  v1::Audit audit = ValidAudit();
  audit.set_title("Revision, kontakt anna@example.se");
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.title",
                        "e-mail address at character 18"));
}

TEST(ValidateAuditTest, RequiresCommissionedBy) {
  v1::Audit audit = ValidAudit();
  audit.clear_commissioned_by();
  EXPECT_TRUE(
      IsInvalid(ValidateAudit(audit), "audit.commissioned_by", "required"));
}

TEST(ValidateAuditTest, CommissionedByAtMost200Characters) {
  v1::Audit audit = ValidAudit();
  audit.set_commissioned_by(Repeat("å", 200));
  EXPECT_TRUE(IsOk(ValidateAudit(audit)));
  audit.set_commissioned_by(Repeat("å", 201));
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.commissioned_by",
                        "at most 200 characters"));
}

TEST(ValidateAuditTest, RequiresFocusAreas) {
  v1::Audit audit = ValidAudit();
  audit.clear_focus_areas();
  EXPECT_TRUE(
      IsInvalid(ValidateAudit(audit), "audit.focus_areas", "at least one"));
}

TEST(ValidateAuditTest, RefusesUnknownFocusArea) {
  v1::Audit audit = ValidAudit();
  audit.add_focus_areas(static_cast<v1::FocusArea>(99));
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.focus_areas[4]",
                        "unknown value 99"));
}

TEST(ValidateAuditTest, RefusesUnspecifiedFocusArea) {
  v1::Audit audit = ValidAudit();
  audit.set_focus_areas(1, v1::FOCUS_AREA_UNSPECIFIED);
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.focus_areas[1]"));
}

TEST(ValidateAuditTest, RefusesRepeatedFocusArea) {
  v1::Audit audit = ValidAudit();
  audit.add_focus_areas(v1::FOCUS_AREA_RESPECT);
  EXPECT_TRUE(
      IsInvalid(ValidateAudit(audit), "audit.focus_areas[4]", "repeated"));
}

TEST(ValidateAuditTest, OtherFocusAreaNeedsItsText) {
  v1::Audit audit = ValidAudit();
  audit.add_focus_areas(v1::FOCUS_AREA_OTHER);
  EXPECT_TRUE(
      IsInvalid(ValidateAudit(audit), "audit.other_focus_area", "required"));
  audit.set_other_focus_area("Skolsamverkan");
  EXPECT_TRUE(IsOk(ValidateAudit(audit)));
}

TEST(ValidateAuditTest, OtherFocusAreaTextOnlyWithOther) {
  v1::Audit audit = ValidAudit();
  audit.set_other_focus_area("Skolsamverkan");
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.other_focus_area",
                        "FOCUS_AREA_OTHER"));
}

TEST(ValidateAuditTest, OtherFocusAreaAtMost200Characters) {
  v1::Audit audit = ValidAudit();
  audit.add_focus_areas(v1::FOCUS_AREA_OTHER);
  audit.set_other_focus_area(Repeat("ö", 200));
  EXPECT_TRUE(IsOk(ValidateAudit(audit)));
  audit.set_other_focus_area(Repeat("ö", 201));
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.other_focus_area",
                        "at most 200 characters"));
}

TEST(ValidateAuditTest, QuestionGuideAtMost20000Characters) {
  v1::Audit audit = ValidAudit();
  audit.set_question_guide(Repeat("å", 20000));
  EXPECT_TRUE(IsOk(ValidateAudit(audit)));
  audit.set_question_guide(Repeat("å", 20001));
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.question_guide",
                        "at most 20000 characters"));
}

TEST(ValidateAuditTest, QuestionGuideMustNotHoldPersonalData) {
  v1::Audit audit = ValidAudit();
  audit.set_question_guide("Frågor till 121212-1212");
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.question_guide",
                        "personal identity number at character 12"));
}

TEST(ValidateAuditTest, DatesAreOptional) {
  v1::Audit audit = ValidAudit();
  audit.clear_planned_start_date();
  audit.clear_planned_report_date();
  audit.clear_planned_follow_up_date();
  EXPECT_TRUE(IsOk(ValidateAudit(audit)));
}

TEST(ValidateAuditTest, DatesOnTheSameDayAreOk) {
  v1::Audit audit = ValidAudit();
  *audit.mutable_planned_report_date() = audit.planned_start_date();
  *audit.mutable_planned_follow_up_date() = audit.planned_start_date();
  EXPECT_TRUE(IsOk(ValidateAudit(audit)));
}

TEST(ValidateAuditTest, RefusesReportBeforeStart) {
  v1::Audit audit = ValidAudit();
  *audit.mutable_planned_report_date() = MakeDate(2026, 1, 31);
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.planned_report_date",
                        "must not be before planned_start_date"));
}

TEST(ValidateAuditTest, RefusesFollowUpBeforeReport) {
  v1::Audit audit = ValidAudit();
  *audit.mutable_planned_follow_up_date() = MakeDate(2026, 5, 14);
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.planned_follow_up_date",
                        "must not be before planned_report_date"));
}

TEST(ValidateAuditTest, RefusesFollowUpBeforeStartWithoutReportDate) {
  v1::Audit audit = ValidAudit();
  audit.clear_planned_report_date();
  *audit.mutable_planned_follow_up_date() = MakeDate(2025, 12, 1);
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.planned_follow_up_date",
                        "must not be before planned_start_date"));
}

TEST(ValidateAuditTest, RefusesInvalidPlannedDate) {
  v1::Audit audit = ValidAudit();
  *audit.mutable_planned_start_date() = MakeDate(2026, 2, 29);
  EXPECT_TRUE(IsInvalid(ValidateAudit(audit), "audit.planned_start_date",
                        "day must be 1-28"));
  audit = ValidAudit();
  *audit.mutable_planned_report_date() = MakeDate(2026, 13, 1);
  EXPECT_TRUE(
      IsInvalid(ValidateAudit(audit), "audit.planned_report_date", "month"));
  audit = ValidAudit();
  *audit.mutable_planned_follow_up_date() = MakeDate(2026, 11, 0);
  EXPECT_TRUE(
      IsInvalid(ValidateAudit(audit), "audit.planned_follow_up_date", "day"));
}

// ------------------------------------------------------------------ Session

TEST(ValidateSessionTest, AcceptsValidSession) {
  EXPECT_TRUE(IsOk(ValidateSession(ValidSession())));
}

TEST(ValidateSessionTest, RequiresDate) {
  v1::Session session = ValidSession();
  session.clear_date();
  EXPECT_TRUE(IsInvalid(ValidateSession(session), "session.date", "required"));
}

TEST(ValidateSessionTest, RefusesInvalidDate) {
  v1::Session session = ValidSession();
  *session.mutable_date() = MakeDate(2026, 2, 29);
  EXPECT_TRUE(IsInvalid(ValidateSession(session), "session.date", "day"));
  *session.mutable_date() = MakeDate(2026, 3, 0);
  EXPECT_TRUE(IsInvalid(ValidateSession(session), "session.date", "day"));
}

TEST(ValidateSessionTest, RequiresKind) {
  v1::Session session = ValidSession();
  session.set_kind(v1::SESSION_KIND_UNSPECIFIED);
  EXPECT_TRUE(IsInvalid(ValidateSession(session), "session.kind", "required"));
}

TEST(ValidateSessionTest, RefusesUnknownKind) {
  v1::Session session = ValidSession();
  session.set_kind(static_cast<v1::SessionKind>(99));
  EXPECT_TRUE(
      IsInvalid(ValidateSession(session), "session.kind", "unknown value 99"));
}

TEST(ValidateSessionTest, RequiresInformantGroup) {
  v1::Session session = ValidSession();
  session.set_informant_group(v1::INFORMANT_GROUP_UNSPECIFIED);
  EXPECT_TRUE(IsInvalid(ValidateSession(session), "session.informant_group",
                        "required"));
}

TEST(ValidateSessionTest, RefusesUnknownInformantGroup) {
  v1::Session session = ValidSession();
  session.set_informant_group(static_cast<v1::InformantGroup>(99));
  EXPECT_TRUE(IsInvalid(ValidateSession(session), "session.informant_group",
                        "unknown value 99"));
}

TEST(ValidateSessionTest, ParticipantCountFrom1To1000) {
  v1::Session session = ValidSession();
  session.set_participant_count(1);
  EXPECT_TRUE(IsOk(ValidateSession(session)));
  session.set_participant_count(1000);
  EXPECT_TRUE(IsOk(ValidateSession(session)));
  for (int count : {0, 1001, -1}) {
    session.set_participant_count(count);
    EXPECT_TRUE(IsInvalid(ValidateSession(session), "session.participant_count",
                          "1-1000"))
        << count;
  }
}

// ------------------------------------------------------------------ Finding

TEST(ValidateFindingTest, AcceptsValidFinding) {
  EXPECT_TRUE(IsOk(ValidateFinding(ValidFinding())));
}

TEST(ValidateFindingTest, AcceptsTheRealisticFindingsOfTheDomain) {
  v1::Finding strength;
  strength.set_focus_area(v1::FOCUS_AREA_RESPECT);
  strength.set_kind(v1::FINDING_KIND_STRENGTH);
  strength.set_text(
      "De flesta unga beskriver att de blir lyssnade på och tagna på allvar av "
      "sin behandlare.");
  strength.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  strength.add_informant_groups(v1::INFORMANT_GROUP_CHILD);
  EXPECT_TRUE(IsOk(ValidateFinding(strength)));

  EXPECT_TRUE(IsOk(ValidateFinding(ValidFinding())));

  v1::Finding sip;
  sip.set_focus_area(v1::FOCUS_AREA_INFORMATION);
  sip.set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  sip.set_text("Vårdnadshavare vet inte vad en SIP är eller hur man begär en.");
  sip.add_informant_groups(v1::INFORMANT_GROUP_GUARDIAN);
  sip.set_sip(true);
  EXPECT_TRUE(IsOk(ValidateFinding(sip)));
}

TEST(ValidateFindingTest, AcceptsNumbersThatAreNotPersonalData) {
  v1::Finding finding = ValidFinding();
  finding.set_text(
      "12 av 16 unga (13-17 år) väntade mer än 30 dagar; 2 gånger per termin "
      "enligt artikel 12, år 2026.");
  EXPECT_TRUE(IsOk(ValidateFinding(finding)));
}

TEST(ValidateFindingTest, RequiresFocusArea) {
  v1::Finding finding = ValidFinding();
  finding.set_focus_area(v1::FOCUS_AREA_UNSPECIFIED);
  EXPECT_TRUE(
      IsInvalid(ValidateFinding(finding), "finding.focus_area", "required"));
}

TEST(ValidateFindingTest, RefusesUnknownFocusArea) {
  v1::Finding finding = ValidFinding();
  finding.set_focus_area(static_cast<v1::FocusArea>(99));
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.focus_area",
                        "unknown value 99"));
}

TEST(ValidateFindingTest, RequiresKind) {
  v1::Finding finding = ValidFinding();
  finding.set_kind(v1::FINDING_KIND_UNSPECIFIED);
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.kind", "required"));
}

TEST(ValidateFindingTest, RefusesUnknownKind) {
  v1::Finding finding = ValidFinding();
  finding.set_kind(static_cast<v1::FindingKind>(99));
  EXPECT_TRUE(
      IsInvalid(ValidateFinding(finding), "finding.kind", "unknown value 99"));
  finding.set_kind(static_cast<v1::FindingKind>(-1));
  EXPECT_TRUE(
      IsInvalid(ValidateFinding(finding), "finding.kind", "unknown value -1"));
}

TEST(ValidateFindingTest, RequiresText) {
  v1::Finding finding = ValidFinding();
  finding.clear_text();
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.text", "required"));
}

TEST(ValidateFindingTest, BlankTextIsRefused) {
  v1::Finding finding = ValidFinding();
  finding.set_text(" \n\t ");
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.text", "required"));
}

TEST(CheckTextTest, NamesAreSingleLinesWithoutControlCharacters) {
  for (std::string name : {std::string("BUP\nHanden"), std::string("BUP\tX"),
                           std::string("BUP\0X", 5), std::string("\x1b[31m"),
                           std::string("BUP\x7f")}) {
    EXPECT_TRUE(IsInvalid(
        CheckText("unit.display_name", name, kMaxNameChars, true, false),
        "unit.display_name", "control characters"))
        << name;
  }
}

TEST(CheckTextTest, LongTextMayHaveLineBreaksButNoOtherControls) {
  EXPECT_TRUE(CheckText("finding.text", "Första stycket.\r\n\tAndra.",
                        kMaxFindingTextChars, true, true)
                  .ok());
  EXPECT_TRUE(IsInvalid(CheckText("finding.text", std::string("a\0b", 3),
                                  kMaxFindingTextChars, true, true),
                        "finding.text", "control characters"));
}

TEST(ValidateFindingTest, TextAtMost10000Characters) {
  v1::Finding finding = ValidFinding();
  finding.set_text(Repeat("ä", 10000));
  EXPECT_TRUE(IsOk(ValidateFinding(finding)));
  finding.set_text(Repeat("ä", 10001));
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.text",
                        "at most 10000 characters (got 10001)"));
}

TEST(ValidateFindingTest, RefusesInvalidUtf8Text) {
  v1::Finding finding = ValidFinding();
  finding.set_text("Bem\xF6tande");  // Latin-1 "ö"
  EXPECT_TRUE(
      IsInvalid(ValidateFinding(finding), "finding.text", "not valid UTF-8"));
  finding.set_text("surrogat \xED\xA0\x80");
  EXPECT_TRUE(
      IsInvalid(ValidateFinding(finding), "finding.text", "not valid UTF-8"));
}

TEST(ValidateFindingTest, RefusesPersonalIdentityNumberSayingWhere) {
  v1::Finding finding = ValidFinding();
  finding.set_text("Ett barn med personnummer 121212-1212 berättade.");
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.text",
                        "Swedish personal identity number at character 26"));
  finding.set_text("Född 191212121212 enligt journalen.");
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.text",
                        "Swedish personal identity number at character 5"));
}

TEST(ValidateFindingTest, RefusesPhoneNumberSayingWhere) {
  v1::Finding finding = ValidFinding();
  finding.set_text("Vårdnadshavare på BUP: 070-123 45 67");
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.text",
                        "phone number at character 23"));
}

TEST(ValidateFindingTest, RefusesEmailAddressSayingWhere) {
  v1::Finding finding = ValidFinding();
  finding.set_text("Skriv till åsa.öberg@bup.se om tider.");
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.text",
                        "e-mail address at character 11"));
}

TEST(ValidateFindingTest, RequiresInformantGroups) {
  v1::Finding finding = ValidFinding();
  finding.clear_informant_groups();
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.informant_groups",
                        "at least one"));
}

TEST(ValidateFindingTest, RefusesUnknownInformantGroup) {
  v1::Finding finding = ValidFinding();
  finding.add_informant_groups(static_cast<v1::InformantGroup>(99));
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.informant_groups[1]",
                        "unknown value 99"));
}

TEST(ValidateFindingTest, RefusesUnspecifiedInformantGroup) {
  v1::Finding finding = ValidFinding();
  finding.add_informant_groups(v1::INFORMANT_GROUP_UNSPECIFIED);
  EXPECT_TRUE(
      IsInvalid(ValidateFinding(finding), "finding.informant_groups[1]"));
}

TEST(ValidateFindingTest, RefusesRepeatedInformantGroup) {
  v1::Finding finding = ValidFinding();
  finding.add_informant_groups(v1::INFORMANT_GROUP_GUARDIAN);
  finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding), "finding.informant_groups[2]",
                        "repeated"));
}

TEST(ValidateFindingTest, ChildRightsArticlesAreOptional) {
  v1::Finding finding = ValidFinding();
  finding.clear_child_rights_articles();
  EXPECT_TRUE(IsOk(ValidateFinding(finding)));
}

TEST(ValidateFindingTest, ChildRightsArticlesFrom1To54) {
  v1::Finding finding = ValidFinding();
  finding.clear_child_rights_articles();
  finding.add_child_rights_articles(1);
  finding.add_child_rights_articles(3);
  finding.add_child_rights_articles(24);
  finding.add_child_rights_articles(54);
  EXPECT_TRUE(IsOk(ValidateFinding(finding)));
  for (int article : {0, 55, -12}) {
    v1::Finding bad = ValidFinding();
    bad.add_child_rights_articles(article);
    EXPECT_TRUE(IsInvalid(ValidateFinding(bad),
                          "finding.child_rights_articles[1]", "1-54"))
        << article;
  }
}

TEST(ValidateFindingTest, RefusesRepeatedChildRightsArticle) {
  v1::Finding finding = ValidFinding();
  finding.add_child_rights_articles(3);
  finding.add_child_rights_articles(12);
  EXPECT_TRUE(IsInvalid(ValidateFinding(finding),
                        "finding.child_rights_articles[2]", "repeated"));
}

// ---------------------------------------------------------------- RequestId

TEST(ValidateRequestIdTest, EmptyIsOk) {
  EXPECT_TRUE(IsOk(ValidateRequestId("")));
}

TEST(ValidateRequestIdTest, AcceptsUuidsAndWords) {
  EXPECT_TRUE(IsOk(ValidateRequestId("0b7e1c52-3f4a-4c7e-9d1b-8f2a6c3e5d10")));
  EXPECT_TRUE(IsOk(ValidateRequestId("retry_Key-42")));
}

TEST(ValidateRequestIdTest, AtMost100Characters) {
  EXPECT_TRUE(IsOk(ValidateRequestId(std::string(100, 'a'))));
  EXPECT_TRUE(IsInvalid(ValidateRequestId(std::string(101, 'a')), "request_id",
                        "at most 100"));
}

TEST(ValidateRequestIdTest, OnlyLettersDigitsDashAndUnderscore) {
  for (const char* id : {"a b", "a/b", "a.b", "a:b", "å", "a\nb", "a=b"}) {
    EXPECT_TRUE(IsInvalid(ValidateRequestId(id), "request_id", "letters"))
        << id;
  }
}

// A sign-in link works for a day at most; 0 means that day.
TEST(SignInLinkLifetimeTest, ZeroIsADayAndMoreOrNegativeIsRefused) {
  EXPECT_EQ(*SignInLinkLifetime(0, 0), absl::Hours(24));
  EXPECT_EQ(*SignInLinkLifetime(7200, 0), absl::Hours(2));
  EXPECT_EQ(*SignInLinkLifetime(24 * 3600, 0), absl::Hours(24));
  EXPECT_EQ(*SignInLinkLifetime(0, 500), absl::Nanoseconds(500));
  EXPECT_TRUE(IsInvalid(SignInLinkLifetime(24 * 3600, 1).status(), "ttl",
                        "at most 24 hours"));
  EXPECT_TRUE(IsInvalid(SignInLinkLifetime(-1, 0).status(), "ttl",
                        "must not be negative"));
  EXPECT_TRUE(IsInvalid(SignInLinkLifetime(0, -1).status(), "ttl",
                        "must not be negative"));
  EXPECT_TRUE(IsInvalid(SignInLinkLifetime(1, -1).status(), "ttl",
                        "not a valid duration"));
  EXPECT_TRUE(IsInvalid(SignInLinkLifetime(0, 1000000000).status(), "ttl",
                        "not a valid duration"));
}

TEST(SignInTokenLifetimeTest, ZeroIsEightHoursAndMoreOrNegativeIsRefused) {
  EXPECT_EQ(*SignInTokenLifetime(0, 0), absl::Hours(8));
  EXPECT_EQ(*SignInTokenLifetime(600, 0), absl::Minutes(10));
  EXPECT_EQ(*SignInTokenLifetime(8 * 3600, 0), absl::Hours(8));
  EXPECT_TRUE(IsInvalid(SignInTokenLifetime(8 * 3600, 1).status(), "ttl",
                        "at most 8 hours"));
  EXPECT_TRUE(IsInvalid(SignInTokenLifetime(-1, 0).status(), "ttl",
                        "must not be negative"));
  EXPECT_TRUE(IsInvalid(SignInTokenLifetime(-1, 5).status(), "ttl",
                        "not a valid duration"));
}

v1::ExternalIdentity Identity(std::string issuer, std::string subject) {
  v1::ExternalIdentity identity;
  identity.set_issuer(std::move(issuer));
  identity.set_subject(std::move(subject));
  return identity;
}

TEST(ExternalIdentityTest, HttpsIssuerWithoutQueryAndAsciiSubject) {
  for (const char* issuer :
       {"https://idp.inera.se", "https://idp.example.se:8443/oidc/",
        "https://127.0.0.1:40123"}) {
    EXPECT_TRUE(
        ValidateExternalIdentity(Identity(issuer, "SE2321000016-1234"), "e")
            .ok())
        << issuer;
  }
  EXPECT_TRUE(
      ValidateExternalIdentity(
          Identity("https://" + std::string(247, 'a'), std::string(255, '~')),
          "e")
          .ok());
  EXPECT_TRUE(
      ValidateExternalIdentity(Identity("https://a.se", "a b"), "e").ok());
  struct Case {
    std::string issuer;
    std::string subject;
    std::string field;
    std::string rule;
  };
  for (const Case& c : std::vector<Case>{
           {"", "x", "e.issuer", "required"},
           {"http://idp.se", "x", "e.issuer", "an https URL"},
           {"idp.se", "x", "e.issuer", "an https URL"},
           {"https://", "x", "e.issuer", "a host"},
           {"https:///path", "x", "e.issuer", "a host"},
           {"https://user@idp.se", "x", "e.issuer", "a host"},
           {"https://idp.se?x=1", "x", "e.issuer", "no query"},
           {"https://idp.se/#top", "x", "e.issuer", "no query"},
           {"https://idp .se", "x", "e.issuer", "without spaces"},
           {"https://" + std::string(248, 'a'), "x", "e.issuer", "at most 255"},
           {"https://idp.se", "", "e.subject", "required"},
           {"https://idp.se", std::string(256, 'a'), "e.subject",
            "at most 255"},
           {"https://idp.se", "a\tb", "e.subject", "printable ASCII"},
           {"https://idp.se", "a\x7f", "e.subject", "printable ASCII"},
           {"https://idp.se", "\xc3\xa5", "e.subject", "printable ASCII"}}) {
    absl::Status status =
        ValidateExternalIdentity(Identity(c.issuer, c.subject), "e");
    EXPECT_TRUE(IsInvalid(status, c.field, c.rule))
        << c.issuer << " " << c.subject;
    if (c.subject.size() > 3) {
      EXPECT_EQ(std::string(status.message()).find(c.subject),
                std::string::npos);
    }
  }
}

}  // namespace
}  // namespace brevis::domain
