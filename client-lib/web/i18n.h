#ifndef BREVIS_CLIENT_LIB_WEB_I18N_H_
#define BREVIS_CLIENT_LIB_WEB_I18N_H_

// The two languages of brevis-web's pages: Swedish (the default, what the
// people who use it read first; domain.md) and English. Each text is
// written where it is used as a pair, L(lang, "svenska", "English"), so no
// key table can drift from the page. Display names of the API's enums are
// here, in both languages. Stateless; thread-safe.

#include <string>
#include <string_view>

#include "brevis/v1/action.pb.h"
#include "brevis/v1/audit.pb.h"
#include "brevis/v1/event.pb.h"
#include "brevis/v1/feedback.pb.h"
#include "brevis/v1/finding.pb.h"
#include "brevis/v1/principal.pb.h"
#include "brevis/v1/recommendation.pb.h"
#include "brevis/v1/session.pb.h"
#include "brevis/v1/types.pb.h"
#include "brevis/v1/unit.pb.h"

namespace brevis::web {

enum class Lang { kSv, kEn };

// "sv" or "en" (the lang cookie and the html lang attribute).
std::string_view LangCode(Lang lang);
// kEn for "en", kSv for anything else.
Lang ParseLang(std::string_view code);

inline const char* L(Lang lang, const char* sv, const char* en) {
  return lang == Lang::kSv ? sv : en;
}

namespace v1 = ::brevis::v1;

std::string StateName(Lang lang, v1::AuditState value);
std::string FocusAreaName(Lang lang, v1::FocusArea value);
std::string FindingKindName(Lang lang, v1::FindingKind value);
std::string InformantGroupName(Lang lang, v1::InformantGroup value);
std::string PriorityName(Lang lang, v1::Priority value);
std::string DecisionName(Lang lang, v1::ResponseDecision value);
std::string VerdictName(Lang lang, v1::Verdict value);
std::string ActionStatusName(Lang lang, v1::ActionStatus value);
// What happened, in words: "skapad", "bytte läge", "besvarad", ...
std::string EventKindName(Lang lang, v1::EventKind value);
// What kind of thing a resource name names, from its last collection
// ("audits/a/findings/f" -> "iakttagelse"); "annan post" ("other record")
// when unknown, never the name (it holds ids).
std::string ResourceKindName(Lang lang, std::string_view resource);
std::string SessionKindName(Lang lang, v1::SessionKind value);
std::string FeedbackFormName(Lang lang, v1::FeedbackForm value);
std::string RoleName(Lang lang, v1::Role value);
std::string UnitKindName(Lang lang, v1::UnitKind value);
// "svenska" / "Swedish", "engelska" / "English".
std::string ReportLanguageName(Lang lang, v1::ReportLanguage value);
// A kind of mail explained in plain words, addressed to the role that gets
// it ("När en rapport om din enhet publiceras ...").
std::string NotificationKindText(Lang lang, v1::NotificationKind value);

// A rule from a brevisd refusal ("at most 200 characters (got 250)",
// "required", ...) in `lang`; brevisd words them in English, so for Swedish
// the rules it states are translated and anything else is kept as it is.
std::string TranslateRule(Lang lang, std::string_view rule);

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_I18N_H_
