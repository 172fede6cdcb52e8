#include "client-lib/notify/templates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace brevis::notify {
namespace {

bool Sv(Language language) { return language == Language::kSwedish; }

// The last segment of a resource name: the id the web page's path uses.
std::string IdOf(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace

WebLink WebLink::ToAudit(const std::string& public_url,
                         const v1::Audit& audit) {
  return WebLink(absl::StrCat(public_url, "/audits/", IdOf(audit.name())));
}

WebLink WebLink::ToPage(const std::string& public_url, const char* page) {
  return WebLink(absl::StrCat(public_url, "/", page));
}

std::string Footer(Language language, const WebLink& settings) {
  return Sv(language)
             ? absl::StrCat(
                   "\n-- \nDetta är ett automatiskt meddelande från brevis. "
                   "Det innehåller aldrig\nvad som sagts i granskningen; läs "
                   "det i brevis. Du kan stänga av den här\nsortens "
                   "meddelanden under dina inställningar:\n  ",
                   settings.text(), "\n")
             : absl::StrCat(
                   "\n-- \nThis is an automatic message from brevis. It "
                   "never contains what was\nsaid in the audit; read that in "
                   "brevis. You can turn this kind of message\noff in your "
                   "settings:\n  ",
                   settings.text(), "\n");
}

Language LanguageOf(const v1::Principal& principal) {
  return principal.language() == v1::REPORT_LANGUAGE_ENGLISH
             ? Language::kEnglish
             : Language::kSwedish;
}

std::string FormatDate(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

MailText Render(const DigestMail& mail, Language language) {
  int overdue = 0;
  int due_soon = 0;
  for (const DigestAudit& audit : mail.audits) {
    overdue += audit.overdue;
    due_soon += audit.due_soon;
  }
  MailText text;
  if (Sv(language)) {
    text.subject =
        absl::StrCat("Veckoöversikt ", mail.unit.text(), ": ", overdue,
                     " försenade, ", due_soon, " förfaller inom 14 dagar");
    text.body = absl::StrCat("Åtgärder för ", mail.unit.text(), " den ",
                             FormatDate(mail.today), ":\n\n");
    for (const DigestAudit& audit : mail.audits) {
      absl::StrAppend(&text.body, "* ", audit.audit.text(), "\n  ",
                      audit.overdue, " försenade, ", audit.due_soon,
                      " förfaller inom 14 dagar\n  ", audit.link.text(),
                      "\n\n");
    }
  } else {
    text.subject =
        absl::StrCat("Weekly summary ", mail.unit.text(), ": ", overdue,
                     " overdue, ", due_soon, " due within 14 days");
    text.body = absl::StrCat("Actions of ", mail.unit.text(), " on ",
                             FormatDate(mail.today), ":\n\n");
    for (const DigestAudit& audit : mail.audits) {
      absl::StrAppend(&text.body, "* ", audit.audit.text(), "\n  ",
                      audit.overdue, " overdue, ", audit.due_soon,
                      " due within 14 days\n  ", audit.link.text(), "\n\n");
    }
  }
  return text;
}

MailText Render(const PublishedMail& mail, Language language) {
  MailText text;
  if (Sv(language)) {
    text.subject = absl::StrCat("Rapport publicerad: ", mail.audit.text(),
                                " väntar på ", mail.unit.text(), "s svar");
    text.body = absl::StrCat(
        "Rapporten för ", mail.audit.text(), " är publicerad och väntar på\n",
        "svar från ", mail.unit.text(),
        ". Svara på varje rekommendation och lägg till åtgärder:\n\n  ",
        mail.link.text(), "\n");
  } else {
    text.subject = absl::StrCat("Report published: ", mail.audit.text(),
                                " awaits the response of ", mail.unit.text());
    text.body = absl::StrCat(
        "The report of ", mail.audit.text(),
        " is published and awaits the\nresponse of ", mail.unit.text(),
        ". Answer each recommendation and add actions:\n\n  ", mail.link.text(),
        "\n");
  }
  return text;
}

MailText Render(const AllAnsweredMail& mail, Language language) {
  MailText text;
  if (Sv(language)) {
    text.subject = absl::StrCat(mail.unit.text(), " har svarat på alla ",
                                "rekommendationer: ", mail.audit.text());
    text.body =
        absl::StrCat(mail.unit.text(), " har svarat på alla ",
                     mail.recommendations, " rekommendationer i ",
                     mail.audit.text(), ".\n\n  ", mail.link.text(), "\n");
  } else {
    text.subject =
        absl::StrCat(mail.unit.text(),
                     " has answered every recommendation: ", mail.audit.text());
    text.body =
        absl::StrCat(mail.unit.text(), " has answered all ",
                     mail.recommendations, " recommendations of ",
                     mail.audit.text(), ".\n\n  ", mail.link.text(), "\n");
  }
  return text;
}

MailText Render(const FollowUpDueMail& mail, Language language) {
  MailText text;
  std::string date = FormatDate(mail.follow_up);
  if (Sv(language)) {
    text.subject = absl::StrCat("Uppföljning om ", mail.days_left,
                                " dagar: ", mail.audit.text());
    text.body =
        absl::StrCat("Uppföljningen av ", mail.audit.text(), " (",
                     mail.unit.text(), ") är planerad till ", date, ",\nom ",
                     mail.days_left, " dagar.\n\n  ", mail.link.text(), "\n");
  } else {
    text.subject = absl::StrCat("Follow-up in ", mail.days_left,
                                " days: ", mail.audit.text());
    text.body =
        absl::StrCat("The follow-up of ", mail.audit.text(), " (",
                     mail.unit.text(), ") is planned for ", date, ",\nin ",
                     mail.days_left, " days.\n\n  ", mail.link.text(), "\n");
  }
  return text;
}

MailText Render(const CanCloseMail& mail, Language language) {
  MailText text;
  if (Sv(language)) {
    text.subject = absl::StrCat("Kan avslutas: ", mail.audit.text());
    text.body = absl::StrCat(
        mail.audit.text(), " (", mail.unit.text(),
        ") har bedömningar för alla rekommendationer\noch registrerad "
        "återkoppling, och kan nu avslutas.\n\n  ",
        mail.link.text(), "\n");
  } else {
    text.subject = absl::StrCat("Can be closed: ", mail.audit.text());
    text.body = absl::StrCat(
        mail.audit.text(), " (", mail.unit.text(),
        ") has a follow-up verdict for every recommendation\nand recorded "
        "feedback, and can now be closed.\n\n  ",
        mail.link.text(), "\n");
  }
  return text;
}

MailText Render(const ExpiringMail& mail, Language language) {
  int links = 0;
  for (const ExpiringCredential& c : mail.credentials) links += c.sign_in_link;
  int tokens = static_cast<int>(mail.credentials.size()) - links;
  MailText text;
  if (Sv(language)) {
    text.subject = absl::StrCat(tokens, " nycklar och ", links,
                                " inloggningslänkar går ut inom 14 dagar");
    text.body = "Går ut inom 14 dagar:\n\n";
    for (const ExpiringCredential& c : mail.credentials) {
      absl::StrAppend(&text.body, "* ",
                      c.sign_in_link ? "inloggningslänk" : "nyckel", " för ",
                      c.principal.text(), ", går ut ", FormatDate(c.expires),
                      "\n");
    }
  } else {
    text.subject = absl::StrCat(tokens, " tokens and ", links,
                                " sign-in links expire within 14 days");
    text.body = "Expiring within 14 days:\n\n";
    for (const ExpiringCredential& c : mail.credentials) {
      absl::StrAppend(
          &text.body, "* ", c.sign_in_link ? "sign-in link" : "token", " of ",
          c.principal.text(), ", expires ", FormatDate(c.expires), "\n");
    }
  }
  absl::StrAppend(&text.body, "\n  ", mail.link.text(), "\n");
  return text;
}

}  // namespace brevis::notify
