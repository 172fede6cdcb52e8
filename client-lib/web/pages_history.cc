// The audit page's history: who did what to which part of the audit, in
// words. brevisd's events carry principal ids and enum values; neither is
// for people to read, so neither reaches the page.

#include <map>

#include "client-lib/web/cat.h"
#include "client-lib/web/pages.h"

namespace brevis::web {
namespace {

// Who made a change, as the reader may learn it: "du" for the reader; for
// an admin, who may read every principal, the display name; for anyone
// else the actor's role in words (brevisd's GetPrincipal is admin-or-self,
// so their names are not theirs to read).
std::string Actor(const Ctx& ctx, const v1::Event& e,
                  const std::map<std::string, std::string>& names) {
  if (ctx.session != nullptr && e.actor() == ctx.session->principal) {
    return L(ctx.lang, "du", "you");
  }
  if (e.actor() == "operator") return L(ctx.lang, "driften", "the operator");
  if (auto it = names.find(e.actor()); it != names.end()) return it->second;
  if (e.actor_role() == v1::ROLE_UNSPECIFIED) {
    return L(ctx.lang, "någon", "someone");
  }
  return RoleName(ctx.lang, e.actor_role());
}

}  // namespace

void HistorySection(const Ctx& ctx, Html& h,
                    const std::vector<v1::Event>& events) {
  Lang lang = ctx.lang;
  std::map<std::string, std::string> names;
  if (ctx.role() == v1::ROLE_ADMIN && ctx.brevis != nullptr) {
    // Without the list (brevisd did not answer) admins see roles, as
    // everyone else does.
    auto people = Collect<v1::Principal>(ctx.brevis->WalkPrincipals({}));
    if (people.ok()) {
      for (const v1::Principal& p : *people) {
        names[p.name()] = p.display_name();
      }
    }
  }
  h << Markup(
           "<section aria-labelledby=\"history\">"
           "<h2 id=\"history\">")
    << L(lang, "Historik", "History") << Markup("</h2><ol class=\"history\">");
  for (const v1::Event& e : events) {
    h << Markup("<li>") << FormatTime(e.time()) << Markup(" ")
      << Actor(ctx, e, names) << Markup(": ")
      << ResourceKindName(lang, e.resource()) << Markup(" ")
      << EventKindName(lang, e.kind());
    if (e.state() != v1::AUDIT_STATE_UNSPECIFIED) {
      h << Markup(" → ") << StateName(lang, e.state());
    }
    h << Markup("</li>");
  }
  h << Markup("</ol></section>");
}

}  // namespace brevis::web
