#ifndef BREVIS_CLIENT_LIB_WEB_PAGE_KIT_H_
#define BREVIS_CLIENT_LIB_WEB_PAGE_KIT_H_

// What every page of brevis-web is made with: the request's context, the
// page shell (header, language switch, sign-out), redirects, the mapping
// of brevisd's status codes to pages, and form fields that show brevisd's
// refusal next to the field it names with what the person typed kept.
// Stateless functions; a Ctx lives for one request.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "brevis/client/client.h"
#include "client-lib/web/html.h"
#include "client-lib/web/http_server.h"
#include "client-lib/web/i18n.h"
#include "client-lib/web/session_store.h"
#include "google/protobuf/timestamp.pb.h"

namespace brevis::web {

struct Ctx {
  explicit Ctx(const HttpRequest& request, Lang language = Lang::kSv)
      : req(request), lang(language) {}

  const HttpRequest& req;
  Lang lang = Lang::kSv;
  // The signed-in person (null on public pages) and a client that calls
  // brevisd with their own token.
  const WebSession* session = nullptr;
  const client::Client* brevis = nullptr;
  // Base of absolute links ("http://127.0.0.1:8080").
  std::string_view public_url = {};

  v1::Role role() const {
    return session ? static_cast<v1::Role>(session->role)
                   : v1::ROLE_UNSPECIFIED;
  }
  bool post() const { return req.method == "POST"; }
};

// The full page: <!doctype html>, the header with the person, the language
// switch and sign-out, `body` in <main>, with `title` as <title> and <h1>.
HttpResponse Page(const Ctx& ctx, std::string_view title, const Html& body,
                  int status = 200);
// As Page, with <main id="`main_id`" data-reason="`reason`">: a stable
// marker for tests of pages that explain a refusal (the failed sign-in
// pages). The skip link follows the id.
HttpResponse MarkedPage(const Ctx& ctx, std::string_view title,
                        const Html& body, int status, std::string_view main_id,
                        std::string_view reason);
// 303 See Other to `location` (a path of this site).
HttpResponse Redirect(std::string_view location);
// A plain page with a status and a message a person can act on.
HttpResponse MessagePage(const Ctx& ctx, int status, std::string_view title,
                         std::string_view message);
HttpResponse NotFoundPage(const Ctx& ctx);
// 400 for a value a form cannot hold (an unknown choice, a date that is no
// date): says which field and what to do.
HttpResponse BadRequestPage(const Ctx& ctx, std::string_view field,
                            std::string_view value);
// The answer to a POST whose session has ended (expired, signed out, its
// token revoked or its person deactivated): nothing is written, and every
// field the person sent (but the CSRF token) is shown read-only in a
// textarea to copy, with a link to sign in and come back to the form. 403.
// A long finding text is never lost to an ended session.
HttpResponse SessionEndedPage(const Ctx& ctx);
// A page for a brevisd failure that is not about a form field:
// NOT_FOUND and PERMISSION_DENIED -> 404 (a hidden resource looks missing);
// UNAUTHENTICATED -> to sign-in (the token ended), for a POST
// SessionEndedPage; UNAVAILABLE and
// DEADLINE_EXCEEDED -> 503; anything else -> 500.
HttpResponse StatusPage(const Ctx& ctx, const absl::Status& status);

// Whether brevisd refused an ExchangeSignIn because the principal is
// deactivated (FAILED_PRECONDITION "the account is deactivated",
// server/app/directory_sign_in.cc). Other FAILED_PRECONDITIONs (a used or
// expired link, a read-only or damaged database) must not tell a person
// their account is gone.
bool RefusedAsDeactivated(const absl::Status& status);

// `next` if it is a path of this site ("/..." but not "//..." or with a
// backslash or a control character), else "/". Guards every redirect that
// a request names, so that none leads off the site.
std::string SafeNext(std::string_view next);
// Percent-encodes everything but unreserved characters (RFC 3986).
std::string UrlEncode(std::string_view text);

// At most `max_bytes` bytes of the UTF-8 `text`, cut before a character
// that would not fit whole (never inside a multi-byte sequence), with "…"
// added when something was cut. For short quotes of long texts.
std::string CutUtf8(std::string_view text, size_t max_bytes);

// "audits/a1/findings/f2" -> "f2".
std::string LastId(std::string_view name);
// YYYY-MM-DD, "" for an unset date.
std::string FormatDate(const v1::Date& date);
// A timestamp in Stockholm time, "YYYY-MM-DD HH:MM".
std::string FormatTime(const google::protobuf::Timestamp& time);
// Parses YYYY-MM-DD (the value of <input type=date>); "" gives an unset
// date; nullopt for anything else.
std::optional<v1::Date> ParseDate(std::string_view text);

// What a form shows: the values the person sent (kept after a refusal) and
// brevisd's refusal, placed at the field it names.
class FormState {
 public:
  explicit FormState(const Ctx& ctx) : ctx_(ctx) {}

  // Takes a refusal: INVALID_ARGUMENT naming a field ("finding.text: ...")
  // goes to that field (its last component, without [i]); other
  // INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED and ALREADY_EXISTS go to
  // the top of the form. False for other codes (the caller shows
  // StatusPage).
  bool Absorb(const absl::Status& status);
  // A refusal found by brevis-web itself (a date that does not parse).
  void SetError(std::string field, std::string message);
  bool has_error() const { return !field_errors_.empty() || !top_.empty(); }
  // 422 after a refusal, else 200.
  int status() const { return has_error() ? 422 : 200; }

  // The value sent for `name`, or `fallback` when the form was not sent.
  std::string Value(const std::string& name, std::string_view fallback) const;
  std::vector<std::string> Values(const std::string& name,
                                  std::vector<std::string> fallback) const;

  // The form's top error box (if any), the CSRF field, and the fields.
  void Begin(Html& h, std::string_view action) const;
  void End(Html& h, std::string_view submit_label) const;
  void TextInput(Html& h, const std::string& name, std::string_view label,
                 std::string_view fallback, std::string_view type = "text",
                 bool required = true) const;
  void TextArea(Html& h, const std::string& name, std::string_view label,
                std::string_view fallback, bool required = true) const;
  void Select(Html& h, const std::string& name, std::string_view label,
              const std::vector<std::pair<std::string, std::string>>& options,
              std::string_view fallback) const;
  void Checkboxes(
      Html& h, const std::string& name, std::string_view legend,
      const std::vector<std::pair<std::string, std::string>>& options,
      std::vector<std::string> fallback) const;
  void Checkbox(Html& h, const std::string& name, std::string_view label,
                bool fallback) const;

 private:
  void FieldError(Html& h, const std::string& name) const;
  bool sent() const { return ctx_.post(); }

  const Ctx& ctx_;
  std::map<std::string, std::string> field_errors_;
  std::string top_;
};

// A form value naming a proto enum value ("FOCUS_AREA_RESPECT"). Empty
// gives UNSPECIFIED (brevisd then names the required field); an unknown
// name, or UNSPECIFIED spelled out, cannot come from our forms: false, and
// the caller answers with BadRequestPage.
template <typename Enum, typename Parse>
bool ParseChoice(const std::string& text, Parse parse, Enum* out) {
  if (text.empty()) {
    *out = static_cast<Enum>(0);
    return true;
  }
  return parse(text, out) && static_cast<int>(*out) != 0;
}

// Every value of a proto enum (but UNSPECIFIED) as form options: the
// value's name and its display name in `lang`.
template <typename Enum>
std::vector<std::pair<std::string, std::string>> EnumOptions(
    Lang lang, std::string (*display)(Lang, Enum),
    const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    int number = descriptor->value(i)->number();
    if (number == 0) continue;
    out.emplace_back(descriptor->value(i)->name(),
                     display(lang, static_cast<Enum>(number)));
  }
  return out;
}

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_PAGE_KIT_H_
