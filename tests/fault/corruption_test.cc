// Copies of a database with one byte flipped: in the file header, in b-tree
// pages, in the WAL header and in WAL frames. brevisd must refuse to start
// with a message that says what is wrong, or start and answer every call
// with a status; it must never die of a signal or hang.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tests/fault/fault_support.h"
#include "tests/testing/json_lines.h"

namespace brevis::fault {
namespace {

constexpr int kShortFlips = 40;
constexpr int kLongFlips = 400;
constexpr int kFindings = 30;
constexpr size_t kPageSize = 4096;
constexpr size_t kDbHeaderSize = 100;
constexpr size_t kWalHeaderSize = 32;
constexpr size_t kWalFrameHeaderSize = 24;
constexpr milliseconds kCallTimeout{5000};

enum class Target { kDbHeader, kDbPage, kWalHeader, kWalFrame, kDbPageWithWal };
constexpr int kTargets = 5;

const char* TargetName(Target target) {
  switch (target) {
    case Target::kDbHeader:
      return "database header";
    case Target::kDbPage:
      return "b-tree page";
    case Target::kWalHeader:
      return "WAL header";
    case Target::kWalFrame:
      return "WAL frame";
    case Target::kDbPageWithWal:
      return "b-tree page under a WAL";
  }
  return "?";
}

// Crashes show as a signal; a sanitizer's report as its banner on stderr.
bool HasSanitizerReport(const std::string& text) {
  return text.find("Sanitizer") != std::string::npos ||
         text.find("runtime error:") != std::string::npos;
}

class CorruptionTest : public FaultTest {
 protected:
  // Two originals in dir_: "clean" (stopped with SIGTERM, so everything is
  // in the main file) and "wal" (killed, so the last writes are only in the
  // WAL). Both hold kFindings findings of one audit.
  void MakeOriginals() {
    ASSERT_NO_FATAL_FAILURE(Init());
    ASSERT_NO_FATAL_FAILURE(Start());
    std::string unit = MustCreateUnit("BUP Prima Handen").name();
    audit_ = MustCreateAudit(unit).name();
    ASSERT_FALSE(audit_.empty());
    for (int i = 0; i < kFindings; ++i) {
      v1::CreateFindingRequest request;
      request.set_parent(audit_);
      *request.mutable_finding() =
          ExampleFinding("Iakttagelse " + std::to_string(i) +
                         ": unga vill vara med när beslut fattas.");
      v1::Finding created;
      grpc::Status status = audits_->CreateFinding(Deadline(kCallTimeout).get(),
                                                   request, &created);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    ASSERT_NO_FATAL_FAILURE(Stop());
    auto clean = e2e::ReadFile(db_path_);
    ASSERT_TRUE(clean.has_value());
    clean_db_ = *clean;
    ASSERT_FALSE(std::filesystem::exists(db_path_ + "-wal"))
        << "a clean stop leaves no WAL";

    ASSERT_NO_FATAL_FAILURE(Start());
    for (int i = 0; i < kFindings / 3; ++i) {
      v1::CreateFindingRequest request;
      request.set_parent(audit_);
      *request.mutable_finding() =
          ExampleFinding("Senare iakttagelse " + std::to_string(i));
      v1::Finding created;
      grpc::Status status = audits_->CreateFinding(Deadline(kCallTimeout).get(),
                                                   request, &created);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    ASSERT_NO_FATAL_FAILURE(Kill());
    auto db = e2e::ReadFile(db_path_);
    auto wal = e2e::ReadFile(db_path_ + "-wal");
    ASSERT_TRUE(db.has_value() && wal.has_value());
    ASSERT_GT(wal->size(), kWalHeaderSize + kWalFrameHeaderSize + kPageSize)
        << "the killed original should have frames in its WAL";
    wal_db_ = *db;
    wal_ = *wal;
  }

  // An offset in `file` for `target`.
  static size_t PickOffset(Target target, const std::string& file,
                           std::mt19937& random) {
    auto uniform = [&](size_t low, size_t high) {
      return std::uniform_int_distribution<size_t>(low, high)(random);
    };
    size_t pages = file.size() / kPageSize;
    size_t frame_size = kWalFrameHeaderSize + kPageSize;
    switch (target) {
      case Target::kDbHeader:
        return uniform(0, kDbHeaderSize - 1);
      case Target::kDbPage:
      case Target::kDbPageWithWal: {
        size_t page = uniform(0, pages - 1);
        // Half the flips hit a page's header and cell pointers, where the
        // b-tree's structure is; the rest land anywhere in the page.
        size_t start = page == 0 ? kDbHeaderSize : 0;
        size_t within = uniform(0, 1) == 0 ? uniform(start, start + 31)
                                           : uniform(start, kPageSize - 1);
        return page * kPageSize + within;
      }
      case Target::kWalHeader:
        return uniform(0, kWalHeaderSize - 1);
      case Target::kWalFrame: {
        size_t frames = (file.size() - kWalHeaderSize) / frame_size;
        size_t frame = uniform(0, frames - 1);
        size_t within = uniform(0, 1) == 0 ? uniform(0, kWalFrameHeaderSize - 1)
                                           : uniform(0, frame_size - 1);
        return kWalHeaderSize + frame * frame_size + within;
      }
    }
    return 0;
  }

  // Calls a served copy could answer; each must end with a status in time.
  void Exercise(const std::string& address, const std::string& what) {
    auto channel = ChannelTo(address);
    auto directory = v1::DirectoryService::NewStub(channel);
    auto audits = v1::AuditService::NewStub(channel);
    std::vector<grpc::Status> statuses;
    {
      v1::WhoAmIRequest request;
      v1::WhoAmIResponse response;
      statuses.push_back(
          directory->WhoAmI(Deadline(kCallTimeout).get(), request, &response));
    }
    {
      v1::ListUnitsRequest request;
      v1::ListUnitsResponse response;
      statuses.push_back(directory->ListUnits(Deadline(kCallTimeout).get(),
                                              request, &response));
    }
    {
      v1::ListFindingsRequest request;
      request.set_parent(audit_);
      request.set_page_size(1000);
      v1::ListFindingsResponse response;
      grpc::Status status = audits->ListFindings(Deadline(kCallTimeout).get(),
                                                 request, &response);
      if (status.ok() && response.findings_size() >= kFindings) ++intact_;
      statuses.push_back(status);
    }
    {
      v1::CreateFindingRequest request;
      request.set_parent(audit_);
      *request.mutable_finding() = ExampleFinding("Efter skadan");
      v1::Finding created;
      statuses.push_back(audits->CreateFinding(Deadline(kCallTimeout).get(),
                                               request, &created));
    }
    for (const grpc::Status& status : statuses) {
      EXPECT_NE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
          << what << ": a call hung";
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << what << ": " << status.error_message();
    }
  }

  std::string audit_;
  std::string clean_db_;
  std::string wal_db_;
  std::string wal_;
  int intact_ = 0;
};

TEST_F(CorruptionTest, ByteFlippedFilesAreRefusedOrServedButNeverCrash) {
  ASSERT_NO_FATAL_FAILURE(MakeOriginals());
  const int flips = LongFaults() ? kLongFlips : kShortFlips;
  const uint32_t seed = FaultSeed();
  SCOPED_TRACE("BREVIS_FAULT_SEED=" + std::to_string(seed));
  std::mt19937 random(seed);
  int refused = 0;
  int served = 0;
  for (int i = 0; i < flips; ++i) {
    Target target = static_cast<Target>(i % kTargets);
    bool with_wal = target != Target::kDbHeader && target != Target::kDbPage;
    std::string db = with_wal ? wal_db_ : clean_db_;
    std::string wal = wal_;
    std::string& file =
        target == Target::kWalHeader || target == Target::kWalFrame ? wal : db;
    size_t offset = PickOffset(target, file, random);
    file[offset] = static_cast<char>(
        file[offset] ^ std::uniform_int_distribution<int>(1, 255)(random));
    const std::string what = "flip " + std::to_string(i) + " in the " +
                             TargetName(target) + " at offset " +
                             std::to_string(offset);
    SCOPED_TRACE(what);

    std::filesystem::path copy = dir_.File("copy-" + std::to_string(i));
    std::filesystem::create_directory(copy);
    std::string path = (copy / "brevis.db").string();
    ASSERT_TRUE(e2e::WriteFile(path, db));
    if (with_wal) {
      ASSERT_TRUE(e2e::WriteFile(path + "-wal", wal));
    }

    std::string error;
    auto server = e2e::BrevisdProcess::Start(
        {"serve", "--db", path, "--listen", "127.0.0.1:0"}, &error);
    ASSERT_NE(server, nullptr) << error;
    if (!server->WaitForListening().has_value()) {
      e2e::ProcessResult result = server->WaitForExit(milliseconds(0));
      ASSERT_TRUE(result.exited_in_time) << "hung at start-up\n"
                                         << result.Describe();
      EXPECT_EQ(result.term_signal, 0) << result.Describe();
      EXPECT_EQ(result.exit_code, 1) << result.Describe();
      EXPECT_FALSE(HasSanitizerReport(result.err)) << result.Describe();
      // brevisd's own refusal, one JSON line, not a library's abort
      // message. A flip in the migration ledger reads as an edited
      // migration, which is still a refusal that names what does not match.
      EXPECT_TRUE(testing::EveryLineIsJsonObject(result.err))
          << result.Describe();
      std::vector<google::protobuf::Struct> refusals =
          testing::LinesWith(result.err, "msg", "brevisd cannot serve");
      ASSERT_EQ(refusals.size(), 1u) << result.Describe();
      const std::string& reason =
          refusals[0].fields().at("reason").string_value();
      EXPECT_TRUE(reason.find("database") != std::string::npos ||
                  reason.find("migration") != std::string::npos)
          << result.Describe();
      ++refused;
    } else {
      Exercise(server->address(), what);
      ASSERT_TRUE(server->SendSignal(SIGTERM));
      e2e::ProcessResult result = server->WaitForExit();
      EXPECT_TRUE(result.exited_in_time) << result.Describe();
      EXPECT_EQ(result.term_signal, 0) << result.Describe();
      EXPECT_EQ(result.exit_code, 0) << result.Describe();
      EXPECT_FALSE(HasSanitizerReport(result.err)) << result.Describe();
      ++served;
    }
    std::filesystem::remove_all(copy);
    if (HasFailure()) break;
  }
  std::cout << "[ corruption ] " << flips << " flips: " << refused
            << " refused at start-up, " << served << " served (" << intact_
            << " of them with every finding listed), seed " << seed << "\n";
}

}  // namespace
}  // namespace brevis::fault
