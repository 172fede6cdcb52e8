// The administrator's pages: commissioning an audit, units, people and
// their one-time sign-in links. brevisd decides who may do each (admins);
// for anyone else it answers PERMISSION_DENIED, shown as 404.

#include "client-lib/web/cat.h"
#include "client-lib/web/pages.h"

namespace brevis::web {
namespace {

// A principal's OpenID Connect identities, read-only: "subject (issuer)"
// each. brevisd sends them to admins (and the person) only; set with
// `brevisctl principals identities add|remove`.
void ExternalIdentities(Html& h, const v1::Principal& p) {
  for (int i = 0; i < p.external_identities_size(); ++i) {
    const v1::ExternalIdentity& identity = p.external_identities(i);
    if (i > 0) h << Markup("<br>");
    h << identity.subject() << Markup(" (") << identity.issuer() << Markup(")");
  }
}

}  // namespace

HttpResponse AuditForm(const Ctx& ctx, const std::vector<std::string>&) {
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreateAuditRequest request;
    v1::Audit* a = request.mutable_audit();
    a->set_unit(ctx.req.Form("unit"));
    a->set_title(ctx.req.Form("title"));
    a->set_commissioned_by(ctx.req.Form("commissioned_by"));
    for (const std::string& f : ctx.req.FormAll("focus_areas")) {
      v1::FocusArea area;
      if (!ParseChoice(f, v1::FocusArea_Parse, &area) || area == 0) {
        return BadRequestPage(ctx, "focus_areas", f);
      }
      a->add_focus_areas(area);
    }
    a->set_other_focus_area(ctx.req.Form("other_focus_area"));
    for (const std::string& p : ctx.req.FormAll("auditors")) {
      a->add_auditors(p);
    }
    bool dates_ok = true;
    for (auto [field, date] :
         {std::pair{"planned_start_date", a->mutable_planned_start_date()},
          std::pair{"planned_report_date", a->mutable_planned_report_date()},
          std::pair{"planned_follow_up_date",
                    a->mutable_planned_follow_up_date()}}) {
      std::optional<v1::Date> parsed = ParseDate(ctx.req.Form(field));
      if (!parsed) {
        form.SetError(field, L(lang, "Ange ett datum som ÅÅÅÅ-MM-DD.",
                               "Give a date as YYYY-MM-DD."));
        dates_ok = false;
      } else {
        *date = *parsed;
      }
    }
    if (dates_ok) {
      auto created = ctx.brevis->CreateAudit(request);
      if (created.ok()) return Redirect(Cat("/", created->name()));
      if (!form.Absorb(created.status())) {
        return StatusPage(ctx, created.status());
      }
    }
  }
  auto units = Collect<v1::Unit>(ctx.brevis->WalkUnits({}));
  if (!units.ok()) return StatusPage(ctx, units.status());
  auto people = Collect<v1::Principal>(ctx.brevis->WalkPrincipals({}));
  if (!people.ok()) return StatusPage(ctx, people.status());
  std::vector<std::pair<std::string, std::string>> unit_options, auditors;
  for (const v1::Unit& u : *units) {
    unit_options.emplace_back(u.name(), u.display_name());
  }
  for (const v1::Principal& p : *people) {
    if (p.role() == v1::ROLE_AUDITOR && p.active()) {
      auditors.emplace_back(p.name(), p.display_name());
    }
  }
  Html h;
  form.Begin(h, "/audits/new");
  form.Select(h, "unit", L(lang, "Enhet", "Unit"), unit_options, "");
  form.TextInput(h, "title", L(lang, "Titel", "Title"), "");
  form.TextInput(h, "commissioned_by", L(lang, "Beställare", "Commissioned by"),
                 "");
  form.Checkboxes(h, "focus_areas", L(lang, "Fokusområden", "Focus areas"),
                  EnumOptions<v1::FocusArea>(lang, FocusAreaName,
                                             v1::FocusArea_descriptor()),
                  {});
  form.TextInput(h, "other_focus_area",
                 L(lang, "Annat fokusområde (om \"annat\")",
                   "Other focus area (if \"other\")"),
                 "", "text", false);
  form.Checkboxes(h, "auditors", L(lang, "Revisorsteam", "Auditor team"),
                  auditors, {});
  form.TextInput(h, "planned_start_date", L(lang, "Start", "Start"), "", "date",
                 false);
  form.TextInput(h, "planned_report_date", L(lang, "Rapport", "Report"), "",
                 "date", false);
  form.TextInput(h, "planned_follow_up_date",
                 L(lang, "Uppföljning", "Follow-up"), "", "date", false);
  form.End(h, L(lang, "Beställ revisionen", "Commission the audit"));
  return Page(ctx, L(lang, "Beställ en revision", "Commission an audit"), h,
              form.status());
}

HttpResponse UnitsPage(const Ctx& ctx, const std::vector<std::string>&) {
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreateUnitRequest request;
    v1::Unit* u = request.mutable_unit();
    u->set_display_name(ctx.req.Form("display_name"));
    u->set_region(ctx.req.Form("region"));
    u->set_hsa_id(ctx.req.Form("hsa_id"));
    v1::UnitKind kind;
    if (!ParseChoice(ctx.req.Form("kind"), v1::UnitKind_Parse, &kind)) {
      return BadRequestPage(ctx, "kind", ctx.req.Form("kind"));
    }
    u->set_kind(kind);
    auto created = ctx.brevis->CreateUnit(request);
    if (created.ok()) return Redirect("/units");
    if (!form.Absorb(created.status()))
      return StatusPage(ctx, created.status());
  }
  auto units = Collect<v1::Unit>(ctx.brevis->WalkUnits({}));
  if (!units.ok()) return StatusPage(ctx, units.status());
  Html h;
  h << Markup("<ul>");
  for (const v1::Unit& u : *units) {
    h << Markup("<li>") << u.display_name() << Markup(" (") << u.region()
      << Markup(", ") << UnitKindName(lang, u.kind()) << Markup(")</li>");
  }
  h << Markup("</ul>");
  if (ctx.role() == v1::ROLE_ADMIN) {
    h << Markup("<h2>") << L(lang, "Ny enhet", "New unit") << Markup("</h2>");
    form.Begin(h, "/units");
    form.TextInput(h, "display_name", L(lang, "Namn", "Name"), "");
    form.TextInput(h, "region", L(lang, "Region", "Region"),
                   "Region Stockholm");
    form.Select(h, "kind", L(lang, "Slag", "Kind"),
                EnumOptions<v1::UnitKind>(lang, UnitKindName,
                                          v1::UnitKind_descriptor()),
                "");
    form.TextInput(h, "hsa_id",
                   L(lang, "HSA-id (valfritt)", "HSA id (optional)"), "",
                   "text", false);
    form.End(h, L(lang, "Lägg till enheten", "Add the unit"));
  }
  return Page(ctx, L(lang, "Enheter", "Units"), h, form.status());
}

HttpResponse PrincipalsPage(const Ctx& ctx, const std::vector<std::string>&) {
  Lang lang = ctx.lang;
  FormState form(ctx);
  if (ctx.post()) {
    v1::CreatePrincipalRequest request;
    v1::Principal* p = request.mutable_principal();
    p->set_display_name(ctx.req.Form("display_name"));
    v1::Role role;
    if (!ParseChoice(ctx.req.Form("role"), v1::Role_Parse, &role)) {
      return BadRequestPage(ctx, "role", ctx.req.Form("role"));
    }
    p->set_role(role);
    for (const std::string& u : ctx.req.FormAll("units")) p->add_units(u);
    auto created = ctx.brevis->CreatePrincipal(request);
    if (created.ok()) return Redirect("/principals");
    if (!form.Absorb(created.status()))
      return StatusPage(ctx, created.status());
  }
  auto people = Collect<v1::Principal>(ctx.brevis->WalkPrincipals({}));
  if (!people.ok()) return StatusPage(ctx, people.status());
  auto units = Collect<v1::Unit>(ctx.brevis->WalkUnits({}));
  if (!units.ok()) return StatusPage(ctx, units.status());
  Html h;
  h << Markup("<table><thead><tr><th scope=\"col\">") << L(lang, "Namn", "Name")
    << Markup("</th><th scope=\"col\">") << L(lang, "Roll", "Role")
    << Markup("</th><th scope=\"col\">") << L(lang, "E-post", "E-mail")
    << Markup("</th><th scope=\"col\">")
    << L(lang, "E-legitimation (utfärdare)", "Sign-in identity (issuer)")
    << Markup("</th><th scope=\"col\">") << L(lang, "Inloggning", "Sign-in")
    << Markup("</th></tr></thead><tbody>");
  for (const v1::Principal& p : *people) {
    h << Markup("<tr><td>") << p.display_name() << Markup("</td><td>")
      << RoleName(lang, p.role()) << Markup("</td><td>")
      << (p.contact_email().empty() ? L(lang, "ingen", "none")
                                    : p.contact_email())
      << Markup(" <a href=\"/") << p.name() << Markup("/contact\">")
      << L(lang, "Ändra e-post", "Change e-mail") << Markup("</a></td><td>");
    ExternalIdentities(h, p);
    h << Markup("</td><td><a href=\"/") << p.name()
      << Markup("/sign-in-link\">")
      << L(lang, "Skapa inloggningslänk", "Create a sign-in link")
      << Markup("</a></td></tr>");
  }
  h << Markup("</tbody></table><h2>") << L(lang, "Ny person", "New person")
    << Markup("</h2>");
  std::vector<std::pair<std::string, std::string>> roles;
  for (v1::Role r : {v1::ROLE_AUDITOR, v1::ROLE_UNIT_MANAGER, v1::ROLE_VIEWER,
                     v1::ROLE_ADMIN}) {
    roles.emplace_back(v1::Role_Name(r), RoleName(lang, r));
  }
  std::vector<std::pair<std::string, std::string>> unit_options;
  for (const v1::Unit& u : *units) {
    unit_options.emplace_back(u.name(), u.display_name());
  }
  form.Begin(h, "/principals");
  form.TextInput(h, "display_name", L(lang, "Namn eller roll", "Name or role"),
                 "");
  form.Select(h, "role", L(lang, "Roll", "Role"), roles, "");
  form.Checkboxes(
      h, "units",
      L(lang, "Enheter (för enhetschefer)", "Units (for unit managers)"),
      unit_options, {});
  form.End(h, L(lang, "Lägg till personen", "Add the person"));
  return Page(ctx, L(lang, "Personer", "People"), h, form.status());
}

// POST creates a one-time link and shows it once; brevisd keeps only its
// hash, so it cannot be shown again.
HttpResponse SignInLinkForm(const Ctx& ctx,
                            const std::vector<std::string>& ids) {
  Lang lang = ctx.lang;
  FormState form(ctx);
  std::string principal = Cat("principals/", ids[0]);
  Html h;
  if (ctx.post()) {
    v1::CreateSignInLinkRequest request;
    request.set_parent(principal);
    auto created = ctx.brevis->CreateSignInLink(request);
    if (created.ok()) {
      h << Markup("<p>")
        << L(lang,
             "Skicka länken till personen. Den visas bara nu, gäller "
             "en gång och går ut ",
             "Send the link to the person. It is shown only now, works once "
             "and expires ")
        << FormatTime(created->sign_in_link().expire_time())
        << Markup(".</p><p class=\"secret\"><code>") << ctx.public_url
        << Markup("/sign-in?link=") << created->secret()
        << Markup("</code></p>");
      return Page(ctx, L(lang, "Inloggningslänk", "Sign-in link"), h);
    }
    if (!form.Absorb(created.status()))
      return StatusPage(ctx, created.status());
  }
  v1::GetPrincipalRequest get;
  get.set_name(principal);
  auto person = ctx.brevis->GetPrincipal(get);
  if (!person.ok()) return StatusPage(ctx, person.status());
  h << Markup("<p>") << person->display_name() << Markup("</p>");
  if (person->external_identities_size() > 0) {
    h << Markup("<p>")
      << L(lang, "Loggar också in med e-legitimation: ",
           "Also signs in with the identity: ");
    ExternalIdentities(h, *person);
    h << Markup("</p>");
  }
  form.Begin(h, Cat("/", principal, "/sign-in-link"));
  form.End(h, L(lang, "Skapa en länk (gäller 24 timmar)",
                "Create a link (valid 24 hours)"));
  return Page(ctx, L(lang, "Inloggningslänk", "Sign-in link"), h,
              form.status());
}

}  // namespace brevis::web
