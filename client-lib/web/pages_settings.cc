// The signed-in person's own settings (the language of their mail and
// pages, and the kinds of mail they do not want), and the admin's form for
// a person's contact e-mail. brevisd decides who may change what: a
// principal its own language and opt-outs, an admin everything.

#include <set>

#include "client-lib/web/cat.h"
#include "client-lib/web/pages.h"

namespace brevis::web {
namespace {

// The kinds of mail brevis-notify sends to people of `role`
// (client-lib/notify/notifier.cc, Notifier::Select): the ones the page
// offers to turn off. Viewers get no mail.
std::vector<v1::NotificationKind> KindsFor(v1::Role role) {
  switch (role) {
    case v1::ROLE_UNIT_MANAGER:
      return {v1::NOTIFICATION_KIND_UNIT_DIGEST,
              v1::NOTIFICATION_KIND_REPORT_PUBLISHED};
    case v1::ROLE_AUDITOR:
      return {v1::NOTIFICATION_KIND_ALL_ANSWERED,
              v1::NOTIFICATION_KIND_FOLLOW_UP_DUE,
              v1::NOTIFICATION_KIND_AUDIT_CAN_CLOSE};
    case v1::ROLE_ADMIN:
      return {v1::NOTIFICATION_KIND_CREDENTIALS_EXPIRING};
    default:
      return {};
  }
}

void ContactText(const Ctx& ctx, Html& h, const v1::Principal& me) {
  Lang lang = ctx.lang;
  h << Markup("<h2>") << L(lang, "E-postadress", "E-mail address")
    << Markup("</h2><p>");
  if (me.contact_email().empty()) {
    h << L(lang,
           "Ingen e-postadress finns registrerad för dig, så brevis skickar "
           "ingen e-post till dig.",
           "No e-mail address is registered for you, so brevis sends you no "
           "mail.");
  } else {
    h << L(lang, "brevis skickar e-post till ", "brevis sends mail to ")
      << Markup("<strong>") << me.contact_email() << Markup("</strong>.");
  }
  h << Markup(" ");
  if (ctx.role() == v1::ROLE_ADMIN) {
    h << L(lang, "Adressen ändras av en administratör under ",
           "An administrator changes the address under ")
      << Markup("<a href=\"/principals\">") << L(lang, "Personer", "People")
      << Markup("</a>.");
  } else {
    h << L(lang,
           "Adressen ändras av en administratör (programmets samordnare); "
           "be samordnaren om den ska läggas in eller bytas.",
           "An administrator (the programme's coordinator) changes the "
           "address; ask the coordinator to add or change it.");
  }
  h << Markup("</p>");
}

}  // namespace

HttpResponse SettingsPage(const Ctx& ctx, const std::vector<std::string>&) {
  Lang lang = ctx.lang;
  // Always the signed-in person's own principal: no request field names
  // whose settings these are.
  v1::GetPrincipalRequest get;
  get.set_name(ctx.session->principal);
  absl::StatusOr<v1::Principal> me = ctx.brevis->GetPrincipal(get);
  if (!me.ok()) return StatusPage(ctx, me.status());
  std::vector<v1::NotificationKind> kinds = KindsFor(ctx.role());

  FormState form(ctx);
  bool stale = false;
  if (ctx.post()) {
    v1::UpdatePrincipalRequest request;
    v1::Principal* p = request.mutable_principal();
    p->set_name(me->name());
    p->set_etag(ctx.req.Form("etag"));
    v1::ReportLanguage language;
    if (!ParseChoice(ctx.req.Form("language"), v1::ReportLanguage_Parse,
                     &language)) {
      return BadRequestPage(ctx, "language", ctx.req.Form("language"));
    }
    p->set_language(language);
    std::set<int> offered(kinds.begin(), kinds.end());
    for (const std::string& k : ctx.req.FormAll("notification_opt_outs")) {
      v1::NotificationKind kind;
      if (!ParseChoice(k, v1::NotificationKind_Parse, &kind) ||
          !offered.contains(kind)) {
        return BadRequestPage(ctx, "notification_opt_outs", k);
      }
      p->add_notification_opt_outs(kind);
    }
    // Opt-outs the page does not offer (kinds this role never gets) stay.
    for (int k : me->notification_opt_outs()) {
      if (!offered.contains(k)) {
        p->add_notification_opt_outs(static_cast<v1::NotificationKind>(k));
      }
    }
    request.mutable_update_mask()->add_paths("language");
    request.mutable_update_mask()->add_paths("notification_opt_outs");
    absl::StatusOr<v1::Principal> saved = ctx.brevis->UpdatePrincipal(request);
    if (saved.ok()) {
      // The pages follow the language too: /lang sets the cookie and comes
      // back.
      Lang chosen = saved->language() == v1::REPORT_LANGUAGE_ENGLISH
                        ? Lang::kEn
                        : Lang::kSv;
      return Redirect(Cat("/lang?to=", LangCode(chosen),
                          "&next=", UrlEncode("/settings?saved=1")));
    }
    if (saved.status().code() == absl::StatusCode::kAborted) {
      stale = true;
    } else if (!form.Absorb(saved.status())) {
      return StatusPage(ctx, saved.status());
    }
  }

  // After a stale write the form shows what holds now, as if just opened.
  HttpRequest fresh_request = ctx.req;
  fresh_request.method = "GET";
  Ctx fresh(fresh_request, lang);
  fresh.session = ctx.session;
  FormState fresh_form(fresh);
  const FormState& shown = stale ? fresh_form : form;

  Html h;
  if (ctx.req.Param("saved") == "1" && !ctx.post()) {
    h << Markup("<p class=\"notice\" role=\"status\">")
      << L(lang, "Dina inställningar är sparade.", "Your settings are saved.")
      << Markup("</p>");
  }
  if (stale) {
    h << Markup("<div class=\"error-box\" role=\"alert\"><p>")
      << L(lang,
           "Inget sparades: dina inställningar hade ändrats någon annanstans "
           "(i en annan flik eller av en administratör) efter att du öppnade "
           "sidan. Formuläret visar nu det som gäller; gör dina val igen och "
           "spara.",
           "Nothing was saved: your settings were changed elsewhere (in "
           "another tab or by an administrator) after you opened the page. "
           "The form now shows what holds; make your choices again and "
           "save.")
      << Markup("</p></div>");
  }
  std::vector<std::pair<std::string, std::string>> languages;
  for (v1::ReportLanguage l :
       {v1::REPORT_LANGUAGE_SWEDISH, v1::REPORT_LANGUAGE_ENGLISH}) {
    languages.emplace_back(v1::ReportLanguage_Name(l),
                           ReportLanguageName(lang, l));
  }
  v1::ReportLanguage current = me->language() == v1::REPORT_LANGUAGE_ENGLISH
                                   ? v1::REPORT_LANGUAGE_ENGLISH
                                   : v1::REPORT_LANGUAGE_SWEDISH;
  std::vector<std::pair<std::string, std::string>> options;
  for (v1::NotificationKind k : kinds) {
    options.emplace_back(v1::NotificationKind_Name(k),
                         NotificationKindText(lang, k));
  }
  std::vector<std::string> opted_out;
  for (int k : me->notification_opt_outs()) {
    opted_out.push_back(
        v1::NotificationKind_Name(static_cast<v1::NotificationKind>(k)));
  }
  shown.Begin(h, "/settings");
  h << Markup("<input type=\"hidden\" name=\"etag\" value=\"")
    << shown.Value("etag", me->etag()) << Markup("\">");
  shown.Select(h, "language",
               L(lang, "Språk för e-post från brevis och för de här sidorna",
                 "Language of mail from brevis and of these pages"),
               languages, v1::ReportLanguage_Name(current));
  if (options.empty()) {
    h << Markup("<p>")
      << L(lang, "brevis skickar ingen e-post till din roll.",
           "brevis sends no mail to your role.")
      << Markup("</p>");
  } else {
    shown.Checkboxes(h, "notification_opt_outs",
                     L(lang, "Skicka inte e-post till mig om detta:",
                       "Do not send me mail about this:"),
                     options, opted_out);
  }
  shown.End(h, L(lang, "Spara inställningarna", "Save the settings"));
  ContactText(ctx, h, *me);
  return Page(ctx, L(lang, "Dina inställningar", "Your settings"), h,
              stale ? 409 : form.status());
}

HttpResponse ContactForm(const Ctx& ctx, const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  std::string principal = Cat("principals/", ids[0]);
  FormState form(ctx);
  if (ctx.post()) {
    v1::UpdatePrincipalRequest request;
    request.mutable_principal()->set_name(principal);
    request.mutable_principal()->set_etag(ctx.req.Form("etag"));
    request.mutable_principal()->set_contact_email(
        ctx.req.Form("contact_email"));
    request.mutable_update_mask()->add_paths("contact_email");
    auto saved = ctx.brevis->UpdatePrincipal(request);
    if (saved.ok()) return Redirect("/principals");
    if (!form.Absorb(saved.status())) return StatusPage(ctx, saved.status());
  }
  v1::GetPrincipalRequest get;
  get.set_name(principal);
  auto person = ctx.brevis->GetPrincipal(get);
  if (!person.ok()) return StatusPage(ctx, person.status());
  Html h;
  h << Markup("<p>") << person->display_name() << Markup(" (")
    << RoleName(lang, person->role()) << Markup(")</p><p>")
    << L(lang,
         "brevis skickar e-post hit (påminnelser och meddelanden, aldrig vad "
         "som sagts i en revision). Lämna tomt för att inte skicka någon.",
         "brevis sends mail here (reminders and notices, never what was "
         "said in an audit). Leave it empty to send none.")
    << Markup("</p>");
  form.Begin(h, Cat("/", principal, "/contact"));
  h << Markup("<input type=\"hidden\" name=\"etag\" value=\"")
    << form.Value("etag", person->etag()) << Markup("\">");
  form.TextInput(h, "contact_email", L(lang, "E-postadress", "E-mail address"),
                 person->contact_email(), "email", false);
  form.End(h, L(lang, "Spara adressen", "Save the address"));
  return Page(ctx, L(lang, "E-postadress", "E-mail address"), h, form.status());
}

}  // namespace brevis::web
