#ifndef BREVIS_SERVER_REPORT_LABELS_H_
#define BREVIS_SERVER_REPORT_LABELS_H_

// What people read: the display names of the API's enums, Swedish first
// (domain.md, Language) and English on request.

#include <string>

#include "brevis/v1/action.pb.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/feedback.pb.h"
#include "brevis/v1/finding.pb.h"
#include "brevis/v1/recommendation.pb.h"
#include "brevis/v1/report.pb.h"
#include "brevis/v1/types.pb.h"

namespace brevis::report {

enum class Language { kSwedish, kEnglish };

// UNSPECIFIED means Swedish.
Language FromProto(v1::ReportLanguage language);

std::string Label(Language language, v1::FocusArea value);
std::string Label(Language language, v1::AuditState value);
std::string Label(Language language, v1::FindingKind value);
std::string Label(Language language, v1::InformantGroup value);
std::string Label(Language language, v1::Priority value);
std::string Label(Language language, v1::ResponseDecision value);
std::string Label(Language language, v1::Verdict value);
std::string Label(Language language, v1::ActionStatus value);
std::string Label(Language language, v1::FeedbackForm value);

// A fixed phrase of the report ("Findings", "Iakttagelser"), by key. The
// keys are the English phrases; an unknown key is returned as it is.
std::string Phrase(Language language, const std::string& english);

}  // namespace brevis::report

#endif  // BREVIS_SERVER_REPORT_LABELS_H_
