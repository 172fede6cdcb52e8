-- Recommendations and the findings each answers.

CREATE TABLE recommendations (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  audit_id INTEGER NOT NULL REFERENCES audits (id),
  text TEXT NOT NULL,
  priority INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL
) STRICT;
CREATE INDEX recommendations_by_audit ON recommendations (audit_id);

CREATE TABLE recommendation_findings (
  recommendation_id INTEGER NOT NULL REFERENCES recommendations (id),
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  PRIMARY KEY (recommendation_id, finding_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX recommendation_findings_by_finding
  ON recommendation_findings (finding_id);
