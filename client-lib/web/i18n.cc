#include "client-lib/web/i18n.h"

#include <regex>

#include "client-lib/web/cat.h"

namespace brevis::web {

std::string_view LangCode(Lang lang) { return lang == Lang::kEn ? "en" : "sv"; }

Lang ParseLang(std::string_view code) {
  return code == "en" ? Lang::kEn : Lang::kSv;
}

namespace {

struct Names {
  int value;
  const char* sv;
  const char* en;
};

template <size_t N>
std::string Find(Lang lang, int value, const Names (&table)[N]) {
  for (const Names& n : table) {
    if (n.value == value) return L(lang, n.sv, n.en);
  }
  return L(lang, "okänt", "unknown");
}

}  // namespace

std::string StateName(Lang lang, v1::AuditState value) {
  static constexpr Names kTable[] = {
      {v1::AUDIT_STATE_PLANNED, "planerad", "planned"},
      {v1::AUDIT_STATE_FIELDWORK, "fältarbete", "fieldwork"},
      {v1::AUDIT_STATE_REPORTING, "rapportskrivning", "reporting"},
      {v1::AUDIT_STATE_PUBLISHED, "publicerad", "published"},
      {v1::AUDIT_STATE_IN_PROGRESS, "pågående", "in progress"},
      {v1::AUDIT_STATE_FOLLOW_UP, "uppföljning", "follow-up"},
      {v1::AUDIT_STATE_CLOSED, "avslutad", "closed"},
      {v1::AUDIT_STATE_CANCELLED, "avbruten", "cancelled"}};
  return Find(lang, value, kTable);
}

std::string EventKindName(Lang lang, v1::EventKind value) {
  static constexpr Names kTable[] = {
      {v1::EVENT_KIND_CREATED, "skapad", "created"},
      {v1::EVENT_KIND_UPDATED, "ändrad", "changed"},
      {v1::EVENT_KIND_DELETED, "borttagen", "deleted"},
      {v1::EVENT_KIND_STATE_CHANGED, "bytte läge", "changed state"},
      {v1::EVENT_KIND_RESPONDED, "besvarad", "answered"},
      {v1::EVENT_KIND_VERDICT_RECORDED, "bedömd vid uppföljningen",
       "assessed at follow-up"},
      {v1::EVENT_KIND_NOTE_ADDED, "fick en anteckning", "got a note"},
      {v1::EVENT_KIND_REVOKED, "återkallad", "revoked"}};
  return Find(lang, value, kTable);
}

std::string ResourceKindName(Lang lang, std::string_view resource) {
  struct Collection {
    std::string_view name;
    const char* sv;
    const char* en;
  };
  static constexpr Collection kCollections[] = {
      {"audits", "revisionen", "the audit"},
      {"sessions", "intervjutillfälle", "session"},
      {"findings", "iakttagelse", "finding"},
      {"recommendations", "rekommendation", "recommendation"},
      {"actions", "åtgärd", "action"},
      {"feedback", "återkoppling", "feedback"}};
  // Names alternate collection and id: the collection is the second last
  // segment.
  size_t id_start = resource.rfind('/');
  if (id_start != std::string_view::npos) {
    std::string_view rest = resource.substr(0, id_start);
    size_t collection_start = rest.rfind('/');
    std::string_view collection = collection_start == std::string_view::npos
                                      ? rest
                                      : rest.substr(collection_start + 1);
    for (const Collection& c : kCollections) {
      if (c.name == collection) return L(lang, c.sv, c.en);
    }
  }
  // Never the name itself: it holds ids, which mean nothing to a reader.
  return L(lang, "annan post", "other record");
}

std::string FocusAreaName(Lang lang, v1::FocusArea value) {
  static constexpr Names kTable[] = {
      {v1::FOCUS_AREA_PARTICIPATION, "delaktighet", "participation"},
      {v1::FOCUS_AREA_RESPECT, "bemötande", "respect"},
      {v1::FOCUS_AREA_INFORMATION, "information", "information"},
      {v1::FOCUS_AREA_ACCESSIBILITY, "tillgänglighet", "accessibility"},
      {v1::FOCUS_AREA_COORDINATION, "samverkan och SIP",
       "coordination and SIP"},
      {v1::FOCUS_AREA_ENVIRONMENT, "miljö", "environment"},
      {v1::FOCUS_AREA_CHILD_RIGHTS, "barnets rättigheter", "child rights"},
      {v1::FOCUS_AREA_OTHER, "annat", "other"}};
  return Find(lang, value, kTable);
}

std::string FindingKindName(Lang lang, v1::FindingKind value) {
  static constexpr Names kTable[] = {
      {v1::FINDING_KIND_STRENGTH, "styrka", "strength"},
      {v1::FINDING_KIND_IMPROVEMENT_AREA, "förbättringsområde",
       "improvement area"},
      {v1::FINDING_KIND_OBSERVATION, "iakttagelse", "observation"}};
  return Find(lang, value, kTable);
}

std::string InformantGroupName(Lang lang, v1::InformantGroup value) {
  static constexpr Names kTable[] = {
      {v1::INFORMANT_GROUP_CHILD, "barn 6-12 år", "children 6-12"},
      {v1::INFORMANT_GROUP_YOUNG_PERSON, "ungdomar 13-17 år",
       "young people 13-17"},
      {v1::INFORMANT_GROUP_YOUNG_ADULT, "unga vuxna", "young adults"},
      {v1::INFORMANT_GROUP_GUARDIAN, "vårdnadshavare", "guardians"},
      {v1::INFORMANT_GROUP_STAFF, "personal", "staff"}};
  return Find(lang, value, kTable);
}

std::string PriorityName(Lang lang, v1::Priority value) {
  static constexpr Names kTable[] = {{v1::PRIORITY_HIGH, "hög", "high"},
                                     {v1::PRIORITY_MEDIUM, "medel", "medium"},
                                     {v1::PRIORITY_LOW, "låg", "low"}};
  return Find(lang, value, kTable);
}

std::string DecisionName(Lang lang, v1::ResponseDecision value) {
  static constexpr Names kTable[] = {
      {v1::RESPONSE_DECISION_ACCEPTED, "accepterar", "accepted"},
      {v1::RESPONSE_DECISION_PARTLY_ACCEPTED, "accepterar delvis",
       "partly accepted"},
      {v1::RESPONSE_DECISION_DECLINED, "avböjer", "declined"}};
  return Find(lang, value, kTable);
}

std::string VerdictName(Lang lang, v1::Verdict value) {
  static constexpr Names kTable[] = {
      {v1::VERDICT_IMPLEMENTED, "genomförd", "implemented"},
      {v1::VERDICT_PARTLY_IMPLEMENTED, "delvis genomförd",
       "partly implemented"},
      {v1::VERDICT_NOT_IMPLEMENTED, "ej genomförd", "not implemented"},
      {v1::VERDICT_NO_LONGER_RELEVANT, "inte längre aktuell",
       "no longer relevant"}};
  return Find(lang, value, kTable);
}

std::string ActionStatusName(Lang lang, v1::ActionStatus value) {
  static constexpr Names kTable[] = {
      {v1::ACTION_STATUS_PLANNED, "planerad", "planned"},
      {v1::ACTION_STATUS_IN_PROGRESS, "pågår", "in progress"},
      {v1::ACTION_STATUS_DONE, "klar", "done"},
      {v1::ACTION_STATUS_CANCELLED, "avbruten", "cancelled"}};
  return Find(lang, value, kTable);
}

std::string SessionKindName(Lang lang, v1::SessionKind value) {
  static constexpr Names kTable[] = {
      {v1::SESSION_KIND_INTERVIEW, "intervju", "interview"},
      {v1::SESSION_KIND_FOCUS_GROUP, "fokusgrupp", "focus group"},
      {v1::SESSION_KIND_SURVEY, "enkät", "survey"}};
  return Find(lang, value, kTable);
}

std::string FeedbackFormName(Lang lang, v1::FeedbackForm value) {
  static constexpr Names kTable[] = {
      {v1::FEEDBACK_FORM_MEETING, "möte", "meeting"},
      {v1::FEEDBACK_FORM_EASY_READ_LETTER, "lättläst brev", "easy-read letter"},
      {v1::FEEDBACK_FORM_CHILD_FRIENDLY_SUMMARY, "barnanpassad sammanfattning",
       "child-friendly summary"},
      {v1::FEEDBACK_FORM_OTHER, "annat", "other"}};
  return Find(lang, value, kTable);
}

std::string RoleName(Lang lang, v1::Role value) {
  static constexpr Names kTable[] = {
      {v1::ROLE_ADMIN, "administratör", "administrator"},
      {v1::ROLE_AUDITOR, "brukarrevisor", "auditor"},
      {v1::ROLE_UNIT_MANAGER, "enhetschef", "unit manager"},
      {v1::ROLE_VIEWER, "läsare", "viewer"},
      {v1::ROLE_INTEGRATION, "integration", "integration"}};
  return Find(lang, value, kTable);
}

std::string ReportLanguageName(Lang lang, v1::ReportLanguage value) {
  static constexpr Names kTable[] = {
      {v1::REPORT_LANGUAGE_SWEDISH, "svenska", "Swedish"},
      {v1::REPORT_LANGUAGE_ENGLISH, "engelska", "English"}};
  return Find(lang, value, kTable);
}

std::string NotificationKindText(Lang lang, v1::NotificationKind value) {
  // Each kind goes to one role (client-lib/notify/notifier.cc, Select), so
  // each text speaks to that role.
  static constexpr Names kTable[] = {
      {v1::NOTIFICATION_KIND_UNIT_DIGEST,
       "Veckoöversikten: en gång i veckan, din enhets åtgärder som är "
       "försenade eller ska vara klara inom 14 dagar.",
       "The weekly summary: once a week, your unit's actions that are overdue "
       "or due within 14 days."},
      {v1::NOTIFICATION_KIND_REPORT_PUBLISHED,
       "När en rapport om din enhet publiceras och väntar på enhetens svar.",
       "When a report on your unit is published and awaits the unit's "
       "response."},
      {v1::NOTIFICATION_KIND_ALL_ANSWERED,
       "När enheten har svarat på alla rekommendationer i en revision du är "
       "med i.",
       "When the unit has answered every recommendation of an audit you are "
       "on."},
      {v1::NOTIFICATION_KIND_FOLLOW_UP_DUE,
       "När det är 30 dagar kvar till den planerade uppföljningen av en "
       "revision du är med i.",
       "When the planned follow-up of an audit you are on is 30 days away."},
      {v1::NOTIFICATION_KIND_AUDIT_CAN_CLOSE,
       "När en revision du är med i kan avslutas: allt som krävs för att "
       "avsluta den är klart.",
       "When an audit you are on can be closed: everything closing needs is "
       "done."},
      {v1::NOTIFICATION_KIND_CREDENTIALS_EXPIRING,
       "När nycklar (tokens) och inloggningslänkar går ut inom 14 dagar.",
       "When tokens and sign-in links expire within 14 days."}};
  return Find(lang, value, kTable);
}

std::string UnitKindName(Lang lang, v1::UnitKind value) {
  static constexpr Names kTable[] = {
      {v1::UNIT_KIND_OUTPATIENT, "öppenvård", "outpatient"},
      {v1::UNIT_KIND_INPATIENT, "heldygnsvård", "inpatient"},
      {v1::UNIT_KIND_EMERGENCY, "akut", "emergency"},
      {v1::UNIT_KIND_SPECIALIST_TEAM, "specialistteam", "specialist team"}};
  return Find(lang, value, kTable);
}

std::string TranslateRule(Lang lang, std::string_view rule) {
  std::string text(rule);
  if (lang == Lang::kEn) return text;
  // The rules of server/domain/validation.cc, as brevisd words them.
  static const std::regex kAtMost(
      R"(^at most (\d+) characters \(got (\d+)\)$)");
  static const std::regex kSensitive(
      R"(^contains what looks like an? (.+) at character (\d+);.*$)");
  static const std::regex kYear(R"(^year must be 1900-9999.*$)");
  std::smatch m;
  if (text == "required" || text.starts_with("required ")) {
    return "Fältet krävs.";
  }
  if (std::regex_match(text, m, kAtMost)) {
    return Cat("Högst ", m[1].str(), " tecken (du skrev ", m[2].str(), ").");
  }
  if (std::regex_match(text, m, kSensitive)) {
    std::string kind = m[1].str();
    std::string sv =
        kind.find("identity") != std::string::npos ? "ett personnummer"
        : kind.find("phone") != std::string::npos  ? "ett telefonnummer"
        : kind.find("mail") != std::string::npos   ? "en e-postadress"
                                                   : "en personuppgift";
    return Cat("Texten innehåller vad som ser ut som ", sv, " vid tecken ",
               m[2].str(),
               ". Text i en revision får inte peka ut en person; "
               "ta bort det.");
  }
  if (text == "must not contain control characters") {
    return "Texten får inte innehålla styrtecken.";
  }
  if (std::regex_match(text, m, kYear)) return "Året måste vara 1900-9999.";
  // The contact e-mail's rules (server/domain/validation_principal.cc).
  static const std::regex kAtMostPlain(R"(^at most (\d+) characters$)");
  if (std::regex_match(text, m, kAtMostPlain)) {
    return Cat("Högst ", m[1].str(), " tecken.");
  }
  if (text.starts_with("one address (local@domain) without")) {
    return "En adress (namn@domän) utan mellanslag, kommatecken, semikolon, "
           "citattecken, hakparenteser eller styrtecken.";
  }
  if (text.starts_with("one address with exactly one @")) {
    return "En adress med exakt ett @ (namn@domän).";
  }
  if (text.starts_with("the part before @")) {
    return "Delen före @ måste ha 1 till 64 tecken.";
  }
  if (text.starts_with("the part after @")) {
    return "Delen efter @ måste vara en domän som region.se.";
  }
  if (text == "must not contain a line break") {
    return "Adressen får inte innehålla radbrytningar.";
  }
  if (text.starts_with("day must be")) return "Dagen finns inte i månaden.";
  return Cat("brevisd svarade (på engelska): ", text);
}

}  // namespace brevis::web
