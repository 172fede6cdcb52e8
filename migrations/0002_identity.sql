-- Principals, their unit scopes and tokens, audit teams, and the access log.

CREATE TABLE principals (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role INTEGER NOT NULL,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  scopes INTEGER NOT NULL,
  certificate_subject TEXT UNIQUE,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL
) STRICT;

-- The units a unit manager (or a unit-limited integration) may see.
CREATE TABLE principal_units (
  principal_id INTEGER NOT NULL REFERENCES principals (id),
  unit_id INTEGER NOT NULL REFERENCES units (id),
  PRIMARY KEY (principal_id, unit_id)
) STRICT, WITHOUT ROWID;

-- An audit's auditor team.
CREATE TABLE audit_auditors (
  audit_id INTEGER NOT NULL REFERENCES audits (id),
  principal_id INTEGER NOT NULL REFERENCES principals (id),
  PRIMARY KEY (audit_id, principal_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX audit_auditors_by_principal
  ON audit_auditors (principal_id, audit_id);

-- Bearer tokens, kept only as the SHA-256 of the secret.
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  principal_id INTEGER NOT NULL REFERENCES principals (id),
  secret_hash BLOB NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  revoke_time INTEGER,
  last_use_time INTEGER
) STRICT;
CREATE INDEX tokens_by_principal ON tokens (principal_id);

-- Who read and changed which audit content. Append-only for every call;
-- only the retention purge deletes, and it logs itself.
CREATE TABLE access_log (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  principal TEXT NOT NULL,
  method TEXT NOT NULL,
  kind INTEGER NOT NULL,
  resource TEXT NOT NULL,
  request_id TEXT NOT NULL,
  peer TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX access_log_by_time ON access_log (time);
CREATE INDEX access_log_by_principal ON access_log (principal);
CREATE INDEX access_log_by_resource ON access_log (resource);
