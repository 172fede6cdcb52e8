-- The change feed: one row per committed mutation, written in the same
-- transaction as the change. Rows are never updated or deleted, so the
-- sequence (the rowid) only grows and is never reused.

CREATE TABLE events (
  sequence INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  resource TEXT NOT NULL,
  kind INTEGER NOT NULL,
  -- The changed field names, comma-separated; empty for none.
  changed_fields TEXT NOT NULL,
  -- The audit and unit the resource belongs to, when it does.
  audit_id INTEGER REFERENCES audits (id),
  unit_id INTEGER REFERENCES units (id),
  -- Who may see it: 0 readers of the audit, 1 the audit's team (interview
  -- sessions), 2 admins (principals and tokens), 3 readers of the unit.
  audience INTEGER NOT NULL CHECK (audience BETWEEN 0 AND 3),
  -- 1 when the audit was published (or later) when the change was made:
  -- only those who could read its drafts see the events from before.
  published INTEGER NOT NULL CHECK (published IN (0, 1))
) STRICT;
CREATE INDEX events_by_audit ON events (audit_id, sequence);
CREATE INDEX events_by_unit ON events (unit_id, sequence);
