#include "tests/fault/write_ledger.h"

#include <gtest/gtest.h>

#include "server/domain/str_cat.h"
#include "tests/fault/fault_support.h"

namespace brevis::fault {

void Ledger::Acknowledged(Write write) {
  std::lock_guard<std::mutex> lock(mu_);
  acknowledged_.push_back(std::move(write));
}

void Ledger::Unknown(Write write) {
  std::lock_guard<std::mutex> lock(mu_);
  unknown_.push_back(std::move(write));
}

std::vector<Write> Ledger::TakeUnknown() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(unknown_, {});
}

std::vector<Write> Ledger::acknowledged() {
  std::lock_guard<std::mutex> lock(mu_);
  return acknowledged_;
}

Write NumberedWrite(const std::string& prefix, int round, int writer,
                    int index) {
  Write write;
  write.unit = writer == 0;
  write.request_id = StrCat(prefix, round, "-", writer, "-", index);
  write.text = StrCat(write.unit ? "BUP Enhet " : "Iakttagelse ",
                      write.request_id, " om delaktighet");
  return write;
}

grpc::Status SendWrite(v1::DirectoryService::Stub& directory,
                       v1::AuditService::Stub& audits, const std::string& audit,
                       int timeout_ms, Write* write) {
  auto context = Deadline(milliseconds(timeout_ms));
  if (write->unit) {
    v1::CreateUnitRequest request;
    *request.mutable_unit() = ExampleUnit(write->text);
    request.set_request_id(write->request_id);
    v1::Unit created;
    grpc::Status status =
        directory.CreateUnit(context.get(), request, &created);
    write->name = created.name();
    return status;
  }
  v1::CreateFindingRequest request;
  request.set_parent(audit);
  *request.mutable_finding() = ExampleFinding(write->text);
  request.set_request_id(write->request_id);
  v1::Finding created;
  grpc::Status status = audits.CreateFinding(context.get(), request, &created);
  write->name = created.name();
  return status;
}

grpc::Status WriteUntilFailure(std::shared_ptr<grpc::Channel> channel,
                               const std::string& prefix, int round, int writer,
                               const std::string& audit, int max_writes,
                               int timeout_ms, std::atomic<bool>* stop,
                               Ledger* ledger) {
  auto directory = v1::DirectoryService::NewStub(channel);
  auto audits = v1::AuditService::NewStub(channel);
  for (int i = 0; i < max_writes && !stop->load(); ++i) {
    Write write = NumberedWrite(prefix, round, writer, i);
    grpc::Status status =
        SendWrite(*directory, *audits, audit, timeout_ms, &write);
    if (status.ok()) {
      ledger->Acknowledged(std::move(write));
    } else {
      ledger->Unknown(std::move(write));
      return status;
    }
  }
  return grpc::Status::OK;
}

Stored StoredByServer(v1::DirectoryService::Stub& directory,
                      v1::AuditService::Stub& audits,
                      const std::string& audit) {
  Stored stored;
  for (const v1::Finding& finding : ListAllFindings(audits, audit)) {
    stored[finding.text()].push_back(finding.name());
  }
  for (const v1::Unit& unit : ListAllUnits(directory)) {
    stored[unit.display_name()].push_back(unit.name());
  }
  return stored;
}

void ExpectExactly(const std::vector<Write>& acknowledged, const Stored& stored,
                   const std::string& where) {
  size_t missing = 0;
  for (const Write& write : acknowledged) {
    auto it = stored.find(write.text);
    if (it == stored.end()) {
      if (++missing <= 5)
        ADD_FAILURE() << "lost " << where << ": " << write.text;
      continue;
    }
    EXPECT_EQ(it->second, std::vector<std::string>{write.name})
        << write.text << " " << where;
  }
  ASSERT_EQ(missing, 0u) << "acknowledged writes lost " << where;
  ASSERT_EQ(stored.size(), acknowledged.size())
      << "rows " << where << " that were never acknowledged nor retried";
}

void ExpectOneCreatedEventEach(const std::vector<Write>& acknowledged,
                               const std::map<std::string, int>& created) {
  size_t wrong = 0;
  for (const Write& write : acknowledged) {
    auto it = created.find(write.name);
    int found = it == created.end() ? 0 : it->second;
    if (found != 1 && ++wrong <= 5) {
      ADD_FAILURE() << write.name << " (" << write.text << ") has " << found
                    << " created events";
    }
  }
  ASSERT_EQ(wrong, 0u);
}

}  // namespace brevis::fault
