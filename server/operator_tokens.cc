#include "server/operator_tokens.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "server/auth/token_secret.h"
#include "server/domain/resource_name.h"
#include "server/domain/status_macros.h"
#include "server/domain/str_cat.h"
#include "server/store/event_repository.h"
#include "server/store/principal_repository.h"
#include "server/store/token_repository.h"

namespace brevis {
namespace {

absl::Status WriteSecretFile(const std::string& path, const std::string& secret,
                             bool replace) {
  std::error_code error;
  if (!replace && std::filesystem::symlink_status(path, error).type() !=
                      std::filesystem::file_type::not_found) {
    return absl::AlreadyExistsError(
        StrCat(path, " exists; choose another --out, or remove it first"));
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  // A new file, created 0600 and never through a link, then renamed into
  // place: the secret is never readable by others, never written where a
  // symbolic link points, and the file is either whole or absent.
  std::string temporary = path + ".new";
  unlink(temporary.c_str());
  int fd = open(temporary.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        StrCat("cannot write ", temporary, ": ", std::strerror(errno)));
  }
  std::string line = secret + "\n";
  bool ok = write(fd, line.data(), line.size()) ==
                static_cast<ssize_t>(line.size()) &&
            fsync(fd) == 0;
  int saved = errno;
  close(fd);
  if (ok) ok = rename(temporary.c_str(), path.c_str()) == 0;
  if (!ok) {
    if (saved == 0) saved = errno;
    unlink(temporary.c_str());
    return absl::FailedPreconditionError(
        StrCat("cannot write ", path, ": ", std::strerror(saved)));
  }
  return absl::OkStatus();
}

// Token changes made on the host go into the change feed like any other,
// as the work of the operator rather than of a principal.
absl::Status RecordOperatorEvent(store::Connection& connection, absl::Time now,
                                 v1::EventKind kind,
                                 const std::string& resource) {
  v1::Event event;
  store::SetTimestamp(store::ToMicros(now), event.mutable_time());
  event.set_actor("operator");
  event.set_resource(resource);
  event.set_kind(kind);
  return store::EventRepository(connection)
      .Append(event, store::EventScope())
      .status();
}

// The first active admin's row id, or a new admin's.
absl::StatusOr<store::PrincipalRecord> FindOrCreateAdmin(
    store::Connection& connection, absl::Time now) {
  store::PrincipalRepository principals(connection);
  store::PrincipalFilter filter;
  filter.role = v1::ROLE_ADMIN;
  filter.active = true;
  BREVIS_ASSIGN_OR_RETURN(auto page, principals.List(filter, 0, 1));
  if (!page.items.empty()) {
    const std::string& name = page.items[0].name();
    return principals.Get(name.substr(name.find('/') + 1));
  }
  v1::Principal admin;
  admin.set_display_name("Administratör");
  admin.set_role(v1::ROLE_ADMIN);
  std::string uid = domain::NewResourceId();
  BREVIS_RETURN_IF_ERROR(principals.Create(uid, {}, now, &admin));
  if (auto s = RecordOperatorEvent(connection, now, v1::EVENT_KIND_CREATED,
                                   admin.name());
      !s.ok()) {
    return s;
  }
  return principals.Get(uid);
}

}  // namespace

std::string DefaultTokenFile(const std::string& db_path) {
  return (std::filesystem::path(db_path).parent_path() / "admin.token")
      .string();
}

absl::StatusOr<std::string> IssueOperatorToken(
    store::Database& db, const domain::Clock& clock,
    std::optional<std::string> principal, const std::string& out_path,
    absl::Duration lifetime, bool replace_file) {
  absl::Time now = clock.Now();
  std::string secret = auth::NewTokenSecret();
  std::string token_name;
  absl::Status status =
      db.Write([&](store::Connection& connection) -> absl::Status {
        absl::StatusOr<store::PrincipalRecord> record;
        if (principal.has_value()) {
          BREVIS_ASSIGN_OR_RETURN(
              domain::name::Principal name,
              domain::ParsePrincipalName(*principal, "--principal"));
          record = store::PrincipalRepository(connection).Get(name.principal);
        } else {
          record = FindOrCreateAdmin(connection, now);
        }
        if (!record.ok()) return record.status();
        if (!record->principal.active()) {
          return absl::FailedPreconditionError(
              StrCat(record->principal.name(), " is inactive"));
        }
        v1::Token token;
        token.set_display_name("issued by brevisd on the database");
        token.mutable_expire_time()->set_seconds(
            absl::ToUnixSeconds(now + lifetime));
        const std::string& name = record->principal.name();
        if (auto s = store::TokenRepository(connection)
                         .Create({name.substr(name.find('/') + 1),
                                  domain::NewResourceId()},
                                 record->id, auth::HashTokenSecret(secret), now,
                                 &token);
            !s.ok()) {
          return s;
        }
        token_name = token.name();
        if (auto s = RecordOperatorEvent(connection, now,
                                         v1::EVENT_KIND_CREATED, token_name);
            !s.ok()) {
          return s;
        }
        // Written before the commit: if the file cannot be written, the token
        // is rolled back rather than left unusable.
        return WriteSecretFile(out_path, secret, replace_file);
      });
  if (!status.ok()) return status;
  return token_name;
}

absl::Status RevokeOperatorToken(store::Database& db,
                                 const domain::Clock& clock,
                                 std::string_view name) {
  BREVIS_ASSIGN_OR_RETURN(auto token_name,
                          domain::ParseTokenName(name, "--name"));
  return db.Write([&](store::Connection& connection) -> absl::Status {
    BREVIS_ASSIGN_OR_RETURN(
        auto principal,
        store::PrincipalRepository(connection).Get(token_name.principal));
    absl::Time now = clock.Now();
    BREVIS_ASSIGN_OR_RETURN(auto token,
                            store::TokenRepository(connection)
                                .Revoke(token_name, principal.id, now));
    return RecordOperatorEvent(connection, now, v1::EVENT_KIND_REVOKED,
                               token.name());
  });
}

}  // namespace brevis
