#include "server/domain/validation.h"

#include <cstdint>
#include <set>

#include "absl/time/time.h"
#include "server/domain/calendar.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/domain/text_guard.h"

namespace brevis::domain {
namespace {

absl::Status Invalid(std::string_view field, std::string_view rule) {
  return absl::InvalidArgumentError(brevis::StrCat(field, ": ", rule));
}

// Checks a required enum value against the values the proto defines.
absl::Status CheckEnum(std::string_view field, int value, bool (*is_valid)(int),
                       bool required = true) {
  if (value == 0) {
    return required ? Invalid(field, "required") : absl::OkStatus();
  }
  if (!is_valid(value)) {
    return Invalid(field, brevis::StrCat("unknown value ", value));
  }
  return absl::OkStatus();
}

// Checks a repeated enum: every element known, none repeated.
template <typename Repeated>
absl::Status CheckEnumSet(std::string_view field, const Repeated& values,
                          bool (*is_valid)(int), bool required) {
  if (values.empty() && required) {
    return Invalid(field, "required (at least one value)");
  }
  std::set<int> seen;
  for (int i = 0; i < values.size(); ++i) {
    std::string element = brevis::StrCat(field, "[", i, "]");
    BREVIS_RETURN_IF_ERROR(CheckEnum(element, values[i], is_valid));
    if (!seen.insert(values[i]).second) {
      return Invalid(element, brevis::StrCat("value ", values[i], " repeated"));
    }
  }
  return absl::OkStatus();
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// HSA-id: "SE", the ten-digit organisation number, '-', then 1-20 letters or
// digits (for example SE2321000016-15HX).
bool IsHsaId(std::string_view id) {
  if (id.size() < 14 || id.size() > 33 || id.substr(0, 2) != "SE") {
    return false;
  }
  for (size_t i = 2; i < 12; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  if (id[12] != '-') return false;
  for (size_t i = 13; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
              (c >= 'a' && c <= 'z');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::Status CheckText(std::string_view field, std::string_view text,
                       size_t max_chars, bool required,
                       bool may_hold_personal_data) {
  if (!IsValidUtf8(text)) return Invalid(field, "not valid UTF-8");
  // Short fields are single lines; long ones may have line breaks and tabs.
  // No field has any other control character (NUL, escape, ...).
  bool single_line = max_chars <= kMaxNameChars;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    bool layout = c == '\n' || c == '\t' || c == '\r';
    if ((byte < 0x20 && (single_line || !layout)) || byte == 0x7f) {
      return Invalid(field, "must not contain control characters");
    }
  }
  // Whitespace alone says nothing: a required field needs some text.
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return required ? Invalid(field, "required") : absl::OkStatus();
  }
  size_t chars = CountCodePoints(text);
  if (chars > max_chars) {
    return Invalid(field, brevis::StrCat("at most ", max_chars,
                                         " characters (got ", chars, ")"));
  }
  if (may_hold_personal_data) {
    if (std::optional<SensitiveMatch> match = FindSensitiveData(text)) {
      return Invalid(
          field, brevis::StrCat(
                     "contains what looks like ",
                     match->kind == SensitiveKind::kEmailAddress ? "an " : "a ",
                     SensitiveKindName(match->kind), " at character ",
                     match->char_offset,
                     "; audit text must not identify a person, remove it"));
    }
  }
  return absl::OkStatus();
}

bool IsSet(const v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

bool operator<(const v1::Date& a, const v1::Date& b) {
  if (a.year() != b.year()) return a.year() < b.year();
  if (a.month() != b.month()) return a.month() < b.month();
  return a.day() < b.day();
}

absl::Status CheckDate(std::string_view field, const v1::Date& date,
                       bool required) {
  if (!IsSet(date)) {
    return required ? Invalid(field, "required") : absl::OkStatus();
  }
  if (date.year() < 1900 || date.year() > 9999) {
    return Invalid(field, brevis::StrCat("year must be 1900-9999 (got ",
                                         date.year(), ")"));
  }
  if (date.month() < 1 || date.month() > 12) {
    return Invalid(
        field, brevis::StrCat("month must be 1-12 (got ", date.month(), ")"));
  }
  int days = DaysInMonth(date.year(), date.month());
  if (date.day() < 1 || date.day() > days) {
    return Invalid(field, brevis::StrCat("day must be 1-", days, " (got ",
                                         date.day(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateUnit(const v1::Unit& unit) {
  if (auto s = CheckText("unit.display_name", unit.display_name(),
                         kMaxNameChars, true, false);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckText("unit.region", unit.region(), kMaxNameChars, true, false);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnum("unit.kind", unit.kind(), v1::UnitKind_IsValid);
      !s.ok()) {
    return s;
  }
  if (!unit.hsa_id().empty() && !IsHsaId(unit.hsa_id())) {
    return Invalid("unit.hsa_id",
                   "must be \"SE\", ten digits, '-' and 1-20 letters or "
                   "digits, like SE2321000016-15HX");
  }
  return absl::OkStatus();
}

absl::Status ValidateAudit(const v1::Audit& audit) {
  if (auto s =
          CheckText("audit.title", audit.title(), kMaxNameChars, true, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText("audit.commissioned_by", audit.commissioned_by(),
                         kMaxNameChars, true, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnumSet("audit.focus_areas", audit.focus_areas(),
                            v1::FocusArea_IsValid, true);
      !s.ok()) {
    return s;
  }
  bool has_other = false;
  for (int area : audit.focus_areas()) {
    has_other |= area == v1::FOCUS_AREA_OTHER;
  }
  if (auto s = CheckText("audit.other_focus_area", audit.other_focus_area(),
                         kMaxNameChars, has_other, true);
      !s.ok()) {
    return s;
  }
  if (!has_other && !audit.other_focus_area().empty()) {
    return Invalid("audit.other_focus_area",
                   "must be empty unless focus_areas holds FOCUS_AREA_OTHER");
  }
  if (auto s = CheckText("audit.question_guide", audit.question_guide(),
                         kMaxQuestionGuideChars, false, true);
      !s.ok()) {
    return s;
  }
  struct NamedDate {
    const char* field;
    const v1::Date* date;
  };
  const NamedDate dates[] = {
      {"planned_start_date", &audit.planned_start_date()},
      {"planned_report_date", &audit.planned_report_date()},
      {"planned_follow_up_date", &audit.planned_follow_up_date()},
  };
  const NamedDate* previous = nullptr;
  for (const NamedDate& date : dates) {
    std::string field = brevis::StrCat("audit.", date.field);
    BREVIS_RETURN_IF_ERROR(CheckDate(field, *date.date, false));
    if (!IsSet(*date.date)) continue;
    if (previous != nullptr && *date.date < *previous->date) {
      return Invalid(field,
                     brevis::StrCat("must not be before ", previous->field));
    }
    previous = &date;
  }
  return absl::OkStatus();
}

absl::Status ValidateSession(const v1::Session& session) {
  BREVIS_RETURN_IF_ERROR(CheckDate("session.date", session.date(), true));
  if (auto s =
          CheckEnum("session.kind", session.kind(), v1::SessionKind_IsValid);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnum("session.informant_group", session.informant_group(),
                         v1::InformantGroup_IsValid);
      !s.ok()) {
    return s;
  }
  int count = session.participant_count();
  if (count < kMinParticipants || count > kMaxParticipants) {
    return Invalid("session.participant_count",
                   brevis::StrCat("must be ", kMinParticipants, "-",
                                  kMaxParticipants, " (got ", count, ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateFinding(const v1::Finding& finding) {
  if (auto s = CheckEnum("finding.focus_area", finding.focus_area(),
                         v1::FocusArea_IsValid);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckEnum("finding.kind", finding.kind(), v1::FindingKind_IsValid);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText("finding.text", finding.text(), kMaxFindingTextChars,
                         true, true);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckEnumSet("finding.informant_groups", finding.informant_groups(),
                       v1::InformantGroup_IsValid, true);
      !s.ok()) {
    return s;
  }
  std::set<int> articles;
  for (int i = 0; i < finding.child_rights_articles_size(); ++i) {
    int article = finding.child_rights_articles(i);
    std::string field =
        brevis::StrCat("finding.child_rights_articles[", i, "]");
    if (article < 1 || article > kMaxChildRightsArticle) {
      return Invalid(
          field, brevis::StrCat("must be an article 1-", kMaxChildRightsArticle,
                                " (got ", article, ")"));
    }
    if (!articles.insert(article).second) {
      return Invalid(field, brevis::StrCat("article ", article, " repeated"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRecommendation(const v1::Recommendation& recommendation,
                                    std::string_view audit_uid) {
  if (auto s = CheckText("recommendation.text", recommendation.text(),
                         kMaxFindingTextChars, true, true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckEnum("recommendation.priority", recommendation.priority(),
                         v1::Priority_IsValid);
      !s.ok()) {
    return s;
  }
  if (recommendation.findings().empty()) {
    return Invalid("recommendation.findings",
                   "required (the findings it answers, at least one)");
  }
  std::set<std::string> seen;
  for (int i = 0; i < recommendation.findings_size(); ++i) {
    std::string field = brevis::StrCat("recommendation.findings[", i, "]");
    BREVIS_ASSIGN_OR_RETURN(
        name::Finding finding,
        ParseFindingName(recommendation.findings(i), field));
    if (finding.audit != audit_uid) {
      return Invalid(
          field, brevis::StrCat("must be a finding of ", AuditName(audit_uid)));
    }
    if (!seen.insert(recommendation.findings(i)).second) {
      return Invalid(field,
                     brevis::StrCat(recommendation.findings(i), " repeated"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAction(const v1::Action& action) {
  if (auto s = CheckText("action.description", action.description(), 2000, true,
                         true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText("action.responsible", action.responsible(),
                         kMaxNameChars, true, true);
      !s.ok()) {
    return s;
  }
  BREVIS_RETURN_IF_ERROR(CheckDate("action.due_date", action.due_date(), true));
  return CheckEnum("action.status", action.status(), v1::ActionStatus_IsValid,
                   /*required=*/false);
}

absl::Status ValidateProgressNote(const v1::ProgressNote& note) {
  return CheckText("note.text", note.text(), 2000, true, true);
}

std::string StockholmDate(absl::Time now) {
  return DateText(StockholmToday(now));
}

absl::Status ValidateResponse(const v1::UnitResponse& response) {
  if (auto s = CheckEnum("response.decision", response.decision(),
                         v1::ResponseDecision_IsValid);
      !s.ok()) {
    return s;
  }
  return CheckText("response.rationale", response.rationale(),
                   kMaxFindingTextChars, true, true);
}

absl::Status ValidateVerdict(const v1::FollowUpVerdict& verdict) {
  if (auto s =
          CheckEnum("verdict.verdict", verdict.verdict(), v1::Verdict_IsValid);
      !s.ok()) {
    return s;
  }
  return CheckText("verdict.comment", verdict.comment(), kMaxFindingTextChars,
                   false, true);
}

absl::Status ValidateFeedback(const v1::Feedback& feedback) {
  BREVIS_RETURN_IF_ERROR(CheckDate("feedback.date", feedback.date(), true));
  if (auto s = CheckEnumSet("feedback.audiences", feedback.audiences(),
                            v1::InformantGroup_IsValid, true);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckEnum("feedback.form", feedback.form(), v1::FeedbackForm_IsValid);
      !s.ok()) {
    return s;
  }
  return CheckText("feedback.note", feedback.note(), 2000, false, true);
}

absl::Status CheckEtag(std::string_view resource, std::string_view sent,
                       std::string_view current) {
  if (sent.empty() || sent == current) return absl::OkStatus();
  return absl::AbortedError(StrCat(resource, ".etag: the ", resource,
                                   " changed since you read it; read it "
                                   "again and reapply your change"));
}

absl::Status ValidateRequestId(std::string_view request_id) {
  if (request_id.size() > 100) {
    return Invalid("request_id", "at most 100 characters");
  }
  for (char c : request_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return Invalid("request_id",
                     "only letters, digits, '-' and '_' (a UUID fits)");
    }
  }
  return absl::OkStatus();
}

}  // namespace brevis::domain
