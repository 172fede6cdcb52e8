-- PostgreSQL form of migrations/0009_event_former_readers.sql: who could
-- read an audit just before a change that took it out of their view.

ALTER TABLE events ADD COLUMN prior_state BIGINT
  CHECK (prior_state IS NULL OR prior_state BETWEEN 1 AND 8);
ALTER TABLE events ADD COLUMN state BIGINT
  CHECK (state IS NULL OR state BETWEEN 1 AND 8);

UPDATE events
SET prior_state = (SELECT t.from_state FROM audit_transitions t
                   WHERE t.audit_id = events.audit_id
                     AND t.time = events.time AND t.actor = events.actor
                   ORDER BY t.id LIMIT 1),
    state = (SELECT t.to_state FROM audit_transitions t
             WHERE t.audit_id = events.audit_id
               AND t.time = events.time AND t.actor = events.actor
             ORDER BY t.id LIMIT 1)
WHERE kind = 4 AND audit_id IS NOT NULL;

CREATE TABLE event_former_readers (
  sequence BIGINT NOT NULL REFERENCES events (sequence),
  principal_id BIGINT NOT NULL REFERENCES principals (id),
  PRIMARY KEY (principal_id, sequence)
);
