-- Who could read an audit just before a change that took it out of their
-- view. Events are judged when the feed is read, by who may read the audit
-- now; a change that narrows who may read it (a cancellation, a reopen
-- back before PUBLISHED, an auditor taken off the team) must still reach
-- those it shuts out, or their copy of the feed keeps the audit forever.

-- For STATE_CHANGED events: the state the audit left and the state it
-- entered. Whoever could read the audit in prior_state sees the event.
ALTER TABLE events ADD COLUMN prior_state INTEGER
  CHECK (prior_state IS NULL OR prior_state BETWEEN 1 AND 8);
ALTER TABLE events ADD COLUMN state INTEGER
  CHECK (state IS NULL OR state BETWEEN 1 AND 8);

-- The earlier state changes, from the audit's own history of steps (both
-- rows were written by the same call, with the same time and actor).
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

-- Principals a change took off the audit's team: each still sees the event
-- that removed them.
CREATE TABLE event_former_readers (
  sequence INTEGER NOT NULL REFERENCES events (sequence),
  principal_id INTEGER NOT NULL REFERENCES principals (id),
  PRIMARY KEY (principal_id, sequence)
) STRICT, WITHOUT ROWID;
