#ifndef BREVIS_TESTS_FAULT_FAULT_SUPPORT_H_
#define BREVIS_TESTS_FAULT_FAULT_SUPPORT_H_

// What the fault tests share: a real brevisd on a database in a temporary
// directory, stubs that call it as the first admin, direct SQLite checks of
// the file, and the knobs that make the long versions of the tests.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "brevis/v1/audit_service.grpc.pb.h"
#include "brevis/v1/directory_service.grpc.pb.h"
#include "tests/e2e/brevisd_process.h"

namespace brevis::fault {

using std::chrono::milliseconds;

// True when BREVIS_LONG_FAULTS=1: the long versions (200 kills, more flips).
bool LongFaults();

// The seed of a test's random choices: BREVIS_FAULT_SEED when set (to replay
// a failure), otherwise a fresh one. Tests print it.
uint32_t FaultSeed();

// What `PRAGMA integrity_check` and `PRAGMA foreign_key_check` say of the
// file, read through a connection of its own (beside a running brevisd, as
// WAL allows). `error` is set when the file cannot be read at all.
struct FileCheck {
  std::string integrity;                  // "ok" when whole
  std::vector<std::string> foreign_keys;  // one line per violating row
  std::string error;
};
FileCheck CheckFile(const std::string& db_path);

// Runs `sql` on the file and returns the first column of every row as text;
// nullopt (and the message in *error) when it fails.
std::optional<std::vector<std::string>> QueryColumn(const std::string& db_path,
                                                    const std::string& sql,
                                                    std::string* error);

// A client context whose deadline is `timeout` from now.
std::unique_ptr<grpc::ClientContext> Deadline(milliseconds timeout);

// Valid resources of the domain's example.
v1::Unit ExampleUnit(const std::string& display_name);
v1::Audit ExampleAudit(const std::string& unit_name);
v1::Finding ExampleFinding(const std::string& text);

// Every finding of `audit` (page by page, bounded), through `audits`;
// failures are reported through GoogleTest.
std::vector<v1::Finding> ListAllFindings(v1::AuditService::Stub& audits,
                                         const std::string& audit);
// Every unit (page by page, bounded), through `directory`.
std::vector<v1::Unit> ListAllUnits(v1::DirectoryService::Stub& directory);

// A fresh database in a temporary directory and, between Start and Kill or
// Stop, a brevisd serving it on a free loopback port.
class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // `brevisd init` in dir_ (or on `db_path`).
  void Init();
  // Starts `brevisd serve` on db_path_ and connects the stubs.
  void Start(const std::vector<std::string>& extra_args = {});
  // SIGKILL: no drain, no clean close, as a crash or power cut leaves it.
  void Kill();
  // SIGTERM and the clean stop brevisd promises.
  void Stop();

  std::string AdminToken() const;
  // A new channel to the running server, as the first admin.
  std::shared_ptr<grpc::Channel> NewChannel() const;
  // A new channel to `address` (HOST:PORT), as the first admin.
  std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) const;

  // Create calls that must succeed.
  v1::Unit MustCreateUnit(const std::string& display_name);
  v1::Audit MustCreateAudit(const std::string& unit_name);

  // ListAllFindings and ListAllUnits above, through the running server.
  std::vector<v1::Finding> ListAllFindings(const std::string& audit) {
    return fault::ListAllFindings(*audits_, audit);
  }
  std::vector<v1::Unit> ListAllUnits() {
    return fault::ListAllUnits(*directory_);
  }

  e2e::TempDir dir_;
  std::string db_path_;
  std::unique_ptr<e2e::BrevisdProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::DirectoryService::Stub> directory_;
  std::unique_ptr<v1::AuditService::Stub> audits_;
};

}  // namespace brevis::fault

#endif  // BREVIS_TESTS_FAULT_FAULT_SUPPORT_H_
