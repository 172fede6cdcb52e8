-- Units, audits, interview sessions and findings.
-- Conventions: every resource has an integer rowid `id` (the keyset for
-- pagination, never shown to callers) and a random `uid` (the last segment
-- of its resource name). Times are Unix microseconds (UTC). `revision`
-- counts updates and is the resource's etag. Sets of enum values are stored
-- as bit masks (bit n set = value n present).

CREATE TABLE server_keys (
  purpose TEXT PRIMARY KEY,
  secret BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE units (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  region TEXT NOT NULL,
  kind INTEGER NOT NULL,
  hsa_id TEXT,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX units_by_hsa_id ON units (hsa_id) WHERE hsa_id IS NOT NULL;

CREATE TABLE audits (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  unit_id INTEGER NOT NULL REFERENCES units (id),
  title TEXT NOT NULL,
  commissioned_by TEXT NOT NULL,
  focus_areas INTEGER NOT NULL,
  other_focus_area TEXT NOT NULL,
  question_guide TEXT NOT NULL,
  planned_start_date TEXT,
  planned_report_date TEXT,
  planned_follow_up_date TEXT,
  state INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL
) STRICT;
-- Lists walk rows in id order; an index on the filtered columns alone keeps
-- them sorted by id (SQLite appends the rowid), so a page costs the same
-- wherever it starts.
CREATE INDEX audits_by_unit ON audits (unit_id);
CREATE INDEX audits_by_unit_state ON audits (unit_id, state);
CREATE INDEX audits_by_state ON audits (state);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  audit_id INTEGER NOT NULL REFERENCES audits (id),
  session_date TEXT NOT NULL,
  kind INTEGER NOT NULL,
  informant_group INTEGER NOT NULL,
  participant_count INTEGER NOT NULL
    CHECK (participant_count BETWEEN 1 AND 1000),
  create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_audit ON sessions (audit_id);

CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  audit_id INTEGER NOT NULL REFERENCES audits (id),
  focus_area INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  text TEXT NOT NULL,
  informant_groups INTEGER NOT NULL,
  child_rights_articles INTEGER NOT NULL,
  sip INTEGER NOT NULL CHECK (sip IN (0, 1)),
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL
) STRICT;
CREATE INDEX findings_by_audit ON findings (audit_id);
CREATE INDEX findings_by_audit_focus_area ON findings (audit_id, focus_area);
CREATE INDEX findings_by_audit_kind ON findings (audit_id, kind);

-- A create that carried a request_id, with the response it got, so that a
-- retry returns the first result instead of making a duplicate.
CREATE TABLE create_requests (
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  response BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (method, request_id)
) STRICT, WITHOUT ROWID;
