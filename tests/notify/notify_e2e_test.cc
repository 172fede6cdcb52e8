// brevis-notify against the real brevisd and a local SMTP server
// (smtp_sink.py), all on loopback: who gets which mail, the digest at the
// schedule on an injected clock, opt-outs, a relay that is down then back,
// a SIGKILL mid-run, no audit text in any mail, no header injection.

#include <gmock/gmock.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "tests/client/brevisd_fixture.h"
#include "tests/testing/free_port.h"

namespace brevis::notify {
namespace {

namespace v1 = ::brevis::v1;
using ::testing::HasSubstr;
using ::testing::Not;

// Texts of the audit that must never appear in any mail.
const char* const kSecrets[] = {"FYNDHEMLIGTQX",      "REKHEMLIGQX",
                                "SVARHEMLIGTQX",      "ATGARDHEMLIGQX",
                                "ANTECKNINGHEMLIGQX", "BEDOMNINGHEMLIGQX",
                                "FRAGEGUIDEHEMLIGQX"};

struct Mail {
  std::vector<std::string> envelope_to;
  std::string headers;  // as received
  std::string subject;  // decoded
  std::string body;     // decoded
  std::string raw;
};

std::string DecodeWords(const std::string& value) {
  std::string out;
  size_t pos = 0;
  while (pos < value.size()) {
    size_t start = value.find("=?UTF-8?B?", pos);
    if (start == std::string::npos) {
      out += value.substr(pos);
      break;
    }
    std::string between = value.substr(pos, start - pos);
    if (between.find_first_not_of(" \r\n") != std::string::npos) out += between;
    size_t end = value.find("?=", start + 10);
    std::string part;
    absl::Base64Unescape(value.substr(start + 10, end - start - 10), &part);
    out += part;
    pos = end + 2;
  }
  return out;
}

Mail Parse(const std::string& raw) {
  Mail mail;
  mail.raw = raw;
  size_t split = raw.find("\r\n\r\n");
  mail.headers = raw.substr(0, split);
  std::string body = raw.substr(split + 4);
  absl::Base64Unescape(absl::StrReplaceAll(body, {{"\r\n", ""}}), &mail.body);
  // Unfold, then read each header.
  std::string unfolded = absl::StrReplaceAll(mail.headers, {{"\r\n ", " "}});
  for (absl::string_view line : absl::StrSplit(unfolded, "\r\n")) {
    if (absl::ConsumePrefix(&line, "X-Envelope-To: ")) {
      mail.envelope_to.emplace_back(line);
    } else if (absl::ConsumePrefix(&line, "Subject: ")) {
      mail.subject = DecodeWords(std::string(line));
    }
  }
  return mail;
}

class NotifyE2eTest : public client_testing::BrevisdFixture {
 protected:
  void SetUp() override {
    BrevisdFixture::SetUp();
    if (HasFatalFailure()) return;
    admin_ = std::make_unique<client::Client>(AdminClient());
    mail_dir_ = dir_.File("mail");
    std::filesystem::create_directory(mail_dir_);
    clock_file_ = dir_.File("clock");
    // The digest's Monday 07:00 at least ten days ahead, so that an action
    // due in five days (brevisd takes no past due dates) is overdue then.
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone("Europe/Stockholm", &zone));
    absl::CivilDay day = absl::ToCivilDay(absl::Now(), zone) + 10;
    while (absl::GetWeekday(day) != absl::Weekday::monday) ++day;
    monday_ = day;
    digest_time_ = absl::FromCivil(
        absl::CivilMinute(day.year(), day.month(), day.day(), 7, 0), zone);
    SetClock(digest_time_ - absl::Minutes(1));

    unit_a_ = Create(UnitRequest(1)).name();
    unit_b_ = Create(UnitRequest(2)).name();
    manager_a_ =
        Person(v1::ROLE_UNIT_MANAGER, {unit_a_}, "chef.a@region.example");
    opted_out_ =
        Person(v1::ROLE_UNIT_MANAGER, {unit_a_}, "chef.a2@region.example",
               {v1::NOTIFICATION_KIND_REPORT_PUBLISHED,
                v1::NOTIFICATION_KIND_UNIT_DIGEST});
    manager_b_ =
        Person(v1::ROLE_UNIT_MANAGER, {unit_b_}, "chef.b@region.example");
    auditor_ = Person(v1::ROLE_AUDITOR, {}, "revisor@rsmh.example", {},
                      v1::REPORT_LANGUAGE_ENGLISH);
    admin2_ = Person(v1::ROLE_ADMIN, {}, "samordnare@region.example");
    notifier_ = Person(v1::ROLE_INTEGRATION, {}, "", {},
                       v1::REPORT_LANGUAGE_UNSPECIFIED,
                       {v1::SCOPE_WATCH_EVENTS, v1::SCOPE_READ_UNITS,
                        v1::SCOPE_READ_AUDITS, v1::SCOPE_READ_CONTACTS});
    v1::CreateTokenRequest token;
    token.set_parent(notifier_);
    // Expires within 14 days of the digest's Monday: the admins hear of it.
    token.mutable_token()->mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 20)));
    absl::StatusOr<v1::CreateTokenResponse> created =
        admin_->CreateToken(token);
    ASSERT_TRUE(created.ok()) << created.status();
    notifier_token_ = dir_.File("notify.token");
    ASSERT_TRUE(e2e::WriteFile(notifier_token_, created->secret()));
    smtp_port_ = testing::UnusedLoopbackPort();
  }

  void SetClock(absl::Time t) {
    ASSERT_TRUE(e2e::WriteFile(
        clock_file_ + ".tmp",
        absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone())));
    std::filesystem::rename(clock_file_ + ".tmp", clock_file_);
  }

  v1::Unit Create(v1::CreateUnitRequest request) {
    absl::StatusOr<v1::Unit> unit = admin_->CreateUnit(request);
    EXPECT_TRUE(unit.ok()) << unit.status();
    return unit.ok() ? *unit : v1::Unit();
  }

  std::string Person(
      v1::Role role, std::vector<std::string> units, const std::string& email,
      std::vector<v1::NotificationKind> opt_outs = {},
      v1::ReportLanguage language = v1::REPORT_LANGUAGE_UNSPECIFIED,
      std::vector<v1::Scope> scopes = {}) {
    v1::CreatePrincipalRequest request;
    v1::Principal* p = request.mutable_principal();
    p->set_display_name(absl::StrCat("Person ", ++people_));
    p->set_role(role);
    for (const std::string& u : units) p->add_units(u);
    p->set_contact_email(email);
    p->set_language(language);
    for (auto k : opt_outs) p->add_notification_opt_outs(k);
    for (auto s : scopes) p->add_scopes(s);
    absl::StatusOr<v1::Principal> created = admin_->CreatePrincipal(request);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  void Move(v1::Audit* audit, v1::AuditState state) {
    v1::TransitionAuditRequest request;
    request.set_name(audit->name());
    request.set_state(state);
    absl::StatusOr<v1::Audit> moved = admin_->TransitionAudit(request);
    ASSERT_TRUE(moved.ok()) << moved.status();
    *audit = *moved;
  }

  // An audit of `unit` taken to PUBLISHED with one finding and one
  // recommendation, each carrying secret texts.
  v1::Audit Publish(const std::string& unit, const std::string& title,
                    absl::CivilDay follow_up, std::string* recommendation) {
    v1::CreateAuditRequest create;
    v1::Audit* a = create.mutable_audit();
    a->set_unit(unit);
    a->set_title(title);
    a->set_commissioned_by("Regionens programområde psykisk hälsa");
    a->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
    a->set_question_guide(kSecrets[6]);
    a->mutable_planned_start_date()->set_year(2026);
    a->mutable_planned_start_date()->set_month(2);
    a->mutable_planned_start_date()->set_day(1);
    a->mutable_planned_report_date()->set_year(2026);
    a->mutable_planned_report_date()->set_month(5);
    a->mutable_planned_report_date()->set_day(15);
    a->mutable_planned_follow_up_date()->set_year(
        static_cast<int>(follow_up.year()));
    a->mutable_planned_follow_up_date()->set_month(follow_up.month());
    a->mutable_planned_follow_up_date()->set_day(follow_up.day());
    a->add_auditors(auditor_);
    absl::StatusOr<v1::Audit> audit = admin_->CreateAudit(create);
    EXPECT_TRUE(audit.ok()) << audit.status();
    if (!audit.ok()) return {};
    Move(&*audit, v1::AUDIT_STATE_FIELDWORK);
    v1::CreateFindingRequest finding;
    finding.set_parent(audit->name());
    finding.mutable_finding()->set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
    finding.mutable_finding()->set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
    finding.mutable_finding()->set_text(
        absl::StrCat("Flera unga säger ", kSecrets[0]));
    finding.mutable_finding()->add_informant_groups(
        v1::INFORMANT_GROUP_YOUNG_PERSON);
    absl::StatusOr<v1::Finding> f = admin_->CreateFinding(finding);
    EXPECT_TRUE(f.ok()) << f.status();
    Move(&*audit, v1::AUDIT_STATE_REPORTING);
    v1::CreateRecommendationRequest rec;
    rec.set_parent(audit->name());
    rec.mutable_recommendation()->set_text(absl::StrCat("Inför ", kSecrets[1]));
    rec.mutable_recommendation()->set_priority(v1::PRIORITY_HIGH);
    rec.mutable_recommendation()->add_findings(f->name());
    absl::StatusOr<v1::Recommendation> r = admin_->CreateRecommendation(rec);
    EXPECT_TRUE(r.ok()) << r.status();
    *recommendation = r->name();
    Move(&*audit, v1::AUDIT_STATE_PUBLISHED);
    return *audit;
  }

  void StartSink(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {BREVIS_SMTP_SINK, "--port",
                                     std::to_string(smtp_port_), "--dir",
                                     mail_dir_};
    for (auto& a : extra) args.push_back(a);
    std::string error;
    sink_ = e2e::BrevisdProcess::StartProgram("/usr/bin/python3", args, &error);
    ASSERT_NE(sink_, nullptr) << error;
    ASSERT_TRUE(WaitForLog(sink_.get(), "smtp_sink: listening"));
  }

  void StartNotify() {
    std::string error;
    notify_ = e2e::BrevisdProcess::StartProgram(
        BREVIS_NOTIFY_PATH,
        {"--brevis-addr", address_, "--token-file", notifier_token_,
         "--smtp-url", absl::StrCat("smtp://127.0.0.1:", smtp_port_),
         "--smtp-from", "brevis@region.example", "--public-url",
         "https://brevis.region.example/", "--state-file",
         dir_.File("notify.db"), "--clock-file", clock_file_,
         "--retry-initial-ms", "100", "--retry-max-seconds", "1"},
        &error);
    ASSERT_NE(notify_, nullptr) << error;
    ASSERT_TRUE(WaitForLog(notify_.get(), "next weekly run at"));
  }

  // Bounded: reads the child's output until `text` shows up (20 s).
  bool WaitForLog(e2e::BrevisdProcess* child, const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      if (absl::StrContains(child->err(), text)) return true;
      child->ReadOutputFor(e2e::milliseconds(100));
    }
    return false;
  }

  std::vector<Mail> Mails() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(mail_dir_)) {
      if (entry.path().extension() == ".eml") names.push_back(entry.path());
    }
    std::sort(names.begin(), names.end());
    std::vector<Mail> mails;
    for (const std::string& name : names) {
      mails.push_back(Parse(e2e::ReadFile(name).value_or("")));
    }
    return mails;
  }

  std::vector<Mail> To(const std::string& address) {
    std::vector<Mail> out;
    for (Mail& m : Mails()) {
      if (m.envelope_to == std::vector<std::string>{address}) out.push_back(m);
    }
    return out;
  }

  // Bounded wait (30 s) until `count` mails with `subject_part` reached
  // `address`; keeps the children's pipes drained meanwhile.
  bool WaitForMail(const std::string& address, const std::string& subject_part,
                   size_t count = 1) {
    for (int i = 0; i < 300; ++i) {
      size_t n = 0;
      for (const Mail& m : To(address))
        n += absl::StrContains(m.subject, subject_part);
      if (n >= count) return true;
      if (notify_) notify_->ReadOutputFor(e2e::milliseconds(100));
    }
    return false;
  }

  std::unique_ptr<client::Client> admin_;
  std::string mail_dir_, clock_file_, notifier_token_;
  absl::CivilDay monday_;
  absl::Time digest_time_;
  std::string unit_a_, unit_b_, manager_a_, opted_out_, manager_b_, auditor_,
      admin2_, notifier_;
  int people_ = 0;
  int smtp_port_ = 0;
  std::unique_ptr<e2e::BrevisdProcess> sink_;
  std::unique_ptr<e2e::BrevisdProcess> notify_;
};

TEST_F(NotifyE2eTest, EachKindReachesTheRightPeopleWithoutAuditText) {
  // A unit name that tries to add a header: brevisd refuses the line
  // break; one with NEL (U+0085) and "Bcc:" is stored, and must stay
  // inside the encoded Subject.
  v1::CreateUnitRequest crlf = UnitRequest(3);
  crlf.mutable_unit()->set_display_name("BUP X\r\nBcc: victim@example.org");
  EXPECT_EQ(admin_->CreateUnit(crlf).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::UpdateUnitRequest rename;
  rename.mutable_unit()->set_name(unit_b_);
  rename.mutable_unit()->set_display_name(
      "BUP Öst\u0085Bcc: victim@example.org");
  rename.mutable_update_mask()->add_paths("display_name");
  ASSERT_TRUE(admin_->UpdateUnit(rename).ok());

  StartSink();
  StartNotify();
  std::string rec_a;
  v1::Audit audit = Publish(unit_a_, "Brukarrevision BUP Prima Handen 2026",
                            monday_ + 200, &rec_a);
  std::string rec_b;
  Publish(unit_b_, "Brukarrevision BUP Öst 2026", monday_ + 200, &rec_b);
  std::string rec_c;
  v1::Audit near = Publish(unit_a_, "Brukarrevision BUP Prima Handen nära",
                           monday_ + 20, &rec_c);
  ASSERT_TRUE(WaitForMail("chef.a@region.example", "Rapport publicerad", 2));
  ASSERT_TRUE(WaitForMail("chef.b@region.example", "Rapport publicerad"));

  // The unit answers, with actions and a note: one due before the
  // digest's Monday (overdue then), one within 14 days after it.
  v1::RespondToRecommendationRequest respond;
  respond.set_name(rec_a);
  respond.mutable_response()->set_decision(v1::RESPONSE_DECISION_ACCEPTED);
  respond.mutable_response()->set_rationale(kSecrets[2]);
  ASSERT_TRUE(admin_->RespondToRecommendation(respond).ok());
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Stockholm", &zone));
  std::vector<std::string> actions;
  for (absl::CivilDay due :
       {absl::ToCivilDay(absl::Now(), zone) + 5, monday_ + 7}) {
    v1::CreateActionRequest create;
    create.set_parent(rec_a);
    create.mutable_action()->set_description(kSecrets[3]);
    create.mutable_action()->set_responsible("Enhetschef");
    create.mutable_action()->mutable_due_date()->set_year(
        static_cast<int>(due.year()));
    create.mutable_action()->mutable_due_date()->set_month(due.month());
    create.mutable_action()->mutable_due_date()->set_day(due.day());
    create.mutable_action()->set_status(v1::ACTION_STATUS_PLANNED);
    absl::StatusOr<v1::Action> action = admin_->CreateAction(create);
    ASSERT_TRUE(action.ok()) << action.status();
    actions.push_back(action->name());
  }
  v1::AddProgressNoteRequest note;
  note.set_name(actions[0]);
  note.mutable_note()->set_text(kSecrets[4]);
  ASSERT_TRUE(admin_->AddProgressNote(note).ok());
  ASSERT_TRUE(WaitForMail("revisor@rsmh.example", "answered every"));

  Move(&audit, v1::AUDIT_STATE_IN_PROGRESS);
  Move(&audit, v1::AUDIT_STATE_FOLLOW_UP);
  v1::RecordVerdictRequest verdict;
  verdict.set_name(rec_a);
  verdict.mutable_verdict()->set_verdict(v1::VERDICT_IMPLEMENTED);
  verdict.mutable_verdict()->set_comment(kSecrets[5]);
  ASSERT_TRUE(admin_->RecordVerdict(verdict).ok());
  v1::CreateFeedbackRequest feedback;
  feedback.set_parent(audit.name());
  feedback.mutable_feedback()->mutable_date()->set_year(2026);
  feedback.mutable_feedback()->mutable_date()->set_month(6);
  feedback.mutable_feedback()->mutable_date()->set_day(10);
  feedback.mutable_feedback()->add_audiences(v1::INFORMANT_GROUP_YOUNG_PERSON);
  feedback.mutable_feedback()->set_form(
      v1::FEEDBACK_FORM_CHILD_FRIENDLY_SUMMARY);
  ASSERT_TRUE(admin_->CreateFeedback(feedback).ok());
  ASSERT_TRUE(WaitForMail("revisor@rsmh.example", "Can be closed"));

  // Nothing scheduled before 07:00; at 07:00 the digest and the daily
  // checks.
  EXPECT_TRUE(To("chef.a@region.example").size() == 2);
  SetClock(digest_time_);
  ASSERT_TRUE(WaitForMail("chef.a@region.example", "Veckoöversikt"));
  ASSERT_TRUE(WaitForMail("revisor@rsmh.example", "Follow-up in"));
  ASSERT_TRUE(WaitForMail("samordnare@region.example", "går ut inom 14 dagar"));
  ASSERT_TRUE(WaitForLog(notify_.get(), "daily run at"));

  std::vector<Mail> digest = To("chef.a@region.example");
  const Mail& weekly = digest.back();
  EXPECT_THAT(weekly.subject, HasSubstr("1 försenade, 1 förfaller"));
  EXPECT_THAT(weekly.body, HasSubstr("https://brevis.region.example/audits/"));
  // The footer's link is brevis-web's settings page (tests/web checks that
  // page at /settings).
  EXPECT_THAT(weekly.body,
              HasSubstr("dina inställningar:\n  "
                        "https://brevis.region.example/settings\n"));
  std::cout << "---- one digest as received ----\n"
            << weekly.raw << "\n---- its body decoded ----\n"
            << weekly.body << "\n";

  // Nobody else: the opted-out manager, the other unit's manager beyond
  // its own report, the notifier itself.
  EXPECT_TRUE(To("chef.a2@region.example").empty());
  std::vector<Mail> b = To("chef.b@region.example");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_THAT(b[0].subject, HasSubstr("BUP Öst"));
  EXPECT_EQ(To("revisor@rsmh.example").size(), 3u);
  EXPECT_EQ(To("samordnare@region.example").size(), 1u);
  for (const Mail& m : Mails()) {
    EXPECT_EQ(m.envelope_to.size(), 1u);
    EXPECT_THAT(m.headers, Not(HasSubstr("\nBcc")));
    EXPECT_THAT(m.headers, Not(HasSubstr("victim")));
    EXPECT_THAT(m.headers, HasSubstr("Message-ID: <"));
    for (const char* secret : kSecrets) {
      EXPECT_THAT(m.raw + m.subject + m.body, Not(HasSubstr(secret)));
    }
  }
  // The log never holds an address.
  EXPECT_THAT(notify_->err(), Not(HasSubstr("@region.example")));
  EXPECT_THAT(notify_->err(), Not(HasSubstr("@rsmh.example")));
  notify_->SendSignal(SIGTERM);
  e2e::ProcessResult ended = notify_->WaitForExit();
  EXPECT_EQ(ended.exit_code, 0) << ended.Describe();
  EXPECT_THAT(ended.err, HasSubstr("metrics sent="));
}

TEST_F(NotifyE2eTest, RelayDownThenBackLosesNothing) {
  StartNotify();  // no SMTP server yet
  std::string rec;
  Publish(unit_a_, "Brukarrevision A", monday_ + 200, &rec);
  ASSERT_TRUE(WaitForLog(notify_.get(), "relay unavailable"));
  ASSERT_TRUE(WaitForLog(notify_.get(), "attempt 2"));
  StartSink();
  ASSERT_TRUE(WaitForMail("chef.a@region.example", "Rapport publicerad"));
  EXPECT_EQ(To("chef.a@region.example").size(), 1u);
}

TEST_F(NotifyE2eTest, PermanentRefusalOfOneAddressDoesNotStopTheOthers) {
  StartSink({"--reject", "chef.a@region.example"});
  StartNotify();
  std::string rec;
  Publish(unit_a_, "Brukarrevision A", monday_ + 200, &rec);
  Publish(unit_b_, "Brukarrevision B", monday_ + 200, &rec);
  ASSERT_TRUE(WaitForMail("chef.b@region.example", "Rapport publicerad"));
  ASSERT_TRUE(WaitForLog(notify_.get(), "refused"));
  EXPECT_TRUE(To("chef.a@region.example").empty());
  EXPECT_THAT(notify_->err(), Not(HasSubstr("chef.a@")));
}

TEST_F(NotifyE2eTest, SigkillMidRunThenRestartLosesNothing) {
  StartSink();
  StartNotify();
  constexpr int kAudits = 6;
  std::string rec;
  for (int i = 0; i < kAudits / 2; ++i) {
    Publish(unit_a_, absl::StrCat("Brukarrevision ", i), monday_ + 200, &rec);
  }
  ASSERT_TRUE(WaitForMail("chef.a@region.example", "Rapport publicerad", 1));
  ASSERT_TRUE(notify_->SendSignal(SIGKILL));
  e2e::ProcessResult killed = notify_->WaitForExit();
  EXPECT_EQ(killed.term_signal, SIGKILL) << killed.Describe();
  notify_.reset();
  // Events while it is down are picked up from its cursor.
  for (int i = kAudits / 2; i < kAudits; ++i) {
    Publish(unit_a_, absl::StrCat("Brukarrevision ", i), monday_ + 200, &rec);
  }
  StartNotify();
  ASSERT_TRUE(
      WaitForMail("chef.a@region.example", "Rapport publicerad", kAudits));
  std::map<std::string, int> per_audit;
  for (const Mail& m : To("chef.a@region.example")) per_audit[m.subject]++;
  EXPECT_EQ(per_audit.size(), static_cast<size_t>(kAudits));
  int duplicates = 0;
  for (const auto& [subject, n] : per_audit) duplicates += n - 1;
  EXPECT_LE(duplicates, 1);
}

}  // namespace
}  // namespace brevis::notify
