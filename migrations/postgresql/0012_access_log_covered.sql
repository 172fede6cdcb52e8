-- PostgreSQL form of migrations/0012_access_log_covered.sql: one
-- access-log entry per call and audit, with the names it covered.
ALTER TABLE access_log ADD COLUMN covered_parent TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN covered TEXT NOT NULL DEFAULT '';
