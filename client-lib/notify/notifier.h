#ifndef BREVIS_CLIENT_LIB_NOTIFY_NOTIFIER_H_
#define BREVIS_CLIENT_LIB_NOTIFY_NOTIFIER_H_

// What brevis-notify does, without threads or signals (main.cc has those):
// turns one event of the feed, or one scheduled run, into queued mails
// (state_store.h), and sends what the outbox holds through the relay.
//
// Who gets what (issue 16), always only active principals with a contact
// e-mail who have not turned that kind off:
// - unit managers of the audit's unit: the report is published (event
//   STATE_CHANGED to PUBLISHED); weekly, their unit's digest;
// - the audit's auditors: the unit answered every recommendation (on
//   RESPONDED), the audit can close (on VERDICT_RECORDED, feedback
//   CREATED, or STATE_CHANGED to FOLLOW_UP, when in FOLLOW_UP with a
//   verdict on every recommendation and feedback recorded), daily: the
//   planned follow-up is 30 days away or less;
// - admins, daily: tokens and sign-in links expiring within 14 days, each
//   told once.
//
// Thread-safe: HandleEvent, RunSchedules and SendDue may run on three
// threads; the counters are atomic and the store locks itself.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "brevis/client/client.h"
#include "client-lib/notify/schedule.h"
#include "client-lib/notify/smtp_sender.h"
#include "client-lib/notify/state_store.h"

namespace brevis::notify {

// The time the schedule follows: the system's, or one a test sets.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

struct NotifierSettings {
  std::string public_url;  // brevis-web, for links; no trailing '/'
  std::string from;        // sender address
  WeeklySchedule schedule;
  absl::Duration retry_initial = absl::Seconds(5);
  absl::Duration retry_max = absl::Minutes(10);
};

struct Metrics {
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> retried{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> events{0};
  std::atomic<int64_t> last_sequence{0};
  // Seconds between an event's commit and its mails being queued, for the
  // last event handled: how far behind the feed brevis-notify runs.
  std::atomic<int64_t> lag_seconds{0};
};

class Notifier {
 public:
  // Borrows everything; the owner keeps it alive.
  Notifier(client::Client client, StateStore* state, const SmtpSender* sender,
           const Clock* clock, NotifierSettings settings, Metrics* metrics);

  // Queues the event's mails and moves the cursor past it, in one
  // transaction. A brevisd or state error is returned and nothing changes
  // (the event is handled again on the next try); an audit the notifier
  // may no longer read gives no mail.
  absl::Status HandleEvent(const v1::Event& event);

  // Runs the weekly digest and the daily checks when their time (on the
  // Clock) has come since their last run; the first call only records the
  // time. Returns when the next run is due (on the Clock).
  absl::StatusOr<absl::Time> RunSchedules();

  // Sends every queued mail that is due (real time), each once; a relay
  // that is down or answers 4xx postpones it with exponential backoff, a
  // 5xx drops it (logged, counted as failed). Returns when the next
  // queued mail is due (InfiniteFuture when none), or an error of the
  // state file.
  absl::StatusOr<absl::Time> SendDue();

 private:
  // An audit with its unit and every principal: what a mail about it needs.
  struct AuditScene {
    v1::Audit audit;
    v1::Unit unit;
    std::vector<v1::Principal> principals;
  };
  absl::StatusOr<AuditScene> Scene(const std::string& audit_name) const;
  // Queues `mail` rendered in each recipient's language, keyed
  // key_prefix + ":" + the recipient's name.
  template <typename M>
  absl::Status QueueEach(const M& mail, const std::vector<v1::Principal>& to,
                         const std::string& key_prefix,
                         StateChange* change) const;
  absl::StatusOr<std::vector<v1::Principal>> Principals() const;
  std::vector<v1::Principal> Select(const std::vector<v1::Principal>& all,
                                    v1::NotificationKind kind,
                                    const v1::Audit* audit_team,
                                    const std::string* unit) const;
  absl::Status QueueMail(const v1::Principal& to, const std::string& key,
                         const std::string& subject, const std::string& body,
                         StateChange* change) const;

  absl::Status Published(const v1::Event& event, StateChange* change);
  absl::Status AllAnswered(const std::string& audit_name, StateChange* change);
  absl::Status CanClose(const std::string& audit_name, StateChange* change);
  absl::Status Digests(absl::Time now, StateChange* change);
  absl::Status FollowUps(absl::Time now, StateChange* change);
  absl::Status Expiring(absl::Time now, StateChange* change);

  client::Client client_;
  StateStore* state_;
  const SmtpSender* sender_;
  const Clock* clock_;
  NotifierSettings settings_;
  Metrics* metrics_;
  // Whether the next runs were logged once; RunSchedules' thread only.
  bool announced_ = false;
};

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_NOTIFIER_H_
