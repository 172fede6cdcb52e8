-- PostgreSQL form of migrations/0008_events.sql: the change feed. In SQLite
-- the sequence is the rowid, which the one writer makes gapless and in
-- commit order. Here the writer assigns it (an identity column's sequence
-- skips numbers on rollback and hands them out in start order, not commit
-- order): see docs/architecture.md, "PostgreSQL".

CREATE TABLE events (
  sequence BIGINT PRIMARY KEY,
  time BIGINT NOT NULL,
  actor TEXT NOT NULL,
  resource TEXT NOT NULL,
  kind BIGINT NOT NULL,
  changed_fields TEXT NOT NULL,
  audit_id BIGINT REFERENCES audits (id),
  unit_id BIGINT REFERENCES units (id),
  audience BIGINT NOT NULL CHECK (audience BETWEEN 0 AND 3),
  published BIGINT NOT NULL CHECK (published IN (0, 1))
);
CREATE INDEX events_by_audit ON events (audit_id, sequence);
CREATE INDEX events_by_unit ON events (unit_id, sequence);
