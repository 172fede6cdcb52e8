#include "client-lib/web/page_kit.h"

#include <cstdio>

#include "absl/time/time.h"
#include "client-lib/web/cat.h"

namespace brevis::web {
namespace {

const absl::TimeZone& Stockholm() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Stockholm", z)) *z = absl::UTCTimeZone();
    return z;
  }();
  return *zone;
}

// The path and query the request asked for, for a sign-in's way back and
// the language switch.
std::string Here(const HttpRequest& req) { return SafeNext(req.target); }

}  // namespace

std::string SafeNext(std::string_view next) {
  if (next.empty() || next[0] != '/' || (next.size() > 1 && next[1] == '/')) {
    return "/";
  }
  for (char c : next) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return "/";
    }
  }
  return std::string(next);
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

std::string CutUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the
  // character that straddles the cut, and cut before it.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return Cat(text.substr(0, end), "…");
}

std::string LastId(std::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == std::string_view::npos ? name
                                                     : name.substr(slash + 1));
}

std::string FormatDate(const v1::Date& date) {
  if (date.year() == 0) return "";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year(),
                date.month(), date.day());
  return buffer;
}

std::optional<v1::Date> ParseDate(std::string_view text) {
  v1::Date date;
  if (text.empty()) return date;
  int year, month, day;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseInt(text.substr(0, 4), &year) ||
      !ParseInt(text.substr(5, 2), &month) ||
      !ParseInt(text.substr(8, 2), &day)) {
    return std::nullopt;
  }
  // brevisd checks the calendar (day 1-31 valid for the month) and says so.
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M",
                          absl::FromUnixSeconds(time.seconds()), Stockholm());
}

HttpResponse Page(const Ctx& ctx, std::string_view title, const Html& body,
                  int status) {
  return MarkedPage(ctx, title, body, status, "main", "");
}

HttpResponse MarkedPage(const Ctx& ctx, std::string_view title,
                        const Html& body, int status, std::string_view main_id,
                        std::string_view reason) {
  Lang lang = ctx.lang;
  Html h;
  h << Markup("<!doctype html>\n<html lang=\"") << LangCode(lang)
    << Markup(
           "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width, initial-scale=1\"><title>")
    << title
    << Markup(
           " - brevis</title><link rel=\"stylesheet\" "
           "href=\"/static/style.css\"></head><body><header>"
           "<a class=\"skip\" href=\"#")
    << main_id << Markup("\">") << L(lang, "Till innehållet", "Skip to content")
    << Markup("</a><nav aria-label=\"") << L(lang, "Huvudmeny", "Main menu")
    << Markup("\"><a class=\"brand\" href=\"/\">brevis</a>");
  if (ctx.session != nullptr) {
    h << Markup("<span class=\"who\">") << ctx.session->display_name
      << Markup(" (") << RoleName(lang, ctx.role()) << Markup(")</span>")
      << Markup("<a href=\"/settings\">")
      << L(lang, "Dina inställningar", "Your settings") << Markup("</a>");
  }
  Lang other = lang == Lang::kSv ? Lang::kEn : Lang::kSv;
  h << Markup("<a href=\"/lang?to=") << LangCode(other) << Markup("&amp;next=")
    << UrlEncode(Here(ctx.req)) << Markup("\" lang=\"") << LangCode(other)
    << Markup("\">") << L(lang, "In English", "På svenska") << Markup("</a>");
  if (ctx.session != nullptr) {
    h << Markup(
             "<form method=\"post\" action=\"/sign-out\" class=\"inline\">"
             "<input type=\"hidden\" name=\"csrf\" value=\"")
      << ctx.session->csrf << Markup("\"><button type=\"submit\">")
      << L(lang, "Logga ut", "Sign out") << Markup("</button></form>");
  }
  h << Markup("</nav></header><main id=\"") << main_id;
  if (!reason.empty()) h << Markup("\" data-reason=\"") << reason;
  h << Markup("\"><h1>") << title << Markup("</h1>");
  h.Append(body);
  h << Markup("</main></body></html>\n");
  HttpResponse response;
  response.status = status;
  response.body = h.Take();
  return response;
}

HttpResponse Redirect(std::string_view location) {
  HttpResponse response;
  response.status = 303;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Location", std::string(location));
  return response;
}

HttpResponse MessagePage(const Ctx& ctx, int status, std::string_view title,
                         std::string_view message) {
  Html h;
  h << Markup("<p>") << message << Markup("</p><p><a href=\"/\">")
    << L(ctx.lang, "Till startsidan", "To the start page")
    << Markup("</a></p>");
  return Page(ctx, title, h, status);
}

HttpResponse NotFoundPage(const Ctx& ctx) {
  return MessagePage(
      ctx, 404, L(ctx.lang, "Sidan finns inte", "Page not found"),
      L(ctx.lang,
        "Det finns ingen sådan sida, eller så har du inte tillgång till den.",
        "There is no such page, or you do not have access to it."));
}

HttpResponse BadRequestPage(const Ctx& ctx, std::string_view field,
                            std::string_view value) {
  std::string message = Cat(
      L(ctx.lang, "Fältet ", "The field "), field,
      L(ctx.lang, " fick ett värde som formuläret inte har: ",
        " got a value the form does not offer: "),
      value,
      L(ctx.lang,
        ". Gå tillbaka, ladda om formuläret och välj ett av värdena i listan.",
        ". Go back, reload the form and choose one of the listed values."));
  return MessagePage(ctx, 400, L(ctx.lang, "Felaktig begäran", "Bad request"),
                     message);
}

HttpResponse SessionEndedPage(const Ctx& ctx) {
  Lang lang = ctx.lang;
  std::string back = Cat("/sign-in?next=", UrlEncode(Here(ctx.req)));
  Html h;
  h << Markup("<p>")
    << L(lang,
         "Din session har tagit slut, så inget av det du skickade sparades. "
         "Kopiera det du skrev härifrån, logga in igen med din "
         "inloggningslänk (eller be samordnaren om en ny) och skicka det "
         "igen.",
         "Your session has ended, so nothing you sent was saved. Copy what "
         "you wrote from here, sign in again with your sign-in link (or ask "
         "the coordinator for a new one) and send it again.")
    << Markup("</p><p><a href=\"") << back << Markup("\">")
    << L(lang, "Logga in och gå tillbaka till formuläret",
         "Sign in and go back to the form")
    << Markup("</a></p>");
  int i = 0;
  for (const auto& [name, value] : ctx.req.form) {
    if (name == "csrf") continue;
    std::string id = Cat("kept-", i++);
    h << Markup("<div class=\"field\"><label for=\"") << id << Markup("\">")
      << name << Markup("</label><textarea id=\"") << id
      << Markup("\" rows=\"6\" readonly>") << value
      << Markup("</textarea></div>");
  }
  return Page(ctx, L(lang, "Sessionen har tagit slut", "The session has ended"),
              h, 403);
}

bool RefusedAsDeactivated(const absl::Status& status) {
  return status.code() == absl::StatusCode::kFailedPrecondition &&
         status.message().find("deactivated") != std::string_view::npos;
}

HttpResponse StatusPage(const Ctx& ctx, const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
      return NotFoundPage(ctx);
    case absl::StatusCode::kUnauthenticated: {
      HttpResponse response =
          ctx.post()
              ? SessionEndedPage(ctx)
              : Redirect(Cat("/sign-in?next=", UrlEncode(Here(ctx.req))));
      response.session_refused = ctx.session != nullptr;
      return response;
    }
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return MessagePage(
          ctx, 503,
          L(ctx.lang, "Brevis svarar inte", "Brevis is not answering"),
          L(ctx.lang,
            "Brevis-servern gick inte att nå. Försök igen om en stund.",
            "The brevis server could not be reached. Try again in a while."));
    default:
      return MessagePage(
          ctx, 500, L(ctx.lang, "Något gick fel", "Something went wrong"),
          Cat(L(ctx.lang, "Brevis svarade: ", "Brevis answered: "),
              status.message()));
  }
}

// ----- FormState.

bool FormState::Absorb(const absl::Status& status) {
  std::string_view message(status.message().data(), status.message().size());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: {
      // brevisd words it "finding.text: rule" or "finding.groups[0]: rule".
      size_t colon = message.find(": ");
      if (colon != std::string_view::npos) {
        std::string_view path = message.substr(0, colon);
        if (path.find(' ') == std::string_view::npos) {
          size_t dot = path.rfind('.');
          std::string field(
              dot == std::string_view::npos ? path : path.substr(dot + 1));
          field = field.substr(0, field.find('['));
          field_errors_[field] =
              TranslateRule(ctx_.lang, message.substr(colon + 2));
          return true;
        }
      }
      top_ = TranslateRule(ctx_.lang, message);
      return true;
    }
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      top_ = Cat(L(ctx_.lang, "Brevis vägrade: ", "Brevis refused: "), message);
      return true;
    case absl::StatusCode::kAborted:
      top_ = L(ctx_.lang,
               "Någon annan ändrade detta samtidigt. Ladda om sidan och "
               "försök igen.",
               "Someone else changed this meanwhile. Reload the page and "
               "try again.");
      return true;
    default:
      return false;
  }
}

void FormState::SetError(std::string field, std::string message) {
  field_errors_[std::move(field)] = std::move(message);
}

std::string FormState::Value(const std::string& name,
                             std::string_view fallback) const {
  return sent() ? ctx_.req.Form(name) : std::string(fallback);
}

std::vector<std::string> FormState::Values(
    const std::string& name, std::vector<std::string> fallback) const {
  return sent() ? ctx_.req.FormAll(name) : fallback;
}

void FormState::Begin(Html& h, std::string_view action) const {
  if (has_error()) {
    h << Markup("<div class=\"error-box\" role=\"alert\"><p>")
      << L(ctx_.lang,
           "Det som skickades gick inte att spara. Rätta det "
           "markerade och skicka igen; det du skrev finns kvar.",
           "What was sent could not be saved. Correct what is marked and "
           "send again; what you wrote is kept.")
      << Markup("</p>");
    if (!top_.empty()) h << Markup("<p>") << top_ << Markup("</p>");
    for (const auto& [field, message] : field_errors_) {
      h << Markup("<p><a href=\"#f-") << field << Markup("\">") << field
        << Markup("</a>: ") << message << Markup("</p>");
    }
    h << Markup("</div>");
  }
  h << Markup("<form method=\"post\" action=\"") << action
    << Markup("\"><input type=\"hidden\" name=\"csrf\" value=\"")
    << (ctx_.session ? ctx_.session->csrf : "") << Markup("\">");
}

void FormState::End(Html& h, std::string_view submit_label) const {
  h << Markup("<button type=\"submit\">") << submit_label
    << Markup("</button></form>");
}

void FormState::FieldError(Html& h, const std::string& name) const {
  auto it = field_errors_.find(name);
  if (it == field_errors_.end()) return;
  h << Markup("<p class=\"field-error\" id=\"e-") << name << Markup("\">")
    << it->second << Markup("</p>");
}

namespace {

void Described(Html& h, bool has_error, const std::string& name) {
  if (has_error) {
    h << Markup(" aria-invalid=\"true\" aria-describedby=\"e-") << name
      << Markup("\"");
  }
}

}  // namespace

void FormState::TextInput(Html& h, const std::string& name,
                          std::string_view label, std::string_view fallback,
                          std::string_view type, bool required) const {
  h << Markup("<div class=\"field\"><label for=\"f-") << name << Markup("\">")
    << label << Markup("</label>");
  FieldError(h, name);
  h << Markup("<input id=\"f-") << name << Markup("\" name=\"") << name
    << Markup("\" type=\"") << type << Markup("\" value=\"")
    << Value(name, fallback) << Markup("\"");
  if (required) h << Markup(" required");
  Described(h, field_errors_.contains(name), name);
  h << Markup("></div>");
}

void FormState::TextArea(Html& h, const std::string& name,
                         std::string_view label, std::string_view fallback,
                         bool required) const {
  h << Markup("<div class=\"field\"><label for=\"f-") << name << Markup("\">")
    << label << Markup("</label>");
  FieldError(h, name);
  h << Markup("<textarea id=\"f-") << name << Markup("\" name=\"") << name
    << Markup("\" rows=\"6\"");
  if (required) h << Markup(" required");
  Described(h, field_errors_.contains(name), name);
  h << Markup(">") << Value(name, fallback) << Markup("</textarea></div>");
}

void FormState::Select(
    Html& h, const std::string& name, std::string_view label,
    const std::vector<std::pair<std::string, std::string>>& options,
    std::string_view fallback) const {
  std::string chosen = Value(name, fallback);
  h << Markup("<div class=\"field\"><label for=\"f-") << name << Markup("\">")
    << label << Markup("</label>");
  FieldError(h, name);
  h << Markup("<select id=\"f-") << name << Markup("\" name=\"") << name
    << Markup("\"");
  Described(h, field_errors_.contains(name), name);
  h << Markup(">");
  for (const auto& [value, text] : options) {
    h << Markup("<option value=\"") << value << Markup("\"")
      << (value == chosen ? Markup(" selected") : Markup("")) << Markup(">")
      << text << Markup("</option>");
  }
  h << Markup("</select></div>");
}

void FormState::Checkboxes(
    Html& h, const std::string& name, std::string_view legend,
    const std::vector<std::pair<std::string, std::string>>& options,
    std::vector<std::string> fallback) const {
  std::vector<std::string> chosen = Values(name, std::move(fallback));
  h << Markup("<fieldset class=\"field\" id=\"f-") << name
    << Markup("\"><legend>") << legend << Markup("</legend>");
  FieldError(h, name);
  int i = 0;
  for (const auto& [value, text] : options) {
    bool on = std::find(chosen.begin(), chosen.end(), value) != chosen.end();
    std::string id = Cat("f-", name, "-", i++);
    h << Markup("<div class=\"check\"><input type=\"checkbox\" id=\"") << id
      << Markup("\" name=\"") << name << Markup("\" value=\"") << value
      << Markup("\"") << (on ? Markup(" checked") : Markup(""))
      << Markup("><label for=\"") << id << Markup("\">") << text
      << Markup("</label></div>");
  }
  h << Markup("</fieldset>");
}

void FormState::Checkbox(Html& h, const std::string& name,
                         std::string_view label, bool fallback) const {
  bool on = sent() ? !ctx_.req.Form(name).empty() : fallback;
  h << Markup("<div class=\"field check\"><input type=\"checkbox\" id=\"f-")
    << name << Markup("\" name=\"") << name << Markup("\" value=\"1\"")
    << (on ? Markup(" checked") : Markup("")) << Markup("><label for=\"f-")
    << name << Markup("\">") << label << Markup("</label></div>");
  FieldError(h, name);
}

}  // namespace brevis::web
