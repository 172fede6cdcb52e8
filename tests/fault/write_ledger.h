#ifndef BREVIS_TESTS_FAULT_WRITE_LEDGER_H_
#define BREVIS_TESTS_FAULT_WRITE_LEDGER_H_

// What the kill tests (SQLite's in tests/fault, PostgreSQL's with several
// replicas in tests/replicas) share: the create calls writers make, the
// ledger of what was acknowledged and what is unknown, and the checks that
// every acknowledged write is stored exactly once.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "brevis/v1/event.pb.h"

namespace brevis::fault {

// One create call: a unit or a finding, told apart by the unique text.
struct Write {
  bool unit = false;
  std::string request_id;
  std::string text;  // the unit's display_name or the finding's text
  std::string name;  // set once acknowledged
};

// What the writers saw: acknowledged writes and those whose outcome is
// unknown because the call failed. Thread-safe.
class Ledger {
 public:
  void Acknowledged(Write write);
  void Unknown(Write write);
  // The unknown writes, emptying their list.
  std::vector<Write> TakeUnknown();
  // A copy of the acknowledged writes.
  std::vector<Write> acknowledged();

 private:
  std::mutex mu_;
  std::vector<Write> acknowledged_;
  std::vector<Write> unknown_;
};

// Text -> the names of the rows that hold it.
using Stored = std::map<std::string, std::vector<std::string>>;

// The write a writer makes as its `index`th call: writer 0 makes units, the
// others findings; the request_id is "<prefix><round>-<writer>-<index>".
Write NumberedWrite(const std::string& prefix, int round, int writer,
                    int index);

// Sends `write` once with a deadline of `timeout_ms`, as CreateUnit or as
// CreateFinding in `audit`; fills write->name when acknowledged.
grpc::Status SendWrite(v1::DirectoryService::Stub& directory,
                       v1::AuditService::Stub& audits, const std::string& audit,
                       int timeout_ms, Write* write);

// Writes until `stop`, `max_writes` or the first failed call (the server is
// gone), whose write goes to the ledger as unknown. Returns that call's
// status, OK when none failed.
grpc::Status WriteUntilFailure(std::shared_ptr<grpc::Channel> channel,
                               const std::string& prefix, int round, int writer,
                               const std::string& audit, int max_writes,
                               int timeout_ms, std::atomic<bool>* stop,
                               Ledger* ledger);

// The findings of `audit` and every unit as the server lists them.
Stored StoredByServer(v1::DirectoryService::Stub& directory,
                      v1::AuditService::Stub& audits, const std::string& audit);

// Every acknowledged write is in `stored` exactly once under its own name,
// and `stored` holds nothing else. Failures (at most 5 listed) name
// `where`.
void ExpectExactly(const std::vector<Write>& acknowledged, const Stored& stored,
                   const std::string& where);

// Every acknowledged write has exactly one CREATED event: `created` counts
// the CREATED events per resource name.
void ExpectOneCreatedEventEach(const std::vector<Write>& acknowledged,
                               const std::map<std::string, int>& created);

}  // namespace brevis::fault

#endif  // BREVIS_TESTS_FAULT_WRITE_LEDGER_H_
