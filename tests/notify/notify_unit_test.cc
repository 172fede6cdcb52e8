// brevis-notify's pure parts: header building, RFC 2047, the schedule
// across Stockholm's summer-time changes, and the templates.

#include <gmock/gmock.h>

#include "absl/strings/escaping.h"
#include "client-lib/notify/mail_message.h"
#include "client-lib/notify/schedule.h"
#include "client-lib/notify/templates.h"

namespace brevis::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MailMessageTest, RefusesLineBreaksInAnyHeaderValue) {
  for (const char* value : {"BUP\r\nBcc: victim@example.org",
                            "BUP\nBcc: x@y.se", "BUP\rX", "tab\there"}) {
    absl::StatusOr<std::string> message =
        BuildMessage({{"From", "brevis@region.se"}, {"Subject", value}}, "hej");
    ASSERT_FALSE(message.ok()) << absl::CHexEscape(value);
    EXPECT_EQ(message.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(message.status().message(), HasSubstr("Subject"));
  }
  EXPECT_FALSE(BuildMessage({{"Bcc:X", "a"}}, "").ok());
}

TEST(MailMessageTest, EncodesNonAsciiAsRfc2047WordsThatRoundTrip) {
  std::string subject(
      "Veckoöversikt BUP Prima Handen: 3 försenade, 2 förfaller inom 14 "
      "dagar, åäö ÅÄÖ");
  std::string encoded = EncodeHeaderText(subject);
  std::string decoded;
  size_t pos = 0;
  while ((pos = encoded.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t end = encoded.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u);
    std::string part;
    ASSERT_TRUE(
        absl::Base64Unescape(encoded.substr(pos + 10, end - pos - 10), &part));
    decoded += part;
    pos = end + 2;
  }
  EXPECT_EQ(decoded, subject);
  EXPECT_EQ(EncodeHeaderText("plain ascii"), "plain ascii");
}

TEST(MailMessageTest, MessageHasIdDateMimeAndBase64Body) {
  absl::StatusOr<std::string> message =
      BuildMessage({{"From", "brevis@region.se"},
                    {"To", "chef@region.se"},
                    {"Subject", "Hej"},
                    {"Message-ID", NewMessageId("region.se")},
                    {"Date", MailDate(absl::FromUnixSeconds(1780293600))}},
                   "Rapporten är publicerad.\n");
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_THAT(*message, HasSubstr("Message-ID: <"));
  EXPECT_THAT(*message, HasSubstr("@region.se>\r\n"));
  EXPECT_THAT(*message, HasSubstr("Date: Mon, 01 Jun 2026 06:00:00 +0000"));
  EXPECT_THAT(*message, HasSubstr("Content-Transfer-Encoding: base64\r\n"));
  std::string body = message->substr(message->find("\r\n\r\n") + 4);
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(body, &decoded));
  EXPECT_EQ(decoded, "Rapporten är publicerad.\n");
}

absl::Time Local(int y, int m, int d, int hh, int mm,
                 const absl::TimeZone& zone) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), zone);
}

TEST(ScheduleTest, MondaySevenStockholmAcrossSummerTimeChanges) {
  absl::StatusOr<WeeklySchedule> s =
      ParseSchedule("MON 07:00", "Europe/Stockholm");
  ASSERT_TRUE(s.ok()) << s.status();
  // Summer time begins Sunday 2026-03-29: 07:00 on Monday the 30th is
  // 05:00 UTC, on Monday the 23rd 06:00 UTC.
  absl::Time before = Local(2026, 3, 23, 7, 0, s->zone);
  EXPECT_EQ(absl::FormatTime("%F %R", before, absl::UTCTimeZone()),
            "2026-03-23 06:00");
  absl::Time next = NextWeekly(*s, before);
  EXPECT_EQ(absl::FormatTime("%F %R", next, absl::UTCTimeZone()),
            "2026-03-30 05:00");
  // It ends Sunday 2026-10-25: back to 06:00 UTC.
  next = NextWeekly(*s, Local(2026, 10, 19, 7, 0, s->zone));
  EXPECT_EQ(absl::FormatTime("%F %R", next, absl::UTCTimeZone()),
            "2026-10-26 06:00");
  // Strictly after: at 07:00 exactly, the next is a week later; a minute
  // before, it is that very minute.
  EXPECT_EQ(NextWeekly(*s, Local(2026, 6, 1, 6, 59, s->zone)),
            Local(2026, 6, 1, 7, 0, s->zone));
  EXPECT_EQ(NextWeekly(*s, Local(2026, 6, 1, 7, 0, s->zone)),
            Local(2026, 6, 8, 7, 0, s->zone));
  EXPECT_EQ(NextDaily(*s, Local(2026, 6, 1, 7, 0, s->zone)),
            Local(2026, 6, 2, 7, 0, s->zone));
}

TEST(ScheduleTest, SkippedLocalTimeIsTheJump) {
  // 02:30 does not exist on 2026-03-29 in Stockholm.
  absl::StatusOr<WeeklySchedule> s =
      ParseSchedule("sun 02:30", "Europe/Stockholm");
  ASSERT_TRUE(s.ok());
  absl::Time next = NextWeekly(*s, Local(2026, 3, 28, 12, 0, s->zone));
  EXPECT_EQ(absl::FormatTime("%F %R", next, absl::UTCTimeZone()),
            "2026-03-29 01:00");
}

TEST(ScheduleTest, BadSchedulesNameTheSetting) {
  for (const char* bad : {"MONDAY 07:00", "MON 7:00", "MON 24:00", "XYZ 07:00",
                          "MON 07:60", ""}) {
    absl::StatusOr<WeeklySchedule> s = ParseSchedule(bad, "Europe/Stockholm");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_THAT(s.status().message(), HasSubstr("schedule"));
  }
  absl::StatusOr<WeeklySchedule> s = ParseSchedule("MON 07:00", "Mars/Base");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("time_zone"));
}

TEST(TemplatesTest, SwedishAndEnglishWithNamesCountsDatesAndLinksOnly) {
  v1::Unit unit;
  unit.set_display_name("BUP Prima Handen");
  v1::Audit audit;
  audit.set_name("audits/abc");
  audit.set_title("Brukarrevision BUP Prima Handen 2026");
  // Text of the audit that must never reach a mail.
  audit.set_question_guide("HEMLIG FRÅGEGUIDE");
  v1::Date today;
  today.set_year(2026);
  today.set_month(6);
  today.set_day(1);
  DigestMail digest{
      UnitName::Of(unit),
      today,
      {DigestAudit{AuditTitle::Of(audit),
                   WebLink::ToAudit("https://brevis.se", audit), 3, 2}}};
  MailText sv = Render(digest, Language::kSwedish);
  EXPECT_THAT(sv.subject, HasSubstr("3 försenade, 2 förfaller"));
  EXPECT_THAT(sv.body, HasSubstr("https://brevis.se/audits/abc"));
  EXPECT_THAT(sv.body, HasSubstr("2026-06-01"));
  MailText en = Render(digest, Language::kEnglish);
  EXPECT_THAT(en.subject, HasSubstr("3 overdue, 2 due within 14 days"));
  PublishedMail published{UnitName::Of(unit), AuditTitle::Of(audit),
                          WebLink::ToAudit("https://brevis.se", audit)};
  for (const MailText& text : {sv, en, Render(published, Language::kSwedish),
                               Render(published, Language::kEnglish)}) {
    EXPECT_THAT(text.subject + text.body, Not(HasSubstr("HEMLIG")));
    EXPECT_EQ(text.subject.find('\n'), std::string::npos);
  }
}

TEST(TemplatesTest, TheFooterLinksToTheSettingsPageInTheReadersLanguage) {
  WebLink settings = WebLink::ToPage("https://brevis.se", "settings");
  EXPECT_THAT(Footer(Language::kSwedish, settings),
              HasSubstr("under dina inställningar:\n  "
                        "https://brevis.se/settings\n"));
  EXPECT_THAT(
      Footer(Language::kEnglish, settings),
      HasSubstr("off in your settings:\n  https://brevis.se/settings\n"));
  EXPECT_THAT(Footer(Language::kEnglish, settings),
              Not(HasSubstr("inställningar")));
}

}  // namespace
}  // namespace brevis::notify
