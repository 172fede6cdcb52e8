-- The unit's actions under each recommendation, and their progress notes.

CREATE TABLE actions (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  recommendation_id INTEGER NOT NULL REFERENCES recommendations (id),
  audit_id INTEGER NOT NULL REFERENCES audits (id),
  unit_id INTEGER NOT NULL REFERENCES units (id),
  description TEXT NOT NULL,
  responsible TEXT NOT NULL,
  due_date TEXT NOT NULL,
  status INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL
) STRICT;
CREATE INDEX actions_by_recommendation ON actions (recommendation_id);
CREATE INDEX actions_by_unit ON actions (unit_id);
CREATE INDEX actions_by_status ON actions (status);

CREATE TABLE action_notes (
  id INTEGER PRIMARY KEY,
  action_id INTEGER NOT NULL REFERENCES actions (id),
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  time INTEGER NOT NULL
) STRICT;
CREATE INDEX action_notes_by_action ON action_notes (action_id);
