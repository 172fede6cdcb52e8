#ifndef BREVIS_TESTS_BENCH_SEED_H_
#define BREVIS_TESTS_BENCH_SEED_H_

// Fills a new brevis database with a realistic data set, directly through
// the store's repositories and in large transactions, before brevisd opens
// it: units, auditors and unit managers, audits spread over the lifecycle
// with their teams, sessions, findings, recommendations, the units'
// responses and actions (some overdue), progress notes, follow-up verdicts
// and feedback. Swedish text throughout.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace brevis::bench {

// How much to seed. FromScale(1) is the default data set.
struct SeedSize {
  int units = 300;
  int audits = 10000;
  int64_t findings = 1000000;
  int64_t actions = 200000;
  // One audit gets exactly this many findings, so that a page deep into it
  // is the same page in a small and in a large database.
  int deep_audit_findings = 2000;

  static SeedSize FromScale(double scale);
  // The same deep audit and the same shape with only `findings` findings
  // (and units, audits and actions in proportion), for the flatness check;
  // never fewer than twice the deep audit's findings and 100, so that the
  // deep audit is as deep as in the large one.
  SeedSize WithFindings(int64_t findings) const;
};

// What the load needs to know about the seeded data.
struct SeededData {
  SeedSize size;
  double seconds = 0;  // how long seeding took
  // audits/{audit} of the audit with deep_audit_findings findings.
  std::string deep_audit;
  // Audits of every state, for GetAudit.
  std::vector<std::string> audits;
  // Audits in FIELDWORK or REPORTING, which still take new findings.
  std::vector<std::string> open_audits;
  // Actions of audits from PUBLISHED to FOLLOW_UP, which can be updated.
  std::vector<std::string> open_actions;
  // units/{unit} with the most overdue actions, and how many it has.
  std::string busiest_unit;
  int64_t busiest_unit_overdue = 0;
  int64_t overdue_actions = 0;
};

// Seeds the database at `db_path`, which `brevisd init` has just created.
// Deterministic for a given `seed` (uids included).
absl::StatusOr<SeededData> SeedDatabase(const std::string& db_path,
                                        const SeedSize& size, uint64_t seed);

}  // namespace brevis::bench

#endif  // BREVIS_TESTS_BENCH_SEED_H_
