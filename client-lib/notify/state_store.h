#ifndef BREVIS_CLIENT_LIB_NOTIFY_STATE_STORE_H_
#define BREVIS_CLIENT_LIB_NOTIFY_STATE_STORE_H_

// brevis-notify's own small SQLite file (mode 0600: it holds addresses):
// the cursor (the last event whose mails are all queued), the times of
// the last scheduled runs, an outbox of built messages waiting for the
// relay, the keys of mails already sent, and which credential each admin
// has been told about.
//
// Delivery: a mail is queued in the same transaction that moves the
// cursor past its event (or records its scheduled run), so a restart
// neither loses nor rebuilds it; it leaves the outbox in the transaction
// that records its key as sent. A crash after the relay accepted a mail and
// before that transaction sends it once more on restart (the same
// Message-ID): at most one duplicate. Queueing a key that is already sent or
// queued does nothing, so a run repeated after a crash adds no duplicate.
//
// Thread-safe: one connection behind a mutex.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct sqlite3;

namespace brevis::notify {

struct QueuedMail {
  std::string
      key;  // idempotency key, e.g. "published:audits/x:42:principals/y"
  std::string
      recipient;        // principals/{p}: what logs name instead of the address
  std::string address;  // the envelope recipient
  std::string message;  // the whole RFC 5322 message
  int attempts = 0;
};

// A change to commit at once: mails, the cursor, run times, credentials told.
struct StateChange {
  std::vector<QueuedMail> mails;
  std::optional<int64_t> cursor;
  std::vector<std::pair<std::string, absl::Time>> run_times;  // name, time
  std::vector<std::pair<std::string, std::string>> told;      // item, recipient
};

class StateStore {
 public:
  // Opens or creates the file. FAILED_PRECONDITION naming the path when it
  // cannot be opened or is not brevis-notify's state.
  static absl::StatusOr<std::unique_ptr<StateStore>> Open(
      const std::string& path);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // The last event fully handled; 0 before the first.
  absl::StatusOr<int64_t> Cursor();
  // When the run `name` last happened; nullopt if never.
  absl::StatusOr<std::optional<absl::Time>> RunTime(const std::string& name);
  // Whether `recipient` has been told about `item`.
  absl::StatusOr<bool> Told(const std::string& item,
                            const std::string& recipient);
  // Commits `change` in one transaction; mails whose key is already sent
  // or queued are skipped. Returns how many mails were queued.
  absl::StatusOr<int> Apply(const StateChange& change);

  // The queued mail due first whose next attempt is at or before `now`.
  absl::StatusOr<std::optional<QueuedMail>> NextDue(absl::Time now);
  // When the next queued mail is due; nullopt when the outbox is empty.
  absl::StatusOr<std::optional<absl::Time>> NextAttempt();
  // The mail left the outbox: sent (outcome "sent") or refused for good
  // ("refused").
  absl::Status Finish(const std::string& key, const char* outcome,
                      absl::Time now);
  // The mail stays queued; tried again at `next`.
  absl::Status Postpone(const std::string& key, int attempts, absl::Time next);
  // Mails in the outbox.
  absl::StatusOr<int> Queued();
  // Whether `key` is recorded as sent (tests, and the dedupe in Apply).
  absl::StatusOr<bool> Sent(const std::string& key);

 private:
  explicit StateStore(sqlite3* db) : db_(db) {}
  absl::Status Exec(const char* sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  sqlite3* db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace brevis::notify

#endif  // BREVIS_CLIENT_LIB_NOTIFY_STATE_STORE_H_
