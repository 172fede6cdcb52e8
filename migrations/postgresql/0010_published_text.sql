-- PostgreSQL form of migrations/0010_published_text.sql: text once
-- published is marked, and the mark stays.

ALTER TABLE findings ADD COLUMN published BIGINT NOT NULL DEFAULT 0
  CHECK (published IN (0, 1));
ALTER TABLE recommendations ADD COLUMN published BIGINT NOT NULL DEFAULT 0
  CHECK (published IN (0, 1));

UPDATE findings SET published = 1
WHERE correction > 0
   OR EXISTS (SELECT 1 FROM audits a WHERE a.id = findings.audit_id
              AND a.state IN (4, 5, 6, 7))
   OR EXISTS (SELECT 1 FROM audit_transitions t
              WHERE t.audit_id = findings.audit_id AND t.to_state = 4
              AND t.time >= findings.create_time);
UPDATE recommendations SET published = 1
WHERE correction > 0
   OR EXISTS (SELECT 1 FROM audits a WHERE a.id = recommendations.audit_id
              AND a.state IN (4, 5, 6, 7))
   OR EXISTS (SELECT 1 FROM audit_transitions t
              WHERE t.audit_id = recommendations.audit_id AND t.to_state = 4
              AND t.time >= recommendations.create_time);
