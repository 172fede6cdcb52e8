#ifndef BREVIS_CLIENT_LIB_WEB_PAGES_H_
#define BREVIS_CLIENT_LIB_WEB_PAGES_H_

// The pages of brevis-web. Each takes the request's context and the ids its
// route captured, calls brevisd with the person's own token, and returns
// the page; what brevisd refuses is shown as page_kit.h says.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "brevis/client/paged.h"
#include "client-lib/web/page_kit.h"

namespace brevis::web {

// Every item of a walk; the walk's error if a page request failed.
template <typename Item>
absl::StatusOr<std::vector<Item>> Collect(client::Paged<Item> walk) {
  std::vector<Item> items;
  Item item;
  while (walk.Next(&item)) items.push_back(std::move(item));
  if (!walk.status().ok()) return walk.status();
  return items;
}

// What an audit in `state` needs next, for the start pages.
std::string NextStepText(Lang lang, v1::AuditState state);

// The audit page's history section: each event with who (in words), what
// kind of thing and what happened; never a principal id or an enum name.
void HistorySection(const Ctx& ctx, Html& h,
                    const std::vector<v1::Event>& events);

HttpResponse StartPage(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse OverviewPage(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse AuditPage(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse ReportPage(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse ReportFile(const Ctx& ctx, const std::vector<std::string>& ids,
                        std::string_view format);
HttpResponse RevisionsPage(const Ctx& ctx, const std::vector<std::string>& ids,
                           bool finding);
// Forms: GET shows the form, POST sends it to brevisd.
HttpResponse AuditForm(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse SessionForm(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse FindingForm(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse RecommendationForm(const Ctx& ctx,
                                const std::vector<std::string>& ids);
HttpResponse ResponseForm(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse VerdictForm(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse ActionForm(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse ActionPage(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse TransitionForm(const Ctx& ctx,
                            const std::vector<std::string>& ids);
HttpResponse FeedbackForm(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse UnitsPage(const Ctx& ctx, const std::vector<std::string>& ids);
HttpResponse PrincipalsPage(const Ctx& ctx,
                            const std::vector<std::string>& ids);
HttpResponse SignInLinkForm(const Ctx& ctx,
                            const std::vector<std::string>& ids);
// The signed-in person's own settings: language and mail opt-outs (saved
// with the etag; a stale form is 409 with what holds now), and their
// contact e-mail read-only.
HttpResponse SettingsPage(const Ctx& ctx, const std::vector<std::string>& ids);
// Admins: a person's contact e-mail (principals/{ids[0]}).
HttpResponse ContactForm(const Ctx& ctx, const std::vector<std::string>& ids);

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_PAGES_H_
