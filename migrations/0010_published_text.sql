-- Text once published is never lost, however the audit moves afterwards
-- (reopened to REPORTING, cancelled): findings and recommendations that
-- were part of a published report are marked, and the mark stays. A marked
-- one changes only by a correction that keeps the version it replaces, and
-- it is never deleted. What is written after a reopen is a draft until the
-- audit is published again.

ALTER TABLE findings ADD COLUMN published INTEGER NOT NULL DEFAULT 0
  CHECK (published IN (0, 1));
ALTER TABLE recommendations ADD COLUMN published INTEGER NOT NULL DEFAULT 0
  CHECK (published IN (0, 1));

-- Content of databases made before: what existed when its audit was
-- published, what has been corrected since, and all of an audit that is
-- published now.
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
