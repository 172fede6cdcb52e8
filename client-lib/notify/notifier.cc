#include "client-lib/notify/notifier.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client-lib/notify/log.h"
#include "client-lib/notify/mail_message.h"
#include "client-lib/notify/templates.h"

namespace brevis::notify {
namespace {

constexpr int kDigestDays = 14;
constexpr int kFollowUpDays = 30;
constexpr absl::Duration kExpiryWindow = absl::Hours(24 * 14);

v1::Date ToDate(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::CivilDay ToDay(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

// audits/{a} of any resource under it.
std::string AuditOf(const std::string& resource) {
  size_t slash = resource.find('/', std::string("audits/").size());
  return slash == std::string::npos ? resource : resource.substr(0, slash);
}

bool OptedOut(const v1::Principal& p, v1::NotificationKind kind) {
  return std::find(p.notification_opt_outs().begin(),
                   p.notification_opt_outs().end(),
                   kind) != p.notification_opt_outs().end();
}

template <typename Item>
absl::StatusOr<std::vector<Item>> All(client::Paged<Item> walk) {
  std::vector<Item> items;
  Item item;
  while (walk.Next(&item)) items.push_back(std::move(item));
  if (!walk.status().ok()) return walk.status();
  return items;
}

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

Notifier::Notifier(client::Client client, StateStore* state,
                   const SmtpSender* sender, const Clock* clock,
                   NotifierSettings settings, Metrics* metrics)
    : client_(std::move(client)),
      state_(state),
      sender_(sender),
      clock_(clock),
      settings_(std::move(settings)),
      metrics_(metrics) {}

absl::StatusOr<std::vector<v1::Principal>> Notifier::Principals() const {
  return All(client_.WalkPrincipals(v1::ListPrincipalsRequest()));
}

std::vector<v1::Principal> Notifier::Select(
    const std::vector<v1::Principal>& all, v1::NotificationKind kind,
    const v1::Audit* audit_team, const std::string* unit) const {
  std::vector<v1::Principal> chosen;
  for (const v1::Principal& p : all) {
    if (!p.active() || p.contact_email().empty() || OptedOut(p, kind)) {
      continue;
    }
    bool wanted = false;
    if (audit_team != nullptr) {
      wanted = p.role() == v1::ROLE_AUDITOR &&
               std::find(audit_team->auditors().begin(),
                         audit_team->auditors().end(),
                         p.name()) != audit_team->auditors().end();
    } else if (unit != nullptr) {
      wanted = p.role() == v1::ROLE_UNIT_MANAGER &&
               std::find(p.units().begin(), p.units().end(), *unit) !=
                   p.units().end();
    } else {
      wanted = p.role() == v1::ROLE_ADMIN;
    }
    if (wanted) chosen.push_back(p);
  }
  return chosen;
}

absl::Status Notifier::QueueMail(const v1::Principal& to,
                                 const std::string& key,
                                 const std::string& subject,
                                 const std::string& body,
                                 StateChange* change) const {
  absl::StatusOr<std::string> message =
      BuildMessage({{"From", settings_.from},
                    {"To", to.contact_email()},
                    {"Subject", subject},
                    {"Date", MailDate(absl::Now())},
                    {"Message-ID", NewMessageId(DomainOf(settings_.from))},
                    {"Auto-Submitted", "auto-generated"}},
                   body);
  if (!message.ok()) {
    // A name that cannot go into a header: no mail rather than a broken
    // one; the log says which, without the text.
    LogLine(
        absl::StrCat("not sending ", key, ": ", message.status().message()));
    return absl::OkStatus();
  }
  change->mails.push_back(
      QueuedMail{key, to.name(), to.contact_email(), *std::move(message), 0});
  return absl::OkStatus();
}

absl::Status Notifier::HandleEvent(const v1::Event& event) {
  StateChange change;
  change.cursor = event.sequence();
  absl::Status status;
  bool audit_event = absl::StartsWith(event.resource(), "audits/");
  if (audit_event) {
    std::string audit = AuditOf(event.resource());
    if (event.kind() == v1::EVENT_KIND_STATE_CHANGED &&
        event.state() == v1::AUDIT_STATE_PUBLISHED &&
        event.resource() == audit) {
      status = Published(event, &change);
    } else if (event.kind() == v1::EVENT_KIND_RESPONDED) {
      status = AllAnswered(audit, &change);
    } else if (event.kind() == v1::EVENT_KIND_VERDICT_RECORDED ||
               (event.kind() == v1::EVENT_KIND_CREATED &&
                absl::StrContains(event.resource(), "/feedback/")) ||
               (event.kind() == v1::EVENT_KIND_STATE_CHANGED &&
                event.state() == v1::AUDIT_STATE_FOLLOW_UP)) {
      status = CanClose(audit, &change);
    }
  }
  // An audit the notifier may no longer read (cancelled, reopened) gets
  // no mail; the event is handled.
  if (!status.ok() && !absl::IsNotFound(status)) return status;
  change.mails.erase(
      absl::IsNotFound(status) ? change.mails.begin() : change.mails.end(),
      change.mails.end());
  absl::StatusOr<int> queued = state_->Apply(change);
  if (!queued.ok()) return queued.status();
  metrics_->events++;
  metrics_->last_sequence = event.sequence();
  metrics_->lag_seconds = std::max<int64_t>(
      0, absl::ToInt64Seconds(absl::Now() - ToTime(event.time())));
  if (*queued > 0) {
    LogLine(absl::StrCat("event ", event.sequence(), ": queued ", *queued,
                         " mail(s)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Notifier::AuditScene> Notifier::Scene(
    const std::string& audit_name) const {
  AuditScene scene;
  v1::GetAuditRequest get;
  get.set_name(audit_name);
  absl::StatusOr<v1::Audit> audit = client_.GetAudit(get);
  if (!audit.ok()) return audit.status();
  scene.audit = *std::move(audit);
  v1::GetUnitRequest get_unit;
  get_unit.set_name(scene.audit.unit());
  absl::StatusOr<v1::Unit> unit = client_.GetUnit(get_unit);
  if (!unit.ok()) return unit.status();
  scene.unit = *std::move(unit);
  absl::StatusOr<std::vector<v1::Principal>> all = Principals();
  if (!all.ok()) return all.status();
  scene.principals = *std::move(all);
  return scene;
}

template <typename M>
absl::Status Notifier::QueueEach(const M& mail,
                                 const std::vector<v1::Principal>& to,
                                 const std::string& key_prefix,
                                 StateChange* change) const {
  for (const v1::Principal& p : to) {
    MailText text = Render(mail, LanguageOf(p));
    text.body += Footer(LanguageOf(p),
                        WebLink::ToPage(settings_.public_url, "settings"));
    absl::Status s = QueueMail(p, absl::StrCat(key_prefix, ":", p.name()),
                               text.subject, text.body, change);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Notifier::Published(const v1::Event& event, StateChange* change) {
  absl::StatusOr<AuditScene> scene = Scene(event.resource());
  if (!scene.ok()) return scene.status();
  PublishedMail mail{UnitName::Of(scene->unit), AuditTitle::Of(scene->audit),
                     WebLink::ToAudit(settings_.public_url, scene->audit)};
  return QueueEach(
      mail,
      Select(scene->principals, v1::NOTIFICATION_KIND_REPORT_PUBLISHED, nullptr,
             &scene->audit.unit()),
      absl::StrCat("published:", scene->audit.name(), ":", event.sequence()),
      change);
}

absl::Status Notifier::AllAnswered(const std::string& audit_name,
                                   StateChange* change) {
  v1::ListRecommendationsRequest list;
  list.set_parent(audit_name);
  absl::StatusOr<std::vector<v1::Recommendation>> recommendations =
      All(client_.WalkRecommendations(list));
  if (!recommendations.ok()) return recommendations.status();
  if (recommendations->empty()) return absl::OkStatus();
  for (const v1::Recommendation& r : *recommendations) {
    if (r.response().decision() == v1::RESPONSE_DECISION_UNSPECIFIED) {
      return absl::OkStatus();
    }
  }
  absl::StatusOr<AuditScene> scene = Scene(audit_name);
  if (!scene.ok()) return scene.status();
  AllAnsweredMail mail{UnitName::Of(scene->unit), AuditTitle::Of(scene->audit),
                       static_cast<int>(recommendations->size()),
                       WebLink::ToAudit(settings_.public_url, scene->audit)};
  return QueueEach(mail,
                   Select(scene->principals, v1::NOTIFICATION_KIND_ALL_ANSWERED,
                          &scene->audit, nullptr),
                   absl::StrCat("answered:", audit_name), change);
}

absl::Status Notifier::CanClose(const std::string& audit_name,
                                StateChange* change) {
  absl::StatusOr<AuditScene> scene = Scene(audit_name);
  if (!scene.ok()) return scene.status();
  if (scene->audit.state() != v1::AUDIT_STATE_FOLLOW_UP) {
    return absl::OkStatus();
  }
  v1::ListRecommendationsRequest list;
  list.set_parent(audit_name);
  absl::StatusOr<std::vector<v1::Recommendation>> recommendations =
      All(client_.WalkRecommendations(list));
  if (!recommendations.ok()) return recommendations.status();
  for (const v1::Recommendation& r : *recommendations) {
    if (r.verdict().verdict() == v1::VERDICT_UNSPECIFIED) {
      return absl::OkStatus();
    }
  }
  v1::ListFeedbackRequest feedback;
  feedback.set_parent(audit_name);
  feedback.set_page_size(1);
  absl::StatusOr<v1::ListFeedbackResponse> recorded =
      client_.ListFeedback(feedback);
  if (!recorded.ok()) return recorded.status();
  if (recorded->feedback().empty()) return absl::OkStatus();
  CanCloseMail mail{UnitName::Of(scene->unit), AuditTitle::Of(scene->audit),
                    WebLink::ToAudit(settings_.public_url, scene->audit)};
  return QueueEach(
      mail,
      Select(scene->principals, v1::NOTIFICATION_KIND_AUDIT_CAN_CLOSE,
             &scene->audit, nullptr),
      absl::StrCat("can-close:", audit_name), change);
}

absl::StatusOr<absl::Time> Notifier::RunSchedules() {
  absl::Time now = clock_->Now();
  struct Run {
    const char* name;
    absl::Time (*next)(const WeeklySchedule&, absl::Time);
  };
  absl::Time earliest = absl::InfiniteFuture();
  for (const Run& run : {Run{"weekly", NextWeekly}, Run{"daily", NextDaily}}) {
    absl::StatusOr<std::optional<absl::Time>> last = state_->RunTime(run.name);
    if (!last.ok()) return last.status();
    StateChange change;
    // Missed runs (brevis-notify was down) collapse into one, now.
    change.run_times.push_back({run.name, now});
    if (last->has_value() && now >= run.next(settings_.schedule, **last)) {
      absl::Status status = std::string(run.name) == "weekly"
                                ? Digests(now, &change)
                                : FollowUps(now, &change);
      if (status.ok() && std::string(run.name) == "daily") {
        status = Expiring(now, &change);
      }
      if (!status.ok()) return status;
      LogLine(absl::StrCat(run.name, " run at ",
                           absl::FormatTime(now, settings_.schedule.zone), ": ",
                           change.mails.size(), " mail(s)"));
    } else if (last->has_value()) {
      absl::Time next = run.next(settings_.schedule, **last);
      if (!announced_) {
        LogLine(absl::StrCat("next ", run.name, " run at ",
                             absl::FormatTime(next, settings_.schedule.zone)));
      }
      earliest = std::min(earliest, next);
      continue;
    }
    absl::StatusOr<int> queued = state_->Apply(change);
    if (!queued.ok()) return queued.status();
    absl::Time next = run.next(settings_.schedule, now);
    LogLine(absl::StrCat("next ", run.name, " run at ",
                         absl::FormatTime(next, settings_.schedule.zone)));
    earliest = std::min(earliest, next);
  }
  announced_ = true;
  return earliest;
}

absl::Status Notifier::Digests(absl::Time now, StateChange* change) {
  absl::CivilDay today = LocalDay(settings_.schedule, now);
  absl::StatusOr<std::vector<v1::Principal>> all = Principals();
  if (!all.ok()) return all.status();
  absl::StatusOr<std::vector<v1::Unit>> units =
      All(client_.WalkUnits(v1::ListUnitsRequest()));
  if (!units.ok()) return units.status();
  for (const v1::Unit& unit : *units) {
    std::vector<v1::Principal> managers =
        Select(*all, v1::NOTIFICATION_KIND_UNIT_DIGEST, nullptr, &unit.name());
    if (managers.empty()) continue;
    v1::ListActionsRequest list;
    list.set_filter(
        absl::StrFormat("unit = \"%s\" AND due_before = \"%s\"", unit.name(),
                        FormatDate(ToDate(today + kDigestDays + 1))));
    absl::StatusOr<std::vector<v1::Action>> actions =
        All(client_.WalkActions(list));
    if (!actions.ok()) return actions.status();
    std::map<std::string, std::pair<int, int>> per_audit;  // overdue, soon
    for (const v1::Action& action : *actions) {
      bool open = (action.status() == v1::ACTION_STATUS_PLANNED ||
                   action.status() == v1::ACTION_STATUS_IN_PROGRESS) &&
                  !action.unfinished();
      if (!open) continue;
      auto& counts = per_audit[AuditOf(action.name())];
      if (ToDay(action.due_date()) < today) {
        ++counts.first;
      } else {
        ++counts.second;
      }
    }
    if (per_audit.empty()) continue;
    DigestMail mail{UnitName::Of(unit), ToDate(today), {}};
    for (const auto& [audit_name, counts] : per_audit) {
      v1::GetAuditRequest get;
      get.set_name(audit_name);
      absl::StatusOr<v1::Audit> audit = client_.GetAudit(get);
      if (absl::IsNotFound(audit.status())) continue;
      if (!audit.ok()) return audit.status();
      mail.audits.push_back(
          DigestAudit{AuditTitle::Of(*audit),
                      WebLink::ToAudit(settings_.public_url, *audit),
                      counts.first, counts.second});
    }
    if (mail.audits.empty()) continue;
    absl::Status s = QueueEach(
        mail, managers,
        absl::StrCat("digest:", unit.name(), ":", FormatDate(ToDate(today))),
        change);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Notifier::FollowUps(absl::Time now, StateChange* change) {
  absl::CivilDay today = LocalDay(settings_.schedule, now);
  absl::StatusOr<std::vector<v1::Audit>> audits =
      All(client_.WalkAudits(v1::ListAuditsRequest()));
  if (!audits.ok()) return audits.status();
  std::vector<v1::Principal> all;
  bool listed = false;
  for (const v1::Audit& audit : *audits) {
    if ((audit.state() != v1::AUDIT_STATE_PUBLISHED &&
         audit.state() != v1::AUDIT_STATE_IN_PROGRESS) ||
        audit.planned_follow_up_date().year() == 0) {
      continue;
    }
    int64_t days_left = ToDay(audit.planned_follow_up_date()) - today;
    if (days_left < 0 || days_left > kFollowUpDays) continue;
    if (!listed) {
      absl::StatusOr<std::vector<v1::Principal>> principals = Principals();
      if (!principals.ok()) return principals.status();
      all = *std::move(principals);
      listed = true;
    }
    v1::GetUnitRequest get_unit;
    get_unit.set_name(audit.unit());
    absl::StatusOr<v1::Unit> unit = client_.GetUnit(get_unit);
    if (!unit.ok()) return unit.status();
    FollowUpDueMail mail{UnitName::Of(*unit), AuditTitle::Of(audit),
                         audit.planned_follow_up_date(),
                         static_cast<int>(days_left),
                         WebLink::ToAudit(settings_.public_url, audit)};
    absl::Status s = QueueEach(
        mail, Select(all, v1::NOTIFICATION_KIND_FOLLOW_UP_DUE, &audit, nullptr),
        absl::StrCat("follow-up:", audit.name(), ":",
                     FormatDate(audit.planned_follow_up_date())),
        change);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Notifier::Expiring(absl::Time now, StateChange* change) {
  absl::StatusOr<std::vector<v1::Principal>> all = Principals();
  if (!all.ok()) return all.status();
  std::vector<v1::Principal> admins = Select(
      *all, v1::NOTIFICATION_KIND_CREDENTIALS_EXPIRING, nullptr, nullptr);
  if (admins.empty()) return absl::OkStatus();
  std::map<std::string, const v1::Principal*> by_name;
  for (const v1::Principal& p : *all) by_name[p.name()] = &p;
  struct Item {
    std::string name;
    const v1::Principal* owner;
    bool link;
    absl::Time expires;
  };
  std::vector<Item> items;
  auto soon = [&](absl::Time t) { return t > now && t <= now + kExpiryWindow; };
  for (const v1::Principal& p : *all) {
    if (!p.active()) continue;
    v1::ListTokensRequest list;
    list.set_parent(p.name());
    absl::StatusOr<std::vector<v1::Token>> tokens =
        All(client_.WalkTokens(list));
    if (!tokens.ok()) return tokens.status();
    for (const v1::Token& t : *tokens) {
      if (t.has_revoke_time() || !soon(ToTime(t.expire_time()))) continue;
      items.push_back({t.name(), &p, false, ToTime(t.expire_time())});
    }
  }
  v1::ListSignInLinksRequest links;
  links.set_parent("principals/-");
  absl::StatusOr<std::vector<v1::SignInLink>> sign_in_links =
      All(client_.WalkSignInLinks(links));
  if (!sign_in_links.ok()) return sign_in_links.status();
  for (const v1::SignInLink& l : *sign_in_links) {
    if (l.has_redeem_time() || !soon(ToTime(l.expire_time()))) continue;
    std::string owner = l.name().substr(0, l.name().find("/signInLinks/"));
    auto it = by_name.find(owner);
    if (it == by_name.end() || !it->second->active()) continue;
    items.push_back({l.name(), it->second, true, ToTime(l.expire_time())});
  }
  std::string day = FormatDate(ToDate(LocalDay(settings_.schedule, now)));
  for (const v1::Principal& admin : admins) {
    ExpiringMail mail{{}, WebLink::ToPage(settings_.public_url, "principals")};
    for (const Item& item : items) {
      absl::StatusOr<bool> told = state_->Told(item.name, admin.name());
      if (!told.ok()) return told.status();
      if (*told) continue;
      mail.credentials.push_back(ExpiringCredential{
          PrincipalName::Of(*item.owner), item.link,
          ToDate(absl::ToCivilDay(item.expires, settings_.schedule.zone))});
      change->told.push_back({item.name, admin.name()});
    }
    if (mail.credentials.empty()) continue;
    MailText text = Render(mail, LanguageOf(admin));
    absl::Status s =
        QueueMail(admin, absl::StrCat("expiring:", day, ":", admin.name()),
                  text.subject, text.body, change);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> Notifier::SendDue() {
  while (true) {
    absl::Time now = absl::Now();
    absl::StatusOr<std::optional<QueuedMail>> due = state_->NextDue(now);
    if (!due.ok()) return due.status();
    if (!due->has_value()) break;
    const QueuedMail& mail = **due;
    SendResult result = sender_->Send(mail.address, mail.message);
    switch (result.outcome) {
      case SendOutcome::kSent:
        if (absl::Status s = state_->Finish(mail.key, "sent", absl::Now());
            !s.ok()) {
          return s;
        }
        metrics_->sent++;
        LogLine(absl::StrCat("sent ", mail.key));
        break;
      case SendOutcome::kPermanent:
        if (absl::Status s = state_->Finish(mail.key, "refused", absl::Now());
            !s.ok()) {
          return s;
        }
        metrics_->failed++;
        LogLine(absl::StrCat("the relay refused ", mail.key,
                             " for good: ", result.detail));
        break;
      case SendOutcome::kTransient: {
        int attempts = mail.attempts + 1;
        absl::Duration wait = settings_.retry_initial;
        for (int i = 1; i < attempts && wait < settings_.retry_max; ++i) {
          wait *= 2;
        }
        wait = std::min(wait, settings_.retry_max);
        if (absl::Status s =
                state_->Postpone(mail.key, attempts, absl::Now() + wait);
            !s.ok()) {
          return s;
        }
        metrics_->retried++;
        LogLine(absl::StrCat("relay unavailable for ", mail.key, " (attempt ",
                             attempts, "): ", result.detail, "; retry in ",
                             absl::FormatDuration(wait)));
        break;
      }
    }
  }
  absl::StatusOr<std::optional<absl::Time>> next = state_->NextAttempt();
  if (!next.ok()) return next.status();
  return next->value_or(absl::InfiniteFuture());
}

}  // namespace brevis::notify
