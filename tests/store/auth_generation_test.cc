// The auth generation (migration 0013): every change that can alter who a
// credential is changes it, in the same transaction, whoever makes the
// change; a token's last use does not.

#include <gtest/gtest.h>

#include <string>

#include "server/store/database.h"
#include "server/store/token_repository.h"
#include "tests/testing/temp_dir.h"

namespace brevis::store {
namespace {

class AuthGenerationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("brevis.db");
    ASSERT_TRUE(CreateDatabase(path_, EmbeddedMigrations()).ok());
    DatabaseOptions options;
    options.path = path_;
    auto db = Database::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(Exec(
        "INSERT INTO units (id, uid, display_name, region, kind, active, "
        "create_time, update_time, revision) VALUES "
        "(1, 'u1', 'BUP Syd', 'Syd', 1, 1, 0, 0, 1), "
        "(2, 'u2', 'BUP Nord', 'Nord', 1, 1, 0, 0, 1);"
        "INSERT INTO principals (id, uid, display_name, role, active, scopes, "
        "create_time, update_time, revision) VALUES "
        "(1, 'p1', 'Anna', 3, 1, 0, 0, 0, 1);"
        "INSERT INTO tokens (id, uid, principal_id, secret_hash, display_name, "
        "create_time, expire_time) VALUES (1, 't1', 1, x'01', 'a', 0, 99);"));
  }

  bool Exec(const std::string& sql) {
    absl::Status status =
        db_->Write([&](Connection& db) { return db.Exec(sql); });
    EXPECT_TRUE(status.ok()) << status;
    return status.ok();
  }

  int64_t Generation() {
    int64_t generation = -1;
    EXPECT_TRUE(db_->Read([&](Connection& db) -> absl::Status {
                     auto read = TokenRepository(db).AuthGeneration();
                     if (!read.ok()) return read.status();
                     generation = *read;
                     return absl::OkStatus();
                   })
                    .ok());
    return generation;
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(AuthGenerationTest, EveryChangeToWhoACredentialIsChangesIt) {
  const char* changes[] = {
      "UPDATE tokens SET revoke_time = 5 WHERE id = 1",
      "UPDATE tokens SET expire_time = 50 WHERE id = 1",
      "UPDATE tokens SET secret_hash = x'02' WHERE id = 1",
      "INSERT INTO tokens (id, uid, principal_id, secret_hash, display_name, "
      "create_time, expire_time) VALUES (2, 't2', 1, x'03', 'b', 0, 99)",
      "DELETE FROM tokens WHERE id = 2",
      "UPDATE principals SET active = 0 WHERE id = 1",
      "UPDATE principals SET role = 2 WHERE id = 1",
      "UPDATE principals SET scopes = 4 WHERE id = 1",
      "UPDATE principals SET certificate_subject = 'cn' WHERE id = 1",
      "INSERT INTO principal_units (principal_id, unit_id) VALUES (1, 1)",
      "UPDATE principal_units SET unit_id = 2 WHERE principal_id = 1",
      "DELETE FROM principal_units WHERE principal_id = 1",
      "INSERT INTO principals (id, uid, display_name, role, active, scopes, "
      "create_time, update_time, revision) VALUES "
      "(2, 'p2', 'Bo', 3, 1, 0, 0, 0, 1)",
      "DELETE FROM principals WHERE id = 2",
  };
  for (const char* change : changes) {
    SCOPED_TRACE(change);
    int64_t before = Generation();
    ASSERT_TRUE(Exec(change));
    EXPECT_GT(Generation(), before);
  }
}

TEST_F(AuthGenerationTest, LastUseAndOtherTablesLeaveItAlone) {
  int64_t before = Generation();
  ASSERT_TRUE(Exec("UPDATE tokens SET last_use_time = 7 WHERE id = 1"));
  ASSERT_TRUE(Exec("UPDATE units SET display_name = 'BUP Väst' WHERE id = 1"));
  EXPECT_EQ(Generation(), before);
}

TEST_F(AuthGenerationTest, AChangeRolledBackLeavesItAlone) {
  int64_t before = Generation();
  absl::Status failed = db_->Write([&](Connection& db) -> absl::Status {
    absl::Status revoked =
        db.Exec("UPDATE tokens SET revoke_time = 5 WHERE id = 1");
    if (!revoked.ok()) return revoked;
    return absl::AbortedError("changed my mind");
  });
  EXPECT_TRUE(absl::IsAborted(failed));
  EXPECT_EQ(Generation(), before);
}

}  // namespace
}  // namespace brevis::store
