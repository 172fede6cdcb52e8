-- The unit's responses, the follow-up verdicts, feedback to service users,
-- and the record of every lifecycle step.

CREATE TABLE recommendation_responses (
  recommendation_id INTEGER PRIMARY KEY REFERENCES recommendations (id),
  decision INTEGER NOT NULL,
  rationale TEXT NOT NULL,
  author TEXT NOT NULL,
  time INTEGER NOT NULL
) STRICT;

CREATE TABLE recommendation_verdicts (
  recommendation_id INTEGER PRIMARY KEY REFERENCES recommendations (id),
  verdict INTEGER NOT NULL,
  comment TEXT NOT NULL,
  author TEXT NOT NULL,
  time INTEGER NOT NULL
) STRICT;

CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  audit_id INTEGER NOT NULL REFERENCES audits (id),
  feedback_date TEXT NOT NULL,
  audiences INTEGER NOT NULL,
  form INTEGER NOT NULL,
  note TEXT NOT NULL,
  create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_by_audit ON feedback (audit_id);

CREATE TABLE audit_transitions (
  id INTEGER PRIMARY KEY,
  audit_id INTEGER NOT NULL REFERENCES audits (id),
  from_state INTEGER NOT NULL,
  to_state INTEGER NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  time INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_transitions_by_audit ON audit_transitions (audit_id);
