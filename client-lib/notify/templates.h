#ifndef BREVIS_CLIENT_LIB_NOTIFY_TEMPLATES_H_
#define BREVIS_CLIENT_LIB_NOTIFY_TEMPLATES_H_

// The mails brevis-notify sends, each a fixed text with typed slots. E-mail
// is not a safe channel for what children said (issue 16), so a slot can
// hold only a unit's or an audit's name, a principal's display name, a
// count, a date or a link: each slot type is made only from the one proto
// field it stands for (UnitName from Unit.display_name, AuditTitle from
// Audit.title, ...), and no slot type can be made from a string. So no text
// of a finding, recommendation, response, action or note can reach a mail
// without a change to this header. Pure functions; thread-safe.

#include <string>
#include <vector>

#include "brevis/v1/audit.pb.h"
#include "brevis/v1/principal.pb.h"
#include "brevis/v1/types.pb.h"
#include "brevis/v1/unit.pb.h"

namespace brevis::notify {

namespace v1 = ::brevis::v1;

class UnitName {
 public:
  static UnitName Of(const v1::Unit& unit) {
    return UnitName(unit.display_name());
  }
  const std::string& text() const { return text_; }

 private:
  explicit UnitName(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

class AuditTitle {
 public:
  static AuditTitle Of(const v1::Audit& audit) {
    return AuditTitle(audit.title());
  }
  const std::string& text() const { return text_; }

 private:
  explicit AuditTitle(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

class PrincipalName {
 public:
  static PrincipalName Of(const v1::Principal& principal) {
    return PrincipalName(principal.display_name());
  }
  const std::string& text() const { return text_; }

 private:
  explicit PrincipalName(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// A link to a page of brevis-web: its public_url and a path built here
// from resource names (ids only), never from text.
class WebLink {
 public:
  // public_url + "/audits/{id}" for audits/{id}.
  static WebLink ToAudit(const std::string& public_url, const v1::Audit& audit);
  // public_url + "/" + page, for the fixed pages "units", "principals" and
  // "settings" (the person's own settings, where mail is turned off).
  static WebLink ToPage(const std::string& public_url, const char* page);
  const std::string& text() const { return text_; }

 private:
  explicit WebLink(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

enum class Language { kSwedish, kEnglish };
Language LanguageOf(const v1::Principal& principal);

// What a template fills in: a subject (one line) and a plain-text body.
// Render gives the body without its footer; every mail ends with Footer.
struct MailText {
  std::string subject;
  std::string body;
};

// The end of every mail: that it is automatic, that it never holds what
// was said, and the link to brevis-web's settings page, where the person
// turns this kind of mail off (`settings`: WebLink::ToPage(public_url,
// "settings")).
std::string Footer(Language language, const WebLink& settings);

// Unit managers, weekly: a unit's open actions past their due date and
// those due within 14 days, per audit.
struct DigestAudit {
  AuditTitle audit;
  WebLink link;
  int overdue = 0;
  int due_soon = 0;
};
struct DigestMail {
  UnitName unit;
  v1::Date today;
  std::vector<DigestAudit> audits;
};
MailText Render(const DigestMail& mail, Language language);

// Unit managers: the report is published and awaits the unit's response.
struct PublishedMail {
  UnitName unit;
  AuditTitle audit;
  WebLink link;
};
MailText Render(const PublishedMail& mail, Language language);

// Auditors: the unit has answered every recommendation.
struct AllAnsweredMail {
  UnitName unit;
  AuditTitle audit;
  int recommendations = 0;
  WebLink link;
};
MailText Render(const AllAnsweredMail& mail, Language language);

// Auditors: the planned follow-up is near.
struct FollowUpDueMail {
  UnitName unit;
  AuditTitle audit;
  v1::Date follow_up;
  int days_left = 0;
  WebLink link;
};
MailText Render(const FollowUpDueMail& mail, Language language);

// Auditors: every guard of CLOSED holds.
struct CanCloseMail {
  UnitName unit;
  AuditTitle audit;
  WebLink link;
};
MailText Render(const CanCloseMail& mail, Language language);

// Admins: tokens and sign-in links that expire within 14 days.
struct ExpiringCredential {
  PrincipalName principal;
  bool sign_in_link = false;  // else a token
  v1::Date expires;
};
struct ExpiringMail {
  std::vector<ExpiringCredential> credentials;
  WebLink link;
};
MailText Render(const ExpiringMail& mail, Language language);

// YYYY-MM-DD.
std::string FormatDate(const v1::Date& date);

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_TEMPLATES_H_
