// The access log's compact entries (migration 0012): one row for a call's
// reads under one audit, found by a resource-prefix search for any name it
// covers.

#include "server/store/access_log_repository.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/store/database.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

using ::testing::ElementsAre;

class AccessLogRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string path = dir_.File("brevis.db");
    ASSERT_TRUE(CreateDatabase(path, EmbeddedMigrations()).ok());
    DatabaseOptions options;
    options.path = path;
    auto db = Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  absl::Status Append(const std::string& resource,
                      std::vector<std::string> covered) {
    v1::AccessLogEntry entry;
    entry.set_principal("principals/p1");
    entry.set_method("brevis.v1.AuditService/ListFindings");
    entry.set_kind(v1::ACCESS_KIND_READ);
    entry.set_resource(resource);
    for (std::string& name : covered) entry.add_covered(std::move(name));
    return db_->Write(
        [&](Connection& db) { return AccessLogRepository(db).Append(entry); });
  }

  // The sequences of the entries a search by `prefix` finds.
  std::vector<v1::AccessLogEntry> Find(const std::string& prefix) {
    AccessLogFilter filter;
    filter.resource_prefix = prefix;
    std::vector<v1::AccessLogEntry> found;
    EXPECT_TRUE(db_->Read([&](Connection& db) -> absl::Status {
                     auto page = AccessLogRepository(db).List(filter, 0, 100);
                     if (!page.ok()) return page.status();
                     found = std::move(page->items);
                     return absl::OkStatus();
                   })
                    .ok());
    return found;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(AccessLogRepositoryTest, CoveredNamesComeBackWhole) {
  ASSERT_TRUE(Append("audits/a1", {"audits/a1/findings/f1",
                                   "audits/a1/recommendations/r1/actions/x"})
                  .ok());
  std::vector<v1::AccessLogEntry> found = Find("audits/a1");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].resource(), "audits/a1");
  EXPECT_THAT(found[0].covered(),
              ElementsAre("audits/a1/findings/f1",
                          "audits/a1/recommendations/r1/actions/x"));
}

TEST_F(AccessLogRepositoryTest, PrefixFindsEntriesByResourceOrCoveredName) {
  ASSERT_TRUE(
      Append("audits/a1", {"audits/a1/findings/f1", "audits/a1/findings/f2"})
          .ok());
  ASSERT_TRUE(Append("audits/a1/findings/f3", {}).ok());  // a single read
  ASSERT_TRUE(Append("audits/a2", {"audits/a2/findings/f1"}).ok());
  ASSERT_TRUE(Append("audits/a1", {}).ok());  // GetAudit
  auto sequences = [&](const std::string& prefix) {
    std::vector<int64_t> out;
    for (const auto& entry : Find(prefix)) out.push_back(entry.sequence());
    return out;
  };
  EXPECT_THAT(sequences("audits/a1/findings/f1"), ElementsAre(1));
  EXPECT_THAT(sequences("audits/a1/findings/f2"), ElementsAre(1));
  EXPECT_THAT(sequences("audits/a1/findings/f"), ElementsAre(1, 2));
  EXPECT_THAT(sequences("audits/a1/findings/f3"), ElementsAre(2));
  EXPECT_THAT(sequences("audits/a1/"), ElementsAre(1, 2));
  EXPECT_THAT(sequences("audits/a1/find"), ElementsAre(1, 2));
  EXPECT_THAT(sequences("audits/a1"), ElementsAre(1, 2, 4));
  EXPECT_THAT(sequences("audits/a2/findings/f1"), ElementsAre(3));
  EXPECT_THAT(sequences("audits/a1/sessions/"), ElementsAre());
  // "findings/f1" inside a2's line must not match a prefix of a1.
  EXPECT_THAT(sequences("audits/a"), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(sequences("indings/f1"), ElementsAre());
}

// Names of different folders share no parent and are kept whole below the
// resource; a search by any of them, or by a folder, still finds the entry.
TEST_F(AccessLogRepositoryTest, MixedFoldersAreFoundByEachName) {
  ASSERT_TRUE(Append("audits/a1",
                     {"audits/a1/findings/f1", "audits/a1/recommendations/r1",
                      "audits/a1/recommendations/r2/actions/x"})
                  .ok());
  for (const char* prefix :
       {"audits/a1/findings/f1", "audits/a1/recommendations/r1",
        "audits/a1/recommendations/r2/actions/x", "audits/a1/recommendations/",
        "audits/a1/recommendations/r2/actions/"}) {
    EXPECT_EQ(Find(prefix).size(), 1u) << prefix;
  }
  EXPECT_TRUE(Find("audits/a1/recommendations/r3").empty());
  EXPECT_TRUE(Find("audits/a1/sessions").empty());
}

TEST_F(AccessLogRepositoryTest, CoveredNameOutsideTheResourceIsRefused) {
  absl::Status status = Append("audits/a1", {"audits/a2/findings/f1"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  status = Append("audits/a1", {"audits/a1"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_TRUE(Find("audits/").empty());
}

}  // namespace
}  // namespace brevis::store
