#include "server/report/labels.h"

#include <map>
#include <utility>

namespace brevis::report {
namespace {

using Pair = std::pair<const char*, const char*>;  // Swedish, English

std::string Pick(Language language, Pair pair) {
  return language == Language::kEnglish ? pair.second : pair.first;
}

}  // namespace

Language FromProto(v1::ReportLanguage language) {
  return language == v1::REPORT_LANGUAGE_ENGLISH ? Language::kEnglish
                                                 : Language::kSwedish;
}

std::string Label(Language language, v1::FocusArea value) {
  switch (value) {
    case v1::FOCUS_AREA_PARTICIPATION:
      return Pick(language, {"delaktighet", "participation"});
    case v1::FOCUS_AREA_RESPECT:
      return Pick(language, {"bemötande", "respect"});
    case v1::FOCUS_AREA_INFORMATION:
      return Pick(language, {"information", "information"});
    case v1::FOCUS_AREA_ACCESSIBILITY:
      return Pick(language, {"tillgänglighet", "accessibility"});
    case v1::FOCUS_AREA_COORDINATION:
      return Pick(language, {"samverkan och SIP", "coordination and SIP"});
    case v1::FOCUS_AREA_ENVIRONMENT:
      return Pick(language, {"miljö", "environment"});
    case v1::FOCUS_AREA_CHILD_RIGHTS:
      return Pick(language, {"barnets rättigheter", "children's rights"});
    case v1::FOCUS_AREA_OTHER:
      return Pick(language, {"annat", "other"});
    default:
      return Pick(language, {"okänt", "unknown"});
  }
}

std::string Label(Language language, v1::AuditState value) {
  switch (value) {
    case v1::AUDIT_STATE_PLANNED:
      return Pick(language, {"planerad", "planned"});
    case v1::AUDIT_STATE_FIELDWORK:
      return Pick(language, {"fältarbete", "fieldwork"});
    case v1::AUDIT_STATE_REPORTING:
      return Pick(language, {"rapportskrivning", "reporting"});
    case v1::AUDIT_STATE_PUBLISHED:
      return Pick(language, {"publicerad", "published"});
    case v1::AUDIT_STATE_IN_PROGRESS:
      return Pick(language, {"pågående", "in progress"});
    case v1::AUDIT_STATE_FOLLOW_UP:
      return Pick(language, {"uppföljning", "follow-up"});
    case v1::AUDIT_STATE_CLOSED:
      return Pick(language, {"avslutad", "closed"});
    case v1::AUDIT_STATE_CANCELLED:
      return Pick(language, {"avbruten", "cancelled"});
    default:
      return Pick(language, {"okänt", "unknown"});
  }
}

std::string Label(Language language, v1::FindingKind value) {
  switch (value) {
    case v1::FINDING_KIND_STRENGTH:
      return Pick(language, {"styrka", "strength"});
    case v1::FINDING_KIND_IMPROVEMENT_AREA:
      return Pick(language, {"förbättringsområde", "area for improvement"});
    case v1::FINDING_KIND_OBSERVATION:
      return Pick(language, {"iakttagelse", "observation"});
    default:
      return Pick(language, {"okänt", "unknown"});
  }
}

std::string Label(Language language, v1::InformantGroup value) {
  switch (value) {
    case v1::INFORMANT_GROUP_CHILD:
      return Pick(language, {"barn 6–12 år", "children 6–12"});
    case v1::INFORMANT_GROUP_YOUNG_PERSON:
      return Pick(language, {"ungdomar 13–17 år", "young people 13–17"});
    case v1::INFORMANT_GROUP_YOUNG_ADULT:
      return Pick(language, {"unga vuxna", "young adults"});
    case v1::INFORMANT_GROUP_GUARDIAN:
      return Pick(language, {"vårdnadshavare", "guardians"});
    case v1::INFORMANT_GROUP_STAFF:
      return Pick(language, {"personal", "staff"});
    default:
      return Pick(language, {"okänt", "unknown"});
  }
}

std::string Label(Language language, v1::Priority value) {
  switch (value) {
    case v1::PRIORITY_HIGH:
      return Pick(language, {"hög", "high"});
    case v1::PRIORITY_MEDIUM:
      return Pick(language, {"medel", "medium"});
    case v1::PRIORITY_LOW:
      return Pick(language, {"låg", "low"});
    default:
      return Pick(language, {"okänd", "unknown"});
  }
}

std::string Label(Language language, v1::ResponseDecision value) {
  switch (value) {
    case v1::RESPONSE_DECISION_ACCEPTED:
      return Pick(language, {"accepterar", "accepted"});
    case v1::RESPONSE_DECISION_PARTLY_ACCEPTED:
      return Pick(language, {"accepterar delvis", "partly accepted"});
    case v1::RESPONSE_DECISION_DECLINED:
      return Pick(language, {"avböjer", "declined"});
    default:
      return Pick(language, {"inget svar än", "no response yet"});
  }
}

std::string Label(Language language, v1::Verdict value) {
  switch (value) {
    case v1::VERDICT_IMPLEMENTED:
      return Pick(language, {"genomförd", "implemented"});
    case v1::VERDICT_PARTLY_IMPLEMENTED:
      return Pick(language, {"delvis genomförd", "partly implemented"});
    case v1::VERDICT_NOT_IMPLEMENTED:
      return Pick(language, {"ej genomförd", "not implemented"});
    case v1::VERDICT_NO_LONGER_RELEVANT:
      return Pick(language, {"inte längre aktuell", "no longer relevant"});
    default:
      return Pick(language, {"ej bedömd än", "not assessed yet"});
  }
}

std::string Label(Language language, v1::ActionStatus value) {
  switch (value) {
    case v1::ACTION_STATUS_PLANNED:
      return Pick(language, {"planerad", "planned"});
    case v1::ACTION_STATUS_IN_PROGRESS:
      return Pick(language, {"pågår", "in progress"});
    case v1::ACTION_STATUS_DONE:
      return Pick(language, {"klar", "done"});
    case v1::ACTION_STATUS_CANCELLED:
      return Pick(language, {"avbruten", "cancelled"});
    default:
      return Pick(language, {"ingen åtgärd", "no action"});
  }
}

std::string Label(Language language, v1::FeedbackForm value) {
  switch (value) {
    case v1::FEEDBACK_FORM_MEETING:
      return Pick(language, {"möte", "meeting"});
    case v1::FEEDBACK_FORM_EASY_READ_LETTER:
      return Pick(language, {"lättläst brev", "easy-read letter"});
    case v1::FEEDBACK_FORM_CHILD_FRIENDLY_SUMMARY:
      return Pick(language,
                  {"barnanpassad sammanfattning", "child-friendly summary"});
    case v1::FEEDBACK_FORM_OTHER:
      return Pick(language, {"annat", "other"});
    default:
      return Pick(language, {"okänt", "unknown"});
  }
}

std::string Phrase(Language language, const std::string& english) {
  static const auto* const kSwedish = new std::map<std::string, std::string>{
      {"Audit report", "Revisionsrapport"},
      {"Unit", "Enhet"},
      {"State", "Tillstånd"},
      {"Commissioned by", "Beställd av"},
      {"Focus areas", "Fokusområden"},
      {"Planned", "Planerad"},
      {"report", "rapport"},
      {"follow-up", "uppföljning"},
      {"Participants", "Deltagare"},
      {"Informant group", "Informantgrupp"},
      {"People", "Antal personer"},
      {"fewer than", "färre än"},
      {"Groups with fewer than", "Grupper med färre än"},
      {"people are not shown, so that no one can be singled out.",
       "personer visas inte, så att ingen kan pekas ut."},
      {"Findings", "Iakttagelser"},
      {"Recommendations", "Rekommendationer"},
      {"Recommendation", "Rekommendation"},
      {"Priority", "Prioritet"},
      {"Answers", "Besvarar"},
      {"The unit's response", "Enhetens svar"},
      {"Rationale", "Motivering"},
      {"Actions", "Åtgärder"},
      {"Action", "Åtgärd"},
      {"Responsible", "Ansvarig"},
      {"Due", "Klart senast"},
      {"Status", "Status"},
      {"overdue", "försenad"},
      {"not done when the audit ended", "ej klar när revisionen avslutades"},
      {"Overdue actions", "Försenade åtgärder"},
      {"Follow-up", "Uppföljning"},
      {"Comment", "Kommentar"},
      {"Feedback to service users", "Återkoppling till brukarna"},
      {"None recorded yet.", "Inget registrerat än."},
      {"Recommendations by focus area", "Rekommendationer per fokusområde"},
      {"by follow-up verdict", "efter uppföljningens bedömning"},
      {"by the status of their actions", "efter åtgärdernas status"},
      {"Child rights articles", "Barnkonventionens artiklar"},
      {"Concerns SIP", "Gäller SIP"},
      {"Corrected", "Rättad"},
      {"Generated", "Skapad"},
      {"Audit", "Revision"},
      {"Audit name", "Revisionens namn"},
      {"Informant groups", "Informantgrupper"},
      {"Finding", "Iakttagelse"},
  };
  if (language == Language::kEnglish) return english;
  auto it = kSwedish->find(english);
  return it == kSwedish->end() ? english : it->second;
}

}  // namespace brevis::report
